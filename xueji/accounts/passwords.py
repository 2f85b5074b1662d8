"""The registry's own password rules, with Chinese messages: length in characters (a 汉字 is one, not three bytes),
not blank, not one character repeated, not the username."""

from django.core.exceptions import ValidationError

MAX_LENGTH = 128
# Shorter usernames ("xd") occur inside good passwords by chance; from this length on, containing one is refused.
CONTAINED_USERNAME_MIN = 4


class RegistryPasswordValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        problems = []
        if not password.strip():
            problems.append("密码不能为空,也不能全部是空格")
        elif len(password.strip()) < self.min_length:
            # Characters, as the user counts them: "密码密码密码" is six, however many bytes it takes.
            problems.append(f"密码至少须有{self.min_length}个字符(不计首尾空格,汉字每个算1个字符),"
                            f"当前只有{len(password.strip())}个")
        elif len(set(password.strip())) == 1:
            problems.append("密码不能由同一个字符重复组成")
        if len(password) > MAX_LENGTH:
            problems.append(f"密码不能超过{MAX_LENGTH}个字符")
        username = (getattr(user, "username", "") or "").strip().casefold()
        folded = password.strip().casefold()
        if username and folded == username:
            problems.append("密码不能与用户名相同")
        elif len(username) >= CONTAINED_USERNAME_MIN and username in folded:
            problems.append("密码不能包含用户名")
        if problems:
            raise ValidationError(problems, code="password_rules")

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符,不能全部是空格,不能与用户名相同或包含用户名"

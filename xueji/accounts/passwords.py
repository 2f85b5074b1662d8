"""The registry's own password rules, with Chinese messages: length in characters (a 汉字 is one, not three bytes),
not blank, not one character repeated, not the username."""

from django.contrib.auth import password_validation
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


# What a guesser tries first against this registry: its own name, the province and its capital, the words of the
# trade, each with digits or punctuation around them ("xueji2026", "Shanxi@123").
REGISTRY_WORDS = frozenset({
    "xueji", "xuejixitong", "xuejiguanli", "shanxi", "shanxisheng", "taiyuan", "jiaoyu", "jiaoyuju", "xuexiao",
    "guanliyuan", "admin", "mima", "password",
})


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, plus the registry's own words dressed with digits, with a
    Chinese message that says what to do instead."""

    def validate(self, password: str, user=None) -> None:
        folded = password.lower().strip()
        letters = "".join(ch for ch in folded if ch.isalpha())
        if folded in self.passwords or (letters and letters in REGISTRY_WORDS):
            raise ValidationError("密码过于常见(在常见密码表中,或只是系统名称、地名加数字),很容易被猜中;"
                                  "请换一个,例如用几个不相关的词加数字组成", code="password_too_common")

    def get_help_text(self) -> str:
        return "密码不能是常见密码,也不能只是系统名称或地名加数字"

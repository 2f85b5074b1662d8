"""The lifelong 学籍号: one person, one number (第十一条), 19 characters, one letter and 18 digits.

G + 居民身份证 number; J + division + birth date + sequence + GB 11643 check character (formal,
no usable ID); L + division + birth date + 4 random digits (temporary, identity not yet verified).
G and J never change once issued; an L is replaced by a formal number, and stays an alias.
"""

from __future__ import annotations

import datetime

from xueji.policy.idcard import check_digit, is_valid_resident_id, normalize_id
from xueji.policy.violations import Violation

ARTICLE = "第十一条"
LENGTH = 19


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _division(division6: str) -> str:
    text = str(division6).strip()
    if len(text) != 6 or not _digits(text):
        raise ValueError(f"学校所在地行政区划代码应为6位数字:{division6!r}")
    return text


def g_number(id_number: str) -> str:
    """G + the 18-character 居民身份证 number; the ID must be valid."""
    number = normalize_id(id_number)
    if not is_valid_resident_id(number):
        raise ValueError(f"不是有效的居民身份证号:{id_number!r}")
    return "G" + number


def j_number(division6: str, birth_date: datetime.date, seq: int) -> str:
    """J + school division + birth date + 3-digit sequence + check character over those 17 digits."""
    if not 0 <= seq <= 999:
        raise ValueError("J号顺序码应在000至999之间")
    body = f"{_division(division6)}{birth_date:%Y%m%d}{seq:03d}"
    return "J" + body + check_digit(body)


def l_number(division6: str, birth_date: datetime.date, rand4: int) -> str:
    """L + school division + birth date + 4 random digits: a temporary number."""
    if not 0 <= rand4 <= 9999:
        raise ValueError("L号随机码应在0000至9999之间")
    return f"L{_division(division6)}{birth_date:%Y%m%d}{rand4:04d}"


def kind_of(number: str) -> str | None:
    """'G', 'J' or 'L' by the leading letter of a 19-character number, else None."""
    text = normalize_id(number)
    if len(text) == LENGTH and text[0] in "GJL":
        return text[0]
    return None


def is_lifelong(number: str | None) -> bool:
    """Whether a number, once issued, stays with the person whatever becomes of his ID (第十一条 终身不变).

    G and J numbers are formal and lifelong; only a temporary L number gives way to a formal one, once the
    identity it was waiting for is settled. A G number keeps the ID it was made from even after the ID is
    corrected: the number is the person's, not the ID's."""
    return kind_of(number or "") in ("G", "J")


def validate_student_number(number: str) -> list[Violation]:
    """Problems with a 学籍号, each naming 第十一条."""
    text = normalize_id(number)
    if len(text) != LENGTH:
        return [_bad("sn_length", f"学籍号应为19位,现为{len(text)}位,请核对学籍号")]
    checks = {"G": _check_g, "J": _check_j, "L": _check_l}
    check = checks.get(text[0])
    if check is None:
        return [_bad("sn_prefix", "学籍号首字母应为G、J或L,请核对学籍号")]
    return check(text[1:])


def _bad(code: str, message: str) -> Violation:
    return Violation(code, message, ARTICLE, "student_number")


def _real_date(text: str) -> bool:
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def _check_g(rest: str) -> list[Violation]:
    if is_valid_resident_id(rest):
        return []
    return [_bad("sn_g_invalid_id", "G字头学籍号的后18位须为有效的居民身份证号,请核对学籍号")]


def _check_j(rest: str) -> list[Violation]:
    if not _digits(rest[:17]) or not _real_date(rest[6:14]):
        return [_bad("sn_format", "J字头学籍号应为6位区划码、8位出生日期、3位顺序码和1位校验码")]
    expected = check_digit(rest[:17])
    if rest[17] != expected:
        return [_bad("sn_check_digit", f"学籍号校验位错误:第19位应为{expected},请核对学籍号")]
    return []


def _check_l(rest: str) -> list[Violation]:
    if _digits(rest) and _real_date(rest[6:14]):
        return []
    return [_bad("sn_format", "L字头学籍号应为6位区划码、8位出生日期和4位随机码,请核对学籍号")]

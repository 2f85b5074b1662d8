"""The 18-character 居民身份证 number of GB 11643-1999, implemented here from the standard.

Layout: 6-digit area code, 8-digit birth date, 3-digit sequence (odd = male), check character.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from decimal import Decimal

from xueji.policy.areas import is_known_area
from xueji.policy.violations import WARNING, Violation

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900

EXCEL_FLOAT_MESSAGE = "身份证件号被表格软件转换成了数字,末几位已丢失,请把该列设为文本格式后重新填写"

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")
_DOT_ZERO = re.compile(r"^\d{15,18}\.0*$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.0*)?$")


def normalize_id(raw: object) -> str:
    """Strip spaces, turn full-width characters to ASCII and upper-case a trailing x."""
    if raw is None:
        return ""
    # NFKC maps full-width digits and letters (１２３Ｘ) to ASCII.
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def check_char_of_digits(first17: str) -> str:
    """check_digit for 17 characters already known to be ASCII digits, in one C call instead of 17 products.

    The weights are 2^17 … 2^1 modulo 11, so the weighted sum is 2 · Σ dᵢ·2^(16−i) (mod 11); and 13 ≡ 2
    (mod 11), so Σ dᵢ·2^(16−i) ≡ Σ dᵢ·13^(16−i) = int(first17, 13) (digits 0–9 are digits in base 13).
    tests/policy/test_policy_idcard.py compares it with check_digit."""
    return CHECK_CHARS[2 * int(first17, 13) % 11]


@functools.lru_cache(maxsize=1 << 16)
def date_of_digits(digits: str) -> datetime.date | None:
    """The date written YYYYMMDD, or None when there is no such day. Remembered: a province's students and
    guardians were born on some tens of thousands of days, and a bulk import reads each of them many times."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def birth_date_of_digits(digits: str, latest: datetime.date) -> datetime.date | None:
    """The birth date an ID number writes YYYYMMDD, or None when there is no such day, or it is before
    EARLIEST_BIRTH_YEAR or after `latest`."""
    value = date_of_digits(digits)
    if value is None or value.year < EARLIEST_BIRTH_YEAR or value > latest:
        return None
    return value


def _parse_date(text: str) -> datetime.date | None:
    return birth_date_of_digits(text, datetime.date.today())


def _has_valid_shape(number: str) -> bool:
    body_ok = number[:17].isascii() and number[:17].isdigit()
    return len(number) == 18 and body_ok and (number[17] in "0123456789X")


def birth_date_of(number: str) -> datetime.date:
    """The birth date inside the number; ValueError when it is not a real date."""
    number = normalize_id(number)
    value = _parse_date(number[6:14]) if _has_valid_shape(number) else None
    if value is None:
        raise ValueError(f"no valid birth date in {number!r}")
    return value


def gender_of(number: str) -> str:
    """GB/T 2261.1 gender code from the sequence: odd 17th digit is 1 (男), even is 2 (女)."""
    number = normalize_id(number)
    if not _has_valid_shape(number):
        raise ValueError(f"not an 18-character ID number: {number!r}")
    return "1" if int(number[16]) % 2 else "2"


def is_valid_resident_id(number: str) -> bool:
    """Shape, real birth date and check character; the area code is not required to exist."""
    number = normalize_id(number)
    if not _has_valid_shape(number):
        return False
    if _parse_date(number[6:14]) is None:
        return False
    return check_digit(number[:17]) == number[17]


def validate_resident_id(
    number: str,
    *,
    birth_date: datetime.date | None = None,
    gender: str | None = None,
    field: str = "id_number",
) -> list[Violation]:
    """Every problem with a 居民身份证 number, each with a Chinese message saying the fix."""
    number = normalize_id(number)
    shape = _shape_violations(number, field)
    if shape:
        return shape
    found = _date_and_check_violations(number, field)
    if found:
        return found
    found += _birth_mismatch(number, birth_date)
    found += _gender_mismatch(number, gender)
    found += _area_warning(number, field)
    return found


def _shape_violations(number: str, field: str) -> list[Violation]:
    if not number:
        return [Violation("id_empty", "身份证件号为空,请填写18位居民身份证号码", field=field)]
    if len(number) != 18:
        hint = ",15位旧证号码请换用18位新号码" if len(number) == 15 else ""
        message = f"身份证件号应为18位,现为{len(number)}位{hint},请核对证件号"
        return [Violation("id_length", message, field=field)]
    if not _has_valid_shape(number):
        position = _first_bad_position(number)
        message = f"身份证件号第{position}位字符无效:前17位须为数字,第18位为数字或X,请核对证件号"
        return [Violation("id_format", message, field=field)]
    return []


def _first_bad_position(number: str) -> int:
    for index, char in enumerate(number[:17]):
        if not (char.isascii() and char.isdigit()):
            return index + 1
    return 18


def _date_and_check_violations(number: str, field: str) -> list[Violation]:
    found = []
    if _parse_date(number[6:14]) is None:
        message = f"身份证件号第7至14位的出生日期{number[6:14]}不是有效日期,请核对证件号"
        found.append(Violation("id_birth_date", message, field=field))
    expected = check_digit(number[:17])
    if expected != number[17]:
        message = f"身份证件号校验位错误:第18位应为{expected},请核对证件号"
        found.append(Violation("id_check_digit", message, field=field))
    return found


def _birth_mismatch(number: str, birth_date: datetime.date | None) -> list[Violation]:
    inside = birth_date_of(number)
    if birth_date is None or birth_date == inside:
        return []
    message = (
        f"出生日期{birth_date.isoformat()}与身份证件号中的出生日期{inside.isoformat()}不一致,"
        "请核对出生日期或身份证件号"
    )
    return [Violation("id_birth_mismatch", message, field="birth_date")]


def _gender_mismatch(number: str, gender: str | None) -> list[Violation]:
    inside = gender_of(number)
    if gender is None or str(gender) == inside:
        return []
    said = {"1": "男", "2": "女"}.get(str(gender), str(gender))
    implied = "男" if inside == "1" else "女"
    message = f"性别({said})与身份证件号第17位表示的性别({implied})不一致,请核对性别或身份证件号"
    return [Violation("id_gender_mismatch", message, field="gender")]


def _area_warning(number: str, field: str) -> list[Violation]:
    if is_known_area(number[:6]):
        return []
    message = f"身份证件号前6位地区码{number[:6]}不是已知的行政区划代码,请核对证件号"
    return [Violation("id_area_unknown", message, field=field, severity=WARNING)]


def looks_like_excel_float(raw: object) -> bool:
    """True when a spreadsheet stored the ID as a number: 15 significant digits survive, the rest is lost.

    Only what really came as a number says so: a numeric cell, or text in a number's notation (1.40105E+17,
    140105201001011000.0, 140,105,…). Eighteen digits typed as text are an ID as typed, even ending in 000:
    a wrong last character there is a wrong check digit, and the registrar is told that.
    """
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float | Decimal):
        return True
    text = normalize_id(raw)
    return bool(_SCIENTIFIC.match(text) or _DOT_ZERO.match(text) or _GROUPED.match(text))

"""Turning raw cell values (strings, spreadsheet floats, dates) into canonical Python values.

Each parser returns None when the value cannot be read; callers decide what to report.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Spreadsheet serial day 0; Excel's fake 1900-02-29 only matters before March 1900.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_FULL_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月|[-/.月]\d{1,2}日?)?$")
_COMPACT_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_TRUE = {"是", "1", "TRUE", "YES", "Y", "T"}
_FALSE = {"否", "0", "FALSE", "NO", "N", "F"}
_DISTANCE_UNITS = ("公里", "千米", "KM")


def is_blank(value: object) -> bool:
    """None, empty or whitespace-only text, and the NaN a spreadsheet gives for an empty cell."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number_text(value: object) -> str:
    """'12' for 12.0: spreadsheets return every whole number as a float."""
    if is_number(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def clean_text(value: object) -> str:
    """The value as stripped text; whole floats lose their '.0'."""
    return number_text(value).strip()


def ascii_text(value: object) -> str:
    """Stripped text with full-width digits, letters and punctuation made ASCII."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = "".join(text.split())
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def parse_date(value: object) -> datetime.date | None:
    """A date from date/datetime, 20150302, 2015-03-02, 2015/3/2, 2015.3.2, 2015年3月2日 or a serial."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if is_number(value):
        return _date_from_number(value)
    # A datetime rendered as text carries a time part: "2015-03-02 00:00:00".
    text = ascii_text(re.split(r"[ T]", str(value).strip(), maxsplit=1)[0])
    match = _COMPACT_DATE.match(text) or _FULL_DATE.match(text)
    return _make_date(*match.groups()) if match else None


def _date_from_number(value: object) -> datetime.date | None:
    number = float(value)
    if not number.is_integer():
        return None
    whole = int(number)
    if 10_000_000 <= whole <= 99_999_999:
        return parse_date(str(whole))
    if 1 <= whole < 100_000:
        # A date cell read without its format arrives as a serial day count.
        return EXCEL_EPOCH + datetime.timedelta(days=whole)
    return None


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_year_month(value: object) -> str | None:
    """'YYYYMM' from 201509, 2015-09, 2015/9, 2015年9月, 2015-09-01 or a date."""
    if isinstance(value, datetime.date):
        return f"{value.year:04d}{value.month:02d}"
    text = ascii_text(value)
    match = _COMPACT_YEAR_MONTH.match(text) or _YEAR_MONTH.match(text)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return f"{year:04d}{month:02d}" if 1 <= month <= 12 and year >= 1900 else None


def parse_bool(value: object) -> bool | None:
    """True/False from 是/否, 1/0, 1.0/0.0, true/false, yes/no."""
    if isinstance(value, bool):
        return value
    text = ascii_text(value).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_decimal(value: object) -> Decimal | None:
    """A finite Decimal; a trailing 公里/千米/km is allowed."""
    text = ascii_text(value).upper()
    for unit in _DISTANCE_UNITS:
        text = text.removesuffix(unit)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_division(value: object) -> str | None:
    """A 6-digit division code; a 12-digit statistical code keeps its first 6 digits."""
    text = ascii_text(value)
    if not (text.isascii() and text.isdigit()):
        return None
    if len(text) == 12:
        return text[:6]
    return text if len(text) == 6 else None


def parse_postcode(value: object) -> str:
    """Postcode text; a number gets back the leading zero a spreadsheet dropped (030000)."""
    text = ascii_text(value)
    if is_number(value) and text.isdigit():
        return text.zfill(6)
    return text

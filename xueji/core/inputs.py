"""Reading numbers a user typed (URL parts, query strings, form fields) without trusting them.

`str.isdigit()` is true for "³" and "①", which `int()` then refuses, and an unbounded number overflows the
database's BIGINT: both became server errors. Every user-typed id or count is read through these instead.
"""

import datetime

# The largest value of a BIGINT column, the widest integer key on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1
# The years the registry deals in (entry years, school years, the working-day calendar).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_digits(value: object) -> bool:
    """True for non-empty text of ASCII digits 0–9 only (not "³", "①", "٣" or full-width digits)."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def parse_int(value: object, low: int, high: int) -> int | None:
    """A whole number typed as ASCII digits (or given as an int) within [low, high]; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        # The length test comes first: int() of a few thousand digits is slow, then refused.
        if len(text) > len(str(high)) + 2 or not is_digits(text):
            return None
        number = int(text)
    return number if low <= number <= high else None


def parse_id(value: object) -> int | None:
    """A record id (1 … BIGINT's maximum) typed by a user; None when it cannot be one, so the caller answers 404."""
    return parse_int(value, 1, MAX_ID)


def parse_date(value: object) -> datetime.date | None:
    """A date typed as YYYY-MM-DD (an <input type="date">); None for anything else, so the caller names the field."""
    try:
        return datetime.date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None

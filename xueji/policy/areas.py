"""Every GB/T 2260 division code ever listed, for checking area codes in IDs and fields.

Old ID numbers carry codes that were retired long ago, so "known" means listed at any time.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

AreaPeriod = tuple[str, int | None, int | None]


@cache
def _table() -> dict[str, list[AreaPeriod]]:
    # Loaded on first use so importing the policy package stays cheap.
    text = (files("xueji.policy.data") / "areas.tsv").read_text(encoding="utf-8")
    table: dict[str, list[AreaPeriod]] = {}
    for line in text.splitlines()[1:]:
        code, name, start, end = line.split("\t")
        table.setdefault(code, []).append((name, _year(start), _year(end)))
    return table


def _year(text: str) -> int | None:
    return int(text) if text else None


def is_known_area(code6: str) -> bool:
    """True when the 6-digit code was a division code at any time."""
    return str(code6) in _table()


def area_name(code6: str) -> str | None:
    """The latest name listed for the code, or None when the code was never listed."""
    periods = _table().get(str(code6))
    return periods[-1][0] if periods else None


def area_history(code6: str) -> list[AreaPeriod]:
    """All (name, valid_from, valid_to) periods of the code; years are None when open."""
    return list(_table().get(str(code6), []))


def is_current_area(code6: str) -> bool:
    """True when the code's latest period has no closing year."""
    periods = _table().get(str(code6))
    return bool(periods) and periods[-1][2] is None

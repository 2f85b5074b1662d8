"""Counts that stop early: a list of a province's students is never counted to the end on every request.

`SELECT COUNT(*) FROM (… LIMIT cap + 1)` reads at most cap + 1 rows through whatever index the list uses, so a
page costs the same for a school of 800 students and a province of 5,000,000; above the cap the page says
"10,000+" and asks the user to narrow the search.
"""

from django.db.models import QuerySet

COUNT_CAP = 10_000


def bounded_count(items, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(the count, True when there are more than `cap`, in which case the count is `cap`)."""
    if not isinstance(items, QuerySet):
        return len(items), False  # already in memory
    return capped(items.order_by()[: cap + 1].count(), cap)


def capped(n: int, cap: int | None = None) -> tuple[int, bool]:
    """A count of `n` as lists show it: (n, False), or (cap, True) above the cap (COUNT_CAP unless given)."""
    cap = COUNT_CAP if cap is None else cap
    return (cap, True) if n > cap else (n, False)


def count_text(count: int, more: bool) -> str:
    return f"{count:,}+" if more else str(count)

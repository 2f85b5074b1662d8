"""Which closed records let the same person be admitted again under a new, linked record (第三十条).

The record does not know which change closed it, nor why; the change types that can close a record in such a way
register a test here (today: the withdrawal to settle abroad, 第二十八、二十九条), so the record imports none of them.
"""

from collections.abc import Callable

_TESTS: list[Callable[[object], bool]] = []


def register(test: Callable[[object], bool]) -> Callable[[object], bool]:
    if test not in _TESTS:
        _TESTS.append(test)
    return test


def allows_new_record(record) -> bool:
    """Whether this closed record's person may be admitted anew, linked to it (第三十条)."""
    return any(test(record) for test in _TESTS)

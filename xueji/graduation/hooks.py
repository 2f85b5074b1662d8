"""Where other capabilities plug their graduation conditions in, so graduation imports none of them.

A capability that records a condition of graduation (the high-school conditions of 第三十五条, say) registers a
function from its AppConfig.ready():

    register_condition_check(fn)   # fn(students: list[Student], school_year: int) -> {student.pk: [Violation, …]}

`unmet(students, school_year)` asks every registered check and returns, per student id, the violations that
refuse graduation (empty list: every condition met). With no check registered, nothing is unmet.
"""

from collections.abc import Callable, Sequence

from xueji.policy.violations import Violation

ConditionCheck = Callable[[Sequence, int], dict[int, list[Violation]]]

_CHECKS: list[ConditionCheck] = []


def register_condition_check(check: ConditionCheck) -> ConditionCheck:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def unmet(students: Sequence, school_year: int) -> dict[int, list[Violation]]:
    result: dict[int, list[Violation]] = {student.pk: [] for student in students}
    for check in _CHECKS:
        for pk, violations in check(students, school_year).items():
            result.setdefault(pk, []).extend(violations)
    return result

"""The check graduation asks (xueji/graduation/hooks.py): which 第三十五条 conditions each student has not met."""

from collections.abc import Sequence

from xueji.policy import graduation_conditions as rules
from xueji.policy.province import SENIOR, get_policy
from xueji.policy.violations import Violation

from .selectors import summaries


def unmet_for_graduation(students: Sequence, school_year: int) -> dict[int, list[Violation]]:
    """Set-based: a few queries for the whole batch (30,000 students of a city are one call). Only 普通高中 students
    have these conditions; a primary or junior-high graduate is not asked (第三十四条 sets no such list)."""
    policy = get_policy()
    seniors = [s.pk for s in students if policy.stage_of_grade(s.grade) == SENIOR]
    return {pk: rules.unmet_conditions(summary, policy) for pk, summary in summaries(seniors, school_year).items()}

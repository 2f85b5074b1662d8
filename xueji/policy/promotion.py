"""升级 (第十六条): which grades the system moves up at the start of a school year, and when it may do so.

Pure data and small functions, no Django. A grade g of a school type moves to g + 1 when that type teaches g + 1
and g is not the last grade of its stage (六年级, 初三, 高三 graduate, 第三十四、三十五条), except the
policy's through-train grades: in a school that goes on to the next grade itself (九年一贯制 / 十二年一贯制 and
special-education schools teach both 六年级 and 初一, 第九条) 六年级 moves to 初一 inside the school, as the
registry already treats them (ProvincePolicy.through_train_grades, 第二十条 毕业年级). 初三 never moves to 高一 by
the system: 普通高中 is entered by admission, not promotion (第十二条).
"""

from __future__ import annotations

from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A16 = "第十六条"


def promoted_grades(school_type: str, *, policy: ProvincePolicy | None = None) -> frozenset[int]:
    """The grades of a school type whose students the annual promotion moves up one grade."""
    policy = policy or get_policy()
    taught = policy.school_type(school_type).grades
    return frozenset(g for g in taught if g + 1 in taught
                     and (g not in policy.graduating_grades or g in policy.through_train_grades))


def promotion_plan(policy: ProvincePolicy | None = None) -> tuple[frozenset[int], dict[int, frozenset[str]]]:
    """(grades promoted in every school type that teaches them, {other grade: the school types promoting it}).

    The set-based promotion tests the first part on the student row alone and needs the school's type only for
    the few grades where types differ (六年级 in a 九年一贯制 school)."""
    policy = policy or get_policy()
    by_type = {code: promoted_grades(code, policy=policy) for code in policy.school_types}
    teaching = {code: frozenset(rule.grades) for code, rule in policy.school_types.items()}
    everywhere = frozenset(g for g in range(1, 13)
                           if all(g in by_type[c] for c in by_type if g in teaching[c])
                           and any(g in by_type[c] for c in by_type))
    extra: dict[int, set[str]] = {}
    for code, grades in by_type.items():
        for grade in grades - everywhere:
            extra.setdefault(grade, set()).add(code)
    return everywhere, {grade: frozenset(codes) for grade, codes in sorted(extra.items())}


def next_grade(school_type: str, grade: int, *, policy: ProvincePolicy | None = None) -> int | None:
    """The grade a student of this school type and grade is promoted to, or None (he graduates or stays)."""
    return grade + 1 if grade in promoted_grades(school_type, policy=policy) else None


def school_year_label(year: int) -> str:
    return f"{year}–{year + 1}学年"


def check_rollover_year(year: int, *, current: int, terms_set: bool, running: int | None = None) -> list[Violation]:
    """Whether the province may open school year `year` now (第十六条: the system promotes once a year).

    `current` is the school year the registry is in, `terms_set` whether the new year's terms are entered,
    `running` the year of a promotion still unfinished, if any."""
    if running is not None and running != year:
        return [Violation("rollover_unfinished", f"{school_year_label(running)}的升级尚未完成,请先完成后再开启下一学年"
                          f"({A16})", A16, "year")]
    if year != current + 1 and running != year:
        expected = current + 1
        return [Violation("rollover_not_next", f"只能开启下一学年{school_year_label(expected)}(填写{expected}),"
                          f"当前为{school_year_label(current)};{year}不是下一学年({A16})", A16, "year")]
    if not terms_set:
        return [Violation("rollover_terms_missing", f"{school_year_label(year)}的学期日期尚未设置:请先在“工作日历”中"
                          f"设置该学年的学期,再开启升级({A16})", A16, "year")]
    return []


def grade_label(grade: int) -> str:
    return GRADE_LABELS.get(grade, str(grade))

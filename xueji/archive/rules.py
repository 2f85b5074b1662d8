"""第四十条 discipline measures as data and one check: which stage may receive which measure, which go in the
student's archive, how long 留校察看 may last, and which needs the city's approval.

Pure Python (no Django), in the shape of the policy package's change modules, so it can move there unchanged.
"""

from __future__ import annotations

import datetime

from xueji.policy.changes.common import add_years, grade_label
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A40 = "第四十条"
WARNING, SERIOUS_WARNING, DEMERIT, PROBATION, EXPULSION = "警告", "严重警告", "记过", "留校察看", "开除学籍"
LEVELS = (WARNING, SERIOUS_WARNING, DEMERIT, PROBATION, EXPULSION)
# 义务教育阶段学生处分分警告、严重警告、记过.
COMPULSORY_LEVELS = (WARNING, SERIOUS_WARNING, DEMERIT)
# 学生受到记过以上处分,须记入学生的学籍档案.
ARCHIVED_LEVELS = (DEMERIT, PROBATION, EXPULSION)


def in_archive(level: str) -> bool:
    return level in ARCHIVED_LEVELS


def probation_end(decided_on: datetime.date, policy: ProvincePolicy | None = None) -> datetime.date:
    """The latest end of a 留校察看: one year after the decision."""
    return add_years(decided_on, (policy or get_policy()).probation_max_years)


def check_discipline(
    level: str,
    *,
    grade: int,
    decided_on: datetime.date,
    ends_on: datetime.date | None,
    today: datetime.date,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Every reason the school may not record this measure itself."""
    policy = policy or get_policy()
    if level not in LEVELS:
        return [Violation("discipline_level_unknown", f"处分只有{'、'.join(LEVELS)}五种({A40})", A40, "level")]
    found = []
    if policy.is_compulsory(grade) and level not in COMPULSORY_LEVELS:
        found.append(Violation(
            "discipline_level_not_for_stage",
            f"义务教育阶段({grade_label(grade)})学生处分只有{'、'.join(COMPULSORY_LEVELS)}({A40})",
            A40, "level"))
    elif level == EXPULSION:
        found.append(Violation(
            "discipline_expulsion_needs_city",
            f"开除普通高中学生学籍须报市级教育主管部门批准,学校不能直接记录:请发起开除学籍申请({A40})",
            A40, "level"))
    if decided_on > today:
        found.append(Violation("discipline_future", "处分决定日期不能晚于今天", None, "decided_on"))
    if ends_on is not None and ends_on < decided_on:
        found.append(Violation("discipline_dates", "处分期满日期不能早于决定日期", None, "ends_on"))
    if level == PROBATION and ends_on is not None and ends_on > probation_end(decided_on, policy):
        found.append(Violation(
            "discipline_probation_too_long",
            f"留校察看时间最长不超过{policy.probation_max_years}年,期满日最晚为"
            f"{probation_end(decided_on, policy):%Y年%m月%d日}({A40})", A40, "ends_on"))
    return found


def check_expulsion(*, grade: int, misconduct: str, policy: ProvincePolicy | None = None) -> list[Violation]:
    """Whether the school may propose to expel (开除学籍) a student: only in high school (第四十条), and the
    misconduct must be written down for the city to judge."""
    policy = policy or get_policy()
    if policy.is_compulsory(grade):
        return [Violation(
            "expulsion_compulsory",
            f"义务教育阶段({grade_label(grade)})学生不能开除学籍,处分只有{'、'.join(COMPULSORY_LEVELS)}({A40})",
            A40, "student")]
    if len((misconduct or "").strip()) < 2:
        return [Violation("required", "请填写违纪事实(misconduct),供市级教育主管部门审批", None, "misconduct")]
    return []


# ---------------------------------------------------------------- 奖励 第三十九条

A39 = "第三十九条"
# 凡受到校级以上的奖励,应记入学生的学籍档案: the five levels the archive keeps, lowest first.
AWARD_LEVELS = ("校级", "县级", "市级", "省级", "国家级")


def check_award(
    level: str, *, title: str, awarding_body: str, awarded_on: datetime.date | None, today: datetime.date
) -> list[Violation]:
    """Every reason an award cannot enter the archive as given."""
    found = []
    if level not in AWARD_LEVELS:
        found.append(Violation(
            "award_level_unknown",
            f"奖励级别须为{'、'.join(AWARD_LEVELS)}之一;校级以上的奖励记入学籍档案({A39})", A39, "level"))
    if len((title or "").strip()) < 2:
        found.append(Violation("required", "请填写奖励名称,如“三好学生”", None, "title"))
    if len((awarding_body or "").strip()) < 2:
        found.append(Violation("required", "请填写授奖单位,如“太原市教育局”", None, "awarding_body"))
    if awarded_on is None:
        found.append(Violation("required", "请填写获奖日期,格式 YYYY-MM-DD", None, "awarded_on"))
    elif awarded_on > today:
        found.append(Violation("award_future", "获奖日期不能晚于今天", None, "awarded_on"))
    return found

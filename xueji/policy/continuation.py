"""升学接续: when a school may take over a record that already exists in the registry (第四条 "各学段随转",
第十二条 接续管理新生学籍), and when it must not (第十四条 不得重复建立学籍、籍随人走; 第十七条 转学).

One rule for every way a record is entered (the spreadsheet import, the single-student form): an existing record
is free to continue at a new school only when its student has finished the previous stage, that is
- it is 毕业 and the new grade is above the old one; or
- it is 在籍 in the last grade of its stage (六年级, 初三) and the stage is over: the school year's spring term has
  ended and the next autumn term is at most one month old (第十二条: the authorities confirm the new students'
  records within a month of the start of the school year); the new grade is the next stage's first.
An 在籍 or 休学 (or 待注册) student of another school is studying there: the new school may receive him only by a
transfer (第十七条), never by entering him again. Any other existing record is refused as a duplicate (第十四条).

The service reads the record and the term calendar and passes plain facts; nothing here touches Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from xueji.policy.changes.common import add_months
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation

A4, A14, A17 = "第四条", "第十四条", "第十七条"
STUDYING = ("在籍", "休学", "待注册")
# The last grade of a stage and the first of the next: a record there moves on to the next school (第四条).
NEXT_STAGE = {6: 7, 9: 10}
# When the province has not set the term dates: the spring term ends by 1 July, the autumn term starts 1 September.
DEFAULT_SPRING_END = (7, 1)
DEFAULT_AUTUMN_START = (9, 1)
GRACE_MONTHS = 1  # 第十二条 "开学一个月内"


@dataclass(frozen=True)
class ExistingRecord:
    """What the rule needs of the record a new entry points at."""

    status: str
    grade: int
    school: str  # the school's code
    where: str = "省内其他学校"  # how the entering school may name it (only a school within its jurisdiction)


def default_spring_end(today: datetime.date) -> datetime.date:
    """The end of the latest spring term on or before `today`, by the default calendar."""
    month, day = DEFAULT_SPRING_END
    this_year = datetime.date(today.year, month, day)
    return this_year if this_year <= today else this_year.replace(year=today.year - 1)


def default_autumn_start(spring_end: datetime.date) -> datetime.date:
    month, day = DEFAULT_AUTUMN_START
    return datetime.date(spring_end.year, month, day)


def stage_over(today: datetime.date, spring_end: datetime.date, autumn_start: datetime.date) -> bool:
    """Whether a record in the last grade of its stage has finished it on `today`: after the spring term's end
    and within a month of the next autumn term's start (第十二条)."""
    return spring_end < today <= add_months(autumn_start, GRACE_MONTHS)


def refusal(record: ExistingRecord, *, school: str, grade: int | None, stage_is_over: bool) -> Violation | None:
    """None if the school `school` may continue `record` in `grade`; else the violation that refuses it."""
    label = GRADE_LABELS.get(record.grade, "")
    if record.school == school:
        return Violation("already_in_school", f"该学生已在本校登记学籍(学籍状态:{record.status}),不得重复建立({A14})",
                         A14, "id_number")
    if record.status == "毕业":
        if isinstance(grade, int) and grade > record.grade:
            return None
        return Violation("continuation_grade", f"该学生已在{record.where}毕业({label}),升学接续的年级须高于原年级,"
                         f"请核对年级({A4})", A4, "grade")
    if record.status == "在籍" and stage_is_over and NEXT_STAGE.get(record.grade) == grade:
        return None
    if record.status in STUDYING:
        return registered_elsewhere(record)
    return Violation("duplicate_id", f"该学生已在全省登记学籍({record.where}),不得重复建立({A14});"
                     "出国定居后回国的学生请在“新建学生”中逐个录入,系统将新建学籍并关联原学籍(第三十条);"
                     "其他情况请联系学籍主管部门核实", A14, "id_number")


def registered_elsewhere(record: ExistingRecord) -> Violation:
    """The refusal of a student who is studying at another school (籍随人走): he comes by a transfer."""
    label = GRADE_LABELS.get(record.grade, "")
    if record.status == "在籍" and record.grade in NEXT_STAGE:
        when = (f"其{label}学段尚未结束,只有春季学期结束后至秋季开学一个月内可升学接续;")
    else:
        when = ""
    return Violation(
        "registered_elsewhere",
        f"该学生是{record.where}{label}{record.status}学生,不得重复建立或接续学籍({A14});{when}"
        f"如学生转入本校,请办理转学手续({A17})",
        A14, "id_number")

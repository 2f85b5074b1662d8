"""新生入学名册 (第六条(九)): a school year's newcomers of the school, by grade and class.

A newcomer is a stay at the school that began in that school year, in the first grade of a stage the school
teaches (一年级, 初一, 高一), as a new record or as the record continued from the stage below — not a transfer.
A newcomer who has left since stays on the roster (the archive is kept for ever, 第六条) with his status as remark;
a cancelled admission (注销) is not an admission and is left out."""

from __future__ import annotations

import datetime

from xueji.core.masking import mask_id, mask_student_number
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.students.models import Enrolment

NEW_ENTRY_REASONS = ("新建学籍", "新生入学", "升学接续")
HEADERS = ("序号", "年级", "班级", "姓名", "性别", "出生日期", "民族", "身份证件类型", "身份证件号", "学籍号",
           "户口所在地", "入学年月", "入学方式", "就读方式", "原就读学校", "学籍状态", "备注")
TEXT_COLUMNS = (5, 8, 9, 10, 11)  # 出生日期, 身份证件号, 学籍号, 户口所在地, 入学年月


def school_year_span(year: int) -> tuple[datetime.date, datetime.date]:
    """A school year runs from August to July (2026 = 2026-08-01 to 2027-07-31)."""
    return datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)


def entry_grades(school) -> list[int]:
    taught = set(school.grades)
    return sorted(first for first, _last in get_policy().stage_grades.values() if first in taught)


def stays(school, year: int):
    first, last = school_year_span(year)
    return (Enrolment.objects.filter(school=school, entry_reason__in=NEW_ENTRY_REASONS, grade__in=entry_grades(school),
                                     started_on__gte=first, started_on__lte=last)
            .exclude(student__status="注销")
            .select_related("student", "student__school_class", "school_class").order_by())


def _earlier_schools(student_ids: list[int], school) -> dict[int, str]:
    """The school each continued newcomer came from: his latest stay elsewhere before this one (one query)."""
    earlier = {}
    for student_id, name in (Enrolment.objects.filter(student_id__in=student_ids).exclude(school=school)
                             .order_by("student_id", "started_on", "id").values_list("student_id", "school__name")):
        earlier[student_id] = name
    return earlier


def _class_name(stay, school) -> str:
    s = stay.student
    if s.school_id == school.pk and s.school_class is not None:
        return s.school_class.name
    return stay.school_class.name if stay.school_class else "未编班"


def rows(school, year: int, *, full: bool) -> tuple[list[list], list]:
    """(the roster's rows, the students in it)."""
    found = list(stays(school, year))
    earlier = _earlier_schools([stay.student_id for stay in found], school)
    found.sort(key=lambda stay: (stay.grade, _class_name(stay, school), stay.student.name, stay.student_id))
    table, students = [], []
    for i, stay in enumerate(found, start=1):
        s = stay.student
        remark = "" if s.school_id == school.pk else "已离校"
        table.append([
            i, GRADE_LABELS.get(stay.grade, str(stay.grade)), _class_name(stay, school), s.name,
            codes.label(codes.GENDER, s.gender, s.gender), s.birth_date.isoformat(),
            codes.label(codes.ETHNICITY, s.ethnicity, s.ethnicity), codes.label(codes.ID_TYPE, s.id_type, s.id_type),
            s.id_number if full else mask_id(s.id_number),
            (s.student_number if full else mask_student_number(s.student_number)) or "",
            s.hukou_location, s.entry_month, codes.label(codes.ENTRY_MODE, s.entry_mode, s.entry_mode),
            codes.label(codes.ATTENDANCE_MODE, s.attendance_mode, s.attendance_mode), earlier.get(s.pk, ""),
            s.status, remark,
        ])
        students.append(s)
    return table, students


CLASS_HEADERS = ("年级", "班级", "男", "女", "合计")


def by_class(table: list[list]) -> list[list]:
    """Newcomers per grade and class (男, 女, 合计) from the roster's own rows, with a total line."""
    counts: dict[tuple[str, str], list[int]] = {}
    for row in table:
        tally = counts.setdefault((row[1], row[2]), [0, 0])
        tally[0 if row[4] == "男" else 1] += 1
    out = [[grade, name, boys, girls, boys + girls] for (grade, name), (boys, girls) in counts.items()]
    boys, girls = sum(r[2] for r in out), sum(r[3] for r in out)
    return [*out, ["合计", "", boys, girls, boys + girls]]

"""Graduation conditions for the demo's 高三 students, so the class list shows met and unmet conditions at once.

Set-based (two bulk inserts). Most students meet every condition of 第三十五条; every seventh is short of
compulsory credits, every eleventh failed 物理 and passed it at the 补考, every thirteenth has not yet had
体育锻炼 recorded.
"""

import datetime

from xueji.accounts.models import User
from xueji.policy import graduation_conditions as rules
from xueji.policy.province import get_policy
from xueji.students.models import Student

from .models import ConditionRecord, ExamSitting

# (compulsory, elective I, elective II) earned in 高一, 高二, 高三: 116 / 22 / 6 in all.
CREDITS_BY_YEAR = ((40, 8, 2), (40, 8, 2), (36, 6, 2))


def seed_demo(today: datetime.date) -> dict[str, int]:
    year = rules.school_year_of(today)
    seniors = list(Student.objects.filter(grade=12, status="在籍").order_by("pk").values_list("pk", "school_id"))
    registrars = dict(User.objects.filter(role="registrar", school_id__in={s for _, s in seniors})
                      .values_list("school_id", "pk"))
    records, sittings = [], []
    for index, (pk, school) in enumerate(seniors):
        by = registrars.get(school)
        if by is None:
            continue
        for offset, (compulsory, e1, e2) in enumerate(CREDITS_BY_YEAR):
            last = offset == 2
            records.append(ConditionRecord(
                student_id=pk, school_year=year - 2 + offset, recorded_by_id=by,
                credits_compulsory=compulsory - (6 if last and index % 7 == 3 else 0),
                credits_elective_1=e1, credits_elective_2=e2,
                quality_result="合格" if last else "", practice_done=True if last else None,
                fitness_met=None if index % 13 == 5 or not last else True))
        sittings += _sittings(pk, by, year, failed_physics=index % 11 == 2)
    ConditionRecord.objects.bulk_create(records, batch_size=2000)
    ExamSitting.objects.bulk_create(sittings, batch_size=2000)
    return {"condition_records": len(records), "exam_sittings": len(sittings)}


def _sittings(pk: int, by: int, year: int, *, failed_physics: bool) -> list[ExamSitting]:
    made = []
    for n, subject in enumerate(get_policy().exam_subjects):
        grade = "ABC"[(pk + n) % 3]
        sitting_year = year - 1
        if subject == "物理" and failed_physics:
            made.append(ExamSitting(student_id=pk, school_year=sitting_year, subject=subject, attempt=1, grade="D",
                                    recorded_by_id=by))
            grade, sitting_year = "C", year
            made.append(ExamSitting(student_id=pk, school_year=sitting_year, subject=subject, attempt=2, grade=grade,
                                    recorded_by_id=by))
            continue
        made.append(ExamSitting(student_id=pk, school_year=sitting_year, subject=subject, attempt=1, grade=grade,
                                recorded_by_id=by))
    return made

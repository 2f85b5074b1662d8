"""Reads of the graduation conditions, set-based: one batch of students costs a few queries, whatever its size."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from xueji.archive.models import Discipline
from xueji.archive.selectors import in_force
from xueji.audit import services as audit
from xueji.core.errors import NotFound
from xueji.core.masking import mask_student_number
from xueji.policy import graduation_conditions as rules
from xueji.policy.province import get_policy
from xueji.students.selectors import find_student

from .models import ConditionRecord, ExamSitting
from .permissions import ConditionsPolicy

# Keeps every IN (...) list within SQLite's bound on query parameters.
CHUNK = 5000
YEAR_FIELDS = ("school_year", "quality_result", *rules.CREDIT_FIELDS, *rules.FLAG_FIELDS)


def find_for_conditions(user, key: str, *, audit_read: bool = True):
    """The student if the user may read his conditions; otherwise NotFound, logged (absent and outside look alike)."""
    student = find_student(user, key, purpose="graduation_conditions", audit_read=False)
    if not ConditionsPolicy.user_can(user, "view", student):
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=user, action="student.graduation_conditions",
                       object_type="student", object_id=key)
    if audit_read:
        audit.record(user, "student.graduation_conditions", obj=student)
    return student


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _year_record(row: dict) -> rules.YearRecord:
    return rules.YearRecord(**{**row, "quality_result": row["quality_result"] or None})


def summaries(student_ids: Iterable[int], school_year: int,
              on: datetime.date | None = None) -> dict[int, rules.Summary]:
    """Each student's conditions up to `school_year`: three queries per chunk of 5,000 students."""
    on = on or timezone.localdate()
    ids = sorted(set(student_ids))
    years: dict[int, list] = defaultdict(list)
    sittings: dict[int, list] = defaultdict(list)
    discipline: dict[int, list] = defaultdict(list)
    for chunk in _chunks(ids):
        # order_by(): no default ordering, which would join the students' table for its own.
        for row in (ConditionRecord.objects.filter(student_id__in=chunk, current=True, school_year__lte=school_year)
                    .order_by().values("student_id", *YEAR_FIELDS)):
            years[row.pop("student_id")].append(_year_record(row))
        for sid, subject, grade, attempt, year in (
                ExamSitting.objects.filter(student_id__in=chunk, current=True, school_year__lte=school_year)
                .order_by().values_list("student_id", "subject", "grade", "attempt", "school_year")):
            sittings[sid].append(rules.Sitting(subject, grade, attempt, year))
        for sid, level in (Discipline.objects.filter(in_force(on), student_id__in=chunk)
                           .order_by().values_list("student_id", "level")):
            discipline[sid].append(level)
    return {sid: rules.summarize(years[sid], sittings[sid], discipline[sid]) for sid in ids}


def summary_of(student, school_year: int) -> rules.Summary:
    return summaries([student.pk], school_year)[student.pk]


def records_of(student):
    """Every version of every year, newest first within a year (the superseded ones are the corrections' before)."""
    return ConditionRecord.objects.filter(student=student).select_related("recorded_by").order_by("school_year", "-version")


def current_records(student):
    return ConditionRecord.objects.filter(student=student, current=True).order_by("school_year")


def sittings_of(student):
    return ExamSitting.objects.filter(student=student).select_related("recorded_by")


def required() -> dict:
    """The thresholds the page and the API show beside the results (the province's numbers)."""
    policy = get_policy()
    need = policy.graduation_credits
    return {"credits_total": need.total, "credits_compulsory": need.compulsory,
            "credits_elective_1": need.elective_1, "credits_elective_2": need.elective_2,
            "exam_subjects": list(policy.exam_subjects),
            "exam_pass_grades": [g for g in policy.exam_grades if g in policy.exam_pass_grades]}


def overview(student, school_year: int) -> dict:
    """What the API answers and the student page shows: the summary up to the year, the unmet conditions with
    their article, every version of every year and every sitting."""
    summary = summary_of(student, school_year)
    unmet = rules.unmet_conditions(summary)
    return {
        # A G number is the ID with a letter in front: masked like every answer's (第四十四条).
        "student_number": mask_student_number(student.student_number), "name": student.name, "grade": student.grade,
        "school": student.school_id, "status": student.status, "school_year": school_year,
        "met": not unmet, "unmet": [v.as_dict() for v in unmet],
        "summary": {"quality_result": summary.quality_result, "credits_total": summary.credits_total,
                    **{name: getattr(summary, name) for name in rules.CREDIT_FIELDS},
                    "best_grades": dict(summary.best_grades), "fitness_met": summary.fitness_met,
                    "practice_done": summary.practice_done,
                    "discipline_in_force": list(summary.discipline_in_force)},
        "required": required(),
        "years": [{"school_year": r.school_year, "version": r.version, "current": r.current,
                   "quality_result": r.quality_result or None,
                   **{name: getattr(r, name) for name in (*rules.CREDIT_FIELDS, *rules.FLAG_FIELDS)},
                   "recorded_by": r.recorded_by.username, "recorded_at": r.recorded_at,
                   "superseded_at": r.superseded_at} for r in records_of(student)],
        "exams": [{"school_year": s.school_year, "subject": s.subject, "attempt": s.attempt, "retake": s.is_retake,
                   "grade": s.grade, "current": s.current, "recorded_by": s.recorded_by.username,
                   "recorded_at": s.recorded_at, "superseded_at": s.superseded_at} for s in sittings_of(student)],
    }

"""Suspension, its extension, and resumption (休学、延长休学、复学, 第二十三–二十四条).

Chain: registrar with proof → school leader → competent authority. The periods a student has been suspended
are read back from the approved applications themselves, so nothing is stored twice.
"""

import datetime

from django.utils import timezone

from xueji.orgs.facts import school_facts
from xueji.policy.changes import suspension as rules
from xueji.policy.violations import Violation
from xueji.students.facts import student_facts

from ..chains import leader_then_authority
from ..engine import ChangeType, register, transition
from ..models import Application

APPROVED = Application.Status.APPROVED


def _date(payload: dict, key: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(payload.get(key) or ""))
    except ValueError:
        return None


def _int(payload: dict, key: str) -> int | None:
    try:
        return int(payload[key]) if payload.get(key) not in (None, "") else None
    except (TypeError, ValueError):
        return None


def current_periods(student) -> list[tuple[datetime.date, datetime.date]]:
    """The suspension periods since the student's last resumption: the first one, then each extension."""
    approved = Application.objects.filter(
        student=student, status=APPROVED, type__in=("suspension", "suspension_extension", "resumption")
    ).order_by("decided_at", "id")
    periods: list[tuple[datetime.date, datetime.date]] = []
    for app in approved:
        if app.type == "resumption":
            periods = []
        elif app.type == "suspension":
            periods = [(_date(app.payload, "start"), _date(app.payload, "end"))]
        elif periods:
            periods.append((periods[-1][1], _date(app.payload, "end")))
    return periods


def suspended_until(student) -> datetime.date | None:
    periods = current_periods(student)
    return periods[-1][1] if periods else None


def _missing_dates(payload: dict, *keys: str) -> list[Violation]:
    return [Violation(code="date_required", field=key, article="第二十四条",
                      message=f"请按YYYY-MM-DD填写{'休学开始日期' if key == 'start' else '休学结束日期'}")
            for key in keys if _date(payload, key) is None]


def check_suspension(ctx) -> list[Violation]:
    problems = _missing_dates(ctx.payload, "start", "end")
    if problems:
        return problems
    return rules.check_suspension(
        student_facts(ctx.student, timezone.localdate()), reason=ctx.payload.get("reason", ""),
        proofs=ctx.proofs, start=_date(ctx.payload, "start"), end=_date(ctx.payload, "end"),
        hours_needed=_int(ctx.payload, "hours_needed"), term_hours=_int(ctx.payload, "term_hours"),
        school=school_facts(ctx.student.school))


def apply_suspension(application, actor) -> None:
    p = application.payload
    transition(application.student, "suspension", actor=actor, application=application,
               note=f"休学{p['start']}至{p['end']},学校为其保留学籍(第二十四条)",
               changes={"suspended_from": p["start"], "suspended_until": p["end"]})


def check_extension(ctx) -> list[Violation]:
    problems = _missing_dates(ctx.payload, "end")
    periods = current_periods(ctx.student)
    if problems:
        return problems
    if not periods:
        return [Violation(code="extension_not_suspended", field="student", article="第二十四条",
                          message="该学生没有已批准的休学,不能申请延长休学(第二十四条)")]
    filed = timezone.localdate(ctx.application.created_at) if ctx.application else timezone.localdate()
    return rules.check_extension(student_facts(ctx.student, timezone.localdate()), periods=periods,
                                 new_end=_date(ctx.payload, "end"), proofs=ctx.proofs, filed_on=filed)


def apply_extension(application, actor) -> None:
    transition(application.student, "suspension_extension", actor=actor, application=application,
               note=f"延长休学至{application.payload['end']}(第二十四条)",
               changes={"suspended_until": application.payload["end"]})


def check_resumption(ctx) -> list[Violation]:
    grade = _int(ctx.payload, "grade")
    if grade is None:
        return [Violation(code="grade_required", field="grade", article="第二十四条",
                          message="请选择复学年级:原年级或下一年级,由学生本人和家长决定(第二十四条)")]
    return rules.check_resumption(student_facts(ctx.student, timezone.localdate()), requested_grade=grade,
                                  school=school_facts(ctx.student.school))


def apply_resumption(application, actor) -> None:
    student = application.student
    grade = int(application.payload["grade"])
    changes = {}
    # He keeps his class only if it is in the grade he returns to: his class moves up with its cohort at each
    # school year (第十六条) while he keeps his grade, so returning to the original grade after a promotion means
    # another class, and the next grade may mean his own. Otherwise the registrar places him again (第十三条).
    keeps_class = student.school_class_id is not None and student.school_class.grade == grade
    if grade != student.grade or (student.school_class_id and not keeps_class):
        changes = {"grade": [student.grade, grade]} if grade != student.grade else {}
        if not keeps_class and student.school_class_id:
            changes["school_class"] = [student.school_class_id, None]
            student.school_class = None
        student.grade = grade
        student.save(update_fields=["grade", "school_class", "updated_at"])
        student.enrolments.filter(ended_on__isnull=True).update(grade=grade, school_class=student.school_class)
    transition(student, "resumption", actor=actor, application=application,
               note=f"复学,编入{'下一' if 'grade' in changes else '原'}年级(第二十四条)", changes=changes)


register(ChangeType(code="suspension", label="休学", article="第二十四条", needs_evidence=True,
                    steps=leader_then_authority, check=check_suspension, apply=apply_suspension))
register(ChangeType(code="suspension_extension", label="延长休学", article="第二十四条", needs_evidence=True,
                    steps=leader_then_authority, check=check_extension, apply=apply_extension))
register(ChangeType(code="resumption", label="复学", article="第二十四条",
                    steps=leader_then_authority, check=check_resumption, apply=apply_resumption))


def expired_suspensions(students) -> list[tuple[object, datetime.date, list[Violation]]]:
    """Suspended students whose suspension ran out with nothing filed: (student, end, flags) — for high school
    the flag opens the automatic-withdrawal path (第三十一条)."""
    today = timezone.localdate()
    found = []
    for student in students.filter(status="休学"):
        end = suspended_until(student)
        pending = Application.objects.filter(student=student, status=Application.Status.PENDING,
                                             type__in=("resumption", "suspension_extension")).exists()
        if end is None or pending:
            continue
        flags = rules.check_suspension_expiry(student_facts(student, today), today=today, end=end)
        if flags:
            found.append((student, end, flags))
    return found

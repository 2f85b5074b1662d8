"""Recording and revoking discipline measures (第四十条). The student's school registrar records them; each write
is audited in its transaction, and a measure of 记过 or above also enters the record's history (the archive)."""

import datetime

from django.db import transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent, Student
from xueji.students.permissions import StudentPolicy

from . import rules
from .models import Discipline

ACTIVE = ("在籍", "休学")


def _may_edit(actor, student: Student, action: str, what: str = "处分") -> None:
    if StudentPolicy.user_can(actor, "edit", student):
        return
    if StudentPolicy.user_can(actor, "view", student):
        raise Forbidden(f"{what}由学生所在学校的学籍管理员记录")
    raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=actor, action=action, object_type="student",
                   object_id=student.key)


def _text(value, field: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) < 2:
        raise RuleViolation(Violation(code="required", field=field, message=f"请填写{label}"))
    return text[:500]


def record_discipline(actor, student: Student, *, level: str, reason: str, decided_on: datetime.date,
                      ends_on: datetime.date | None = None) -> Discipline:
    _may_edit(actor, student, "discipline.record")
    reason = _text(reason, "reason", "处分事由")
    if level == rules.PROBATION and ends_on is None:
        ends_on = rules.probation_end(decided_on)
    problems = rules.check_discipline(level, grade=student.grade, decided_on=decided_on, ends_on=ends_on,
                                      today=timezone.localdate())
    if student.status not in ACTIVE:
        problems.append(Violation(code="discipline_not_active", field="student",
                                  message=f"学籍状态为“{student.status}”的学生不能记录处分"))
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        item = Discipline.objects.create(
            student=student, school=student.school, level=level, reason=reason, decided_on=decided_on,
            ends_on=ends_on, in_archive=rules.in_archive(level), recorded_by=actor)
        if item.in_archive:
            # 记过以上处分须记入学籍档案 (第四十条): it shows in the record's history.
            StatusEvent.objects.create(
                student=student, kind=f"处分:{level}", from_status=student.status, to_status=student.status,
                school=student.school, actor=actor, note=f"{decided_on:%Y-%m-%d} {reason}"[:500])
        audit.record(actor, "discipline.record", obj=student,
                     details={"discipline": item.pk, "level": level, "in_archive": item.in_archive})
    return item


def revoke_discipline(actor, discipline_id: int, *, reason: str,
                      revoked_on: datetime.date | None = None) -> Discipline:
    """The school lifts a measure (处分撤销): the row keeps what was decided and gains when and why it ended."""
    reason = _text(reason, "reason", "撤销理由")
    revoked_on = revoked_on or timezone.localdate()
    with transaction.atomic():
        # Ordered by pk: the default order joins the student's class, which PostgreSQL cannot lock.
        item = Discipline.objects.select_for_update().filter(pk=discipline_id).order_by("pk").first()
        if item is None or not StudentPolicy.user_can(actor, "view", item.student):
            raise NotFound("未找到该处分记录,或不在您的管辖范围内", actor=actor, action="discipline.revoke",
                           object_type="discipline", object_id=discipline_id)
        _may_edit(actor, item.student, "discipline.revoke")
        if item.revoked_on is not None:
            raise Conflict(Violation(code="already_revoked", message="该处分已撤销"))
        if revoked_on < item.decided_on or revoked_on > timezone.localdate():
            raise RuleViolation(Violation(code="revoke_date", field="revoked_on",
                                          message="撤销日期须在处分决定日期之后、且不晚于今天"))
        item.revoked_on, item.revoke_reason, item.revoked_by = revoked_on, reason, actor
        item.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
        if item.in_archive:
            student = item.student
            StatusEvent.objects.create(
                student=student, kind=f"撤销处分:{item.level}", from_status=student.status,
                to_status=student.status, school=student.school, actor=actor, note=reason)
        audit.record(actor, "discipline.revoke", obj=item.student, reason=reason,
                     details={"discipline": item.pk})
    return item

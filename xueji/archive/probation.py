"""留校察看 that has run its course (第四十条): the school's list, lifting a probation (解除), and proposing
expulsion, which starts the `expulsion` application (school → city)."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.core.errors import Conflict, NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent
from xueji.students.permissions import StudentPolicy

from . import rules
from .models import Discipline
from .selectors import find_discipline
from .services import ACTIVE, _may_edit, _text

NOT_FOUND = "未找到该留校察看处分,或不在您的管辖范围内"


def open_probations() -> QuerySet[Discipline]:
    """留校察看 neither revoked nor lifted, of students still at school."""
    return Discipline.objects.filter(level=rules.PROBATION, revoked_on__isnull=True, lifted_on__isnull=True,
                                     student__status__in=ACTIVE)


def pending_expulsions() -> QuerySet[Application]:
    return Application.objects.filter(type="expulsion", status=Application.Status.PENDING)


def due_at(school_code: str, on: datetime.date | None = None) -> QuerySet[Discipline]:
    """The school's probations whose end has come with no decision yet: lift them or propose expulsion.
    A student whose expulsion is already before the city is not listed again."""
    on = on or timezone.localdate()
    return (open_probations().filter(student__school_id=school_code, ends_on__lte=on)
            .exclude(student_id__in=pending_expulsions().values("student_id")).order_by("ends_on", "id"))


def lift_probation(actor, discipline_id, *, note: str, lifted_on: datetime.date | None = None) -> Discipline:
    """The school lifts a 留校察看 (解除) when the student has mended his ways; recorded in the archive."""
    note = _text(note, "note", "解除说明(学生的改正表现)")
    lifted_on = lifted_on or timezone.localdate()
    with transaction.atomic():
        item = Discipline.objects.select_for_update().filter(pk=parse_id(discipline_id)).order_by("pk").first()
        if item is None or not StudentPolicy.user_can(actor, "view", item.student):
            raise NotFound(NOT_FOUND, actor=actor, action="discipline.lift", object_type="discipline",
                           object_id=discipline_id)
        _may_edit(actor, item.student, "discipline.lift")
        _refuse_closed(item)
        if not item.decided_on <= lifted_on <= timezone.localdate():
            raise RuleViolation(Violation(code="lift_date", field="lifted_on",
                                          message="解除日期须在处分决定日期之后、且不晚于今天"))
        item.lifted_on, item.lift_note, item.lifted_by = lifted_on, note, actor
        item.save(update_fields=["lifted_on", "lift_note", "lifted_by"])
        student = item.student
        StatusEvent.objects.create(
            student=student, kind=f"解除处分:{item.level}", from_status=student.status, to_status=student.status,
            school=student.school, actor=actor, note=note)
        audit.record(actor, "discipline.lift", obj=student, details={"discipline": item.pk})
    return item


def propose_expulsion(actor, discipline_id, *, misconduct: str, reason: str = "", evidence=None) -> Application:
    """一年内仍无改正表现者,应开除学籍 (第四十条): start the expulsion application from the probation."""
    item = find_discipline(actor, discipline_id, purpose="expel")
    _may_edit(actor, item.student, "discipline.expel")
    _refuse_closed(item)
    payload = {"misconduct": (misconduct or "").strip()[:500], "probation": item.pk}
    return applications.submit(actor, "expulsion", item.student, payload, reason=reason or "留校察看期满仍无改正表现",
                               evidence=evidence)


def _refuse_closed(item: Discipline) -> None:
    if item.level != rules.PROBATION:
        raise RuleViolation(Violation(code="not_probation", field="discipline", article=rules.A40,
                                      message=f"只有留校察看可以解除或据以提议开除学籍,该处分为{item.level}({rules.A40})"))
    if item.revoked_on is not None:
        raise Conflict(Violation(code="already_revoked", message="该处分已撤销"))
    if item.lifted_on is not None:
        raise Conflict(Violation(code="already_lifted", message=f"该留校察看已于{item.lifted_on:%Y-%m-%d}解除"))


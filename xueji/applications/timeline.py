"""Every student's timeline (学籍时间线): status events, applications with each step's decision, enrolments and
student numbers, merged in time order.

The caller finds the student through students.selectors.find_student (jurisdiction and audit); the history
belongs to the record and travels with it (第四条), so every application about the student is listed, and
`link` says whether the reader may open the application itself (ApplicationPolicy).
"""

import datetime

from django.utils import timezone

from xueji.accounts.models import Role
from xueji.core.masking import mask_id, mask_numbers_in_text
from xueji.policy.fields import GRADE_LABELS

from .models import Application, Step
from .permissions import ApplicationPolicy
from .selectors import with_details

# On one day, a stay that starts comes before what happened at the school, and one that ends comes after.
BUCKET = {"enrolment_start": 0, "enrolment_end": 2}
MASKED = ("id_number",)


def _role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def _person(user) -> tuple[str | None, str | None]:
    return (user.username, str(user)) if user is not None else (None, None)


def _masked_changes(changes: dict) -> dict:
    def one(name, value):
        if name in MASKED:
            return [mask_id(v) if isinstance(v, str) else v for v in value] if isinstance(value, list) else \
                mask_id(value) if isinstance(value, str) else value
        # An issued or earlier student number: a G number carries the ID (第四十四条).
        return [mask_numbers_in_text(v) for v in value] if isinstance(value, list) else mask_numbers_in_text(value)

    return {name: one(name, value) for name, value in (changes or {}).items()}


def _entry(at, kind: str, title: str, **extra) -> dict:
    when = at if isinstance(at, datetime.datetime) else None
    day = timezone.localdate(at) if when else at
    actor, actor_name = _person(extra.pop("actor", None))
    # Titles and notes name student numbers ("发放学籍号 G…"): a G number is masked like the ID inside it.
    return {"at": when, "date": day, "kind": kind, "title": mask_numbers_in_text(title), "actor": actor,
            "actor_name": actor_name, "org": extra.pop("org", ""), "note": mask_numbers_in_text(extra.pop("note", "")),
            "from_status": extra.pop("from_status", ""), "to_status": extra.pop("to_status", ""), "changes": extra.pop("changes", {}),
            "application": extra.pop("application", None), "step": extra.pop("step", None)}


def step_row(step: Step, today: datetime.date) -> dict:
    return {
        "order": step.order, "label": step.label, "org": step.org_code, "org_name": step.org_name,
        "role": step.role, "role_label": _role_label(step.role), "status": step.status,
        "status_label": step.get_status_display(), "working_days": step.working_days,
        "due_date": step.due_date,
        "overdue": bool(step.status == Step.Status.PENDING and step.due_date and step.due_date < today),
        "decider": step.decider.username if step.decider else None,
        "decider_name": str(step.decider) if step.decider else None,
        "comment": step.comment, "decided_at": step.decided_at,
    }


def _application_entries(application: Application, link: bool, today: datetime.date) -> list[dict]:
    steps = [step_row(s, today) for s in sorted(application.steps.all(), key=lambda s: s.order)]
    summary = {"id": application.pk, "type": application.type, "type_label": application.type_label,
               "status": application.status, "status_label": application.get_status_display(),
               "due_date": application.due_date, "reason": application.reason, "link": link, "steps": steps}
    entries = [_entry(application.created_at, "application", f"发起{application.type_label}申请",
                      actor=application.created_by, org=application.school.name, note=application.reason,
                      application=summary)]
    for step, row in zip(sorted(application.steps.all(), key=lambda s: s.order), steps, strict=True):
        if step.decided_at:
            entries.append(_entry(step.decided_at, "decision",
                                  f"{application.type_label}·{step.label}:{step.get_status_display()}",
                                  actor=step.decider, org=step.org_name, note=step.comment,
                                  application={**summary, "steps": []}, step=row))
    if application.status == Application.Status.CANCELLED and application.decided_at:
        entries.append(_entry(application.decided_at, "cancelled", f"撤销{application.type_label}申请",
                              actor=application.created_by, org=application.school.name,
                              application={**summary, "steps": []}))
    return entries


def student_timeline(user, student, today: datetime.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    entries = []
    for e in student.events.select_related("actor", "school"):
        entries.append(_entry(e.at, "status_event", e.kind, actor=e.actor, org=e.school.name, note=e.note,
                              from_status=e.from_status, to_status=e.to_status, changes=_masked_changes(e.changes)))
    applications = with_details(Application.objects.filter(student=student)).order_by("created_at", "id")
    visible = set(ApplicationPolicy.visible_to(user).filter(student=student).values_list("pk", flat=True))
    for application in applications:
        entries += _application_entries(application, application.pk in visible, today)
    for stay in student.enrolments.select_related("school"):
        how = f"({stay.entry_reason})" if stay.entry_reason else ""
        entries.append(_entry(stay.started_on, "enrolment_start", f"进入{stay.school.name}{how}",
                              org=stay.school.name, note=GRADE_LABELS.get(stay.grade, str(stay.grade))))
        if stay.ended_on:
            how = f"({stay.exit_reason})" if stay.exit_reason else ""
            entries.append(_entry(stay.ended_on, "enrolment_end", f"离开{stay.school.name}{how}",
                                  org=stay.school.name))
    for number in student.numbers.all():
        entries.append(_entry(number.issued_at, "number_issued", f"发放学籍号 {number.number}",
                              note=number.get_kind_display()))
        if number.replaced_at:
            entries.append(_entry(number.replaced_at, "number_replaced", f"学籍号 {number.number} 停用",
                                  note="停用后仍指向本人"))
    return sorted(entries, key=_order)


def _order(entry: dict):
    moment = entry["at"] or datetime.datetime.combine(entry["date"], datetime.time.min,
                                                       tzinfo=timezone.get_current_timezone())
    return entry["date"], BUCKET.get(entry["kind"], 1), moment

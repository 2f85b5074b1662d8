"""Writing reminders for overdue steps and marking them read. Both audit in the same transaction."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xueji.accounts.models import User
from xueji.applications.models import Step
from xueji.audit import services as audit
from xueji.core.errors import NotFound

from .models import Reminder


def holders(step: Step):
    """The accounts that may decide the step: its org and its role (applications.permissions.may_decide)."""
    return User.objects.filter(is_active=True, role=step.role).filter(
        Q(school_id=step.org_code) | Q(division_id=step.org_code))


def _message(step: Step, today: datetime.date) -> str:
    application = step.application
    late = (today - step.due_date).days
    return (f"{application.subject}的{application.type_label}申请在“{step.label}”环节已超期{late}天"
            f"(期限{step.due_date:%Y年%m月%d日}),请尽快办理")[:300]


def remind_overdue(today: datetime.date | None = None) -> dict:
    """One reminder per holder of each pending step past its due date, at most once a day (idempotent)."""
    today = today or timezone.localdate()
    steps = (Step.objects.filter(status=Step.Status.PENDING, due_date__lt=today)
             .select_related("application", "application__student").order_by("due_date", "id"))
    created = existing = without_holder = 0
    for step in steps.iterator(chunk_size=500):
        people = list(holders(step))
        if not people:
            without_holder += 1
            continue
        for user in people:
            with transaction.atomic():
                reminder, new = Reminder.objects.get_or_create(
                    user=user, step=step, day=today, defaults={"message": _message(step, today)})
                if new:
                    audit.record(None, "reminder.create", obj=reminder, reason="环节超期",
                                 details={"user": user.username, "step": step.pk,
                                          "application": step.application_id, "due_date": step.due_date.isoformat()})
            created += new
            existing += not new
    return {"created": created, "existing": existing, "without_holder": without_holder}


def mark_read(user, reminder_id: int) -> Reminder:
    """The user marks his reminder read; older unread reminders of the same step are read with it."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id, user=user).first()
        if reminder is None:
            # Another user's reminder is as absent as a missing one, and the attempt is audited the same way.
            raise NotFound("未找到该提醒", actor=user, action="reminder.read", object_type="reminder",
                           object_id=reminder_id)
        now = timezone.now()
        Reminder.objects.filter(user=user, step_id=reminder.step_id, read_at__isnull=True).update(read_at=now)
        reminder.refresh_from_db()
        audit.record(user, "reminder.read", obj=reminder, details={"step": reminder.step_id})
    return reminder

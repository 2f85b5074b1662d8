"""Reading one's own reminders: only the user's own are ever shown."""

from xueji.applications.models import Step

from .models import Reminder


def reminders_for(user, *, unread: bool = False):
    qs = Reminder.objects.filter(user=user).select_related(
        "step", "step__application", "step__application__student", "step__application__school")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-day", "-id")


def unread_count(user) -> int:
    """Steps still pending that the user has an unread reminder about (a step reminded daily counts once)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (Reminder.objects.filter(user=user, read_at__isnull=True, step__status=Step.Status.PENDING)
            .values("step_id").distinct().count())

"""Archive hand-overs (第二十二条) as to-do items: the sending registrar sends, the receiving one confirms; the
bureaus above see the hand-overs past their month."""

from django.db.models import CharField, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from xueji.todo.registry import Described, Provider, register, shape

from .models import ArchiveHandover
from .selectors import overdue_handovers


def _own(user):
    mine = user.school_id or ""
    # The receiving school can confirm only what was sent, or what came from outside the registry (第二十二条).
    receivable = Q(sent_at__isnull=False) | Q(from_school__isnull=True)
    return ArchiveHandover.objects.filter(Q(from_school_id=mine, sent_at__isnull=True)
                                          | Q(receivable, to_school_id=mine, received_at__isnull=True))


def rows(user):
    if user.role == "registrar":
        # The registrar's own school, sending or receiving, so a filter by it finds both directions.
        return shape(_own(user), "handover", due="due_date", school=Value(user.school_id, CharField()),
                     grade="student__grade")
    return shape(overdue_handovers(user, timezone.localdate()), "handover", due="due_date",
                 school=Coalesce("from_school_id", "to_school_id"), grade="student__grade")


def describe(user, ids: list[int]) -> dict[int, Described]:
    items = ArchiveHandover.objects.filter(pk__in=ids).select_related("student").order_by()
    return {h.pk: Described(title=f"档案移交·{h.student.name}", url=reverse("web:transfers:handovers"),
                            detail=f"{h.from_school_name} → {h.to_school_name}," + _step(user, h)) for h in items}


def _step(user, item: ArchiveHandover) -> str:
    if user.role != "registrar":
        return "已超过一个月未办结"
    return "待寄出档案" if item.from_school_id == user.school_id and item.sent_at is None else "待确认接收档案"


register(Provider(kind="handover", label="档案移交", roles=("registrar", "county", "city", "province"),
                  rows=rows, describe=describe))

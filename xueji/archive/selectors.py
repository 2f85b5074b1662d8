"""Reads of discipline measures. `under_discipline` is what the transfer rules ask (第二十条 受处分期间不予转学)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from xueji.students.facts import discipline_in_force as in_force

from .models import Discipline


def under_discipline(student, on: datetime.date | None = None) -> bool:
    return Discipline.objects.filter(in_force(on or timezone.localdate()), student=student).exists()


def disciplines_of(student) -> QuerySet[Discipline]:
    """Every measure of the student, the callers having checked that the user may read him."""
    return Discipline.objects.filter(student=student).select_related("school", "recorded_by", "revoked_by")


def is_in_force(item: Discipline, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return (item.decided_on <= on and (item.ends_on is None or item.ends_on >= on)
            and (item.revoked_on is None or item.revoked_on > on) and (item.lifted_on is None or item.lifted_on > on))


def find_discipline(user, discipline_id, *, purpose: str = "view") -> Discipline:
    """One measure, if the user may read its student; otherwise NotFound (absent and outside look the same)."""
    from xueji.core.errors import NotFound
    from xueji.students.permissions import StudentPolicy

    item = Discipline.objects.select_related("student", "school").filter(pk=discipline_id).first()
    if item is None or not StudentPolicy.user_can(user, "view", item.student):
        raise NotFound("未找到该处分记录,或不在您的管辖范围内", actor=user, action=f"discipline.{purpose}",
                       object_type="discipline", object_id=discipline_id)
    return item

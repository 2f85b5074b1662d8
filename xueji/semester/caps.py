"""Classes above the caps of 第十三条, found in the database: the seated count (pupils on the roll and visiting
students sitting there, 第二十六条) against the grade's caps, with the reason the approved placement recorded."""

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from xueji.placement.models import PlacementItem, PlacementPlan
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.students.models import Student
from xueji.students.seats import SEATED
from xueji.visiting.models import VisitingStay


def _cap(which: int):
    caps = get_policy()
    return Case(*[When(grade=g, then=Value(caps.class_caps(g)[which])) for g in GRADE_LABELS],
                default=Value(caps.class_caps(1)[which]), output_field=IntegerField())


def _count(qs, column: str):
    return Coalesce(Subquery(qs.filter(**{column: OuterRef("pk")}).order_by().values(column)
                             .annotate(n=Count("pk")).values("n")[:1]), 0)


def with_loads(classes):
    seated = _count(Student.objects.filter(status__in=SEATED), "school_class")
    guests = _count(VisitingStay.objects.filter(ended_on__isnull=True), "host_class")
    reason = (PlacementItem.objects.filter(school_class=OuterRef("pk"), plan__status=PlacementPlan.Status.APPROVED)
              .exclude(plan__reason="").order_by("-plan__decided_at").values("plan__reason")[:1])
    return classes.annotate(t_size=seated + guests, t_normal=_cap(0), t_hard=_cap(1),
                            t_reason=Coalesce(Subquery(reason), Value(""), output_field=CharField()))


def over_cap_classes(classes, *, normal: bool):
    """normal=True: above the normal cap (the school's re-check list); False: the offences of 第四十六条, above
    the hard cap, or above the normal cap with no reason recorded."""
    loaded = with_loads(classes)
    if normal:
        return loaded.filter(t_size__gt=F("t_normal"))
    return loaded.filter(Q(t_size__gt=F("t_hard")) | Q(t_size__gt=F("t_normal"), t_reason=""))


"""Who sees which stays (第二十七条): the home school and its authorities, and the host school and its
authorities. The home school reads the record as always (StudentPolicy); the host side reads it here, read-only,
while the stay is open. Every read is audited."""

from django.db.models import Q, QuerySet

from xueji.audit import services as audit
from xueji.core.errors import NotFound
from xueji.core.inputs import parse_id
from xueji.core.jurisdiction import NOTHING, school_scope
from xueji.policy.changes.visiting import check_visiting_grade

from .models import VisitingStay

SIDES = ("host", "home")


def _readers(user) -> bool:
    # Auditors read the audit log, not records (their school scope is empty anyway).
    return getattr(user, "is_authenticated", False) and user.role != "auditor"


def _base() -> QuerySet[VisitingStay]:
    return VisitingStay.objects.select_related("student", "home_school", "host_school", "host_class",
                                               "application", "ended_by")


def stays(user, *, side: str = "host", open_only: bool = False) -> QuerySet[VisitingStay]:
    """Stays at schools of the user's subtree: hosted there (side=host) or whose record is there (side=home)."""
    if not _readers(user):
        return VisitingStay.objects.filter(NOTHING)
    prefix = "host_school__" if side == "host" else "home_school__"
    qs = _base().filter(school_scope(user, prefix=prefix))
    if open_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("-started_on", "-id")


def visible(user) -> QuerySet[VisitingStay]:
    if not _readers(user):
        return VisitingStay.objects.filter(NOTHING)
    return _base().filter(school_scope(user, prefix="host_school__") | school_scope(user, prefix="home_school__"))


def find_stay(user, stay_id) -> VisitingStay:
    pk = parse_id(stay_id)
    stay = visible(user).filter(pk=pk).first() if pk is not None else None
    if stay is None:
        raise NotFound("未找到该借读记录,或不在您的管辖范围内",
                       actor=user, action="visiting.view", object_type="visiting_stay", object_id=str(stay_id)[:40])
    audit.record(user, "visiting.view", obj=stay, details={"student": stay.student_id})
    return stay


def on_home_side(user, stay: VisitingStay) -> bool:
    return stays(user, side="home").filter(pk=stay.pk).exists()


def shows_record(user, stay: VisitingStay) -> bool:
    """The home side always reads the record; the host side only while the student sits there (第二十七条)."""
    return stay.is_open or on_home_side(user, stay)


def grade_mismatch(stay: VisitingStay) -> list:
    """An open stay whose class is not at the student's home grade must end (第二十六条)."""
    if not stay.is_open:
        return []
    return check_visiting_grade(stay.student.grade, stay.host_class.grade)


def audit_list(user, side: str, count: int) -> None:
    audit.record(user, "visiting.search", object_type="visiting_stay", details={"side": side, "count": count})


def open_for(student) -> VisitingStay | None:
    return _base().filter(student=student, ended_on__isnull=True).first()


def pending_end(stay: VisitingStay):
    from xueji.applications.models import Application

    return Application.objects.filter(student=stay.student, type="visiting_end",
                                       status=Application.Status.PENDING).filter(Q(payload__stay=stay.pk)).first()

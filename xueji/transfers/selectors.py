"""Reads of what transfers leave behind: archive hand-overs, the sending school's former students (the record as
it stood when they left, 第十八条 电子档案备份), pending transfers seen from either school, and packages.

Every list goes through the org-tree scope (school_scope); one object outside it is absent (404) and the attempt
is logged.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from xueji.applications.models import Application
from xueji.applications.permissions import ApplicationPolicy
from xueji.audit import services as audit
from xueji.core.errors import NotFound
from xueji.core.inputs import parse_id
from xueji.core.jurisdiction import NOTHING, school_scope
from xueji.core.masking import mask_id, mask_student_number
from xueji.orgs.models import School
from xueji.policy.changes.transitions import SENDING_ENROLMENT_EXIT
from xueji.students.models import Enrolment

from .models import ArchiveHandover, TransferPackage

NOT_FOUND = "未找到,或不在您的管辖范围内"


def _readers(user) -> bool:
    # Auditors read the audit log, not records (their scope is empty anyway).
    return getattr(user, "is_authenticated", False) and user.role != "auditor"


# ---------------------------------------------------------------- archive hand-overs (第二十二条)


def handovers(user) -> QuerySet[ArchiveHandover]:
    """Hand-overs where the sending or the receiving school lies in the user's subtree."""
    if not _readers(user):
        return ArchiveHandover.objects.filter(NOTHING)
    sending = School.objects.filter(school_scope(user)).values("code")
    qs = ArchiveHandover.objects.filter(Q(from_school__in=sending) | Q(to_school__in=sending))
    return qs.select_related("student", "from_school", "to_school", "application", "sent_by", "received_by")


def not_done() -> Q:
    """Still open: a school in the registry has not confirmed its receipt, or one sending outside has not sent."""
    return Q(to_school__isnull=False, received_at__isnull=True) | Q(to_school__isnull=True, sent_at__isnull=True)


def overdue_handovers(user, today: datetime.date | None = None) -> QuerySet[ArchiveHandover]:
    today = today or timezone.localdate()
    return handovers(user).filter(not_done(), due_date__lt=today)


def find_handover(user, handover_id) -> ArchiveHandover:
    item = handovers(user).filter(pk=parse_id(handover_id)).first() if parse_id(handover_id) else None
    if item is None:
        raise NotFound("未找到该档案移交记录,或不在您的管辖范围内",
                       actor=user, action="handover.view", object_type="archivehandover", object_id=str(handover_id))
    return item


# ---------------------------------------------------------------- former students of a school


def former_students(user, school: School | None = None) -> QuerySet[Enrolment]:
    """Closed enrolments with the exit 转出 at schools of the user's subtree: what each school held, frozen in the
    enrolment's snapshot, never the new school's later data."""
    if not _readers(user):
        return Enrolment.objects.filter(NOTHING)
    qs = Enrolment.objects.filter(school_scope(user, prefix="school__"), ended_on__isnull=False,
                                  exit_reason=SENDING_ENROLMENT_EXIT)
    if school is not None:
        qs = qs.filter(school=school)
    return qs.select_related("school").order_by("-ended_on", "-id")


def find_former(user, enrolment_id) -> Enrolment:
    item = former_students(user).filter(pk=parse_id(enrolment_id)).first() if parse_id(enrolment_id) else None
    if item is None:
        raise NotFound("未找到该转出学生记录,或不在您的管辖范围内",
                       actor=user, action="former_student.view", object_type="enrolment", object_id=str(enrolment_id))
    audit.record(user, "former_student.view", obj=item, details={"school": item.school_id})
    return item


def masked_snapshot(snapshot: dict) -> dict:
    """The snapshot as screens and the API show it: ID numbers masked like everywhere else."""
    data = dict(snapshot)
    if isinstance(data.get("id_number"), str):
        data["id_number"] = mask_id(data["id_number"])
    if isinstance(data.get("student_number"), str):
        data["student_number"] = mask_student_number(data["student_number"])
    data["family"] = [{**m, "id_number": mask_id(m.get("id_number"))} if isinstance(m, dict) else m
                      for m in data.get("family") or []]
    return data


def audit_former_list(user, school: School | None, count: int) -> None:
    audit.record(user, "former_student.search", object_type="enrolment",
                 details={"school": school.pk if school else None, "count": count})


# ---------------------------------------------------------------- pending transfers and packages


def transfers(user, *, status: str | None = Application.Status.PENDING) -> dict[str, QuerySet[Application]]:
    """Transfers the user's schools receive (filed there) and send (the record is there), in two lists."""
    schools = list(School.objects.filter(school_scope(user)).values_list("code", flat=True)) if _readers(user) else []
    qs = ApplicationPolicy.visible_to(user).filter(type__in=("transfer", "transfer_out", "transfer_in"))
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("student", "school", "created_by").prefetch_related("steps")
    incoming = qs.filter(type__in=("transfer", "transfer_in"), school_id__in=schools)
    outgoing = qs.filter(Q(type="transfer", payload__from_school__in=schools)
                         | Q(type="transfer_out", school_id__in=schools))
    return {"incoming": incoming.order_by("-created_at"), "outgoing": outgoing.order_by("-created_at")}


def incoming_package(student) -> TransferPackage | None:
    return (TransferPackage.objects.filter(student=student, direction=TransferPackage.Direction.IN)
            .order_by("-created_at", "-id").first())


def find_package(user, application_id) -> TransferPackage:
    """The package a completed outgoing transfer issued, for whoever may see that application."""
    pk = parse_id(application_id)
    application = Application.objects.filter(pk=pk).first() if pk else None
    if application is None or not ApplicationPolicy.user_can(user, "view", application):
        raise NotFound("未找到该申请,或该申请不在您的管辖范围内",
                       actor=user, action="transfer.package", object_type="application", object_id=str(application_id))
    package = (TransferPackage.objects.filter(application=application, direction=TransferPackage.Direction.OUT)
               .order_by("-id").first())
    if package is None:
        from xueji.core.errors import Conflict
        from xueji.policy.violations import Violation

        raise Conflict(Violation(code="package_not_issued", field="application",
                                 message="只有已办结的转出(省外或中等职业学校)申请才有转学数据包"))
    # The full record leaves the registry: who took it and when is recorded (第四十四条).
    audit.record(user, "transfer.package_download", obj=application, details={"sha256": package.sha256})
    return package

"""Issuing certificates when an application of chapter 8 is approved, inside the engine's approving transaction.

结业 and 肄业 (第三十七条): the school numbers the certificate (its code as the numbering unit), keeps the stub
(存根) in its archive (第六条(七)), closes the enrolment and moves the record through the engine's transition().
学历证明 (第三十八条): the school's paper has no effect until the competent authority seals it, so the row is
written only at the authority's approval (验印), with sealed_on/sealed_by set and `proves` naming the original.
"""

from django.utils import timezone

from xueji.applications.engine import transition
from xueji.applications.oversight import school_year_of
from xueji.audit import services as audit
from xueji.policy.province import SENIOR

from .models import Certificate
from .numbering import draw


def school_year_today() -> int:
    return school_year_of(timezone.localdate())


def _close_enrolment(student, exit_reason: str) -> None:
    """The record stays (第八条); the open stay ends, with a copy of the record as it stood."""
    from xueji.students.services import student_data

    snapshot = {k: (v if isinstance(v, (str, int, bool, list, dict, type(None))) else str(v))
                for k, v in student_data(student).items()}
    student.enrolments.filter(ended_on__isnull=True).update(
        ended_on=timezone.localdate(), exit_reason=exit_reason, snapshot=snapshot)


def issue_school_certificate(application, actor, *, change: str, kind: str) -> Certificate:
    """结业 or 肄业 on the school leader's approval (第三十七条)."""
    student = application.student
    year = school_year_today()
    number = draw(student.school_id, kind, year)[0]
    _close_enrolment(student, kind)
    transition(student, change, actor=actor, application=application,
               note=f"发给{kind}证书,编号{number};存根存入学校学籍档案(第三十七条)", changes={"certificate": number})
    certificate = Certificate.objects.create(
        number=number, kind=kind, stage=SENIOR, student=student, school_id=student.school_id,
        school_year=year, issued_on=timezone.localdate(), issued_by=application.created_by,
        application=application, stub_archived=True,
    )
    audit.record(actor, "certificate.issue", obj=certificate,
                 details={"kind": kind, "number": number, "student": student.pk})
    return certificate


def original_of(application) -> Certificate:
    return Certificate.objects.select_for_update().get(
        number=application.payload.get("certificate"), student_id=application.student_id)


def seal_proof(application, actor) -> Certificate:
    """The authority's approval is the 验印 that makes the 学历证明 effective (第三十八条)."""
    student, original = application.student, original_of(application)
    year = school_year_today()
    number = draw(original.school_id, Certificate.Kind.PROOF, year)[0]
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        number=number, kind=Certificate.Kind.PROOF, stage=original.stage, student=student,
        school_id=original.school_id, school_year=year,
        issued_on=timezone.localdate(application.created_at), issued_by=application.created_by,
        sealed_on=today, sealed_by=actor, proves=original,
        reason=str(application.payload.get("second_reason") or "")[:500], application=application,
        stub_archived=True,
    )
    transition(student, "education_proof", actor=actor, application=application,
               note=f"为{original.get_kind_display()}{original.number}出具学历证明{number},经主管部门验印生效(第三十八条)",
               changes={"certificate": number, "proves": original.number})
    audit.record(actor, "certificate.seal", obj=certificate,
                 details={"number": number, "proves": original.number, "reason": certificate.reason})
    return certificate

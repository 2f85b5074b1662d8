"""Reads of certificates, each through CertificatePolicy and logged: a student's certificates, one certificate,
and a school's certificate register (the stubs its archive keeps, 第六条(七)(八))."""

from django.db.models import QuerySet

from xueji.audit import services as audit
from xueji.core.errors import NotFound, RuleViolation
from xueji.orgs.models import School
from xueji.policy.certificates import PROVABLE_KINDS
from xueji.policy.violations import Violation
from xueji.students.selectors import find_student

from .models import Certificate
from .permissions import CertificatePolicy

RELATED = ("student", "school", "school__county", "school__city", "proves", "sealed_by", "issued_by")


def certificates_of(user, key: str) -> tuple[object, list[Certificate]]:
    """The student (if the user may read him) and all his certificates, oldest first."""
    student = find_student(user, key, purpose="certificates")
    rows = list(Certificate.objects.filter(student=student).select_related(*RELATED).order_by("issued_on", "id"))
    return student, rows


def find_certificate(user, number: str, *, action: str = "certificate.view") -> Certificate:
    certificate = Certificate.objects.select_related(*RELATED).filter(number=str(number)[:40]).first()
    if certificate is None or not CertificatePolicy.user_can(user, "view", certificate):
        raise NotFound("未找到该证书,或该证书不在您的管辖范围内", actor=user, action=action,
                       object_type="certificate", object_id=str(number)[:40])
    return certificate


def find_school(user, school_code: str, *, action: str) -> School:
    school = School.objects.select_related("county", "city").filter(pk=str(school_code)[:10]).first()
    if school is None or not CertificatePolicy.may_read_register(user, school):
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内", actor=user, action=action,
                       object_type="school", object_id=str(school_code)[:10])
    return school


def school_register(school: School, *, year: int | None = None, kind: str | None = None) -> QuerySet[Certificate]:
    """The school's certificates (stubs) in number order, optionally of one school year and kind."""
    qs = Certificate.objects.filter(school=school).select_related(*RELATED)
    if year is not None:
        qs = qs.filter(school_year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("school_year", "kind", "number")


def register_years(school: School) -> list[int]:
    return list(Certificate.objects.filter(school=school).order_by("-school_year")
                .values_list("school_year", flat=True).distinct())


def log_register(user, school: School, action: str, count: int, year: int | None) -> None:
    audit.record(user, action, obj=school, details={"count": count, "year": year})


def holder_of(user, number: str, name: str) -> Certificate:
    """The certificate `number` of the school's own issue when its holder bears `name` (第三十八条).

    The graduating school issues a 学历证明 for a certificate it gave, though the holder may since study
    elsewhere (a primary graduate now in a junior school) and his record is no longer the school's to read. This
    is the narrow way back to him: the exact number and the holder's name, for a certificate of the user's own
    jurisdiction; a mismatch says nothing about which part failed, and every attempt is audited (第四十四条)."""
    number, name = (number or "").strip().upper()[:40], (name or "").strip()[:50]
    missing = [Violation(code="required", field=field, message=f"请填写{label}")
               for field, label, value in (("number", "证书编号", number), ("name", "持证人姓名", name)) if not value]
    if missing:
        raise RuleViolation(missing)
    certificate = (CertificatePolicy.visible_to(user).select_related(*RELATED)
                   .filter(number=number, kind__in=PROVABLE_KINDS).first())
    if certificate is None or certificate.student.name != name or user.role == "auditor":
        raise NotFound("未找到编号与持证人姓名相符的本校(本辖区)证书,请核对证书编号和姓名",
                       actor=user, action="certificate.lookup", object_type="certificate", object_id=number,
                       reason="证书编号与姓名不相符或不存在")
    audit.record(user, "certificate.lookup", obj=certificate, reason="出具学历证明核对持证人(第三十八条)")
    return certificate

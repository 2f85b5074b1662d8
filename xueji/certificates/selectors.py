"""Reads of certificates, each through CertificatePolicy and logged: a student's certificates, one certificate,
and a school's certificate register (the stubs its archive keeps, 第六条(七)(八))."""

from django.db.models import QuerySet

from xueji.audit import services as audit
from xueji.core.errors import NotFound
from xueji.orgs.models import School
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

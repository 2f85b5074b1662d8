"""No full ID without a reason (第四十四条): the pages and the JSON answers of one student, read by every office
that may see him, never carry his whole ID number, his G student number or a guardian's ID number."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services
from xueji.students import numbers
from xueji.students.models import FamilyMember, Student

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan():
    return SimpleUploadedFile("户口簿.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def known(world, make_student):
    """An enrolled student with a G number whose ID number was corrected once (the old one stays in the
    history and inside the G number) and a second correction pending, so every place an ID could hide has one."""
    student = make_student(name="王密文", school_class=world.class_a1.pk)
    Student.objects.filter(pk=student.pk).update(status="在籍")
    numbers.issue_number(student)
    student.refresh_from_db()
    old_id = student.id_number
    corrected = f.make_id(birth=datetime.date(2015, 3, 2), gender="1", seq=731)
    app = services.submit(world.registrar_a, "info_change", student, {"changes": {"id_number": corrected}},
                          evidence=[scan()])
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    pending_id = f.make_id(birth=datetime.date(2015, 3, 2), gender="1", seq=733)
    pending = services.submit(world.registrar_a, "info_change", student, {"changes": {"id_number": pending_id}},
                              evidence=[scan()])
    student.refresh_from_db()
    guardian = FamilyMember.objects.filter(student=student).first()
    secrets = {old_id, corrected, pending_id, guardian.id_number, student.student_number}
    return student, pending, app, secrets


def pages(world, student, pending, decided):
    key = student.key
    return [
        f"/students/{key}/", f"/students/{key}/edit/", f"/students/{key}/timeline/", f"/students/{key}/changes/",
        f"/students/{key}/info-change/", f"/students/{key}/graduation-conditions/", f"/students/{key}/discipline/",
        f"/students/?q={student.name}", f"/classes/{student.school_class_id}/" if student.school_class_id else None,
        "/applications/", f"/applications/{pending.pk}/", f"/applications/{decided.pk}/", "/audit/",
        f"/audit/?object_id={key}", f"/schools/{world.school_a.code}/guardian-reports/",
        f"/schools/{world.school_a.code}/guardian-confirmations/", "/applications/inbox/", "/access/register/",
        f"/api/v1/students/{key}", f"/api/v1/students?q={student.name}", f"/api/v1/students/{key}/events",
        f"/api/v1/students/{key}/timeline", f"/api/v1/applications/{pending.pk}", f"/api/v1/applications/{decided.pk}",
        "/api/v1/applications", "/api/v1/audit/events", f"/students/{key}/guardian-code/",
        f"/schools/{world.school_a.code}/certificates/", f"/schools/{world.school_a.code}/graduation-conditions/",
        "/transfers/", "/transfers/handovers/", "/visiting/", "/former-students/", "/graduation/",
        f"/guardian/children/{key}/", "/guardian/", f"/api/v1/guardian/children/{key}", "/api/v1/guardian/children",
    ]


def bound_guardian(student):
    from xueji.guardians import services as guardians
    from xueji.guardians.models import GuardianLink

    user = f.user("parent_wang", "guardian")
    code, binding = guardians.issue_code(user_of_school(student), student)
    GuardianLink.objects.create(user=user, student=student, code=binding)
    return user


def user_of_school(student):
    from xueji.accounts.models import User

    return User.objects.get(role="registrar", school=student.school)


ROLES = ["registrar_a", "leader_a", "county_xd", "city_ty", "province_officer", "auditor", "guardian"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_a_student_shows_a_whole_id_number_without_a_reason(world, known, role, client_for, api_for):
    student, pending, decided, secrets = known
    user = bound_guardian(student) if role == "guardian" else getattr(world, role)
    web, api = client_for(user), api_for(user)
    leaks = []
    for url in filter(None, pages(world, student, pending, decided)):
        body = (api if url.startswith("/api/") else web).get(url).content.decode()
        leaks += [(url, s) for s in secrets if s and s in body]
    assert leaks == []


def test_the_scan_would_see_a_revealed_number(world, known, client_for):
    """The detector works: the record page's reveal with a reason shows the whole number (and audits it)."""
    from xueji.audit.models import AuditEvent

    student, *_ = known
    body = client_for(world.registrar_a).post(f"/students/{student.key}/reveal-id/",
                                              {"reason": "核对家长身份证件"}).content.decode()
    assert student.id_number in body
    assert AuditEvent.objects.filter(actor=world.registrar_a, reason="核对家长身份证件").exists()

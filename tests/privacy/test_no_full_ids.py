"""No full ID without a reason (第四十四条): the pages and the JSON answers of one student, read by every office
that may see him, never carry his whole ID number, his G student number or a guardian's ID number."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.conftest import login_client
from xueji.applications import services
from xueji.guardians import services as guardians
from xueji.guardians.models import GuardianLink
from xueji.students import numbers
from xueji.students.models import FamilyMember, Student
from xueji.workdays.models import Term

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan():
    return SimpleUploadedFile("户口簿.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def known(world, make_student, api_for):
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
    api_client = api_for
    # Searches by the whole numbers leave audit rows that the auditor's pages show.
    for q in (student.id_number, student.student_number):
        login_client(world.registrar_a).get("/students/", {"q": q})
        api_client(world.county_xd).get("/api/v1/students", {"q": q})
    guardian = FamilyMember.objects.filter(student=student).first()
    # His guardian reports the ID number as wrong, quoting his own in the note (the school's work list shows it).
    reporter = bound_guardian(student)
    today = datetime.date.today()
    Term.objects.create(school_year=today.year, number=1, starts_on=today - datetime.timedelta(days=30),
                        ends_on=today + datetime.timedelta(days=60))
    guardians.report(reporter, student.key, [{"field": "id_number", "correct_value": pending_id,
                                              "note": f"户口簿上是{pending_id},我的是{guardian.id_number}"}])
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
        f"/api/v1/schools/{world.school_a.code}/guardian-reports",
        f"/schools/{world.school_a.code}/registers/admissions/", f"/schools/{world.school_a.code}/registers/movements/",
        f"/api/v1/schools/{world.school_a.code}/registers/admissions",
        f"/api/v1/schools/{world.school_a.code}/registers/movements",
    ]


def bound_guardian(student):
    user = GuardianLink.objects.filter(student=student).first()
    if user is not None:
        return user.user
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
    # The class page offers the same: 附件6 for the whole class with whole numbers only with a reason.
    page = client_for(world.registrar_a).get(f"/classes/{student.school_class_id}/").content.decode()
    assert "打印含完整证件号的学生基本信息表" in page and 'name="reason"' in page


def test_typed_text_is_masked_but_longer_runs_and_hashes_stay():
    from xueji.core.masking import mask_ids_in, mask_ids_in_text

    assert mask_ids_in_text("查14010520150302311X的记录") == "查1401**********311X的记录"
    assert mask_ids_in_text("G140105201503023116") == "G1401**********3116"
    digest = "1401052015030231161a" * 3
    assert mask_ids_in_text(digest) == digest and mask_ids_in_text("1234567890") == "1234567890"
    assert mask_ids_in({"q": "140105201503023116", "n": 3, "l": ["140105201503023116"]}) == {
        "q": "1401**********3116", "n": 3, "l": ["1401**********3116"]}

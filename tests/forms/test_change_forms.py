"""GET /api/v1/applications/{id}/form.pdf and /applications/<id>/form.pdf: 附件7–10 printed from the application.

Rendering tests skip on a machine without Pango or the CJK fonts unless XUEJI_REQUIRE_PDF=1 (CI); the refusals
(404 for outsiders, 422 for a type without a form) are decided before rendering and always run.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.api.conftest import assert_error
from tests.forms.conftest import page_text, read_pdf, require_pdf
from xueji.applications import services
from xueji.applications.models import Step
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id, mask_phone, mask_student_number
from xueji.policy.changes import reasons
from xueji.students import numbers
from xueji.students.models import Student
from xueji.transfers import services as transfers

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date.today()
ACTION = "forms.change_form"


def url(app) -> str:
    return f"/api/v1/applications/{app.pk}/form.pdf"


def proof(kind):
    return (kind, SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"))


def enrol(student):
    Student.objects.filter(pk=student.pk).update(status="在籍")
    student.refresh_from_db()
    numbers.issue_number(student)
    student.refresh_from_db()
    return student


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = read_pdf(response.content)
    return "".join(page_text(reader, i) for i in range(len(reader.pages)))


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def suspension(world, make_student):
    """A suspension of 𠮷祥 (illness) that the school leader approved and the county has not yet decided."""
    student = enrol(make_student(name="𠮷祥", grade=3))
    app = services.submit(world.registrar_a, "suspension", student,
                          {"reason": "illness", "start": TODAY.isoformat(),
                           "end": (TODAY + datetime.timedelta(days=300)).isoformat(),
                           "hours_needed": 200, "term_hours": 500},
                          reason="住院治疗", evidence=[proof("suspension_form"), proof("medical_county")])
    services.approve(world.leader_a, app.pk, comment="情况属实")
    return app


def test_suspension_prints_annex_7_with_the_rare_name_reason_and_the_decided_step(world, api_for, suspension):
    require_pdf()
    text = pdf_text(api_for(world.registrar_a).get(url(suspension)))
    student = suspension.student
    assert "附件7" in text and "山西省中小学生休学、复学申请表" in text
    assert student.name in text and mask_student_number(student.student_number) in text
    assert squeeze(reasons.SUSPENSION_REASONS["illness"].label) in text
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text and "住院治疗" in text
    leader, county = suspension.steps.order_by("order")
    assert squeeze(leader.org_name) in text and "同意" in text and "情况属实" in text
    # The county has not decided: its box is printed with its name and an empty signature line.
    assert county.status == Step.Status.PENDING and squeeze(county.org_name) in text
    assert "经办人签字" in text and "监护人" in text
    # Without a reason even the school's own copy masks the ID number (第四十四条).
    assert f"身份证件号{mask_id(student.id_number)}" in text and student.id_number not in text
    row = AuditEvent.objects.get(action=ACTION, actor=world.registrar_a)
    assert row.object_id == str(suspension.pk) and row.reason == ""
    assert row.details == {"annex": "附件7", "type": "suspension", "full_id": False}


def test_a_reason_prints_the_whole_id_and_lands_in_the_audit_row_and_the_register(world, api_for, suspension):
    from xueji.access.models import ConsultationEntry

    require_pdf()
    text = pdf_text(api_for(world.registrar_a).get(url(suspension), {"reason": "家长到校核对签字"}))
    student = suspension.student
    assert f"身份证件号{student.id_number}" in text and student.student_number in text
    row = AuditEvent.objects.get(action=ACTION, actor=world.registrar_a)
    assert row.reason == "家长到校核对签字" and row.details["full_id"] is True
    entry = ConsultationEntry.objects.get(username=world.registrar_a.username)
    assert (entry.outcome, entry.basis, entry.use) == ("ok", "daily", "export") and "附件7" in entry.what


def test_a_too_short_reason_is_refused_naming_article_44(world, api_for, suspension):
    assert_error(api_for(world.registrar_a).get(url(suspension), {"reason": "x"}), 422, article="第四十四条")
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_a_bureau_reason_without_a_grant_is_refused_and_registered(world, api_for, suspension):
    from xueji.access.models import ConsultationEntry

    refused = api_for(world.county_xd).get(url(suspension), {"reason": "县局核对申请材料"})
    assert_error(refused, 422, article="第四十四条")
    entry = ConsultationEntry.objects.get(username=world.county_xd.username)
    assert (entry.outcome, entry.basis) == ("denied", "none")
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_the_bureau_copy_masks_the_id_number(world, api_for, suspension):
    require_pdf()
    text = pdf_text(api_for(world.county_xd).get(url(suspension)))
    student = suspension.student
    assert f"身份证件号{mask_id(student.id_number)}" in text and student.id_number not in text
    # The G student number is "G" + the ID number (第十一条): the bureau copy masks it like the ID.
    assert student.student_number.startswith("G") and f"学籍号G{mask_id(student.id_number)}" in text
    assert AuditEvent.objects.get(action=ACTION, actor=world.county_xd).details["full_id"] is False


def test_transfer_prints_annex_8_with_both_schools_and_the_decided_steps(world, api_for, make_student):
    require_pdf()
    world.leader_b = f.user("lead_b", "leader", school=world.school_b)
    student = enrol(make_student(name="张转学", grade=3))
    app = transfers.start_transfer(
        world.registrar_b, student_number=student.student_number, name=student.name, id_number=student.id_number,
        payload={"transfer_reason": "work_move", "from_division": "140213", "to_division": "140106",
                 "to_grade": 3},
        reason="家长工作调动", evidence=[proof("transfer_form"), proof("work_change")])
    services.approve(world.leader_b, app.pk, comment="同意接收")
    services.approve(world.county_yz, app.pk)
    text = pdf_text(api_for(world.registrar_b).get(url(app), {"reason": "家长到校核对签字"}))
    assert "附件8" in text and "山西省中小学生转学申请表" in text and student.name in text
    assert squeeze(reasons.TRANSFER_REASONS["work_move"].label) in text
    assert world.school_a.name in text and world.school_b.name in text
    steps = list(app.steps.order_by("order"))
    assert [s.status for s in steps] == ["approved", "approved", "pending", "waiting"]
    for step in steps:
        assert squeeze(step.org_name) in text, step.org_name
    assert "同意接收" in text
    # The receiving school started it and, with a reason, prints the whole number; without one a copy is masked.
    assert f"身份证件号{student.id_number}" in text
    sending = pdf_text(api_for(world.registrar_a).get(url(app)))
    assert f"身份证件号{mask_id(student.id_number)}" in sending
    # The sending school handles the transfer too: its reasoned print is daily work, not a release (第四十四条).
    assert student.id_number in pdf_text(api_for(world.registrar_a).get(url(app), {"reason": "转出核对签字"}))


def test_withdrawal_prints_annex_10_after_both_approvals(world, api_for, make_student):
    require_pdf()
    student = enrol(make_student(name="李出国"))
    app = services.submit(world.registrar_a, "withdrawal", student, {"ground": "settle_abroad"},
                          evidence=[proof("withdrawal_form"), proof("passport_copy"), proof("hukou_copy"),
                                    proof("township_approval")])
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk, comment="准予退学")
    text = pdf_text(api_for(world.registrar_a).get(url(app)))
    assert "附件10" in text and "山西省中小学生退学申请表" in text and student.name in text
    assert squeeze(reasons.WITHDRAWAL_COMPULSORY_GROUNDS["settle_abroad"].label) in text
    for step in app.steps.all():
        assert squeeze(step.org_name) in text
    assert "准予退学" in text and "经办人签字" not in text


def test_visiting_prints_annex_9_with_home_and_host_schools(world, api_for, make_student):
    require_pdf()
    from xueji.visiting import services as visiting

    world.leader_b = f.user("lead_b", "leader", school=world.school_b)
    host_class = f.school_class(world.school_b, grade=3, name="三(1)班")
    student = enrol(make_student(name="赵借读", grade=3))
    kinds = ("visiting_form", "home_school_proof", "relative_hukou", "basic_info_copy", "guardian_unit_proof")
    app = visiting.start_stay(
        world.registrar_b, student_number=student.student_number, name=student.name, id_number=student.id_number,
        payload={"visiting_reason": "parents_field_work", "starts_on": TODAY.isoformat(),
                 "ends_on": (TODAY + datetime.timedelta(days=300)).isoformat(), "host_class": str(host_class.pk)},
        evidence=[proof(kind) for kind in kinds])
    services.approve(world.leader_b, app.pk, comment="同意借读")
    text = pdf_text(api_for(world.registrar_b).get(url(app)))
    assert "附件9" in text and "山西省中小学生借读申请表" in text and student.name in text
    assert squeeze(reasons.VISITING_REASONS["parents_field_work"].label) in text
    assert world.school_a.name in text and world.school_b.name in text and "三(1)班" in text
    assert "同意借读" in text


def test_a_type_without_a_form_is_refused_with_422(world, api_for, make_student):
    app = services.submit(world.registrar_a, "registration", make_student(), {})
    response = api_for(world.registrar_a).get(url(app))
    assert_error(response, 422, code="no_form_for_type", field="type")
    assert "该类申请无对应表格" in response.json()["errors"][0]["message"]
    assert not AuditEvent.objects.filter(action=ACTION, outcome="ok").exists()


@pytest.mark.parametrize("outsider", ["county_yz", "registrar_b", "auditor", "city_dt"])
def test_outsiders_get_404_and_the_attempt_is_logged(world, api_for, client_for, suspension, outsider):
    user = getattr(world, outsider)
    assert_error(api_for(user).get(url(suspension)), 404)
    assert client_for(user).get(f"/applications/{suspension.pk}/form.pdf").status_code == 404
    refused = AuditEvent.objects.filter(action=ACTION, actor=user).exclude(outcome="ok")
    assert refused.count() == 2 and refused.first().object_id == str(suspension.pk)


def test_an_absent_application_is_404(world, api_for):
    assert_error(api_for(world.registrar_a).get("/api/v1/applications/999999/form.pdf"), 404)
    assert_error(api_for(world.registrar_a).get("/api/v1/applications/abc/form.pdf"), 404)


def test_the_application_page_offers_the_form_and_the_web_url_serves_it(world, client_for, suspension):
    client = client_for(world.registrar_a)
    page = client.get(f"/applications/{suspension.pk}/").content.decode()
    assert f'href="/applications/{suspension.pk}/form.pdf"' in page and "打印申请表(附件7)" in page
    require_pdf()
    response = client.get(f"/applications/{suspension.pk}/form.pdf")
    assert "山西省中小学生休学、复学申请表" in pdf_text(response)


def test_the_page_asks_a_reason_for_whole_numbers_and_a_short_one_is_explained(world, client_for, suspension):
    client = client_for(world.registrar_a)
    page = client.get(f"/applications/{suspension.pk}/").content.decode()
    assert "打印含完整证件号的申请表" in page and 'name="reason"' in page
    short = client.get(f"/applications/{suspension.pk}/form.pdf", {"reason": "x"})
    assert short.status_code == 422 and "第四十四条" in short.content.decode()
    require_pdf()
    whole = pdf_text(client.get(f"/applications/{suspension.pk}/form.pdf", {"reason": "家长到校核对签字"}))
    assert suspension.student.id_number in whole


def test_a_page_without_a_form_offers_no_button_and_the_url_explains(world, client_for, make_student):
    app = services.submit(world.registrar_a, "registration", make_student(), {})
    client = client_for(world.registrar_a)
    assert "打印申请表" not in client.get(f"/applications/{app.pk}/").content.decode()
    response = client.get(f"/applications/{app.pk}/form.pdf")
    assert response.status_code == 422 and "该类申请无对应表格" in response.content.decode()


LONG_A = "太原市小店区北格镇中心学校附属九年一贯制实验学校(原太原市小店区北格镇第一中心小学)坞城路校区"
LONG_B = "太原市迎泽区新建路小学教育集团郝庄镇王家坟村第二完全小学(原太原市迎泽区郝庄镇第三中心小学)东校区"


@pytest.fixture
def long_transfer(world, make_student):
    """A transfer between two schools with the longest names a school may have, long addresses, a long reason,
    two guardians and an opinion written in every box the form has."""
    from xueji.orgs.models import School
    from xueji.students.models import FamilyMember

    School.objects.filter(pk=world.school_a.pk).update(name=LONG_A[:100], address="山" * 200)
    School.objects.filter(pk=world.school_b.pk).update(name=LONG_B[:100], address="西" * 200)
    world.leader_b = f.user("lead_b", "leader", school=world.school_b)
    student = enrol(make_student(name="欧阳𠮷祥慕容", grade=3, current_address="太原市小店区" + "坞城路" * 60))
    FamilyMember.objects.filter(student=student).update(name="欧阳长长名字家长", is_guardian=True, phone="13912345678",
                                                        address="太原市小店区" + "长治路" * 60)
    FamilyMember.objects.create(student=student, position=2, name="慕容很长的名字监护人", relation="12",
                                is_guardian=True, phone="13698765432", address="太原市迎泽区" + "新建路" * 60)
    app = transfers.start_transfer(
        world.registrar_b, student_number=student.student_number, name=student.name, id_number=student.id_number,
        payload={"transfer_reason": "work_move", "from_division": "140213", "to_division": "140106",
                 "to_grade": 3},
        reason="家长工作调动到迎泽区," + "需随父母迁居并就近入学," * 18, evidence=[proof("transfer_form"), proof("work_change")])
    comment = "情况属实,材料齐全,同意转学,请按规定办理学籍档案移交手续。" * 6
    for actor in (world.leader_b, world.county_yz, world.leader_a, world.county_xd):
        services.approve(actor, app.pk, comment=comment[:500])
    return app


@pytest.mark.parametrize("reader", ["registrar_b", "county_xd"])
def test_annex_8_fits_one_page_and_keeps_numbers_whole(world, api_for, long_transfer, reader):
    """附件8 is one A4 sheet for the stamp and the signatures, whatever the names; the student number, the ID
    number and the phone numbers are never broken across lines (a digit on the next line is misread)."""
    require_pdf()
    full = reader == "registrar_b"
    # The receiving school's registrar handles the transfer (daily work): with a reason he prints it whole.
    response = api_for(getattr(world, reader)).get(url(long_transfer), {"reason": "家长到校核对签字"} if full else {})
    assert response.status_code == 200
    pdf = read_pdf(response.content)
    assert len(pdf.pages) == 1
    lines = pdf.pages[0].extract_text().splitlines()
    student = long_transfer.student
    id_number = student.id_number if full else mask_id(student.id_number)
    phones = [m.phone for m in student.family.all()]
    # The student number as this reader may see it ("G" + the ID number, masked like the ID where that is).
    numbers = [student.student_number if full or student.student_number in "".join(lines) else f"G{id_number}",
               id_number, *(p if full else mask_phone(p) for p in phones)]
    for number in numbers:
        # A wrapped number comes out of the text layer cut by a space or a line break.
        assert any(number in line for line in lines), (number, lines)
    text = "".join(squeeze(line) for line in lines)
    assert squeeze(LONG_A[:100]) in text and squeeze(LONG_B[:100]) in text


def test_annex_8_fits_one_page_with_every_text_at_its_longest(world, api_for, long_transfer):
    """A 500-character reason and a 500-character opinion in each of the four boxes still print on one sheet."""
    require_pdf()
    from xueji.applications.models import Application

    Application.objects.filter(pk=long_transfer.pk).update(reason="理由" * 250)
    Step.objects.filter(application=long_transfer).update(comment="意见" * 250)
    pdf = read_pdf(api_for(world.registrar_b).get(url(long_transfer), {"reason": "家长到校核对签字"}).content)
    assert len(pdf.pages) == 1
    assert long_transfer.student.student_number in pdf.pages[0].extract_text()

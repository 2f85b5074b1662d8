"""第三十九条 awards: a 市级三好学生 enters the archive (record page, timeline, 学生基本信息表), with its scan checked
like the evidence scans; withdrawing it is recorded, never a deletion; outsiders are refused on every route."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.applications.conftest import PDF
from xueji.archive import awards
from xueji.archive.models import Award
from xueji.audit.models import AuditEvent
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.forms.basic_info import sheet

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
JUNE = "2026-06-01"
SANHAO = {"level": "市级", "title": "三好学生", "awarding_body": "太原市教育局", "awarded_on": JUNE}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_city_award_is_on_the_record_the_timeline_and_the_form(world, pupil, api_for, client_for):
    url = f"/api/v1/students/{pupil.key}/awards"
    created = post(api_for(world.registrar_a), url, SANHAO)
    assert created.status_code == 201, created.content
    assert created.json()["level"] == "市级" and created.json()["has_scan"] is False
    assert [a["title"] for a in api_for(world.county_xd).get(url).json()] == ["三好学生"]
    record = client_for(world.registrar_a).get(f"/students/{pupil.key}/").content.decode()
    assert 'data-testid="archive-link"' in record and 'data-testid="awards-section"' not in record
    page = client_for(world.registrar_a).get(f"/students/{pupil.key}/archive/").content.decode()
    assert 'data-testid="awards-section"' in page and "太原市教育局" in page
    timeline = api_for(world.county_xd).get(f"/api/v1/students/{pupil.key}/timeline").json()
    assert any(e["title"] == "奖励:市级" and "三好学生" in e["note"] for e in timeline)
    pupil.refresh_from_db()
    assert sheet(pupil, full_id=False)["awards"] == "2026年6月 市级三好学生(太原市教育局)"
    assert AuditEvent.objects.filter(action="award.record", object_id=pupil.key).exists()


def test_withdrawing_keeps_the_row_and_leaves_the_form(world, pupil):
    item = awards.record_award(world.registrar_a, pupil, level="校级", title="优秀学生干部", awarding_body="坞城路小学",
                               awarded_on=TODAY)
    awards.revoke_award(world.registrar_a, item.pk, reason="评选有误,予以撤销")
    item.refresh_from_db()
    assert item.revoked_on == TODAY and Award.objects.count() == 1
    assert pupil.events.filter(kind="撤销奖励:校级").exists()
    assert sheet(pupil, full_id=False)["awards"] == ""


def test_levels_and_fields_are_checked(world, pupil, api_for):
    url = f"/api/v1/students/{pupil.key}/awards"
    bad = post(api_for(world.registrar_a), url, {**SANHAO, "level": "班级"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["article"] == "第三十九条"
    with pytest.raises(RuleViolation) as caught:
        awards.record_award(world.registrar_a, pupil, level="市级", title=" ", awarding_body="x",
                            awarded_on=TODAY + datetime.timedelta(days=1))
    assert {v.field for v in caught.value.violations} == {"title", "awarding_body", "awarded_on"}
    assert post(api_for(world.registrar_a), url, {"level": "市级"}).status_code == 400
    assert not Award.objects.exists()


def test_the_scan_is_checked_kept_once_and_read_only_inside(world, pupil, api_for, client_for):
    hostile = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a scan", content_type="application/pdf")
    with pytest.raises(RuleViolation) as caught:
        awards.record_award(world.registrar_a, pupil, scan=hostile, **{**SANHAO, "awarded_on": TODAY})
    assert caught.value.violations[0].field == "scan" and not Award.objects.exists()
    item = awards.record_award(world.registrar_a, pupil, **{**SANHAO, "awarded_on": TODAY})
    url = f"/api/v1/awards/{item.pk}/scan"
    assert api_for(world.registrar_a).post(url, {"file": SimpleUploadedFile("c.pdf", PDF)}).status_code == 200
    assert api_for(world.registrar_a).post(url, {"file": SimpleUploadedFile("c.pdf", PDF)}).status_code == 409
    assert api_for(world.county_xd).get(url).status_code == 200
    assert client_for(world.registrar_a).get(f"/awards/{item.pk}/scan/").status_code == 200
    assert api_for(world.county_yz).get(url).status_code == 404
    assert client_for(world.registrar_b).get(f"/awards/{item.pk}/scan/").status_code == 404
    assert AuditEvent.objects.filter(action="award.scan_view", actor=world.county_xd).exists()


def test_outsiders_and_other_roles_are_refused(world, pupil, api_for, client_for):
    url = f"/api/v1/students/{pupil.key}/awards"
    assert post(api_for(world.leader_a), url, SANHAO).status_code == 403
    assert post(api_for(world.registrar_b), url, SANHAO).status_code == 404
    assert api_for(world.county_yz).get(url).status_code == 404
    with pytest.raises(Forbidden):
        awards.record_award(world.county_xd, pupil, **{**SANHAO, "awarded_on": TODAY})
    item = awards.record_award(world.registrar_a, pupil, **{**SANHAO, "awarded_on": TODAY})
    assert post(api_for(world.county_yz), f"/api/v1/awards/{item.pk}/revoke", {"reason": "越权撤销"}).status_code == 404
    assert post(api_for(world.county_xd), f"/api/v1/awards/{item.pk}/revoke", {"reason": "越权撤销"}).status_code == 403
    with pytest.raises(NotFound):
        awards.revoke_award(world.registrar_b, item.pk, reason="越权撤销")
    page = {"level": "县级", "title": "优秀少先队员", "awarding_body": "小店区教育局", "awarded_on": JUNE}
    assert client_for(world.registrar_b).post(f"/students/{pupil.key}/awards/", page).status_code == 404
    assert client_for(world.leader_a).post(f"/students/{pupil.key}/awards/", page).status_code == 403
    assert client_for(world.registrar_b).post(f"/awards/{item.pk}/revoke/", {"reason": "撤销"}).status_code == 404
    county = client_for(world.county_xd).get(f"/students/{pupil.key}/archive/").content.decode()
    assert "三好学生" in county and 'data-testid="award-form"' not in county
    # The pupil's own guardian reads his report through the guardians' pages, never the school's archive routes.
    parent = api_for(_guardian_of(pupil, world.registrar_a))
    assert parent.get(url).status_code in (403, 404)
    assert parent.get(f"/api/v1/awards/{item.pk}/scan").status_code in (403, 404)
    assert post(parent, f"/api/v1/awards/{item.pk}/revoke", {"reason": "家长撤销"}).status_code in (403, 404)


def _guardian_of(student, registrar):
    from tests import factories as f
    from xueji.guardians import services as guardians
    from xueji.guardians.models import GuardianLink

    user = f.user("parent_wang", "guardian")
    code, _ = guardians.issue_code(registrar, student)
    GuardianLink.objects.create(user=user, student=student, code=guardians._usable(code, student.name))
    return user


def test_the_page_form_records_with_its_scan(world, pupil, client_for):
    client = client_for(world.registrar_a)
    scan = SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/students/{pupil.key}/awards/", {**SANHAO, "scan": scan})
    assert response.status_code == 302
    item = Award.objects.get()
    assert item.has_scan and item.content_type == "application/pdf"
    assert client.post(f"/awards/{item.pk}/revoke/", {"reason": "误记"}).status_code == 302
    item.refresh_from_db()
    assert item.revoked_by == world.registrar_a


def test_the_printed_form_shows_the_awards_on_one_page(world, make_student, client_for):
    from tests.forms.conftest import page_text, read_pdf, require_pdf

    require_pdf()
    student = make_student(school_class=world.class_a1.pk)
    awards.record_award(world.registrar_a, student, **{**SANHAO, "awarded_on": datetime.date(2026, 6, 1)})
    response = client_for(world.leader_a).get(f"/classes/{world.class_a1.pk}/basic-info.pdf")
    reader = read_pdf(response.content)
    assert len(reader.pages) == 1 and "奖励情况2026年6月市级三好学生(太原市教育局)" in page_text(reader, 0)

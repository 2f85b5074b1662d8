"""The semester report (第七条): a school reports to its authority with its figures frozen, the county confirms or
returns it, a returned report comes back as a new version, the county reports to the city, and each level sees
who has not reported. Outsiders are refused."""

import json

import pytest
from django.db.models import Count

from tests.placement.conftest import pupils
from xueji.audit.models import AuditEvent
from xueji.semester import services
from xueji.semester.models import SemesterReport
from xueji.students.models import Student

from .conftest import TERM, YEAR

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_school_report_freezes_figures_equal_to_a_direct_count(world, api_for, term):
    pupils(world.school_a, 1, 3, school_class=world.class_a1)
    pupils(world.school_a, 2, 2, status="休学", gender="2")
    answer = post(api_for(world.registrar_a), "/api/v1/semester/reports", term)
    assert answer.status_code == 201, answer.content
    report = answer.json()
    assert report["reviewer"] == world.xiaodian.code and report["version"] == 1 and report["status"] == "submitted"
    direct = [dict(r) for r in Student.objects.filter(school=world.school_a).values("grade", "gender", "status")
              .annotate(count=Count("id")).order_by("grade", "gender", "status")]
    assert report["figures"]["students"] == direct
    assert report["figures"]["totals"]["students"] == 5
    # Frozen: a later pupil changes the registry, not the report.
    pupils(world.school_a, 1, 1)
    again = api_for(world.registrar_a).get(f"/api/v1/semester/reports/{report['id']}").json()
    assert again["figures"]["totals"]["students"] == 5
    assert AuditEvent.objects.filter(action="semester.submit", actor=world.registrar_a).exists()


def test_return_with_reason_then_resubmit_as_a_new_version(world, api_for, term):
    school, county = api_for(world.registrar_a), api_for(world.county_xd)
    first = post(school, "/api/v1/semester/reports", term).json()
    # Reported already: a second one waits for a return.
    refused = post(school, "/api/v1/semester/reports", term)
    assert refused.status_code == 409 and "第七条" in refused.json()["errors"][0]["message"]
    # A return needs its reason.
    no_reason = post(county, f"/api/v1/semester/reports/{first['id']}/return", {"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["article"] == "第七条"
    returned = post(county, f"/api/v1/semester/reports/{first['id']}/return", {"reason": "缺少转学材料"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    second = post(school, "/api/v1/semester/reports", {**term, "note": "已补齐"})
    assert second.status_code == 201 and second.json()["version"] == 2
    # The returned version stays as it was.
    kept = SemesterReport.objects.get(pk=first["id"])
    assert kept.status == "returned" and kept.comment == "缺少转学材料"
    confirmed = post(county, f"/api/v1/semester/reports/{second.json()['id']}/confirm", {"comment": "同意"})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert post(county, f"/api/v1/semester/reports/{second.json()['id']}/confirm").status_code == 409
    actions = set(AuditEvent.objects.filter(action__startswith="semester.").values_list("action", flat=True))
    assert {"semester.submit", "semester.return", "semester.confirm"} <= actions


def test_each_level_sees_who_has_not_reported(world, api_for, term):
    services.submit(world.registrar_a, YEAR, TERM)
    county = {u["code"]: u for u in api_for(world.county_xd).get("/api/v1/semester/units", term).json()}
    # 坞城路小学 and 小店区第一中学 report to 小店区; the city-run 第五中学 reports to the city (第三条).
    assert set(county) == {world.school_a.pk, world.school_a2.pk}
    assert county[world.school_a.pk]["status"] == "submitted" and county[world.school_a2.pk]["status"] == ""
    report = services.submit(world.county_xd, YEAR, TERM)
    assert report.reviewer_id == world.taiyuan.code and report.figures["totals"]["units"] == 2
    city = {u["code"]: u for u in api_for(world.city_ty).get("/api/v1/semester/units", term).json()}
    assert set(city) == {world.xiaodian.code, world.yingze.code, world.high.pk}
    assert city[world.xiaodian.code]["status"] == "submitted"
    assert city[world.yingze.code]["status_label"] == "未报送" and city[world.high.pk]["status"] == ""
    # Not-reported first on the page too.
    assert api_for(world.city_ty).get("/api/v1/semester/units", term).json()[0]["status"] == ""
    # The city confirms the county's report, reports upward, and the province finds it in its to-do list.
    services.confirm(world.city_ty, report)
    city_report = services.submit(world.city_ty, YEAR, TERM)
    assert city_report.reviewer_id == world.province.code
    assert any(i["kind"] == "semester_report" for i in _todo(api_for(world.province_officer)))


def test_the_county_finds_the_report_in_its_todo_list(world, api_for, term):
    services.submit(world.registrar_a, YEAR, TERM)
    rows = _todo(api_for(world.county_xd))
    assert any(i["kind"] == "semester_report" and "坞城路小学" in i["title"] for i in rows)
    assert not any(i["kind"] == "semester_report" for i in _todo(api_for(world.county_yz)))


def _todo(client):
    return client.get("/api/v1/todo").json()["items"]


def test_outsiders_are_refused(world, api_for, client_for, term):
    report = services.submit(world.registrar_a, YEAR, TERM)
    for outsider in (world.county_yz, world.registrar_b, world.city_dt):
        assert api_for(outsider).get(f"/api/v1/semester/reports/{report.pk}").status_code == 404
        assert post(api_for(outsider), f"/api/v1/semester/reports/{report.pk}/confirm").status_code == 404
        assert client_for(outsider).get(f"/semester/reports/{report.pk}/").status_code == 404
    # The city sees the report but is not its reviewer.
    refused = post(api_for(world.city_ty), f"/api/v1/semester/reports/{report.pk}/confirm")
    assert refused.status_code == 403 and "第七条" in refused.json()["errors"][0]["message"]
    # The school cannot confirm its own report; the auditor and the province have no unit to report for.
    assert post(api_for(world.registrar_a), f"/api/v1/semester/reports/{report.pk}/confirm").status_code == 403
    assert post(api_for(world.province_officer), "/api/v1/semester/reports", term).status_code == 403
    assert api_for(world.auditor).get("/api/v1/semester/reports").status_code == 403
    assert api_for(world.registrar_a).get("/api/v1/semester/units", term).status_code == 403
    assert AuditEvent.objects.filter(actor=world.county_yz, outcome="denied").exists()


def test_a_term_not_begun_cannot_be_reported(world, api_for):
    answer = post(api_for(world.registrar_a), "/api/v1/semester/reports", {"school_year": YEAR + 1, "term": 2})
    assert answer.status_code == 422 and answer.json()["errors"][0]["article"] == "第七条"
    bad = post(api_for(world.registrar_a), "/api/v1/semester/reports", {"school_year": YEAR, "term": 3})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "term"


def test_pages_submit_review_and_list(world, client_for, term):
    school = client_for(world.registrar_a)
    assert school.get("/semester/").status_code == 200
    answer = school.post("/semester/submit/", {**term, "note": ""})
    assert answer.status_code == 302
    report = SemesterReport.objects.get()
    county = client_for(world.county_xd)
    index = county.get("/semester/", term).content.decode()
    assert "坞城路小学" in index and "未报送" in index
    refused = county.post(f"/semester/reports/{report.pk}/return/", {"reason": ""})
    assert refused.status_code == 422 and "第七条" in refused.content.decode()
    assert county.post(f"/semester/reports/{report.pk}/confirm/", {"comment": ""}).status_code == 302
    assert "已确认" in county.get(f"/semester/reports/{report.pk}/").content.decode()
    city = client_for(world.city_ty).get("/semester/", term).content.decode()
    assert "小店区" in city and "未报送" in city and "太原市第五中学" in city


def test_units_past_the_due_date_are_listed_as_late_but_may_still_report(world, api_for):
    last_year = {"school_year": YEAR - 1, "term": 1}
    units = api_for(world.county_xd).get("/api/v1/semester/units", last_year).json()
    assert units and all(u["late"] for u in units)
    assert post(api_for(world.registrar_a), "/api/v1/semester/reports", last_year).status_code == 201
    late = {u["code"]: u["late"] for u in api_for(world.county_xd).get("/api/v1/semester/units", last_year).json()}
    assert late[world.school_a.pk] is False and late[world.school_a2.pk] is True

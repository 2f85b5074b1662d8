"""/api/v1/access and /api/v1/schools/{code}/roster: the roster export behind the 第四十四条 gate, the register,
a grant holder's reading, and outsiders refused on every endpoint."""

import io
import json

import pytest
from openpyxl import load_workbook

from tests.access.conftest import LATER, TODAY, errors_of, scan
from xueji.access.models import ConsultationEntry
from xueji.applications.models import Application
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
A44 = "第四十四条"
ROSTER = "/api/v1/schools/1114010501/roster"


def body(**overrides) -> dict:
    fields = {"use": "export", "scope_kind": "school", "school": "1114010501", "purpose": "核对学区入学数据",
              "valid_from": TODAY.isoformat(), "valid_until": LATER.isoformat()}
    return fields | overrides


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


# ---------------------------------------------------------------- the roster (附件3)


def test_own_registrar_exports_the_roster_as_daily_work_with_ids_as_text(people, enrolled, api_for):
    student = enrolled(grade=1)
    Student.objects.filter(pk=student.pk).update(name="=cmd|' /C calc'!A0", current_address="+SUM(A1)")
    response = api_for(people.registrar_a).get(ROSTER, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = sheet_of(response)
    headers = [c.value for c in sheet[2]]
    row = {h: c for h, c in zip(headers, sheet[3], strict=True)}
    assert row["身份证件号"].value == student.id_number and row["身份证件号"].data_type == "s"
    assert row["身份证件号"].number_format == "@"
    # Formula-like text arrives as that text in a string cell, quote-prefixed so editing keeps it text.
    assert row["姓名"].value == "=cmd|' /C calc'!A0" and row["姓名"].data_type == "s" and row["姓名"].quotePrefix
    assert row["现住址"].value == "+SUM(A1)" and row["现住址"].data_type == "s"
    entry = ConsultationEntry.objects.get()
    assert (entry.username, entry.basis, entry.outcome, entry.student_count) == ("reg_a", "daily", "ok", 1)


def test_county_export_without_grant_is_refused_and_registered(people, enrolled, api_for):
    enrolled()
    response = api_for(people.county_xd).get(ROSTER, {"format": "xlsx"})
    assert response.status_code == 422
    assert ("access_not_granted", A44) in errors_of(response)
    entry = ConsultationEntry.objects.get()
    assert (entry.username, entry.outcome, entry.basis, entry.school_id) == ("xd", "denied", "none", "1114010501")


def test_county_export_with_grant_is_allowed_and_registered(people, enrolled, api_for, granted):
    enrolled()
    grant = granted()
    response = api_for(people.county_xd).get(ROSTER, {"format": "json"})
    assert response.status_code == 200 and len(response.json()["rows"]) == 1
    entry = ConsultationEntry.objects.get()
    assert (entry.outcome, entry.basis, entry.grant) == ("ok", "grant", grant)


def test_an_expired_or_revoked_grant_no_longer_exports(people, enrolled, api_for, granted):
    from xueji.access import services

    grant = granted()
    services.revoke(people.county_xd2, grant.pk, reason="用途已完成")
    assert api_for(people.county_xd).get(ROSTER).status_code == 422


def test_a_grant_opens_another_countys_school_to_its_holder(people, enrolled, api_for, granted):
    enrolled()
    assert api_for(people.county_yz).get(ROSTER).status_code == 404  # outside and ungranted: absent
    granted(actor=people.county_yz)
    assert api_for(people.county_yz).get(ROSTER).status_code == 200


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt"])
def test_outsiders_get_404_for_the_roster(people, api_for, who):
    assert api_for(getattr(people, who)).get(ROSTER).status_code == 404


# ---------------------------------------------------------------- filing and deciding through the API


def test_file_approve_with_scan_and_read_the_grant(people, api_for):
    filed = post(api_for(people.county_xd), "/api/v1/access/applications", body())
    assert filed.status_code == 201, filed.content
    app_id = filed.json()["id"]
    assert filed.json()["steps"][0]["org"] == "140105"
    approved = api_for(people.county_xd2).post(f"/api/v1/access/applications/{app_id}/approve",
                                               {"file": scan(), "comment": "同意"})
    assert approved.status_code == 200, approved.content
    grant_id = approved.json()["grant"]
    grants = api_for(people.county_xd).get("/api/v1/access/grants").json()
    assert [g["id"] for g in grants] == [grant_id] and grants[0]["live"]


def test_approval_without_scan_is_a_malformed_request(people, api_for):
    app_id = post(api_for(people.county_xd), "/api/v1/access/applications", body()).json()["id"]
    assert api_for(people.county_xd2).post(f"/api/v1/access/applications/{app_id}/approve", {}).status_code == 400


def test_refused_request_names_the_article(people, api_for):
    response = post(api_for(people.county_xd), "/api/v1/access/applications", body(purpose="看看"[:1]))
    assert response.status_code == 422 and ("access_purpose", A44) in errors_of(response)


def test_auditor_and_leader_may_not_file(people, api_for):
    assert post(api_for(people.auditor), "/api/v1/access/applications", body()).status_code == 403
    assert post(api_for(people.leader_a), "/api/v1/access/applications", body()).status_code == 403


def test_outsiders_cannot_see_or_decide_an_application(people, api_for):
    app_id = post(api_for(people.county_xd), "/api/v1/access/applications", body()).json()["id"]
    for who in (people.county_yz, people.registrar_b, people.city_dt):
        client = api_for(who)
        assert client.get(f"/api/v1/access/applications/{app_id}").status_code == 404
        assert client.post(f"/api/v1/access/applications/{app_id}/approve", {"file": scan()}).status_code == 404
        assert post(client, f"/api/v1/access/applications/{app_id}/reject", {"comment": "否"}).status_code == 404


def test_scoped_application_shows_in_the_engines_list_without_a_student(people, api_for):
    app_id = post(api_for(people.county_xd), "/api/v1/access/applications", body()).json()["id"]
    listed = api_for(people.county_xd2).get("/api/v1/applications", {"awaiting": "me"})
    assert listed.status_code == 200, listed.content
    row = next(r for r in listed.json()["results"] if r["id"] == app_id)
    assert row["student"] is None and row["type"] == "access"
    assert Application.objects.get(pk=app_id).school_id == "1114010501"


def test_revoke_through_the_api_and_outsiders_refused(people, api_for, granted):
    grant = granted(actor=people.county_yz)  # a holder outside the approving authority
    assert post(api_for(people.registrar_b), f"/api/v1/access/grants/{grant.pk}/revoke", {"reason": "x"}).status_code == 404
    assert post(api_for(people.county_yz), f"/api/v1/access/grants/{grant.pk}/revoke", {"reason": "x"}).status_code == 403
    response = post(api_for(people.county_xd2), f"/api/v1/access/grants/{grant.pk}/revoke", {"reason": "研究结束"})
    assert response.status_code == 200 and not response.json()["live"]


# ---------------------------------------------------------------- reading a record on a grant (经批准查阅)


def test_a_grant_holder_reads_the_named_student_only_and_each_read_is_registered(people, enrolled, api_for, granted):
    named, other = enrolled(), enrolled()
    grant = granted(actor=people.county_yz, approver=people.county_xd2, scope_kind="students", school=None,
                    students=[named.student_number], use="view", requester_kind="researcher",
                    requester_name="山西大学教育学院", grantee="yz2")
    client = api_for(people.county_yz2)
    listed = client.get(f"/api/v1/access/grants/{grant.pk}/students").json()
    assert [s["key"] for s in listed["results"]] == [named.key]
    record = client.get(f"/api/v1/access/grants/{grant.pk}/students/{named.key}")
    assert record.status_code == 200 and record.json()["student"]["id_number"] == named.id_number
    assert client.get(f"/api/v1/access/grants/{grant.pk}/students/{other.key}").status_code == 404
    assert api_for(people.county_yz).get(f"/api/v1/access/grants/{grant.pk}/students").status_code == 404  # filer, not holder
    assert api_for(people.registrar_b).get(f"/api/v1/access/grants/{grant.pk}/students").status_code == 404
    entry = ConsultationEntry.objects.get(outcome="ok")
    assert (entry.username, entry.grant, entry.student, entry.use) == ("yz2", grant, named, "view")


def test_reading_on_a_revoked_grant_is_refused(people, enrolled, api_for, granted):
    from xueji.access import services

    named = enrolled()
    grant = granted(actor=people.county_yz, scope_kind="students", school=None, students=[named.student_number],
                    use="view")
    services.revoke(people.county_xd2, grant.pk, reason="撤回")
    response = api_for(people.county_yz).get(f"/api/v1/access/grants/{grant.pk}/students/{named.key}")
    assert response.status_code == 422 and ("access_grant_inactive", A44) in errors_of(response)


# ---------------------------------------------------------------- the register


def test_register_filters_and_export_for_the_auditor(people, enrolled, api_for, granted):
    enrolled()
    api_for(people.county_xd).get(ROSTER)  # refused
    grant = granted()
    api_for(people.county_xd).get(ROSTER)  # allowed
    api_for(people.registrar_a).get(ROSTER)  # daily work
    auditor = api_for(people.auditor)
    assert auditor.get("/api/v1/access/register").json()["count"] == 3
    assert auditor.get("/api/v1/access/register", {"user": "xd"}).json()["count"] == 2
    assert auditor.get("/api/v1/access/register", {"grant": str(grant.pk)}).json()["count"] == 1
    assert auditor.get("/api/v1/access/register", {"outcome": "denied"}).json()["count"] == 1
    assert auditor.get("/api/v1/access/register", {"school": "1114010601"}).json()["count"] == 0
    assert auditor.get("/api/v1/access/register", {"since": LATER.isoformat()}).json()["count"] == 0
    assert auditor.get("/api/v1/access/register", {"until": TODAY.isoformat()}).json()["count"] == 3
    bad = auditor.get("/api/v1/access/register", {"since": "2026-13-01"})
    assert bad.status_code == 422
    exported = auditor.get("/api/v1/access/register", {"format": "xlsx", "user": "xd"})
    assert exported.status_code == 200 and sheet_of(exported).max_row == 4  # heading, headers, 2 rows


def test_register_is_refused_to_schools_and_narrowed_for_other_counties(people, enrolled, api_for):
    enrolled()
    api_for(people.county_xd).get(ROSTER)
    assert api_for(people.registrar_a).get("/api/v1/access/register").status_code == 403
    assert api_for(people.county_xd2).get("/api/v1/access/register").json()["count"] == 1
    assert api_for(people.county_yz).get("/api/v1/access/register").json()["count"] == 0


def test_the_engines_single_student_endpoint_refuses_an_access_type(people, enrolled, api_for):
    student = enrolled()
    response = post(api_for(people.registrar_a), "/api/v1/applications", {"type": "access", "student": student.key})
    assert response.status_code == 422 and "scoped_type" in {e["code"] for e in response.json()["errors"]}

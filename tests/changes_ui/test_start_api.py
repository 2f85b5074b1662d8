"""Starting status changes through the API: POST /api/v1/applications as multipart with `proof_<kind>` files,
the per-student menu GET /api/v1/students/{key}/change-types, and the OpenAPI that documents both."""

import datetime
import json

import pytest

from tests.changes_ui.conftest import TODAY, scan
from xueji.applications.models import Application, Evidence
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications"


def post(client, data):
    return client.post(URL, data)  # the test client sends multipart/form-data


def articles(response) -> list[str]:
    return [e["article"] for e in response.json()["errors"]]


def test_suspension_multipart_with_proof_kinds(world, api_for, pupil):
    end = TODAY + datetime.timedelta(days=300)
    response = post(api_for(world.registrar_a), {
        "type": "suspension", "student": pupil.student_number, "reason": "illness", "note": "监护人申请",
        "start": TODAY.isoformat(), "end": end.isoformat(), "hours_needed": "200", "term_hours": "500",
        "proof_suspension_form": scan(), "proof_medical_county": [scan("a"), scan("b")]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "suspension" and [s["role"] for s in body["steps"]] == ["leader", "county"]
    app = Application.objects.get(pk=body["id"])
    assert app.payload["reason"] == "illness" and app.reason == "监护人申请"
    assert sorted(Evidence.objects.filter(application=app).values_list("kind", flat=True)) == [
        "medical_county", "medical_county", "suspension_form"]


def test_suspension_missing_proof_is_422_naming_article_24(world, api_for, pupil):
    response = post(api_for(world.registrar_a), {
        "type": "suspension", "student": pupil.student_number, "reason": "illness",
        "start": TODAY.isoformat(), "end": (TODAY + datetime.timedelta(days=100)).isoformat(),
        "hours_needed": "200", "term_hours": "500", "proof_suspension_form": scan()})
    assert response.status_code == 422
    error = next(e for e in response.json()["errors"] if e["field"] == "evidence.medical_county")
    assert error["article"] == "第二十四条"
    assert not Application.objects.exists()


def test_suspension_reason_outside_the_list_is_422_naming_article_23(world, api_for, pupil):
    response = post(api_for(world.registrar_a), {
        "type": "suspension", "student": pupil.student_number, "reason": "travel",
        "start": TODAY.isoformat(), "end": (TODAY + datetime.timedelta(days=100)).isoformat(),
        "proof_suspension_form": scan()})
    assert response.status_code == 422 and "第二十三条" in articles(response)


def test_compulsory_withdrawal_multipart(world, api_for, pupil):
    client = api_for(world.registrar_a)
    base = {"type": "withdrawal", "student": pupil.student_number, "ground": "settle_abroad",
            "proof_withdrawal_form": scan(), "proof_passport_copy": scan(), "proof_hukou_copy": scan()}
    refused = post(client, base)
    assert refused.status_code == 422 and "第二十八条" in articles(refused)
    ok = post(client, {**base, "proof_withdrawal_form": scan(), "proof_passport_copy": scan(),
                       "proof_hukou_copy": scan(), "proof_township_approval": scan()})
    assert ok.status_code == 201
    assert [s["role"] for s in ok.json()["steps"]] == ["leader", "county"]


def test_death_multipart_and_refused_without_proof(world, api_for, pupil):
    client = api_for(world.registrar_a)
    refused = post(client, {"type": "death", "student": pupil.student_number, "known_on": TODAY.isoformat(),
                            "proof_other_proof": scan()})
    assert refused.status_code == 422 and "第三十二条" in articles(refused)
    ok = post(client, {"type": "death", "student": pupil.student_number, "known_on": TODAY.isoformat(),
                       "proof_death_proof": scan()})
    assert ok.status_code == 201 and ok.json()["evidence"][0]["kind"] == "death_proof"


def test_dropout_multipart_with_repeated_or_comma_separated_recipients(world, api_for, pupil, make_student):
    from tests.changes_ui.conftest import enrol

    client = api_for(world.registrar_a)
    refused = post(client, {"type": "dropout", "student": pupil.student_number, "reported_to": "county",
                            "proof_dropout_report": scan()})
    assert refused.status_code == 422 and articles(refused) == ["第三十三条"]
    ok = post(client, {"type": "dropout", "student": pupil.student_number, "reported_to": ["township", "county"],
                       "proof_dropout_report": scan()})
    assert ok.status_code == 201 and ok.json()["payload"]["reported_to"] == ["township", "county"]
    other = enrol(make_student(name="钱二"))
    comma = post(client, {"type": "dropout", "student": other.student_number, "reported_to": "township,county",
                          "proof_dropout_report": scan()})
    assert comma.status_code == 201 and comma.json()["payload"]["reported_to"] == ["township", "county"]


def test_dropout_as_json_with_a_list(world, api_for, pupil):
    response = api_for(world.registrar_a).post(URL, json.dumps({
        "type": "dropout", "student": pupil.student_number, "reported_to": ["township", "county"]}),
        content_type="application/json")
    # JSON carries no files: the written report is missing; the recipients list was read as such.
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert "evidence.dropout_report" in fields and not [f for f in fields if f.startswith("reported_to")]


def test_unknown_proof_kind_and_bad_weeks_are_400(people, api_for, pupil, senior):
    bad_kind = post(api_for(people.registrar_a), {"type": "death", "student": pupil.student_number,
                                                  "known_on": TODAY.isoformat(), "proof_selfie": scan()})
    assert bad_kind.status_code == 400 and bad_kind.json()["errors"][0]["field"] == "proof_selfie"
    bad_weeks = api_for(people.registrar_high).post(URL, json.dumps({
        "type": "auto_withdrawal", "student": senior.student_number, "ground": "truancy",
        "truancy_weeks": ["x"]}), content_type="application/json")
    assert bad_weeks.status_code == 400 and bad_weeks.json()["errors"][0]["field"] == "truancy_weeks"
    assert not Application.objects.exists()


def test_truancy_weeks_as_a_range_in_a_form(people, api_for, senior):
    response = post(api_for(people.registrar_high), {
        "type": "auto_withdrawal", "student": senior.student_number, "ground": "truancy",
        "truancy_weeks": "1-9", "proof_family_contact_record": scan()})
    assert response.status_code == 201, response.content
    assert response.json()["payload"]["truancy_weeks"] == list(range(1, 10))
    assert [s["role"] for s in response.json()["steps"]] == ["leader", "county", "city"]


@pytest.mark.parametrize("who, status", [("registrar_b", 404), ("county_yz", 404), ("leader_a", 403),
                                         ("county_xd", 403)])
def test_outsiders_cannot_start(world, api_for, pupil, who, status):
    response = post(api_for(getattr(world, who)), {"type": "death", "student": pupil.student_number,
                                                   "known_on": TODAY.isoformat(), "proof_death_proof": scan()})
    assert response.status_code == status
    assert not Application.objects.exists()


# ------------------------------------------------------------------ what may be started


def test_change_types_describe_each_form(world, api_for, pupil):
    response = api_for(world.registrar_a).get(f"/api/v1/students/{pupil.student_number}/change-types")
    assert response.status_code == 200
    by_type = {row["type"]: row for row in response.json()}
    assert "resumption" not in by_type and "auto_withdrawal" not in by_type
    suspension = by_type["suspension"]
    assert suspension["reason_key"] == "reason" and suspension["article"] == "第二十四条"
    assert {r["code"] for r in suspension["reasons"]} == {"illness", "long_leave", "force_majeure"}
    assert {p["field"] for p in suspension["proofs"]} >= {"proof_suspension_form", "proof_medical_county"}
    assert [s["org_name"] for s in suspension["chain"]["steps"]] == [world.school_a.name, "小店区"]
    assert by_type["info_change"]["elsewhere"] is True
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="student.changes").exists()


@pytest.mark.parametrize("who, status", [("registrar_b", 404), ("county_yz", 404), ("leader_a", 403)])
def test_change_types_refuse_outsiders(world, api_for, pupil, who, status):
    response = api_for(getattr(world, who)).get(f"/api/v1/students/{pupil.student_number}/change-types")
    assert response.status_code == status


def test_openapi_documents_proof_fields_and_payload_keys(world, api_for):
    spec = api_for(world.registrar_a).get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/applications"]["post"]["requestBody"]["content"]
    form = body["multipart/form-data"]["schema"]["properties"]
    assert form["proof_medical_county"]["items"]["format"] == "binary"
    assert "县级以上医疗单位" in form["proof_medical_county"]["description"]
    json_props = body["application/json"]["schema"]["properties"]
    assert {"start", "end", "ground", "reported_to", "known_on", "truancy_weeks", "note"} <= set(json_props)
    assert "suspension" in json_props["reason"]["description"]
    assert "/api/v1/students/{key}/change-types" in spec["paths"]

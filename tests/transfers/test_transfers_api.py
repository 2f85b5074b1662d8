"""/api/v1/transfers: identifying the student at the receiving school, filing with the scans, refusals with their
articles, and who may and may not act on each step (decisions go through /api/v1/applications)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.transfers.conftest import MOVE, PDF
from xueji.applications.models import Application
from xueji.archive import services as archive
from xueji.audit.models import AuditEvent
from xueji.students.models import Student
from xueji.workdays.models import Term

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def identity(student) -> dict:
    return {"student_number": student.student_number, "name": student.name, "id_number": student.id_number}


def form(student, **extra) -> dict:
    return {**identity(student), **MOVE, "to_grade": str(student.grade), "reason": "家长工作调动",
            "evidence.transfer_form": pdf("附件8.pdf"), "evidence.work_change": pdf("务工证明.pdf"), **extra}


def errors_of(response) -> set[tuple[str, str]]:
    return {(e["code"], e["article"]) for e in response.json()["errors"]}


def decide(api_for, actor, app_id, action="approve", **body):
    return api_for(actor).post(f"/api/v1/applications/{app_id}/{action}", body, content_type="application/json")


# ---------------------------------------------------------------- look-up


def test_lookup_answers_a_masked_summary_when_all_three_match(people, enrolled, api_for):
    w = people
    student = enrolled()
    response = api_for(w.registrar_b).post("/api/v1/transfers/lookup", identity(student),
                                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["school"] == w.school_a.pk and body["grade"] == 3 and body["county_name"] == "小店区"
    assert body["id_number"] != student.id_number and body["id_number"].endswith(student.id_number[-4:])
    assert AuditEvent.objects.filter(action="transfer.lookup", actor=w.registrar_b, outcome="ok").exists()


@pytest.mark.parametrize("wrong", ["name", "id_number", "student_number"])
def test_lookup_with_one_wrong_item_is_404_and_logged(people, enrolled, api_for, wrong):
    w = people
    student = enrolled()
    values = identity(student)
    values[wrong] = {"name": "王大明", "id_number": "140105201503020000", "student_number": "G140105201503029999"}[wrong]
    response = api_for(w.registrar_b).post("/api/v1/transfers/lookup", values, content_type="application/json")
    assert response.status_code == 404
    assert student.name not in response.content.decode()
    assert AuditEvent.objects.filter(action="transfer.lookup", actor=w.registrar_b, outcome="denied").exists()


def test_lookup_is_for_school_registrars(people, enrolled, api_for):
    w = people
    student = enrolled()
    for other in (w.county_yz, w.leader_b, w.auditor):
        response = api_for(other).post("/api/v1/transfers/lookup", identity(student), content_type="application/json")
        assert response.status_code == 403


# ---------------------------------------------------------------- filing and deciding


def test_filing_returns_the_four_steps_with_due_dates_and_the_proofs(people, enrolled, api_for):
    w = people
    student = enrolled()
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student))
    assert response.status_code == 201, response.json()
    app = response.json()
    assert (app["type"], app["status"], app["school"]) == ("transfer", "pending", w.school_b.pk)
    assert [(s["org"], s["role"], s["working_days"]) for s in app["steps"]] == [
        (w.school_b.pk, "leader", 10), (w.yingze.pk, "county", 10), (w.school_a.pk, "leader", 10),
        (w.xiaodian.pk, "county", 10)]
    assert app["steps"][0]["due_date"] and app["steps"][1]["due_date"] is None
    assert sorted(e["kind"] for e in app["evidence"]) == ["transfer_form", "work_change"]
    assert app["payload"]["from_school"] == w.school_a.pk


def test_the_whole_chain_through_the_api(people, enrolled, api_for):
    w = people
    student = enrolled()
    app_id = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student)).json()["id"]
    for actor in (w.leader_b, w.county_yz, w.leader_a, w.county_xd):
        assert decide(api_for, actor, app_id, comment="同意").status_code == 200
    student.refresh_from_db()
    assert student.school_id == w.school_b.pk
    answer = api_for(w.registrar_b).get(f"/api/v1/students/{student.student_number}")
    assert answer.status_code == 200 and answer.json()["school"] == w.school_b.pk
    assert api_for(w.registrar_a).get(f"/api/v1/students/{student.student_number}").status_code == 404
    assert api_for(w.registrar_a).get(f"/api/v1/applications/{app_id}").status_code == 200
    events = api_for(w.registrar_b).get(f"/api/v1/students/{student.student_number}/events").json()
    assert [e["kind"] for e in events][-1] == "转学"


@pytest.mark.parametrize("extra, expected", [
    ({"to_grade": "4"}, ("transfer_grade_changed", "第二十条")),
    ({"transfer_reason": "择校"}, ("transfer_reason_not_allowed", "第十七条")),
    ({"from_division": "140105", "to_division": "140106", "transfer_reason": "family_move",
      "evidence.hukou_transfer": pdf()}, ("transfer_same_city_urban_move", "第十七条")),
])
def test_refusals_name_their_article(people, enrolled, api_for, extra, expected):
    w = people
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(enrolled(), **extra))
    assert response.status_code == 422
    assert expected in errors_of(response)
    assert not Application.objects.exists()


def test_mid_term_is_refused_without_the_exception_request(people, enrolled, api_for):
    w = people
    Term.objects.create(school_year=TODAY.year, number=1, starts_on=TODAY - datetime.timedelta(days=10),
                        ends_on=TODAY + datetime.timedelta(days=90))
    student = enrolled()
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student))
    assert response.status_code == 422 and errors_of(response) == {("transfer_mid_term", "第二十条")}
    allowed = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student, mid_term_exception="true"))
    assert allowed.status_code == 201


def test_graduating_year_and_suspension_are_refused(people, enrolled, api_for):
    w = people
    sixth = enrolled(grade=6, birth=datetime.date(2014, 3, 2))
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(sixth))
    assert errors_of(response) == {("transfer_graduating_year", "第二十条")}
    resting = enrolled()
    Student.objects.filter(pk=resting.pk).update(status="休学")
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(resting))
    assert response.status_code == 422 and errors_of(response) == {("transfer_while_suspended", "第二十条")}


def test_under_discipline_is_refused(people, enrolled, api_for):
    w = people
    student = enrolled()
    archive.record_discipline(w.registrar_a, student, level="严重警告", reason="损坏公物", decided_on=TODAY)
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student))
    assert errors_of(response) == {("transfer_under_discipline", "第二十条")}


def test_missing_form_and_an_unknown_proof_kind(people, enrolled, api_for):
    w = people
    student = enrolled()
    data = form(student)
    del data["evidence.transfer_form"]
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=data)
    assert errors_of(response) == {("transfer_proof_missing", "第十八条")}
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student, **{"evidence.selfie": pdf()}))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "evidence.selfie"


def test_a_wrong_identity_files_nothing(people, enrolled, api_for):
    w = people
    response = api_for(w.registrar_b).post("/api/v1/transfers", data=form(enrolled(), name="李四"))
    assert response.status_code == 404 and not Application.objects.exists()


def test_a_second_pending_transfer_is_a_conflict(people, enrolled, api_for):
    w = people
    student = enrolled()
    assert api_for(w.registrar_b).post("/api/v1/transfers", data=form(student)).status_code == 201
    again = api_for(w.registrar_b).post("/api/v1/transfers", data=form(student))
    assert again.status_code == 409


# ---------------------------------------------------------------- outsiders


@pytest.fixture
def filed(people, enrolled, api_for):
    student = enrolled()
    return api_for(people.registrar_b).post("/api/v1/transfers", data=form(student)).json()["id"]


def test_a_third_countys_officer_can_neither_see_nor_act(people, filed, api_for):
    w = people
    assert api_for(w.county_pc).get(f"/api/v1/applications/{filed}").status_code == 404
    assert decide(api_for, w.county_pc, filed).status_code == 404
    assert filed not in [a["id"] for a in api_for(w.county_pc).get("/api/v1/applications").json()["results"]]


def test_the_sending_school_cannot_act_on_the_receiving_step(people, filed, api_for):
    w = people
    assert api_for(w.leader_a).get(f"/api/v1/applications/{filed}").status_code == 200
    response = decide(api_for, w.leader_a, filed)
    assert response.status_code == 403
    assert decide(api_for, w.county_xd, filed).status_code == 403
    assert decide(api_for, w.registrar_a, filed, action="cancel").status_code == 403


def test_the_steps_go_in_order(people, filed, api_for):
    w = people
    assert decide(api_for, w.county_yz, filed).status_code == 403
    assert decide(api_for, w.leader_b, filed, expected_step=1).status_code == 200
    assert decide(api_for, w.leader_b, filed, expected_step=1).status_code == 409


def test_an_auditor_sees_no_transfer(people, filed, api_for):
    w = people
    assert api_for(w.auditor).get(f"/api/v1/applications/{filed}/transfer-package").status_code == 404
    lists = api_for(w.auditor).get("/api/v1/transfers").json()
    assert lists == {"incoming": [], "outgoing": []}


def test_each_side_lists_its_transfers(people, filed, api_for):
    w = people
    receiving = api_for(w.registrar_b).get("/api/v1/transfers").json()
    sending = api_for(w.leader_a).get("/api/v1/transfers").json()
    assert [a["id"] for a in receiving["incoming"]] == [filed] and receiving["outgoing"] == []
    assert [a["id"] for a in sending["outgoing"]] == [filed] and sending["incoming"] == []
    assert api_for(w.county_pc).get("/api/v1/transfers").json() == {"incoming": [], "outgoing": []}


def test_repeated_wrong_lookups_are_slowed_down(people, enrolled, api_for, monkeypatch):
    from xueji.transfers import services

    w = people
    monkeypatch.setattr(services, "LOOKUP_FAILURES_PER_HOUR", 3)
    student = enrolled()
    client = api_for(w.registrar_b)
    for _ in range(3):
        wrong = {**identity(student), "name": "李四"}
        assert client.post("/api/v1/transfers/lookup", wrong, content_type="application/json").status_code == 404
    answer = client.post("/api/v1/transfers/lookup", identity(student), content_type="application/json")
    assert answer.status_code == 429 and answer.json()["errors"][0]["code"] == "rate_limited"
    # Another school's registrar is not affected.
    other = api_for(w.registrar_a2).post("/api/v1/transfers/lookup", identity(student), content_type="application/json")
    assert other.status_code == 200

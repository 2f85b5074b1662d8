"""/api/v1/visiting: a stay filed at the host school walks its chain; the student sits at the host class while
the record stays home; refusals name their article; outsiders are refused."""

import pytest

from tests.visiting.conftest import PROOFS, form
from xueji.applications.models import Application
from xueji.audit.models import AuditEvent
from xueji.policy.province import class_caps
from xueji.students.models import StatusEvent, Student
from xueji.visiting.models import VisitingStay

pytestmark = pytest.mark.django_db


def file(api_for, actor, body):
    return api_for(actor).post("/api/v1/visiting", body)


def decide(api_for, actor, app_id):
    return api_for(actor).post(f"/api/v1/applications/{app_id}/approve", {}, content_type="application/json")


def errors_of(response) -> set[tuple[str, str]]:
    return {(e["code"], e["article"]) for e in response.json()["errors"]}


def open_stay(api_for, w, student, **extra) -> VisitingStay:
    response = file(api_for, w.registrar_b, form(student, w.host3, **extra))
    assert response.status_code == 201, response.content
    app_id = response.json()["id"]
    assert decide(api_for, w.leader_b, app_id).status_code == 200
    assert decide(api_for, w.county_yz, app_id).status_code == 200
    return VisitingStay.objects.get(application_id=app_id)


# ---------------------------------------------------------------- the allowed case


def test_stay_walks_host_leader_then_host_authority_and_record_stays_home(people, enrolled, api_for):
    w = people
    student = enrolled()
    response = file(api_for, w.registrar_b, form(student, w.host3))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "visiting" and body["school"] == w.school_b.pk
    assert [(s["role"], s["org"]) for s in body["steps"]] == [("leader", w.school_b.pk),
                                                                     ("county", w.yingze.pk)]
    # Nothing happens to the record before the last approval.
    assert decide(api_for, w.leader_b, body["id"]).status_code == 200
    assert not VisitingStay.objects.exists()
    assert decide(api_for, w.county_yz, body["id"]).status_code == 200

    stay = VisitingStay.objects.get()
    student.refresh_from_db()
    assert (stay.host_school_id, stay.host_class_id, stay.home_school_id) == (w.school_b.pk, w.host3.pk, w.school_a.pk)
    assert student.school_id == w.school_a.pk and student.school_class_id == w.home3.pk and student.status == "在籍"
    event = StatusEvent.objects.get(student=student, kind="借读")
    assert event.school_id == w.school_a.pk and (event.from_status, event.to_status) == ("在籍", "在籍")
    assert AuditEvent.objects.filter(action="visiting.open").exists()
    assert AuditEvent.objects.filter(action="student.visiting").exists()


def test_both_schools_see_the_stay_and_the_record(people, enrolled, api_for):
    w = people
    student = enrolled()
    stay = open_stay(api_for, w, student)
    # The home school still reads the full record as usual.
    assert api_for(w.registrar_a).get(f"/api/v1/students/{student.student_number}").status_code == 200
    home = api_for(w.registrar_a).get("/api/v1/visiting?side=home").json()
    assert [r["id"] for r in home["results"]] == [stay.pk]
    hosted = api_for(w.registrar_b).get("/api/v1/visiting?side=host").json()
    assert [r["id"] for r in hosted["results"]] == [stay.pk]
    # The host school does not see the student through StudentPolicy, only through its visiting list.
    assert api_for(w.registrar_b).get(f"/api/v1/students/{student.student_number}").status_code == 404
    detail = api_for(w.registrar_b).get(f"/api/v1/visiting/{stay.pk}")
    assert detail.status_code == 200
    record = detail.json()["record"]
    assert record["name"] == student.name and record["school"] == w.school_a.pk
    assert record["id_number"] != student.id_number
    assert api_for(w.county_yz).get(f"/api/v1/visiting/{stay.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="visiting.view", actor=w.registrar_b).exists()
    assert AuditEvent.objects.filter(action="visiting.search", actor=w.registrar_a).exists()


def test_end_closes_the_stay_and_host_stops_seeing_the_record(people, enrolled, api_for):
    w = people
    student = enrolled()
    stay = open_stay(api_for, w, student)
    response = api_for(w.registrar_a).post(f"/api/v1/visiting/{stay.pk}/end", {"end_reason": "returned"},
                                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert [(s["role"], s["org"]) for s in response.json()["steps"]] == [("leader", w.school_b.pk)]
    assert decide(api_for, w.leader_b, response.json()["id"]).status_code == 200
    stay.refresh_from_db()
    assert stay.ended_on is not None and stay.end_reason == "returned" and stay.ended_by_id == response.json()["id"]
    assert StatusEvent.objects.filter(student=student, kind="结束借读").exists()
    assert api_for(w.registrar_b).get(f"/api/v1/visiting/{stay.pk}").json()["record"] is None
    assert api_for(w.registrar_b).get("/api/v1/visiting?side=host").json()["count"] == 0


def test_a_stay_found_at_another_grade_is_flagged_and_withdrawn(people, enrolled, api_for):
    w = people
    student = enrolled()
    stay = open_stay(api_for, w, student)
    Student.objects.filter(pk=student.pk).update(grade=4)  # e.g. the home school promoted him
    assert api_for(w.registrar_b).get(f"/api/v1/visiting/{stay.pk}").json()["grade_mismatch"] is True
    response = api_for(w.registrar_b).post(f"/api/v1/visiting/{stay.pk}/end", {"end_reason": "grade_mismatch"},
                                           content_type="application/json")
    assert response.status_code == 201
    decide(api_for, w.leader_b, response.json()["id"])
    stay.refresh_from_db()
    assert stay.end_reason == "grade_mismatch" and stay.ended_on is not None


# ---------------------------------------------------------------- refusals with their articles


def test_reason_not_listed_is_refused_25(people, enrolled, api_for):
    w = people
    response = file(api_for, w.registrar_b, form(enrolled(), w.host3, visiting_reason="better_school"))
    assert response.status_code == 422
    assert ("visiting_reason_not_allowed", "第二十五条") in errors_of(response)
    assert not Application.objects.exists()


def test_different_grade_is_refused_26(people, enrolled, api_for):
    w = people
    response = file(api_for, w.registrar_b, form(enrolled(), w.host4))
    assert response.status_code == 422
    assert ("visiting_grade_mismatch", "第二十六条") in errors_of(response)


def test_host_class_at_its_hard_cap_is_refused_26(people, enrolled, api_for):
    w = people
    _normal, hard = class_caps(3)
    for _ in range(hard):
        enrolled(school=w.school_b, school_class=w.host3)
    response = file(api_for, w.registrar_b, form(enrolled(), w.host3, class_reason="家长要求"))
    assert response.status_code == 422
    assert ("visiting_class_over_hard_cap", "第二十六条") in errors_of(response)
    assert "第十三条" in response.json()["errors"][0]["message"] or any(
        "第十三条" in e["message"] for e in response.json()["errors"])


def test_visiting_students_count_in_the_host_class(people, enrolled, api_for):
    w = people
    _normal, hard = class_caps(3)
    for _ in range(hard - 1):
        enrolled(school=w.school_b, school_class=w.host3)
    open_stay(api_for, w, enrolled(), class_reason="家长要求")  # takes the last seat
    response = file(api_for, w.registrar_b, form(enrolled(), w.host3, class_reason="家长要求"))
    assert ("visiting_class_over_hard_cap", "第二十六条") in errors_of(response)


def test_missing_proofs_are_refused_26(people, enrolled, api_for):
    w = people
    response = file(api_for, w.registrar_b, form(enrolled(), w.host3, proofs=PROOFS[:1]))
    assert response.status_code == 422
    assert ("visiting_proof_missing", "第二十六条") in errors_of(response)


def test_own_school_cannot_host_its_student_25(people, enrolled, api_for):
    w = people
    response = file(api_for, w.registrar_a, form(enrolled(), w.home3))
    assert response.status_code == 422
    assert ("visiting_same_school", "第二十五条") in errors_of(response)


# ---------------------------------------------------------------- outsiders


def test_outsiders_are_refused(people, enrolled, api_for):
    w = people
    student = enrolled()
    stay = open_stay(api_for, w, student)
    assert api_for(w.county_pc).get(f"/api/v1/visiting/{stay.pk}").status_code == 404
    assert api_for(w.county_pc).get("/api/v1/visiting?side=host").json()["count"] == 0
    assert api_for(w.registrar_a2).get(f"/api/v1/visiting/{stay.pk}").status_code == 404
    assert api_for(w.registrar_a2).post(f"/api/v1/visiting/{stay.pk}/end", {"end_reason": "finished"},
                                        content_type="application/json").status_code == 404
    assert api_for(w.auditor).get(f"/api/v1/visiting/{stay.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="visiting.view", outcome="denied", actor=w.county_pc).exists()


def test_only_school_registrars_file_and_end(people, enrolled, api_for):
    w = people
    student = enrolled()
    assert file(api_for, w.leader_b, form(student, w.host3)).status_code == 403
    assert file(api_for, w.county_yz, form(student, w.host3)).status_code == 403
    stay = open_stay(api_for, w, student)
    response = api_for(w.leader_b).post(f"/api/v1/visiting/{stay.pk}/end", {"end_reason": "finished"},
                                        content_type="application/json")
    assert response.status_code == 403


def test_a_third_county_cannot_decide(people, enrolled, api_for):
    w = people
    response = file(api_for, w.registrar_b, form(enrolled(), w.host3))
    app_id = response.json()["id"]
    decide(api_for, w.leader_b, app_id)
    assert decide(api_for, w.county_pc, app_id).status_code == 404
    assert decide(api_for, w.county_xd, app_id).status_code == 404

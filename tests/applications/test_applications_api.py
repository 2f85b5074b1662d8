"""/api/v1/applications: filing, reading and deciding applications, each refused to outsiders."""

import datetime
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests import factories as f
from tests.api.conftest import API, Api, assert_error, denied_rows
from tests.applications.conftest import PDF
from xueji.applications import services
from xueji.applications.models import Application, Evidence, Step
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict
from xueji.core.masking import mask_id
from xueji.students.models import Student, StudentNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_for):
    return lambda user: Api(api_for(user))


def file_post(client, path, data):
    """A multipart request, as a client uploading scans sends it."""
    return client.post(API + path, data=data)


def register(api, world, student, **extra):
    response = api(world.registrar_a).post("/applications", {"type": "registration", "student": student.pk, **extra})
    assert response.status_code == 201, response.content.decode()
    return response.json()


def name_change(api_for, world, student, new_name="王晓明"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("户口簿.pdf", PDF, content_type="application/pdf")
    response = file_post(api_for(world.registrar_a), "/applications", {
        "type": "info_change", "student": str(student.pk), "reason": "依户口簿更正姓名",
        "changes.name": new_name, "files": [scan], "kinds": ["户口簿"]})
    assert response.status_code == 201, response.content.decode()
    return response.json()


# ------------------------------------------------------------------ the registration walk


def test_registration_walks_both_approvals_through_the_api_and_gets_g_plus_id(world, api, make_student):
    student = make_student()
    body = register(api, world, student)
    assert (body["type"], body["type_label"], body["status"], body["article"]) == (
        "registration", "学籍注册", "pending", "第十一条")
    assert body["student"]["id"] == student.pk and body["school"] == world.school_a.pk
    assert body["due_date"] == (datetime.date.today() + datetime.timedelta(days=15)).isoformat()
    assert body["days_left"] == 15 and body["overdue"] is False and body["current_step"] == 1
    assert [(s["order"], s["role"], s["org"], s["status"]) for s in body["steps"]] == [
        (1, "leader", world.school_a.pk, "pending"), (2, "county", "140105", "waiting")]
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="application.submit",
                                     object_id=str(body["id"])).exists()

    first = api(world.leader_a).post(f"/applications/{body['id']}/approve",
                                     {"comment": "信息无误", "expected_step": 1})
    assert first.status_code == 200, first.content
    assert first.json()["current_step"] == 2
    assert first.json()["steps"][0]["decider"] == "lead_a" and first.json()["steps"][0]["comment"] == "信息无误"

    final = api(world.county_xd).post(f"/applications/{body['id']}/approve", {"expected_step": 2})
    assert final.status_code == 200, final.content
    assert final.json()["status"] == "approved" and final.json()["current_step"] is None
    number = "G" + student.id_number
    # G + ID: shown masked like the ID it contains (第四十四条); the full number still finds the record.
    masked = "G" + mask_id(student.id_number)
    assert final.json()["student"]["student_number"] == masked and final.json()["student"]["key"] == str(student.pk)
    record = api(world.county_xd).get(f"/students/{number}").json()
    assert record["status"] == "在籍" and record["student_number"] == masked
    assert StudentNumber.objects.filter(student=student).count() == 1
    # The history names the issued number in Chinese, as the record page does.
    events = api(world.registrar_a).get(f"/students/{number}/events").json()
    issued = next(e for e in events if e["kind"] == "学籍注册")
    assert issued["changes"] == [{"field": "student_number", "label": "学籍号", "old": None, "new": masked}]
    assert number not in json.dumps(events)


def test_registration_with_an_unresolved_identity_gets_an_l_number(world, api, make_student):
    student = make_student()
    body = register(api, world, student, identity_unresolved=True, entry_date="2026-09-01")
    assert body["payload"] == {"identity_unresolved": True, "entry_date": "2026-09-01"}
    assert body["due_date"] == "2026-09-16"
    api(world.leader_a).post(f"/applications/{body['id']}/approve", {})
    api(world.county_xd).post(f"/applications/{body['id']}/approve", {})
    student.refresh_from_db()
    assert student.student_number.startswith("L140105")


def test_malformed_or_refused_submissions_explain_themselves(world, api, make_student):
    student = make_student()
    client = api(world.registrar_a)
    assert_error(client.post("/applications", {"student": student.pk}), 400, field="type")
    assert_error(client.post("/applications", {"type": "registration"}), 400, field="student")
    assert_error(client.raw("post", "/applications", "{not json"), 400)
    assert_error(client.raw("post", "/applications", "[1, 2]"), 400)
    assert_error(client.post("/applications", {"type": "transfer_to_mars", "student": student.pk}), 422,
                 field="type", code="unknown_type")
    assert_error(client.post("/applications", {"type": "registration", "student": student.pk,
                                               "entry_date": "9月1日"}), 422, field="entry_date")
    assert_error(client.post("/applications", {"type": "registration", "student": "999999"}), 404)
    assert not Application.objects.exists()


def test_a_second_pending_registration_is_a_conflict(world, api, make_student):
    student = make_student()
    register(api, world, student)
    response = api(world.registrar_a).post("/applications", {"type": "registration", "student": student.pk})
    assert_error(response, 409, code="already_pending")
    assert Application.objects.filter(student=student).count() == 1


def test_an_incomplete_record_is_refused_with_article_11(world, api, make_student):
    student = make_student()
    Student.objects.filter(pk=student.pk).update(ethnicity="")
    response = api(world.registrar_a).post("/applications", {"type": "registration", "student": student.pk})
    assert_error(response, 422, code="record_incomplete", article="第十一条")


# ------------------------------------------------------------------ controlled-field change


def test_name_change_with_evidence_goes_through_and_keeps_the_old_name_in_the_history(world, api, api_for,
                                                                                        make_student):
    student = make_student(name="王小明")
    body = name_change(api_for, world, student)
    assert body["type"] == "info_change" and body["article"] == "第十五条"
    assert body["payload"] == {"changes": {"name": "王晓明"}}
    assert body["changes"] == [{"field": "name", "label": "姓名", "old": "王小明", "new": "王晓明"}]
    assert [(e["kind"], e["content_type"]) for e in body["evidence"]] == [("户口簿", "application/pdf")]

    api(world.leader_a).post(f"/applications/{body['id']}/approve", {"expected_step": 1})
    done = api(world.county_xd).post(f"/applications/{body['id']}/approve", {"expected_step": 2}).json()
    assert done["status"] == "approved"
    # After approval the old value is the one the history recorded, not the record's current one.
    assert done["changes"] == [{"field": "name", "label": "姓名", "old": "王小明", "new": "王晓明"}]

    student.refresh_from_db()
    assert student.name == "王晓明"
    events = api(world.registrar_a).get(f"/students/{student.key}/events").json()
    change = next(e for e in events if e["kind"] == "学籍信息变更")
    assert {"field": "name", "label": "姓名", "old": "王小明", "new": "王晓明"} in change["changes"]


def test_info_change_without_evidence_is_refused_with_article_15(world, api, make_student):
    student = make_student()
    response = api(world.registrar_a).post("/applications", {"type": "info_change", "student": student.pk,
                                                             "changes": {"name": "王晓明"}})
    body = assert_error(response, 422)
    assert {"evidence_required"} <= {e["code"] for e in body["errors"]}
    assert any(e["article"] == "第十五条" for e in body["errors"])


def test_multipart_payload_field_and_a_new_id_number_is_masked(world, api_for, make_student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    student = make_student()
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=77)
    response = file_post(api_for(world.registrar_a), "/applications", {
        "type": "info_change", "student": str(student.pk),
        "payload": json.dumps({"changes": {"id_number": new_id}}),
        "files": [SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["payload"]["changes"]["id_number"] == mask_id(new_id)
    assert body["changes"][0]["old"] == mask_id(student.id_number)
    assert new_id not in response.content.decode()
    assert Application.objects.get(pk=body["id"]).payload["changes"]["id_number"] == new_id


def test_evidence_is_downloaded_only_by_those_who_may_see_the_application(world, api_for, make_student):
    body = name_change(api_for, world, make_student())
    url = body["evidence"][0]["url"]
    assert url.startswith("/api/v1/applications/")
    own = api_for(world.registrar_a).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    assert own["Content-Type"] == "application/pdf"
    assert api_for(world.county_xd).get(url).status_code == 200
    assert AuditEvent.objects.filter(actor=world.county_xd, action="application.evidence_view").exists()
    for outsider in (world.county_yz, world.registrar_b, world.city_dt):
        assert_error(api_for(outsider).get(url), 404)
    assert denied_rows(world.county_yz, "application.evidence_view", str(body["id"])).exists()
    assert_error(api_for(world.auditor).get(url), 403)


def test_evidence_can_be_added_by_the_school_while_pending(world, api, api_for, make_student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = register(api, world, make_student())
    path = f"/applications/{body['id']}/evidence"
    added = file_post(api_for(world.registrar_a), path,
                      {"file": SimpleUploadedFile("出生证明.pdf", PDF), "kind": "出生医学证明"})
    assert added.status_code == 201, added.content
    assert added.json()["kind"] == "出生医学证明" and added.json()["original_name"] == "出生证明.pdf"
    text = file_post(api_for(world.registrar_a), path, {"file": SimpleUploadedFile("a.txt", b"hello")})
    assert_error(text, 422, code="evidence_type")
    assert_error(file_post(api_for(world.county_xd), path, {"file": SimpleUploadedFile("b.pdf", PDF)}), 403)
    assert_error(file_post(api_for(world.county_yz), path, {"file": SimpleUploadedFile("c.pdf", PDF)}), 404)
    services.cancel(world.registrar_a, body["id"])
    assert_error(file_post(api_for(world.registrar_a), path, {"file": SimpleUploadedFile("d.pdf", PDF)}), 409)
    assert Evidence.objects.filter(application_id=body["id"]).count() == 1


# ------------------------------------------------------------------ the same step decided twice


def test_two_officers_approving_the_same_step_one_gets_409_and_it_applies_once(world, api, make_student):
    other_officer = f.user("xd2", "county", division=world.xiaodian)
    student = make_student()
    body = register(api, world, student)
    api(world.leader_a).post(f"/applications/{body['id']}/approve", {"expected_step": 1})
    first = api(world.county_xd).post(f"/applications/{body['id']}/approve", {"expected_step": 2})
    second = api(other_officer).post(f"/applications/{body['id']}/approve", {"expected_step": 2})
    assert first.status_code == 200
    assert_error(second, 409)
    assert StudentNumber.objects.filter(student=student).count() == 1
    assert Step.objects.get(application_id=body["id"], order=2).decider == world.county_xd


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_the_same_moment_on_postgresql(world, make_student):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks; SQLite runs the sequential case above")
    other_officer = f.user("xd2", "county", division=world.xiaodian)
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    services.approve(world.leader_a, app.pk, expected_step=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def officer(user):
        from django.db import connections

        try:
            barrier.wait()
            services.approve(user, app.pk, comment=user.username, expected_step=2)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer, args=(u,)) for u in (world.county_xd, other_officer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert StudentNumber.objects.filter(student=student).count() == 1
    assert Application.objects.get(pk=app.pk).status == "approved"
    assert AuditEvent.objects.filter(action="application.approve", object_id=str(app.pk)).count() == 2


# ------------------------------------------------------------------ reject and cancel


def test_reject_needs_a_reason_closes_the_application_and_leaves_the_record(world, api, make_student):
    student = make_student()
    body = register(api, world, student)
    path = f"/applications/{body['id']}"
    assert_error(api(world.leader_a).post(path + "/reject", {"comment": " "}), 422, field="comment")
    rejected = api(world.leader_a).post(path + "/reject", {"comment": "出生日期与户口簿不符"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert [s["status"] for s in rejected.json()["steps"]] == ["rejected", "cancelled"]
    assert_error(api(world.county_xd).post(path + "/approve", {}), 409, code="already_decided")
    assert_error(api(world.registrar_a).post(path + "/cancel", {}), 409)
    student.refresh_from_db()
    assert student.status == "待注册" and student.student_number is None


def test_only_the_starter_cancels_and_the_cancelled_application_stays_on_file(world, api, make_student):
    body = register(api, world, make_student())
    path = f"/applications/{body['id']}"
    assert_error(api(world.leader_a).post(path + "/cancel", {}), 403)
    assert_error(api(world.county_yz).post(path + "/cancel", {}), 404)
    cancelled = api(world.registrar_a).post(path + "/cancel", {"comment": "录入有误,重新提交"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(action="application.cancel", reason="录入有误,重新提交").exists()
    listed = api(world.registrar_a).get("/applications", status="cancelled").json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]


def test_the_wrong_role_at_a_step_is_403_and_a_leader_cannot_start(world, api, make_student):
    student = make_student()
    assert_error(api(world.leader_a).post("/applications", {"type": "registration", "student": student.pk}), 403)
    body = register(api, world, student)
    assert_error(api(world.county_xd).post(f"/applications/{body['id']}/approve", {}), 403)
    assert_error(api(world.registrar_a).post(f"/applications/{body['id']}/approve", {}), 403)


# ------------------------------------------------------------------ lists: awaiting me, overdue


def test_awaiting_me_lists_only_the_steps_of_this_users_org_and_role(world, api, make_student):
    ours = register(api, world, make_student(name="甲"))
    theirs = api(world.registrar_b).post("/applications", {
        "type": "registration", "student": make_student(school=world.school_b, name="乙").pk}).json()
    leader_b = f.user("lead_b", "leader", school=world.school_b)

    def awaiting(user):
        return [a["id"] for a in api(user).get("/applications", awaiting="me").json()["results"]]

    assert awaiting(world.leader_a) == [ours["id"]]
    assert awaiting(leader_b) == [theirs["id"]]
    assert awaiting(world.county_xd) == [] and awaiting(world.registrar_a) == []
    api(world.leader_a).post(f"/applications/{ours['id']}/approve", {})
    assert awaiting(world.leader_a) == [] and awaiting(world.county_xd) == [ours["id"]]
    assert awaiting(world.county_yz) == [] and awaiting(world.city_ty) == []
    assert AuditEvent.objects.filter(actor=world.county_xd, action="application.search").exists()


def test_overdue_lists_late_applications_and_late_steps_within_the_jurisdiction(world, api, make_student):
    late = register(api, world, make_student(name="逾期"))
    on_time = register(api, world, make_student(name="按期"))
    late_step = register(api, world, make_student(name="环节逾期"))
    Application.objects.filter(pk=late["id"]).update(due_date=datetime.date.today() - datetime.timedelta(days=2))
    Step.objects.filter(application_id=late_step["id"], order=1).update(
        due_date=datetime.date.today() - datetime.timedelta(days=1))
    found = api(world.county_xd).get("/applications", awaiting="overdue").json()
    assert sorted(a["id"] for a in found["results"]) == sorted([late["id"], late_step["id"]])
    row = next(a for a in found["results"] if a["id"] == late["id"])
    assert row["overdue"] is True and row["days_left"] == -2
    assert on_time["id"] not in [a["id"] for a in found["results"]]
    assert api(world.county_yz).get("/applications", awaiting="overdue").json()["count"] == 0
    assert_error(api(world.county_xd).get("/applications", awaiting="someday"), 400)


def test_list_filters_and_refusals(world, api, make_student):
    body = register(api, world, make_student())
    county = api(world.county_xd)
    assert county.get("/applications", type="registration").json()["count"] == 1
    assert county.get("/applications", type="info_change").json()["count"] == 0
    assert county.get("/applications", school=world.school_b.pk).json()["count"] == 0
    assert county.get("/applications", student=str(body["student"]["id"])).json()["count"] == 1
    assert_error(county.get("/applications", status="maybe"), 422, field="status")
    assert_error(county.get("/applications", type="nope"), 422, field="type")
    assert api(world.county_yz).get("/applications").json()["count"] == 0
    assert api(world.registrar_b).get("/applications").json()["count"] == 0
    assert_error(api(world.county_yz).get("/applications", student=str(body["student"]["id"])), 404)
    assert_error(api(world.auditor).get("/applications"), 403)
    assert_error(Api(Client()).get("/applications"), 401)


# ------------------------------------------------------------------ outsiders on one application


def test_outsiders_get_404_and_the_auditor_403_on_an_application(world, api, make_student):
    body = register(api, world, make_student())
    path = f"/applications/{body['id']}"
    assert api(world.registrar_a).get(path).status_code == 200
    assert api(world.city_ty).get(path).status_code == 200
    assert AuditEvent.objects.filter(actor=world.city_ty, action="application.view").exists()
    for outsider in (world.county_yz, world.registrar_b, world.registrar_a2, world.city_dt):
        assert_error(api(outsider).get(path), 404)
        assert_error(api(outsider).post(path + "/approve", {}), 404)
        assert_error(api(outsider).post(path + "/reject", {"comment": "不同意"}), 404)
    assert denied_rows(world.county_yz, "application.view", str(body["id"])).exists()
    assert_error(api(world.auditor).get(path), 403)
    assert_error(api(world.county_xd).get("/applications/999999"), 404)
    assert Application.objects.get(pk=body["id"]).status == "pending"


def test_another_schools_registrar_cannot_file_for_our_student(world, api, make_student):
    student = make_student()
    response = api(world.registrar_b).post("/applications", {"type": "registration", "student": student.pk})
    assert_error(response, 404)
    assert not Application.objects.exists()


# ------------------------------------------------------------------ batches


def test_batch_approve_reports_each_application(world, api, make_student):
    ours = [register(api, world, make_student(name=f"学生{i}"))["id"] for i in range(3)]
    theirs = api(world.registrar_b).post("/applications", {
        "type": "registration", "student": make_student(school=world.school_b).pk}).json()["id"]
    response = api(world.leader_a).post("/applications/batch-approve",
                                        {"ids": ours + [theirs, 999999], "comment": "批量审核"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approved"] == ours
    assert [(x["id"], x["status"]) for x in body["failed"]] == [(theirs, 404), (999999, 404)]
    assert Step.objects.filter(application_id__in=ours, order=1, status="approved", comment="批量审核").count() == 3
    again = api(world.leader_a).post("/applications/batch-approve", {"ids": ours[:1]}).json()
    # His step is decided (now the county's): a repeated approval is stale, 409, not a question of role.
    assert again["approved"] == [] and again["failed"][0]["status"] == 409
    assert "已由他人办理" in again["failed"][0]["message"]
    assert_error(api(world.leader_a).post("/applications/batch-approve", {"ids": []}), 400)


def test_batch_submit_of_registrations_answers_per_student(world, api, make_student):
    one, two = make_student(name="一"), make_student(name="二")
    elsewhere = make_student(school=world.school_b)
    broken = make_student(name="三")
    Student.objects.filter(pk=broken.pk).update(ethnicity="")
    keys = [one.pk, str(two.pk), elsewhere.pk, one.pk, broken.pk]
    response = api(world.registrar_a).post("/applications/batch", {"type": "registration", "students": keys,
                                                                   "reason": "2026级新生注册"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["status"] for r in body["results"]] == [201, 201, 404, 409, 422]
    assert (body["submitted"], body["failed"]) == (2, 3)
    assert body["results"][4]["errors"][0]["article"] == "第十一条"
    batch = body["batch"]
    assert set(Application.objects.filter(batch=batch).values_list("student_id", flat=True)) == {one.pk, two.pk}
    assert body["results"][0]["application"]["batch"] == batch
    refused = api(world.leader_a).post("/applications/batch", {"type": "registration", "students": [one.pk]})
    assert_error(refused, 403)
    assert_error(api(world.registrar_a).post("/applications/batch", {"type": "registration", "students": []}),
                 400)


def test_the_endpoints_are_in_the_openapi_with_both_submission_forms():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/applications", "/api/v1/applications/batch", "/api/v1/applications/batch-approve",
                 "/api/v1/applications/{application_id}", "/api/v1/applications/{application_id}/approve",
                 "/api/v1/applications/{application_id}/reject", "/api/v1/applications/{application_id}/cancel",
                 "/api/v1/applications/{application_id}/evidence",
                 "/api/v1/applications/{application_id}/evidence/{evidence_id}"):
        assert path in paths, path
    submit = paths["/api/v1/applications"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(submit["requestBody"]["content"])
    assert {"201", "403", "409", "422"} <= set(submit["responses"])
    assert "第十一条" in schema["components"]["schemas"]["ApplicationOut"]["properties"]["due_date"]["description"]

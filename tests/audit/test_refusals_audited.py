"""Every refusal of an object absent or outside the caller's jurisdiction answers 404 and leaves exactly one
`denied` audit row naming the actor, the action and the key asked for (第四十四条) — including refusals raised
inside a service's transaction, which roll back with it, and refusals inside batch operations."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories as f
from tests.applications.conftest import PDF
from xueji.api.router import api as ninja_api
from xueji.applications import services as applications
from xueji.archive import services as archive
from xueji.audit.models import AuditEvent
from xueji.notices.models import Reminder
from xueji.students.models import Student

pytestmark = pytest.mark.django_db

ABSENT = "999999"
PATH_VALUES = {"key": ABSENT, "school_code": "1199999999", "code": "1199999999", "batch_id": ABSENT,
               "case_id": ABSENT, "plan_id": ABSENT, "application_id": ABSENT, "evidence_id": "999998",
               "class_id": ABSENT, "discipline_id": ABSENT, "award_id": ABSENT, "handover_id": ABSENT, "stay_id": ABSENT,
               "enrolment_id": ABSENT, "reminder_id": ABSENT, "username": "reg_a", "token_id": ABSENT,
               "grant_id": ABSENT, "student_key": ABSENT, "report_id": ABSENT, "link_id": ABSENT,
               "batch": ABSENT, "filing_id": ABSENT, "kind": "movements", "campus_id": ABSENT,
               "correction_id": ABSENT, "item_id": ABSENT,
               "number": "1199999999" + "2026J000001"}
# Paths naming no object of anyone's jurisdiction.
NOT_OBJECTS = {"/api/v1/calendar/years/{year}",
               # The school year is the province's, not an object of a jurisdiction (refused by role, 403).
               "/api/v1/school-years/{year}/rollover", "/api/v1/school-years/{year}/rollover/verify"}
# A well-formed body for the routes that check their body before the object: the lookup must be what refuses.
BODIES = {
    ("post", "/api/v1/schools/{school_code}/classes"): {"grade": 1, "name": "9班", "entry_year": 2026},
    ("post", "/api/v1/students/{key}/reveal-id"): {"reason": "核对户口簿"},
    ("post", "/api/v1/duplicates/{case_id}/decide"): {"decision": "keep_both", "comment": "核实为两人"},
    ("post", "/api/v1/duplicates/{case_id}/reveal-ids"): {"reason": "核对两人证件号"},
    ("post", "/api/v1/placement/schools/{school_code}/classes"): {"grade": 1, "entry_year": 2026, "count": 2},
    ("post", "/api/v1/placement/plans/{plan_id}/place"): {"students": ["1"], "class_id": 1},
    ("post", "/api/v1/placement/plans/{plan_id}/unplace"): {"students": ["1"]},
    ("post", "/api/v1/applications/{application_id}/reject"): {"comment": "材料不全"},
    ("post", "/api/v1/students/{key}/discipline"): {"level": "警告", "reason": "课堂打闹", "decided_on": "2026-09-10"},
    ("post", "/api/v1/discipline/{discipline_id}/revoke"): {"reason": "表现良好,予以撤销"},
    ("post", "/api/v1/discipline/{discipline_id}/lift"): {"note": "一年来表现良好"},
    ("post", "/api/v1/discipline/{discipline_id}/propose-expulsion"): {"misconduct": "一年内仍多次打架"},
    ("post", "/api/v1/students/{key}/awards"): {"level": "市级", "title": "三好学生", "awarding_body": "太原市教育局",
                                               "awarded_on": "2026-06-01"},
    ("post", "/api/v1/awards/{award_id}/revoke"): {"reason": "误记,予以撤销"},
    ("post", "/api/v1/schools/{code}/merge"): {"into": "1114010601", "decided_on": "2026-09-10"},
    ("post", "/api/v1/schools/{code}/close"): {"keeper_authority": True, "decided_on": "2026-09-10"},
    ("post", "/api/v1/visiting/{stay_id}/end"): {"end_reason": "returned"},
    ("post", "/api/v1/access/applications/{application_id}/reject"): {"comment": "材料不全"},
    ("post", "/api/v1/access/grants/{grant_id}/revoke"): {"reason": "研究已结束"},
    ("post", "/api/v1/guardian/children/{key}/report"): {"errors": [{"field": "name", "correct_value": "张三"}]},
    ("post", "/api/v1/guardian-reports/{report_id}/handle"): {"note": "已核对"},
    ("post", "/api/v1/students/{key}/guardians/{link_id}/revoke"): {"reason": "绑定码误交他人"},
    ("post", "/api/v1/graduation/batches/{batch}/reject"): {"comment": "名单有误"},
    ("post", "/api/v1/semester/reports/{report_id}/return"): {"reason": "数据有误"},
    ("post", "/api/v1/semester/corrections/{correction_id}/done"): {"note": "已调整编班"},
    ("post", "/api/v1/auth/accounts/{username}/close"): {"reason": "调离学籍管理岗位", "closed_on": "2026-11-30"},
    ("post", "/api/v1/schools/{school_code}/registers/{kind}"): {"reason": "核对增减情况"},
    ("post", "/api/v1/auth/accounts/{username}/filings"): {"holder_name": "王老师", "post": "学籍管理员",
                                                          "since": "2026-09-01", "contact": "0351-1234567"},
}
QUERIES = {("get", "/api/v1/placement/schools/{school_code}/unplaced"): {"grade": 1},
           ("get", "/api/v1/schools/{school_code}/certificates.pdf"): {"year": 2026}}
UPLOADS = {("put", "/api/v1/students/{key}/photo"), ("post", "/api/v1/awards/{award_id}/scan"), ("post", "/api/v1/applications/{application_id}/evidence"),
           ("post", "/api/v1/access/applications/{application_id}/approve"),
           ("post", "/api/v1/schools/{code}/graduation-conditions/import"),
           ("post", "/api/v1/students/{key}/archive/items"), ("post", "/api/v1/archive/items/{item_id}/correct")}
# The duplicate cases belong to the county officers; a school's account is refused by role (403) first.
ACTORS = {"/api/v1/duplicates/{case_id}": "county_yz", "/api/v1/duplicates/{case_id}/decide": "county_yz",
          "/api/v1/duplicates/{case_id}/reveal-ids": "county_yz",
          # Unlocking is a county's act; 迎泽区 asking for a 小店区 school's account must get 404 and a row.
          "/api/v1/auth/accounts/{username}/unlock": "county_yz",
          # Closing an account is the level above's act, as is confirming a filing.
          "/api/v1/auth/accounts/{username}/close": "county_yz", "/api/v1/auth/filings/{filing_id}/confirm": "county_yz"}


def _object_routes():
    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names and path not in NOT_OBJECTS:
                yield method, path, names


ROUTES = sorted(_object_routes())


def _denied(user):
    return AuditEvent.objects.filter(actor=user, outcome="denied")


def _call(client, method, url, key):
    if key in UPLOADS:
        scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
        if method == "put":
            from django.test.client import encode_multipart

            body = encode_multipart("BoUnDaRy", {"file": scan})
            return client.put(url, body, content_type="multipart/form-data; boundary=BoUnDaRy")
        return client.post(url, {"file": scan})
    if method == "get":
        return client.get(url, QUERIES.get(key, {}))
    body = json.dumps(BODIES.get(key, {}))
    return getattr(client, method)(url, body, content_type="application/json")


def test_the_walk_covers_every_object_route():
    # A new route with a path parameter joins the walk below by itself; this catches a rename of the table.
    assert len(ROUTES) >= 40
    assert ("post", "/api/v1/applications/{application_id}/approve", ["application_id"]) in ROUTES


@pytest.mark.parametrize("method, path, names", ROUTES, ids=[f"{m.upper()} {p}" for m, p, _ in ROUTES])
def test_every_object_route_answers_404_and_audits_once(world, api_for, method, path, names):
    user = getattr(world, ACTORS.get(path, "registrar_b"))
    url = path
    for name in names:
        url = url.replace("{" + name + "}", PATH_VALUES[name])
    response = _call(api_for(user), method, url, (method, path))
    assert response.status_code == 404, response.content.decode()
    body = response.json()
    assert body["errors"][0]["code"] == "not_found"
    rows = list(_denied(user))
    assert len(rows) == 1, [(r.action, r.object_id) for r in rows]
    assert rows[0].object_id in {PATH_VALUES[n] for n in names} and rows[0].action
    assert rows[0].actor_username == user.username and rows[0].org_code == user.org_code


# ------------------------------------------------------------------ real objects of another county


@pytest.fixture
def foreign(world, make_student):
    """A student of 小店区's school A with a pending registration, a discipline measure and a reminder."""
    student = make_student()
    application = applications.submit(world.registrar_a, "registration", student)
    pupil = make_student(id_number=f.make_id(seq=77), grade=3)
    Student.objects.filter(pk=pupil.pk).update(status="在籍")
    pupil.refresh_from_db()
    discipline = archive.record_discipline(world.registrar_a, pupil, level="警告", reason="课堂打闹",
                                           decided_on=timezone.localdate())
    step = application.steps.order_by("order").first()
    reminder = Reminder.objects.create(user=world.leader_a, step=step, day=timezone.localdate(), message="超期")
    return {"student": student, "application": application, "discipline": discipline, "reminder": reminder}


def _scan():
    return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")


API_CASES = {
    "approve": ("post", "/applications/{application}/approve", {"comment": ""}, "application.approve"),
    "reject": ("post", "/applications/{application}/reject", {"comment": "不同意"}, "application.reject"),
    "cancel": ("post", "/applications/{application}/cancel", {}, "application.cancel"),
    "revoke": ("post", "/discipline/{discipline}/revoke", {"reason": "表现良好"}, "discipline.revoke"),
    "reminder": ("post", "/reminders/{reminder}/read", None, "reminder.read"),
}


@pytest.mark.parametrize("case", sorted(API_CASES))
@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt"])
def test_deciding_another_countys_objects_is_404_and_audited(world, api_for, foreign, case, who):
    method, template, body, action = API_CASES[case]
    user = getattr(world, who)
    ids = {name: obj.pk for name, obj in foreign.items()}
    path = "/api/v1" + template.format(**ids)
    response = getattr(api_for(user), method)(path, json.dumps(body or {}), content_type="application/json")
    assert response.status_code == 404, response.content.decode()
    target = path.split("/")[4]
    assert _denied(user).filter(action=action, object_id=target).count() == 1
    assert _denied(user).count() == 1
    foreign["application"].refresh_from_db()
    assert foreign["application"].status == "pending"


def test_evidence_for_another_countys_application_is_404_and_audited(world, api_for, foreign):
    pk = foreign["application"].pk
    response = api_for(world.registrar_b).post(f"/api/v1/applications/{pk}/evidence", {"file": _scan()})
    assert response.status_code == 404
    assert _denied(world.registrar_b).filter(action="application.evidence", object_id=str(pk)).count() == 1
    assert not foreign["application"].evidence.exists()


def test_batch_approval_audits_each_refused_application(world, api_for, foreign):
    pk = foreign["application"].pk
    response = api_for(world.county_yz).post("/api/v1/applications/batch-approve",
                                             json.dumps({"ids": [pk, 999999]}), content_type="application/json")
    assert response.status_code == 200
    assert [f["status"] for f in response.json()["failed"]] == [404, 404]
    denied = _denied(world.county_yz).filter(action="application.approve")
    assert sorted(denied.values_list("object_id", flat=True)) == sorted([str(pk), "999999"])


def test_refusals_survive_the_rollback_of_the_refused_transaction(world, foreign):
    """approve() refuses inside its own transaction; the row is written once that transaction has rolled back
    (what every request does; a command uses the same scope)."""
    from xueji.core.errors import NotFound
    from xueji.core.middleware import refusals_written_after

    with refusals_written_after(), pytest.raises(NotFound):
        applications.approve(world.county_yz, foreign["application"].pk)
    assert _denied(world.county_yz).filter(action="application.approve").count() == 1


PAGE_CASES = {
    "class": ("get", "/classes/{class}/", "class.view"),
    "revoke": ("post", "/discipline/{discipline}/revoke/", "discipline.revoke"),
    "reminder": ("post", "/reminders/{reminder}/read/", "reminder.read"),
    "application": ("get", "/applications/{application}/", "application.view"),
    "approve": ("post", "/applications/{application}/approve/", "application.approve"),
    "reject": ("post", "/applications/{application}/reject/", "application.reject"),
    "cancel": ("post", "/applications/{application}/cancel/", "application.cancel"),
    "student": ("get", "/students/{student}/", "student.view"),
    "student_archive": ("get", "/students/{student}/archive/", "student.view"),
}


@pytest.mark.parametrize("case", sorted(PAGE_CASES))
def test_pages_answer_404_and_audit_once(world, client_for, foreign, case):
    method, template, action = PAGE_CASES[case]
    ids = {name: obj.pk for name, obj in foreign.items()} | {"class": world.class_a1.pk,
                                                              "student": foreign["student"].key}
    user = world.registrar_b
    path = template.format(**ids)
    response = getattr(client_for(user), method)(path, {"reason": "撤销", "comment": "不同意"} if method == "post" else {})
    assert response.status_code == 404
    assert _denied(user).count() == 1
    assert _denied(user).get().action == action


def test_batch_approval_page_audits_each_refused_application(world, client_for, foreign):
    pk = foreign["application"].pk
    client_for(world.county_yz).post("/applications/inbox/approve/", {"ids": [pk]})
    assert _denied(world.county_yz).filter(action="application.approve", object_id=str(pk)).count() == 1


def test_an_untrusted_x_forwarded_for_is_not_written_down(world, api_for, settings):
    settings.XUEJI_TRUSTED_PROXIES = []
    client = api_for(world.registrar_b)
    client.get("/api/v1/students/999999", HTTP_X_FORWARDED_FOR="8.8.8.8", REMOTE_ADDR="10.1.2.3")
    assert _denied(world.registrar_b).get().source_ip == "10.1.2.3"


def test_a_trusted_proxy_sets_the_source_address(world, api_for, settings):
    settings.XUEJI_TRUSTED_PROXIES = ["10.1.0.0/16"]
    client = api_for(world.registrar_b)
    client.get("/api/v1/students/999999", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.1.9.9",
               REMOTE_ADDR="10.1.2.3")
    # The rightmost hop our proxies did not add is the client: anything left of it is the client's own claim.
    assert _denied(world.registrar_b).get().source_ip == "203.0.113.9"


@pytest.mark.parametrize("remote, forwarded, trusted, expected", [
    ("10.0.0.5", "6.6.6.6", [], "10.0.0.5"),
    ("10.0.0.5", "6.6.6.6", ["127.0.0.1"], "10.0.0.5"),
    ("127.0.0.1", "6.6.6.6", ["127.0.0.1"], "6.6.6.6"),
    ("127.0.0.1", "not-an-address", ["127.0.0.1"], "127.0.0.1"),
    ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
    ("::1", "2001:db8::7", ["::1/128"], "2001:db8::7"),
])
def test_client_ip_from(settings, rf, remote, forwarded, trusted, expected):
    from xueji.core.middleware import client_ip_from

    settings.XUEJI_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_from(request) == expected


def test_a_missing_photo_of_a_readable_record_is_no_refusal(world, api_for, foreign):
    response = api_for(world.registrar_a).get(f"/api/v1/students/{foreign['student'].pk}/photo")
    assert response.status_code == 404
    assert not _denied(world.registrar_a).exists()

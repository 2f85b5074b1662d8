"""/api/v1/placement: forming classes, plans, placing a late student, submission and the authority's decision,
with the contract's error format and an outsider refused on every endpoint."""

import pytest

from tests.api.conftest import Api, assert_error, denied_rows
from tests.placement.conftest import pupils
from xueji.audit.models import AuditEvent
from xueji.placement import services
from xueji.placement.models import PlacementPlan
from xueji.students.models import StatusEvent, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_for):
    return lambda user: Api(api_for(user))


@pytest.fixture
def submitted(world):
    """A plan of one awaiting 小店区's approval."""
    [student] = pupils(world.school_a, 1, 1)
    return services.place_student(world.registrar_a, student, world.class_a1)


def key(student):
    return student.key


# ------------------------------------------------------------------ forming classes


def test_registrar_forms_classes_in_bulk(world, api):
    response = api(world.registrar_a).post(f"/placement/schools/{world.school_a.pk}/classes",
                                           {"grade": "一年级", "entry_year": 2026, "count": 3})
    assert response.status_code == 201, response.content
    assert [c["name"] for c in response.json()] == ["2班", "3班", "4班"]
    assert {c["grade"] for c in response.json()} == {1}


def test_forming_classes_with_a_bad_count_is_422(world, api):
    response = api(world.registrar_a).post(f"/placement/schools/{world.school_a.pk}/classes",
                                           {"grade": 1, "entry_year": 2026, "count": 0})
    assert_error(response, 422, field="count")


def test_forming_classes_with_a_malformed_body_is_400(world, api):
    response = api(world.registrar_a).post(f"/placement/schools/{world.school_a.pk}/classes",
                                           {"grade": 1, "entry_year": "二〇二六", "count": 2})
    assert_error(response, 400)


def test_a_leader_may_not_form_classes(world, api):
    response = api(world.leader_a).post(f"/placement/schools/{world.school_a.pk}/classes",
                                        {"grade": 1, "entry_year": 2026, "count": 1})
    assert_error(response, 403)


# ------------------------------------------------------------------ plans


def test_balanced_plan_through_the_api(world, api):
    services.form_classes(world.registrar_a, world.school_a, grade=1, entry_year=2026, count=1)
    pupils(world.school_a, 1, 31, gender="1")
    pupils(world.school_a, 1, 29, gender="2")
    response = api(world.registrar_a).post("/placement/plans", {
        "school": world.school_a.pk, "grade": 1, "entry_year": 2026, "mode": "auto"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["authority"] == "140105" and body["authority_name"] == "小店区"
    assert len(body["items"]) == 60 and body["unplaced"] == 0
    classes = body["classes"]
    assert [c["size_after"] for c in classes] == [30, 30]
    assert sorted(c["boys"] for c in classes) == [15, 16] and sorted(c["girls"] for c in classes) == [14, 15]
    assert {c["normal_cap"] for c in classes} == {45} and {c["hard_cap"] for c in classes} == {50}
    assert body["totals"]["size"] == 60


def test_manual_plan_with_items(world, api):
    first, second = pupils(world.school_a, 1, 2)
    response = api(world.registrar_a).post("/placement/plans", {
        "school": world.school_a.pk, "grade": 1, "entry_year": 2026,
        "items": [{"student": key(first), "class_id": world.class_a1.pk},
                  {"student": key(second), "class_id": world.class_a1.pk}]})
    assert response.status_code == 201, response.content
    assert {i["student_id"] for i in response.json()["items"]} == {first.pk, second.pk}


def test_the_51st_pupil_is_refused_with_the_article(world, api):
    pupils(world.school_a, 1, 50, school_class=world.class_a1)
    [late] = pupils(world.school_a, 1, 1)
    response = api(world.registrar_a).post("/placement/place", {
        "student": key(late), "class_id": world.class_a1.pk, "reason": "生源集中"})
    body = assert_error(response, 422, code="class_over_hard_cap", article="第十三条", field="school_class")
    assert "第十三条" in body["errors"][0]["message"]
    assert not PlacementPlan.objects.exists()


def test_the_51st_senior_grade_one_pupil_is_refused_even_with_a_reason(world, api, senior_class):
    # 第十三条 "高一年级班容量限定在50人以内": the 50th is placed, the 51st refused whatever the reason.
    pupils(world.high, 10, 49, school_class=senior_class)
    fiftieth, fifty_first = pupils(world.high, 10, 2)
    registrar = api(world.registrar_high)
    response = registrar.post("/placement/place", {"student": key(fiftieth), "class_id": senior_class.pk})
    assert response.status_code == 201, response.content
    response = registrar.post("/placement/place", {"student": key(fifty_first), "class_id": senior_class.pk,
                                                   "reason": "生源计划调整,经市教育局同意"})
    body = assert_error(response, 422, code="class_over_hard_cap", article="第十三条", field="school_class")
    assert "高一" in body["errors"][0]["message"] and "没有例外" in body["errors"][0]["message"]
    assert PlacementPlan.objects.count() == 1


def test_the_46th_pupil_needs_a_reason(world, api):
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    [late] = pupils(world.school_a, 1, 1)
    body = {"student": key(late), "class_id": world.class_a1.pk}
    assert_error(api(world.registrar_a).post("/placement/place", body), 422,
                 code="class_over_normal_cap_needs_reason", article="第十三条")
    response = api(world.registrar_a).post("/placement/place", {**body, "reason": "随迁子女集中"})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["status"] == "submitted" and plan["reason"] == "随迁子女集中"
    [row] = plan["classes"]
    assert (row["seated"], row["joining"], row["counted"], row["level"]) == (45, 1, 46, "near")


def test_place_move_and_unplace_in_a_draft(world, api):
    from tests import factories as f

    other = f.school_class(world.school_a, grade=1, name="2班")
    [student] = pupils(world.school_a, 1, 1)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    client = api(world.registrar_a)
    response = client.post(f"/placement/plans/{plan.pk}/place", {"students": [key(student)], "class_id": other.pk})
    assert [i["class_id"] for i in response.json()["items"]] == [other.pk]
    response = client.post(f"/placement/plans/{plan.pk}/place",
                           {"students": [key(student)], "class_id": world.class_a1.pk})
    assert [i["class_id"] for i in response.json()["items"]] == [world.class_a1.pk]
    response = client.post(f"/placement/plans/{plan.pk}/unplace", {"students": [key(student)]})
    assert response.json()["items"] == [] and response.json()["unplaced"] == 1
    response = client.post(f"/placement/plans/{plan.pk}/auto", {})
    assert len(response.json()["items"]) == 1


def test_submit_and_approve(world, api):
    [student] = pupils(world.school_a, 1, 1)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026,
                                items=[(student, world.class_a1)])
    response = api(world.registrar_a).post(f"/placement/plans/{plan.pk}/submit", {"reason": ""})
    assert response.json()["status"] == "submitted"
    awaiting = api(world.county_xd).get("/placement/plans", awaiting="me").json()
    assert [p["id"] for p in awaiting["results"]] == [plan.pk]
    response = api(world.county_xd).post(f"/placement/plans/{plan.pk}/approve", {"comment": "同意"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["decided_by"] == "xd"
    assert Student.objects.get(pk=student.pk).school_class == world.class_a1
    events = api(world.registrar_a).get(f"/students/{student.pk}/events").json()
    assert events[-1]["kind"] == "编班"


def test_reject_needs_a_comment(world, api, submitted):
    client = api(world.county_xd)
    assert_error(client.post(f"/placement/plans/{submitted.pk}/reject", {"comment": ""}), 422, field="comment")
    response = client.post(f"/placement/plans/{submitted.pk}/reject", {"comment": "请编入2班"})
    assert response.json()["status"] == "rejected" and response.json()["comment"] == "请编入2班"
    assert not StatusEvent.objects.filter(kind="编班").exists()


def test_approving_twice_is_a_conflict(world, api, submitted):
    client = api(world.county_xd)
    assert client.post(f"/placement/plans/{submitted.pk}/approve", {}).status_code == 200
    assert_error(client.post(f"/placement/plans/{submitted.pk}/approve", {}), 409)


def test_cancel(world, api, submitted):
    assert_error(api(world.leader_a).post(f"/placement/plans/{submitted.pk}/cancel"), 403)
    response = api(world.registrar_a).post(f"/placement/plans/{submitted.pk}/cancel")
    assert response.json()["status"] == "cancelled"


def test_reading_a_plan_is_audited(world, api, submitted):
    response = api(world.county_xd).get(f"/placement/plans/{submitted.pk}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(actor=world.county_xd, action="placement.view",
                                     object_id=str(submitted.pk)).exists()


def test_unplaced_students(world, api):
    pupils(world.school_a, 1, 2)
    pupils(world.school_a, 1, 1, school_class=world.class_a1)
    response = api(world.registrar_a).get(f"/placement/schools/{world.school_a.pk}/unplaced", grade=1)
    assert response.status_code == 200 and len(response.json()) == 2
    assert all(s["class"] is None for s in response.json())


# ------------------------------------------------------------------ who is refused


@pytest.mark.parametrize("who", ["county_yz", "city_dt", "registrar_b"])
def test_another_jurisdiction_cannot_decide(world, api, submitted, who):
    client = api(getattr(world, who))
    assert_error(client.post(f"/placement/plans/{submitted.pk}/approve", {}), 404)
    assert_error(client.post(f"/placement/plans/{submitted.pk}/reject", {"comment": "不同意"}), 404)
    assert PlacementPlan.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.parametrize("who", ["city_ty", "province_officer", "registrar_a", "leader_a"])
def test_the_wrong_tier_or_role_cannot_decide(world, api, submitted, who):
    assert_error(api(getattr(world, who)).post(f"/placement/plans/{submitted.pk}/approve", {}), 403)


def outsider_calls(world, plan, student):
    s, c = world.school_a.pk, world.class_a1.pk
    return [
        ("post", f"/placement/schools/{s}/classes", {"grade": 1, "entry_year": 2026, "count": 1}),
        ("get", f"/placement/schools/{s}/unplaced?grade=1", None),
        ("post", "/placement/plans", {"school": s, "grade": 1, "entry_year": 2026, "mode": "auto"}),
        ("get", f"/placement/plans/{plan.pk}", None),
        ("post", f"/placement/plans/{plan.pk}/place", {"students": [student.key], "class_id": c}),
        ("post", f"/placement/plans/{plan.pk}/unplace", {"students": [student.key]}),
        ("post", f"/placement/plans/{plan.pk}/auto", {}),
        ("post", f"/placement/plans/{plan.pk}/submit", {"reason": ""}),
        ("post", f"/placement/plans/{plan.pk}/approve", {}),
        ("post", f"/placement/plans/{plan.pk}/reject", {"comment": "不同意"}),
        ("post", f"/placement/plans/{plan.pk}/cancel", None),
        ("post", "/placement/place", {"student": student.key, "class_id": c}),
    ]


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt", "auditor"])
def test_outsiders_are_refused_on_every_endpoint(world, api, who):
    [student] = pupils(world.school_a, 1, 1)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    user = getattr(world, who)
    client = api(user)
    for method, path, body in outsider_calls(world, plan, student):
        response = client.get(path) if method == "get" else client.post(path, body)
        assert_error(response, 404)
    assert denied_rows(user).count() >= 10
    assert PlacementPlan.objects.get(pk=plan.pk).status == "draft" and not plan.items.exists()


def test_plan_list_shows_only_the_jurisdiction(world, api, submitted):
    assert api(world.registrar_b).get("/placement/plans").json()["count"] == 0
    assert api(world.county_yz).get("/placement/plans").json()["count"] == 0
    assert api(world.auditor).get("/placement/plans").json()["count"] == 0
    assert api(world.city_ty).get("/placement/plans").json()["count"] == 1
    assert api(world.city_ty).get("/placement/plans", awaiting="me").json()["count"] == 0


def test_without_a_token_it_is_401(world, client):
    response = client.get("/api/v1/placement/plans")
    assert response.status_code == 401

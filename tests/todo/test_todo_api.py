"""GET /api/v1/todo: each role's pending work with deadlines, soonest first, filters, paging, outsiders."""

import datetime

import pytest

from tests.todo.conftest import TODAY
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def todo(client, **params):
    response = client.get("/api/v1/todo", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_leader_sees_the_registration_step_with_working_days_left(world, api_for, work):
    app = work.registration()
    body = todo(api_for(world.leader_a))
    assert body["count"] == 1
    item = body["items"][0]
    step = app.steps.get(status="pending")
    assert item["kind"] == "step" and item["id"] == step.pk and "张小红" in item["title"]
    assert item["due_date"] == str(step.due_date) and item["working_days_left"] > 0
    assert item["url"] == f"/applications/{app.pk}/"
    assert item["school"] == world.school_a.pk and item["grade"] == 1
    # The list names children, so reading it is recorded like a search.
    assert AuditEvent.objects.filter(actor=world.leader_a, action="todo.list").exists()


def test_registrar_sees_late_registration_expired_suspension_and_handover(world, api_for, work):
    late = work.late_student(days=40)
    work.expired_suspension(ended_days_ago=5)
    work.handover(due_in=20)
    items = todo(api_for(world.registrar_a))["items"]
    assert [i["kind"] for i in items] == ["registration_overdue", "suspension_expired", "handover"]
    # 第十一条: the deadline is entry + 15 days, computed in the query.
    assert items[0]["due_date"] == str(TODAY() - datetime.timedelta(days=25))
    assert items[0]["url"] == f"/students/{late.key}/" and items[0]["working_days_left"] is None
    assert items[1]["due_date"] == str(TODAY() - datetime.timedelta(days=5))


def test_county_sees_plans_duplicates_and_late_registrations_undated_last(world, api_for, work):
    work.plan()
    work.duplicate()
    work.late_student()
    kinds = [i["kind"] for i in todo(api_for(world.county_xd))["items"]]
    assert kinds[0] == "registration_overdue" and sorted(kinds[1:]) == ["duplicate", "placement"]


def test_a_suspension_still_running_or_with_a_resumption_filed_is_not_listed(world, api_for, work):
    work.expired_suspension(name="甲", ended_days_ago=-10)
    assert todo(api_for(world.registrar_a))["count"] == 0


def test_filters_by_kind_school_and_grade(world, api_for, work):
    work.late_student()
    work.expired_suspension()
    client = api_for(world.county_xd)
    assert [i["kind"] for i in todo(client, kind="suspension_expired")["items"]] == ["suspension_expired"]
    assert todo(client, school=world.school_a.pk)["count"] == 2
    assert todo(client, school=world.school_a2.pk)["count"] == 0
    assert todo(client, grade=1)["count"] == 2 and todo(client, grade=2)["count"] == 0


def test_unknown_kind_is_refused_with_the_field_named(world, api_for):
    response = api_for(world.county_xd).get("/api/v1/todo", {"kind": "nonsense"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind" and "step" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 201}, {"grade": 13}, {"school": "1" * 21}])
def test_out_of_range_parameters_are_400(world, api_for, params):
    assert api_for(world.county_xd).get("/api/v1/todo", params).status_code == 400


def test_paging_soonest_first_and_bounded_queries(world, api_for, work, django_assert_max_num_queries):
    for n in range(30):
        work.late_student(name=f"学生{n}", days=20 + n)
    client = api_for(world.registrar_a)
    # A constant: the token, the page with its count (one query), one description query per kind on it, and
    # the audit row (sealed inline on SQLite: its insert, savepoint, chain head and the two updates).
    with django_assert_max_num_queries(11):
        first = todo(client, page=1, page_size=25)
    second = todo(client, page=2, page_size=25)
    assert first["count"] == 30 and len(first["items"]) == 25 and len(second["items"]) == 5
    assert second["count"] == 30
    dates = [i["due_date"] for i in first["items"] + second["items"]]
    assert dates == sorted(dates) and all(isinstance(d, str) and len(d) == 10 for d in dates)
    past = todo(client, page=3, page_size=25)
    assert past["items"] == [] and past["count"] == 30  # past the end: counted on its own


def test_outsiders_see_nothing_of_another_county_or_school(world, api_for, work):
    work.registration()
    work.late_student()
    work.plan()
    work.duplicate()
    for outsider in (world.county_yz, world.registrar_b, world.city_dt, world.registrar_a2):
        assert todo(api_for(outsider))["count"] == 0, outsider
    # A school outside the caller's county named as a filter gives nothing either.
    assert todo(api_for(world.county_yz), school=world.school_a.pk)["count"] == 0


def test_auditor_has_nothing_to_do_and_anonymous_is_refused(world, api_for, client, work):
    work.late_student()
    assert todo(api_for(world.auditor))["count"] == 0
    response = client.get("/api/v1/todo")
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "unauthenticated"


def test_acting_on_a_step_removes_it(world, api_for, work):
    app = work.registration()
    client = api_for(world.leader_a)
    assert client.post(f"/api/v1/applications/{app.pk}/approve", {"comment": ""},
                       content_type="application/json").status_code == 200
    assert todo(client)["count"] == 0
    # The next step now waits for the county.
    assert [i["kind"] for i in todo(api_for(world.county_xd))["items"]] == ["step"]


def test_handovers_reach_both_schools_and_the_county_once_overdue(world, api_for, work):
    from xueji.transfers import services as transfers

    item = work.handover(due_in=-3)
    assert todo(api_for(world.registrar_a), school=world.school_a.pk)["items"][0]["kind"] == "handover"
    assert todo(api_for(world.county_xd), kind="handover")["count"] == 1
    assert todo(api_for(world.registrar_b))["count"] == 0  # nothing to receive before it is sent
    transfers.mark_sent(world.registrar_a, item.pk)
    assert todo(api_for(world.registrar_b), school=world.school_b.pk)["count"] == 1
    assert todo(api_for(world.registrar_a))["count"] == 0


def test_city_watches_late_registrations_and_the_province_is_spared_a_student_scan(world, api_for, work):
    work.late_student()
    assert todo(api_for(world.city_ty))["count"] == 1
    assert todo(api_for(world.province_officer))["count"] == 0

"""Placement pages: the list and review queue, a school's classes with the forms, a plan with its balance table,
hand adjustments, submission, the authority's decision, a late student — and outsiders refused on each."""

import pytest

from tests import factories as f
from tests.placement.conftest import pupils
from tests.web.conftest import rows, text
from xueji.orgs.models import SchoolClass
from xueji.placement import services
from xueji.placement.models import PlacementItem, PlacementPlan
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    """A balanced draft for school A's 一年级: two classes, 40 pupils."""
    f.school_class(world.school_a, grade=1, name="2班")
    pupils(world.school_a, 1, 40)
    return services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026, mode="auto")


@pytest.fixture
def submitted(world, draft):
    return services.submit(world.registrar_a, draft)


def nav_labels(response):
    return [i["label"] for i in response.context["nav_items"]]


# ------------------------------------------------------------------ navigation and the lists


def test_registrar_has_the_placement_item_and_officers_the_review_item(world, client_for):
    assert "编班" in nav_labels(client_for(world.registrar_a).get("/placement/"))
    assert "编班审核" in nav_labels(client_for(world.county_xd).get("/placement/"))
    assert "编班" not in nav_labels(client_for(world.leader_a).get("/"))


def test_the_county_sees_what_awaits_it(world, client_for, submitted):
    response = client_for(world.county_xd).get("/placement/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["awaiting"]] == [submitted.pk]
    assert "等待我审核" in text(response)


def test_another_county_sees_nothing(world, client_for, submitted):
    response = client_for(world.county_yz).get("/placement/")
    assert response.context["awaiting"] == [] and list(response.context["plans"]) == []


def test_the_auditor_is_refused_the_list(world, client_for):
    assert client_for(world.auditor).get("/placement/").status_code == 403


# ------------------------------------------------------------------ the school's placement page


def test_school_page_shows_classes_loads_and_waiting_students(world, client_for):
    pupils(world.school_a, 1, 3)
    pupils(world.school_a, 1, 46, school_class=world.class_a1)
    response = client_for(world.registrar_a).get(f"/placement/schools/{world.school_a.pk}/")
    assert response.status_code == 200
    [grade] = response.context["grades"]
    assert grade["unplaced"] == 3
    [row] = grade["classes"]
    assert (row["load"].seated, row["normal"], row["hard"], row["level"]) == (46, 45, 50, "near")
    body = text(response)
    assert "成批建立班级" in body and "编制编班方案" in body and "第十三条" in body


def test_the_school_page_links_to_placement(world, client_for):
    body = text(client_for(world.registrar_a).get(f"/schools/{world.school_a.pk}/"))
    assert f"/placement/schools/{world.school_a.pk}/" in body
    body = text(client_for(world.registrar_a).get(f"/classes/{world.class_a1.pk}/"))
    assert f"/placement/classes/{world.class_a1.pk}/place/" in body


def test_forming_classes_from_the_page(world, client_for):
    response = client_for(world.registrar_a).post(
        f"/placement/schools/{world.school_a.pk}/form-classes/", {"grade": "1", "entry_year": "2026", "count": "2"})
    assert response.status_code == 302
    assert set(SchoolClass.objects.filter(school=world.school_a).values_list("name", flat=True)) == {
        "1班", "2班", "3班"}


def test_forming_classes_with_a_bad_count_shows_the_error(world, client_for):
    response = client_for(world.registrar_a).post(
        f"/placement/schools/{world.school_a.pk}/form-classes/", {"grade": "1", "entry_year": "2026", "count": "0"})
    assert response.status_code == 422 and "班级个数" in text(response)


def test_starting_a_balanced_plan_from_the_page(world, client_for):
    pupils(world.school_a, 1, 6)
    response = client_for(world.registrar_a).post(
        f"/placement/schools/{world.school_a.pk}/plans/", {"grade": "1", "entry_year": "2026", "mode": "auto"})
    plan = PlacementPlan.objects.get()
    assert response.status_code == 302 and response.url == f"/placement/plans/{plan.pk}/"
    assert plan.items.count() == 6


def test_the_leader_cannot_start_a_plan(world, client_for):
    response = client_for(world.leader_a).post(
        f"/placement/schools/{world.school_a.pk}/plans/", {"grade": "1", "entry_year": "2026", "mode": "auto"})
    assert response.status_code == 403 and not PlacementPlan.objects.exists()


# ------------------------------------------------------------------ one plan


def test_plan_page_shows_the_balance_table(world, client_for, draft):
    response = client_for(world.registrar_a).get(f"/placement/plans/{draft.pk}/")
    assert response.status_code == 200
    table = response.context["table"]
    assert [r["size"] for r in table["rows"]] == [20, 20]
    assert [r["boys"] for r in table["rows"]] == [10, 10]
    body = text(response)
    assert "随迁子女" in body and "留守儿童" in body and "报送小店区审核" in body
    assert rows(world.registrar_a, action="placement.view", object_id=str(draft.pk)).exists()


def test_moving_a_student_from_the_page(world, client_for, draft):
    item = draft.items.first()
    other = SchoolClass.objects.filter(school=world.school_a).exclude(pk=item.school_class_id).get()
    response = client_for(world.registrar_a).post(f"/placement/plans/{draft.pk}/place/",
                                                  {"students": [item.student_id], "class_id": other.pk})
    assert response.status_code == 302
    assert PlacementItem.objects.get(pk=item.pk).school_class == other


def test_taking_a_student_out_from_the_page(world, client_for, draft):
    item = draft.items.first()
    response = client_for(world.registrar_a).post(f"/placement/plans/{draft.pk}/unplace/",
                                                  {"students": [item.student_id]})
    assert response.status_code == 302 and not PlacementItem.objects.get(pk=item.pk).open


def test_a_move_past_the_hard_cap_is_refused_on_the_page(world, client_for, draft):
    target = SchoolClass.objects.get(school=world.school_a, name="2班")
    extra = pupils(world.school_a, 1, 31)
    response = client_for(world.registrar_a).post(f"/placement/plans/{draft.pk}/place/",
                                                  {"students": [s.pk for s in extra], "class_id": target.pk})
    assert response.status_code == 422
    assert "第十三条" in text(response) and "50" in text(response)
    assert draft.items.filter(open=True).count() == 40


def test_submitting_over_the_normal_cap_needs_the_reason(world, client_for):
    pupils(world.school_a, 1, 46)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026, mode="auto")
    client = client_for(world.registrar_a)
    response = client.post(f"/placement/plans/{plan.pk}/submit/", {"reason": ""})
    assert response.status_code == 422 and "第十三条" in text(response) and "理由" in text(response)
    response = client.post(f"/placement/plans/{plan.pk}/submit/", {"reason": "本学区适龄儿童集中"})
    assert response.status_code == 302
    assert PlacementPlan.objects.get(pk=plan.pk).status == "submitted"
    body = text(client_for(world.county_xd).get(f"/placement/plans/{plan.pk}/"))
    assert "本学区适龄儿童集中" in body  # the approver reads the reason


def test_the_county_approves_from_the_page(world, client_for, submitted):
    response = client_for(world.county_xd).get(f"/placement/plans/{submitted.pk}/")
    assert response.context["can_decide"] and "审核通过" in text(response)
    response = client_for(world.county_xd).post(f"/placement/plans/{submitted.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 302
    assert Student.objects.filter(school_class__isnull=False).count() == 40


def test_the_county_rejects_from_the_page(world, client_for, submitted):
    client = client_for(world.county_xd)
    response = client.post(f"/placement/plans/{submitted.pk}/reject/", {"comment": ""})
    assert response.status_code == 422 and "理由" in text(response)
    response = client.post(f"/placement/plans/{submitted.pk}/reject/", {"comment": "请按出生月份再均衡"})
    assert response.status_code == 302
    assert PlacementPlan.objects.get(pk=submitted.pk).status == "rejected"
    body = text(client_for(world.registrar_a).get(f"/placement/plans/{submitted.pk}/"))
    assert "请按出生月份再均衡" in body


def test_the_city_may_not_approve_a_primary_plan(world, client_for, submitted):
    response = client_for(world.city_ty).get(f"/placement/plans/{submitted.pk}/")
    assert response.status_code == 200 and not response.context["can_decide"]
    assert client_for(world.city_ty).post(f"/placement/plans/{submitted.pk}/approve/").status_code == 403
    assert PlacementPlan.objects.get(pk=submitted.pk).status == "submitted"


def test_the_registrar_withdraws_from_the_page(world, client_for, submitted):
    response = client_for(world.registrar_a).post(f"/placement/plans/{submitted.pk}/cancel/")
    assert response.status_code == 302
    assert PlacementPlan.objects.get(pk=submitted.pk).status == "cancelled"


# ------------------------------------------------------------------ a late student


def test_placing_a_late_student_from_the_class_page(world, client_for):
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    [late] = pupils(world.school_a, 1, 1)
    url = f"/placement/classes/{world.class_a1.pk}/place/"
    client = client_for(world.registrar_a)
    assert [s.pk for s in client.get(url).context["candidates"]] == [late.pk]
    response = client.post(url, {"student": late.pk, "reason": ""})
    assert response.status_code == 422 and "第十三条" in text(response)
    response = client.post(url, {"student": late.pk, "reason": "随迁子女插班"})
    plan = PlacementPlan.objects.get()
    assert response.status_code == 302 and plan.status == "submitted"


def test_the_51st_pupil_is_refused_on_the_page(world, client_for):
    pupils(world.school_a, 1, 50, school_class=world.class_a1)
    [late] = pupils(world.school_a, 1, 1)
    response = client_for(world.registrar_a).post(f"/placement/classes/{world.class_a1.pk}/place/",
                                                  {"student": late.pk, "reason": "生源集中"})
    assert response.status_code == 422
    body = text(response)
    assert "不得超过50人" in body and "第十三条" in body
    assert not PlacementPlan.objects.exists()


def test_the_leader_cannot_place_a_late_student(world, client_for):
    assert client_for(world.leader_a).get(f"/placement/classes/{world.class_a1.pk}/place/").status_code == 403


# ------------------------------------------------------------------ outsiders


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt"])
def test_outsiders_are_refused_on_every_page(world, client_for, draft, who):
    user = getattr(world, who)
    client = client_for(user)
    student = draft.items.first().student
    s, p, c = world.school_a.pk, draft.pk, world.class_a1.pk
    assert client.get(f"/placement/schools/{s}/").status_code == 404
    assert client.get(f"/placement/plans/{p}/").status_code == 404
    assert client.get(f"/placement/classes/{c}/place/").status_code == 404
    posts = [
        (f"/placement/schools/{s}/form-classes/", {"grade": "1", "entry_year": "2026", "count": "1"}),
        (f"/placement/schools/{s}/plans/", {"grade": "1", "entry_year": "2026", "mode": "auto"}),
        (f"/placement/plans/{p}/place/", {"students": [student.pk], "class_id": c}),
        (f"/placement/plans/{p}/unplace/", {"students": [student.pk]}),
        (f"/placement/plans/{p}/auto/", {}),
        (f"/placement/plans/{p}/submit/", {"reason": "x"}),
        (f"/placement/plans/{p}/approve/", {}),
        (f"/placement/plans/{p}/reject/", {"comment": "不同意"}),
        (f"/placement/plans/{p}/cancel/", {}),
        (f"/placement/classes/{c}/place/", {"student": student.pk}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert rows(user, outcome="denied").count() >= 5
    plan = PlacementPlan.objects.get(pk=p)
    assert plan.status == "draft" and plan.items.filter(open=True).count() == 40
    assert SchoolClass.objects.filter(school=world.school_a).count() == 2


def test_anonymous_visitors_go_to_the_login_page(world, client):
    response = client.get("/placement/")
    assert response.status_code == 302 and "/login/" in response.url

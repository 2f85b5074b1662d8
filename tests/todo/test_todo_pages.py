"""The to-do list on the home page: first on the page, deadlines marked, filters, paging, the nav count, the
batch approval, and outsiders."""

import pytest

from tests.web.conftest import text
from xueji.applications.models import Application, Step
from xueji.transfers import services as transfers

pytestmark = pytest.mark.django_db


def home_badge(response) -> int | None:
    return next(i["badge"] for i in response.context["nav_items"] if i["label"] == "首页")


def test_the_home_page_lists_the_leaders_steps_first_with_a_matching_nav_count(world, client_for, work):
    work.registration(name="张小红")
    work.registration(name="李小明")
    response = client_for(world.leader_a).get("/")
    body = text(response)
    assert response.status_code == 200
    assert body.index('data-testid="todo"') < body.index("各年级学生人数")
    assert "张小红" in body and "剩余" in body and 'name="ids"' in body
    assert response.context["todo_count"] == 2 == home_badge(response)


def test_overdue_items_are_marked_and_come_first(world, client_for, work):
    work.handover(due_in=20)
    work.late_student(name="逾期生")
    response = client_for(world.registrar_a).get("/")
    items = response.context["todo_items"]
    assert [i.kind for i in items] == ["registration_overdue", "handover"]
    assert items[0].due.level == "overdue" and 'class="overdue"' in text(response)
    assert home_badge(response) == 2


def test_division_home_filters_by_kind_and_grade(world, client_for, work):
    work.plan()
    work.late_student()
    client = client_for(world.county_xd)
    assert [i.kind for i in client.get("/", {"kind": "placement"}).context["todo_items"]] == ["placement"]
    assert client.get("/", {"grade": "2"}).context["todo_count"] == 0
    # The navigation keeps counting the whole list whatever the filters.
    assert home_badge(client.get("/", {"grade": "2"})) == 2


def test_bad_filters_are_explained_not_a_500(world, client_for, work):
    work.late_student()
    response = client_for(world.county_xd).get("/", {"grade": "x", "kind": "nonsense"})
    body = text(response)
    assert response.status_code == 200 and "年级须为1–12" in body and "待办类型“nonsense”不存在" in body
    assert response.context["todo_count"] == 1


def test_pages_of_25(world, client_for, work):
    for n in range(30):
        work.late_student(name=f"学生{n}", days=20 + n)
    client = client_for(world.registrar_a)
    assert len(client.get("/").context["todo_items"]) == 25
    second = client.get("/", {"page": "2"})
    assert len(second.context["todo_items"]) == 5 and "第 2 / 2 页" in text(second)
    assert len(client.get("/", {"page": "9"}).context["todo_items"]) == 5  # past the end: the last page


def test_home_queries_are_bounded_for_30_items(world, client_for, work, django_assert_max_num_queries):
    for n in range(30):
        work.late_student(name=f"学生{n}", days=20 + n)
    client = client_for(world.county_xd)
    client.get("/")
    with django_assert_max_num_queries(25):
        assert client.get("/").context["todo_count"] == 30


def test_batch_approval_removes_the_items(world, client_for, work):
    apps = [work.registration(name=f"学生{n}") for n in range(3)]
    client = client_for(world.leader_a)
    response = client.post("/todo/approve/", {"ids": [a.pk for a in apps[:2]]}, follow=True)
    assert "已通过2件申请" in text(response)
    assert [i.title for i in response.context["todo_items"]] == [f"学籍注册·{apps[2].student.name}"]
    assert home_badge(response) == 1


def test_an_outsider_cannot_batch_approve(world, client_for, work):
    app = work.registration()
    response = client_for(world.county_yz).post("/todo/approve/", {"ids": [app.pk]}, follow=True)
    assert "已通过" not in text(response)
    assert Step.objects.filter(application=app, status="pending", role="leader").exists()
    assert Application.objects.get(pk=app.pk).status == "pending"


def test_confirming_a_handover_removes_it(world, client_for, work):
    item = work.handover()
    transfers.mark_sent(world.registrar_a, item.pk)
    assert client_for(world.registrar_a).get("/").context["todo_count"] == 0
    # Now the receiving school has to confirm it.
    assert [i.kind for i in client_for(world.registrar_b).get("/").context["todo_items"]] == ["handover"]


def test_outsiders_see_an_empty_list_and_anonymous_goes_to_login(world, client_for, client, work):
    work.registration()
    work.plan()
    for outsider in (world.county_yz, world.registrar_b):
        response = client_for(outsider).get("/")
        assert response.context["todo_count"] == 0 and home_badge(response) is None
    assert client.get("/").status_code == 302
    assert client.post("/todo/approve/", {"ids": ["1"]}).status_code == 302

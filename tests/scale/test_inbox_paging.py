"""The inbox is paged and narrowed to the user's org and role; the overdue list to his jurisdiction (issue #15
item 3)."""

import datetime

from xueji.applications import oversight, services
from xueji.applications import views as application_views
from xueji.applications.models import Step


def _at_county(world, make_student, n: int) -> list[int]:
    ids = []
    for i in range(n):
        app = services.submit(world.registrar_a, "registration", make_student(name=f"赵{'甲乙丙'[i]}"))
        services.approve(world.leader_a, app.pk)
        ids.append(app.pk)
    return ids


def test_inbox_pages_soonest_due_first_and_outsiders_see_none(world, client_for, make_student, monkeypatch):
    monkeypatch.setattr(application_views, "INBOX_PER_PAGE", 2)
    ids = _at_county(world, make_student, 3)
    client = client_for(world.county_xd)

    def page(n, user_client=client):
        response = user_client.get("/applications/inbox/", {"page": n})
        assert response.status_code == 200
        return [r["app"].pk for r in response.context["rows"]]

    assert page(1) + page(2) == ids and len(page(1)) == 2
    assert "第 1 / 2 页" in client.get("/applications/inbox/").content.decode()
    assert page(1, client_for(world.county_yz)) == [] and page(1, client_for(world.leader_a)) == []


def test_overdue_list_keeps_to_the_jurisdiction(world, make_student):
    ids = _at_county(world, make_student, 1)
    Step.objects.filter(application_id__in=ids, status="pending").update(due_date=datetime.date(2020, 1, 6))
    assert [r["application"].pk for r in oversight.overdue_steps(world.county_xd)] == ids
    assert [r["application"].pk for r in oversight.overdue_steps(world.province_officer)] == ids
    assert oversight.overdue_steps(world.county_yz) == [] and oversight.overdue_steps(world.city_dt) == []

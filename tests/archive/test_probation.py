"""留校察看 at its end (第四十条): on the school's list (page, API, to-do) until the school lifts it (recorded,
and it leaves the list) or proposes expulsion (the `expulsion` application); outsiders are refused."""

import datetime

import pytest

from tests import factories as f
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.archive import probation, services
from xueji.archive.selectors import under_discipline
from xueji.core.errors import Conflict, NotFound, RuleViolation

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def expired(world, senior):
    """A 留校察看 decided more than a year ago: its one year has run out."""
    return services.record_discipline(world.registrar_high, senior, level="留校察看", reason="多次打架",
                                      decided_on=TODAY - datetime.timedelta(days=400))


def due_ids(school):
    return [d.pk for d in probation.due_at(school.pk)]


def test_a_probation_past_one_year_is_on_the_schools_list(world, senior, expired, api_for, client_for):
    running = services.record_discipline(world.registrar_high, senior, level="留校察看", reason="顶撞老师",
                                         decided_on=TODAY)
    assert due_ids(world.high) == [expired.pk] and running.pk not in due_ids(world.high)
    listed = api_for(world.registrar_high).get(f"/api/v1/schools/{world.high.pk}/probation-due")
    assert listed.status_code == 200 and [r["discipline"]["id"] for r in listed.json()] == [expired.pk]
    page = client_for(world.registrar_high).get(f"/schools/{world.high.pk}/probation/").content.decode()
    assert 'data-testid="probation-row"' in page and "解除留校察看" in page and senior.name in page
    todo = api_for(world.registrar_high).get("/api/v1/todo", {"kind": "probation_due"}).json()
    assert [(i["kind"], i["id"]) for i in todo["items"]] == [("probation_due", expired.pk)]
    home = client_for(world.registrar_high).get("/").content.decode()
    assert f"{senior.name}·留校察看期满" in home
    # The city watches the list but does not act on it.
    city = client_for(world.city_ty).get(f"/schools/{world.high.pk}/probation/").content.decode()
    assert senior.name in city and "解除留校察看" not in city
    record = client_for(world.registrar_high).get(f"/students/{senior.key}/archive/").content.decode()
    assert "期满待处理" in record and f"/schools/{world.high.pk}/probation/#p{expired.pk}" in record


def test_lifting_records_it_and_it_leaves_the_list(world, senior, expired, api_for):
    lifted = post(api_for(world.registrar_high), f"/api/v1/discipline/{expired.pk}/lift", {"note": "一年来表现良好"})
    assert lifted.status_code == 200, lifted.content
    assert lifted.json()["lifted_on"] == TODAY.isoformat() and lifted.json()["lift_note"] == "一年来表现良好"
    assert due_ids(world.high) == [] and not under_discipline(senior, TODAY)
    assert senior.events.filter(kind="解除处分:留校察看").exists()
    assert api_for(world.registrar_high).get("/api/v1/todo", {"kind": "probation_due"}).json()["items"] == []
    again = post(api_for(world.registrar_high), f"/api/v1/discipline/{expired.pk}/lift", {"note": "再次解除"})
    assert again.status_code == 409
    with pytest.raises(Conflict):
        probation.propose_expulsion(world.registrar_high, expired.pk, misconduct="仍打架")


def test_proposing_expulsion_starts_the_application_and_it_leaves_the_list(world, senior, expired, api_for,
                                                                           client_for):
    response = client_for(world.registrar_high).post(f"/discipline/{expired.pk}/expel/",
                                                     {"misconduct": "一年内仍多次打架"})
    assert response.status_code == 302
    application = Application.objects.get(type="expulsion")
    assert application.payload == {"misconduct": "一年内仍多次打架", "probation": expired.pk}
    assert due_ids(world.high) == []
    leader = f.user("lead_high", "leader", school=world.high)
    detail = client_for(leader).get(f"/applications/{application.pk}/").content.decode()
    assert "违纪事实" in detail and "一年内仍多次打架" in detail
    applications.approve(leader, application.pk)
    applications.approve(world.city_ty, application.pk)
    senior.refresh_from_db()
    assert senior.status == "开除"


def test_only_a_probation_can_be_lifted(world, senior):
    warning = services.record_discipline(world.registrar_high, senior, level="警告", reason="迟到",
                                         decided_on=TODAY)
    with pytest.raises(RuleViolation) as caught:
        probation.lift_probation(world.registrar_high, warning.pk, note="表现良好")
    assert caught.value.violations[0].article == "第四十条"


def test_outsiders_are_refused_on_every_route(world, senior, expired, api_for, client_for):
    assert api_for(world.registrar_b).get(f"/api/v1/schools/{world.high.pk}/probation-due").status_code == 404
    assert api_for(world.city_dt).get(f"/api/v1/schools/{world.high.pk}/probation-due").status_code == 404
    assert client_for(world.registrar_b).get(f"/schools/{world.high.pk}/probation/").status_code == 404
    for actor in (world.registrar_b, world.city_dt):
        assert post(api_for(actor), f"/api/v1/discipline/{expired.pk}/lift", {"note": "越权"}).status_code == 404
        assert post(api_for(actor), f"/api/v1/discipline/{expired.pk}/propose-expulsion",
                    {"misconduct": "越权"}).status_code == 404
        assert client_for(actor).post(f"/discipline/{expired.pk}/lift/", {"note": "越权"}).status_code == 404
        assert client_for(actor).post(f"/discipline/{expired.pk}/expel/", {"misconduct": "越权"}).status_code == 404
    # The city may read the student but the school decides.
    assert post(api_for(world.city_ty), f"/api/v1/discipline/{expired.pk}/lift", {"note": "越权"}).status_code == 403
    assert post(api_for(world.city_ty), f"/api/v1/discipline/{expired.pk}/propose-expulsion",
                {"misconduct": "越权"}).status_code == 403
    with pytest.raises(NotFound):
        probation.lift_probation(world.registrar_a, expired.pk, note="越权")
    assert api_for(world.registrar_a).get("/api/v1/todo", {"kind": "probation_due"}).json()["items"] == []
    assert not Application.objects.exists()

"""The audit log page: who may read it, its filters and paging, and the hash-chain check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import rows, text
from xueji.audit import chain, guard
from xueji.audit import services as audit
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def actions(response) -> list[str]:
    return [e.action for e in response.context["events"]]


@pytest.mark.parametrize("who", ["auditor", "province_officer"])
def test_auditor_and_province_read_the_log(world, client_for, make_student, who):
    make_student()
    response = client_for(getattr(world, who)).get("/audit/")
    assert response.status_code == 200
    assert "student.create" in actions(response) and "审计日志" in text(response)


@pytest.mark.parametrize("who", ["registrar_a", "leader_a", "county_xd", "city_ty"])
def test_other_roles_are_refused_and_the_attempt_is_logged(world, client_for, who):
    user = getattr(world, who)
    response = client_for(user).get("/audit/")
    assert response.status_code == 403 and "审计员" in text(response)
    assert rows(user, action="audit.read", outcome="denied").exists()


def test_reading_the_log_is_itself_logged(world, client_for):
    client_for(world.auditor).get("/audit/", {"actor": "reg_a"})
    event = rows(world.auditor, action="audit.read").get()
    assert event.details["actor"] == "reg_a"


def test_filters_by_actor_action_object_and_outcome(world, client_for, make_student):
    student = make_student()
    client_for(world.county_yz).get(f"/students/{student.key}/")  # refused and logged
    client = client_for(world.auditor)
    assert set(actions(client.get("/audit/", {"actor": "reg_a"}))) == {"student.create"}
    assert actions(client.get("/audit/", {"action": "student.view"})) == ["student.view"]
    assert set(actions(client.get("/audit/", {"action": "student.*"}))) == {"student.create", "student.view"}
    denied = client.get("/audit/", {"outcome": "denied"}).context["events"]
    assert [(e.actor_username, e.object_id) for e in denied] == [("yz", student.key)]
    assert len(client.get("/audit/", {"object": student.key}).context["events"]) == 2


def test_filters_by_date_range(world, client_for):
    old = audit.record(world.registrar_a, "student.view", object_type="student", object_id="1")
    with guard.lifted():  # the log is append-only; the test backdates one row behind the triggers' back
        AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    audit.record(world.registrar_a, "student.view", object_type="student", object_id="2")
    today = timezone.localdate()
    client = client_for(world.auditor)
    recent = client.get("/audit/", {"action": "student.view", "since": str(today - timedelta(days=1))})
    assert [e.object_id for e in recent.context["events"]] == ["2"]
    early = client.get("/audit/", {"action": "student.view", "until": str(today - timedelta(days=5))})
    assert [e.object_id for e in early.context["events"]] == ["1"]


def test_a_malformed_date_is_explained_not_crashed(world, client_for):
    response = client_for(world.auditor).get("/audit/", {"since": "2026/13/01"})
    assert response.status_code == 200 and "YYYY-MM-DD" in text(response)


def test_the_log_is_paged(world, client_for):
    for n in range(60):
        audit.record(world.registrar_a, "student.view", object_type="student", object_id=str(n))
    client = client_for(world.auditor)
    first = client.get("/audit/", {"action": "student.view"})
    assert len(first.context["events"]) == 50 and first.context["page_obj"].paginator.num_pages == 2
    second = client.get("/audit/", {"action": "student.view", "page": "2"})
    assert len(second.context["events"]) == 10


def test_a_city_auditor_reads_only_his_citys_accounts(world, client_for, make_student):
    from tests import factories as f

    city_auditor = f.user("aud_dt", "auditor", division=world.datong)
    make_student()  # written by 小店区's registrar, under 太原市
    response = client_for(city_auditor).get("/audit/")
    assert response.status_code == 200 and "student.create" not in actions(response)


def test_chain_check_reports_an_intact_chain(world, client_for, make_student):
    make_student()
    client = client_for(world.auditor)
    response = client.post("/audit/verify/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "审计链完整" in text(response) and "<html" not in text(response)
    assert rows(world.auditor, action="audit.verify").get().details["intact"] is True


def test_chain_check_finds_a_tampered_row(world, client_for, make_student):
    make_student()
    chain.seal_all()  # what the sealer does within a second of the commit (at once on SQLite)
    victim = AuditEvent.objects.filter(action="student.create").get()
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(actor_username="someone-else")
    response = client_for(world.auditor).post("/audit/verify/", follow=True)
    assert "审计链不完整" in text(response) and f"第 {victim.pk} 条" in text(response)


def test_chain_check_needs_a_post_and_a_reader(world, client_for):
    assert client_for(world.auditor).get("/audit/verify/").status_code == 405
    assert client_for(world.registrar_a).post("/audit/verify/").status_code == 403
    assert rows(world.registrar_a, action="audit.verify", outcome="denied").exists()

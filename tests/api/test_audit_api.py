"""/api/v1/audit: only auditors and the province read the log; the chain check finds a tampered row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import assert_error, denied_rows
from xueji.audit import guard
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, api, make_student):
    """A read, a refused read and an edit, done through the API."""
    student = make_student()
    api(world.registrar_a).get(f"/students/{student.pk}")
    api(world.county_yz).get(f"/students/{student.pk}")
    api(world.registrar_a).patch(f"/students/{student.pk}", {"current_address": "山西省太原市小店区长治路8号"})
    return student


def test_auditor_reads_the_log_newest_first(world, api, history):
    body = api(world.auditor).get("/audit/events").json()
    assert body["count"] >= 4 and body["page"] == 1
    ids = [e["id"] for e in body["results"]]
    assert ids == sorted(ids, reverse=True)
    actions = {e["action"] for e in body["results"]}
    assert {"student.create", "student.view", "student.update"} <= actions


def test_filters(world, api, history):
    client = api(world.auditor)
    denied = client.get("/audit/events", outcome="denied").json()["results"]
    assert [(e["actor"], e["action"], e["object_id"]) for e in denied] == [("yz", "student.view", str(history.pk))]
    assert {e["actor"] for e in client.get("/audit/events", actor="reg_a").json()["results"]} == {"reg_a"}
    by_prefix = client.get("/audit/events", action="student.*").json()["results"]
    assert by_prefix and all(e["action"].startswith("student.") for e in by_prefix)
    assert client.get("/audit/events", object_id=str(history.pk), action="student.update").json()["count"] == 1
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get("/audit/events", since=later).json()["count"] == 0
    assert client.get("/audit/events", until=later).json()["count"] >= 4
    assert client.get("/audit/events", since=timezone.localdate().isoformat()).json()["count"] >= 4
    assert_error(client.get("/audit/events", since="yesterday"), 400, field="since")
    assert_error(client.get("/audit/events", page_size=201), 400, field="page_size")


def test_reading_the_log_is_itself_logged(world, api):
    api(world.province_officer).get("/audit/events", actor="reg_a")
    event = AuditEvent.objects.filter(actor=world.province_officer, action="audit.read").get()
    assert event.details["actor"] == "reg_a"


@pytest.mark.parametrize("who", ["registrar_a", "leader_a", "county_xd", "city_ty"])
def test_other_roles_are_403_and_logged(world, api, who):
    user = getattr(world, who)
    assert_error(api(user).get("/audit/events"), 403)
    assert_error(api(user).get("/audit/verify"), 403)
    assert denied_rows(user, action="audit.read").exists()
    assert denied_rows(user, action="audit.verify").exists()


def test_chain_verifies_and_shows_where_it_was_tampered(world, api, history):
    client = api(world.auditor)
    body = client.get("/audit/verify").json()
    assert body["intact"] is True and body["broken_at"] is None
    assert body["checked"] == AuditEvent.objects.count() - 1  # the check itself is logged after it ran

    victim = AuditEvent.objects.get(outcome="denied", action="student.view")
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(actor_username="someone-else")
    body = api(world.province_officer).get("/audit/verify").json()
    assert body["intact"] is False and body["broken_at"] == victim.pk
    assert body["code"] == "edited" and "被改动或删除" in body["message"]

"""The applications list, the inbox (待办审批) and the audit log as .xlsx: the same rows as the list, audited, and
refused to whoever may not read the list."""

import pytest

from xueji.applications import services
from xueji.audit.models import AuditEvent

from .conftest import FORMULA_NAME, export_from, headers_of, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(world, pupils):
    """Registrations of school A's three pupils and one of school B's."""
    mine = [services.submit(world.registrar_a, "registration", pupils[k]) for k in ("formula", "second", "third")]
    theirs = services.submit(world.registrar_b, "registration", pupils["other"])
    return mine, theirs


def test_applications_export_equals_the_list(world, filed, api_for):
    client = api_for(world.county_xd)
    listed = client.get("/api/v1/applications", {"type": "registration"}).json()["results"]
    rows = sheet_rows(client.get("/api/v1/applications", {"type": "registration", "format": "xlsx"}))
    assert [r[0] for r in rows] == [a["id"] for a in listed] and len(rows) == 3
    assert FORMULA_NAME in [r[2] for r in rows] and {r[4] for r in rows} == {world.school_a.pk}
    event = AuditEvent.objects.get(action="application.export")
    assert event.details == {"type": "registration", "count": 3, "format": "xlsx"}


def test_applications_page_exports_and_outsiders_get_their_own_or_nothing(world, filed, client_for, api_for):
    rows = sheet_rows(client_for(world.registrar_b).get("/applications/", {"format": "xlsx"}))
    assert [r[0] for r in rows] == [filed[1].pk]
    assert api_for(world.county_yz).get(
        "/api/v1/applications", {"school": world.school_a.pk, "format": "xlsx"}).status_code == 404
    assert client_for(world.auditor).get("/applications/", {"format": "xlsx"}).status_code == 403


def test_inbox_export_lists_the_steps_waiting_for_me(world, filed, client_for):
    page = client_for(world.leader_a).get("/applications/inbox/")
    response = export_from(client_for(world.leader_a), page)
    assert headers_of(export_from(client_for(world.leader_a), page))[6] == "本环节"
    rows = sheet_rows(response)
    assert sorted(r[0] for r in rows) == sorted(row["app"].pk for row in page.context["rows"])
    assert len(rows) == 3 and all(r[6].startswith("第") for r in rows)
    # School B's registrar has nothing of school A waiting for him.
    assert sheet_rows(client_for(world.registrar_b).get("/applications/inbox/", {"format": "xlsx"})) == []
    assert AuditEvent.objects.filter(action="application.inbox_export", actor_username="lead_a").count() == 2


def test_audit_log_export_for_the_auditor_only(world, filed, client_for, api_for):
    response = api_for(world.auditor).get("/api/v1/audit/events", {"action": "application.submit",
                                                                   "format": "xlsx"})
    rows = sheet_rows(response)
    assert len(rows) == 4 and {r[6] for r in rows} == {"application.submit"}
    assert {r[2] for r in rows} == {"reg_a", "reg_b"}
    page = client_for(world.auditor).get("/audit/", {"action": "application.submit"})
    assert sheet_rows(export_from(client_for(world.auditor), page))[0][0] == page.context["events"][0].pk
    assert api_for(world.county_xd).get("/api/v1/audit/events", {"format": "xlsx"}).status_code == 403
    assert client_for(world.registrar_a).get("/audit/", {"format": "xlsx"}).status_code == 403
    assert AuditEvent.objects.filter(action="audit.export", actor_username="aud").count() == 2
    bad = client_for(world.auditor).get("/audit/", {"since": "2026-13-01", "format": "xlsx"}, follow=True)
    assert "格式不正确" in bad.content.decode()

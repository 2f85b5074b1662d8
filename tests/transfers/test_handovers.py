"""The archive hand-over after a transfer (第二十二条): due a month after completion, 已寄出 by the sending
registrar, 已接收 by the receiving one, overdue when unfinished past the month; service, API and page."""

import datetime

import pytest

from tests.transfers.conftest import MOVE, proofs
from xueji.applications import services as engine
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.transfers import selectors, services
from xueji.transfers.models import ArchiveHandover

pytestmark = pytest.mark.django_db
DONE_ON = datetime.date(2026, 10, 13)


@pytest.fixture
def handover(people, enrolled, clock) -> ArchiveHandover:
    w = people
    student = enrolled()
    clock(datetime.date(2026, 9, 28))
    app = services.start_transfer(w.registrar_b, student_number=student.student_number, name=student.name,
                                  id_number=student.id_number, payload={**MOVE, "to_grade": 3}, evidence=proofs())
    for actor in (w.leader_b, w.county_yz, w.leader_a):
        engine.approve(actor, app.pk)
    clock(DONE_ON)
    engine.approve(w.county_xd, app.pk)
    return ArchiveHandover.objects.get(application=app)


def test_due_a_month_after_completion_and_overdue_after(people, handover, clock):
    w = people
    assert handover.due_date == datetime.date(2026, 11, 13)
    assert not selectors.overdue_handovers(w.county_xd, datetime.date(2026, 11, 13)).exists()
    late = selectors.overdue_handovers(w.county_xd, datetime.date(2026, 11, 14))
    assert list(late) == [handover]
    assert list(selectors.overdue_handovers(w.city_ty, datetime.date(2026, 11, 14))) == [handover]
    assert not selectors.overdue_handovers(w.county_pc, datetime.date(2026, 11, 14)).exists()


def test_sent_then_received_finishes_it(people, handover):
    w = people
    services.mark_sent(w.registrar_a, handover.pk)
    assert list(selectors.overdue_handovers(w.county_yz, datetime.date(2027, 1, 1))) == [handover]
    done = services.mark_received(w.registrar_b, handover.pk)
    assert done.sent_by == w.registrar_a and done.received_by == w.registrar_b
    assert not selectors.overdue_handovers(w.county_yz, datetime.date(2027, 1, 1)).exists()
    assert AuditEvent.objects.filter(action__in=["handover.sent", "handover.received"]).count() == 2


def test_each_side_confirms_only_its_own_part_once(people, handover):
    w = people
    with pytest.raises(Forbidden):
        services.mark_sent(w.registrar_b, handover.pk)
    with pytest.raises(Forbidden):
        services.mark_received(w.registrar_a, handover.pk)
    with pytest.raises(Forbidden):
        services.mark_sent(w.county_xd, handover.pk)
    with pytest.raises(NotFound):
        services.mark_sent(w.county_pc, handover.pk)
    services.mark_sent(w.registrar_a, handover.pk)
    with pytest.raises(Conflict):
        services.mark_sent(w.registrar_a, handover.pk)


def test_the_api_lists_and_confirms(people, handover, api_for, clock):
    w = people
    clock(datetime.date(2026, 12, 1))
    late = api_for(w.registrar_a).get("/api/v1/transfers/handovers?overdue=true").json()
    assert [h["id"] for h in late["results"]] == [handover.pk] and late["results"][0]["overdue"] is True
    assert api_for(w.registrar_b).post(f"/api/v1/transfers/handovers/{handover.pk}/sent").status_code == 403
    sent = api_for(w.registrar_a).post(f"/api/v1/transfers/handovers/{handover.pk}/sent")
    assert sent.status_code == 200 and sent.json()["sent_by"] == "reg_a" and sent.json()["done"] is False
    assert api_for(w.registrar_a).post(f"/api/v1/transfers/handovers/{handover.pk}/sent").status_code == 409
    received = api_for(w.registrar_b).post(f"/api/v1/transfers/handovers/{handover.pk}/received")
    assert received.json()["done"] is True
    for outsider in (w.county_pc, w.auditor):
        assert api_for(outsider).post(f"/api/v1/transfers/handovers/{handover.pk}/received").status_code == 404
        assert api_for(outsider).get("/api/v1/transfers/handovers").json()["count"] == 0


def test_the_page_shows_the_buttons_of_each_side(people, handover, client_for):
    w = people
    sending = client_for(w.registrar_a).get("/transfers/handovers/").content.decode()
    assert 'data-testid="mark-sent"' in sending and 'data-testid="mark-received"' not in sending
    receiving = client_for(w.registrar_b).get("/transfers/handovers/").content.decode()
    # Nothing to receive before the sending school sent it (第二十二条).
    assert 'data-testid="mark-received"' not in receiving and 'data-testid="mark-sent"' not in receiving
    assert 'data-testid="awaiting-sender"' in receiving
    response = client_for(w.registrar_a).post(f"/transfers/handovers/{handover.pk}/sent/")
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.sent_by == w.registrar_a
    receiving = client_for(w.registrar_b).get("/transfers/handovers/").content.decode()
    assert 'data-testid="mark-received"' in receiving and 'data-testid="awaiting-sender"' not in receiving
    assert client_for(w.county_pc).post(f"/transfers/handovers/{handover.pk}/received/").status_code == 404
    assert client_for(w.auditor).get("/transfers/handovers/").status_code == 403


def test_the_receiver_cannot_confirm_before_the_sender_sent(people, handover):
    w = people
    with pytest.raises(RuleViolation) as refused:
        services.mark_received(w.registrar_b, handover.pk)
    assert refused.value.status == 422
    assert [(v.code, v.article) for v in refused.value.violations] == [("archive_not_sent", "第二十二条")]
    handover.refresh_from_db()
    assert handover.received_at is None and handover.received_by is None
    services.mark_sent(w.registrar_a, handover.pk)
    assert services.mark_received(w.registrar_b, handover.pk).received_by == w.registrar_b


def test_an_archive_from_outside_the_registry_is_received_without_a_sent_mark(people, handover):
    w = people
    ArchiveHandover.objects.filter(pk=handover.pk).update(from_school=None, from_school_name="河北省某小学")
    assert services.mark_received(w.registrar_b, handover.pk).received_by == w.registrar_b


def test_the_api_refuses_receipt_before_sending_with_the_article(people, handover, api_for):
    w = people
    early = api_for(w.registrar_b).post(f"/api/v1/transfers/handovers/{handover.pk}/received")
    assert early.status_code == 422
    assert early.json()["errors"][0]["code"] == "archive_not_sent"
    assert early.json()["errors"][0]["article"] == "第二十二条"
    assert api_for(w.county_pc).post(f"/api/v1/transfers/handovers/{handover.pk}/received").status_code == 404
    assert api_for(w.registrar_a).post(f"/api/v1/transfers/handovers/{handover.pk}/sent").status_code == 200
    assert api_for(w.registrar_b).post(f"/api/v1/transfers/handovers/{handover.pk}/received").status_code == 200


def test_the_page_refuses_receipt_before_sending_with_the_article(people, handover, client_for):
    w = people
    response = client_for(w.registrar_b).post(f"/transfers/handovers/{handover.pk}/received/", follow=True)
    assert "第二十二条" in response.content.decode() and "尚未确认寄出" in response.content.decode()
    handover.refresh_from_db()
    assert handover.received_at is None

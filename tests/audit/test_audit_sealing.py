"""Audit rows are written in their action's transaction without touching the chain head, then sealed into the
chain in batches: writers never wait for one another, and the chain keeps every guarantee it had."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from xueji.audit import chain, guard
from xueji.audit.models import AuditChainHead, AuditEvent
from xueji.audit.services import record, verify

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and snapshots of PostgreSQL")


@pytest.fixture
def sealer_only(settings, deferred):
    """Writers do not seal after their commit: only the test's explicit sealing does."""
    settings.XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS = -1


@pytest.fixture
def deferred(settings):
    """The PostgreSQL mode on either database: rows wait for the sealer."""
    settings.XUEJI_AUDIT_SEAL = "deferred"
    settings.XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS = 0
    chain._last_attempt = 0.0


def _write(n, actor=None, action="test.action"):
    return [record(actor, action, object_type="thing", object_id=str(i)) for i in range(n)]


def test_rows_wait_unsealed_then_are_sealed_in_id_order(db, deferred):
    events = _write(4)
    assert all(e.seq is None and e.hash == "" for e in events)
    verdict = chain.verify()
    assert verdict.intact and verdict.unsealed == 4
    assert chain.seal_all() == 4
    rows = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == chain.GENESIS and all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    verdict = chain.verify()
    assert verdict.intact and verdict.checked == 4 and verdict.unsealed == 0
    assert AuditChainHead.objects.get(id=1).last_event_id == rows[-1].pk


def test_an_edit_or_a_deletion_after_sealing_shows(db, deferred):
    events = _write(5)
    chain.seal_all()
    with guard.lifted():
        AuditEvent.objects.filter(pk=events[1].pk).update(reason="改过")
    assert chain.verify().broken_at == events[1].pk
    with guard.lifted():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "gap" and verdict.broken_at == events[2].pk


def test_a_rolled_back_action_leaves_no_row(db, deferred):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(1)
        raise RuntimeError("the action fails")
    assert AuditEvent.objects.count() == before and chain.pending() == 0


def test_a_writer_seals_after_its_commit(db, deferred, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = _write(1)[0]
        assert AuditEvent.objects.get(pk=event.pk).seq is None  # not before the commit
    assert AuditEvent.objects.get(pk=event.pk).seq == 1


def test_the_database_lets_the_chain_be_set_once_and_nothing_else(db, deferred):
    event = _write(1)[0]
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="改过"),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(seq=1, hash="a" * 64, action="x"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            attempt()
    chain.seal_all()
    for attempt in (lambda: AuditEvent.objects.filter(pk=event.pk).update(seq=None, prev_hash="", hash=""),
                    lambda: AuditEvent.objects.filter(pk=event.pk).update(seq=7)):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            attempt()
    assert chain.verify().intact


def test_the_seal_command_and_the_audit_page_seal_what_waits(world, deferred, client_for, capsys):
    _write(2)
    call_command("audit", "seal")
    assert "已封存 2 条" in capsys.readouterr().out
    _write(1)
    assert client_for(world.auditor).get("/audit/").status_code == 200
    assert not AuditEvent.objects.filter(action="test.action", seq=None).exists()  # the page's own row may wait


def test_a_chain_column_set_behind_the_sealer_is_reported_not_fatal(world, deferred, client_for):
    _write(3)
    chain.seal_all()
    forged, waiting = _write(2)
    # The trigger takes this for a sealing (empty chain columns set once): only verification can tell.
    AuditEvent.objects.filter(pk=forged.pk).update(seq=4, prev_hash="0" * 64, hash="f" * 64)
    verdict = verify(world.auditor)  # sealing `waiting` at position 4 fails; the check goes on
    assert not verdict.intact and verdict.broken_at == forged.pk
    assert any("封存失败" in w for w in verdict.warnings)
    assert client_for(world.auditor).get("/audit/").status_code == 200


def _in_thread(work):
    """Run `work` on its own connection (its own transaction) in a thread; re-raise what it raised."""
    failure = []

    def run():
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 — handed back to the test
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failure


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_and_a_late_commit_is_sealed_after(sealer_only):
    """A transaction holds its unsealed row open while another writes, commits and is sealed: impossible while
    every writer locked the head. The lower id that commits last gets the next place."""
    holding, release = threading.Event(), threading.Event()
    early = {}

    def long_action():
        with transaction.atomic():
            early["event"] = _write(1, action="test.slow")[0]
            holding.set()
            release.wait(10)

    thread, failure = _in_thread(long_action)
    assert holding.wait(10)
    try:
        later = _write(3, action="test.fast")  # each its own committed transaction, none waits
        assert chain.seal_all() == 3  # the open row is not visible, the others are sealed
        assert [e.seq for e in AuditEvent.objects.filter(action="test.fast").order_by("id")] == [1, 2, 3]
    finally:
        release.set()
        thread.join(10)
    assert not failure
    slow = AuditEvent.objects.get(pk=early["event"].pk)
    assert slow.pk < later[0].pk and slow.seq is None
    assert chain.seal_all() == 1
    assert AuditEvent.objects.get(pk=slow.pk).seq == 4
    assert chain.verify().intact and chain.verify().checked == 4


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_sealer_skips_instead_of_waiting(sealer_only):
    _write(2)
    locked, release = threading.Event(), threading.Event()

    def busy_sealer():
        with transaction.atomic():
            chain._sealer_lock(wait=True)
            locked.set()
            release.wait(10)

    thread, failure = _in_thread(busy_sealer)
    assert locked.wait(10)
    try:
        assert chain.seal(wait=False) == 0
        _write(1)  # writing goes on while a sealer holds the head
    finally:
        release.set()
        thread.join(10)
    assert not failure and chain.seal_all() == 3 and chain.verify().intact

"""The audit log is a hash chain pinned by signed checkpoints: an edit, a deletion anywhere (the newest rows
included) and a chain recomputed after a deletion all show; the database refuses edits and deletions."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from xueji.audit import chain, guard
from xueji.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from xueji.audit.services import record, verify, verify_chain


def _rows(world, n=6):
    """n audit rows, sealed into the chain (as the sealer does after their commit) and read back sealed."""
    events = [record(world.county_xd, "test.action", object_type="thing", object_id=str(i), reason="测试")
              for i in range(n)]
    chain.seal_all()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))


def _recompute(renumber=True):
    """What an intruder who knows the algorithm (not the key) does after deleting rows: re-link every row."""
    prev, seq = chain.GENESIS, 0
    for event in AuditEvent.objects.order_by("id"):
        seq = seq + 1 if renumber else event.seq
        event.seq, event.prev_hash = seq, prev
        event.hash = chain.digest(event)
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq, prev_hash=prev, hash=event.hash)
        prev = event.hash
    AuditChainHead.objects.filter(id=1).update(last_hash=prev, last_seq=seq)


def test_chain_verifies_and_detects_an_edited_row(world):
    _rows(world)
    intact, checked, broken = verify_chain()
    assert intact and checked >= 6 and broken is None
    victim = AuditEvent.objects.filter(action="test.action").order_by("id")[2]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(reason="改过")
    verdict = chain.verify()
    assert not verdict.intact and verdict.broken_at == victim.pk and verdict.code == "edited"
    assert "被改动或删除" in verdict.message


@pytest.mark.parametrize("column, value", [
    ("actor_id", None), ("org_code", "140106"), ("source_ip", "10.9.9.9"), ("object_type", "x"),
    ("outcome", "denied"), ("details", {"k": 1}), ("seq", 999),
])
def test_every_column_is_covered_by_the_hash(world, column, value):
    victim = _rows(world, 3)[1]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(**{column: value})
    verdict = chain.verify()
    assert not verdict.intact and verdict.broken_at == victim.pk


def test_the_timestamp_is_covered_by_the_hash(world):
    victim = _rows(world, 3)[1]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(at=victim.at.replace(year=2020))
    assert chain.verify().broken_at == victim.pk


def test_database_refuses_to_edit_or_delete_audit_rows_and_checkpoints(world):
    events = _rows(world, 3)
    with transaction.atomic():
        point = chain.checkpoint()
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=events[0].pk).update(reason="改过"),
        lambda: AuditEvent.objects.filter(pk=events[-1].pk).delete(),
        lambda: AuditCheckpoint.objects.filter(pk=point.pk).update(hash="0" * 64),
        lambda: AuditCheckpoint.objects.filter(pk=point.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.filter(pk=events[-1].pk).exists()
    assert chain.verify().intact


def test_deleting_a_row_in_the_middle_shows(world):
    events = _rows(world)
    with guard.lifted():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    verdict = chain.verify()
    assert not verdict.intact and verdict.broken_at == events[3].pk


def test_deleting_the_newest_rows_shows_against_the_last_checkpoint(world):
    events = _rows(world)
    assert verify(world.auditor).intact  # the check signs the head, its own row included
    with guard.lifted():
        AuditEvent.objects.filter(pk__gte=events[-2].pk).delete()
        # The intruder also winds the head row back; only the signed checkpoint still knows.
        last = AuditEvent.objects.order_by("-id").first()
        AuditChainHead.objects.filter(id=1).update(last_hash=last.hash, last_seq=last.seq, last_event_id=last.pk)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "truncated"
    assert "最新的记录被删除" in verdict.message


def test_a_chain_recomputed_after_a_deletion_shows(world):
    events = _rows(world)
    assert verify(world.auditor).intact
    with guard.lifted():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        _recompute(renumber=True)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code in ("rewritten", "truncated")


def test_a_recomputed_chain_that_keeps_positions_shows_the_gap(world):
    events = _rows(world)
    with guard.lifted():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        _recompute(renumber=False)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "gap" and verdict.broken_at == events[3].pk


def test_a_checkpoint_without_the_key_is_refused(world):
    _rows(world)
    last = AuditEvent.objects.order_by("-id").first()
    AuditCheckpoint.objects.create(at=last.at.replace(microsecond=0), seq=last.seq, event_id=last.pk,
                                   hash=last.hash, signature="0" * 64)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "bad_checkpoint"


def test_a_checkpoint_is_signed_every_n_rows(world, settings):
    settings.XUEJI_AUDIT_CHECKPOINT_EVERY = 4
    start = AuditCheckpoint.objects.count()
    _rows(world, 9)
    assert AuditCheckpoint.objects.count() - start == 2
    head = AuditChainHead.objects.get(id=1)
    newest = AuditCheckpoint.objects.order_by("-seq").first()
    assert head.checkpoint_seq == newest.seq == head.last_seq - 1
    assert chain.verify().intact


def test_another_key_does_not_match_the_checkpoints(world, settings):
    _rows(world)
    with transaction.atomic():
        chain.checkpoint()
    settings.XUEJI_AUDIT_KEY = "another-key"
    assert chain.verify().code == "bad_checkpoint"


def test_verify_command_exits_non_zero_in_chinese_on_tampering(world, capsys):
    events = _rows(world)
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="audit.verify", outcome="ok").exists()
    with guard.lifted():
        AuditEvent.objects.filter(pk__gte=events[-1].pk).delete()
        AuditChainHead.objects.filter(id=1).update(last_seq=events[-2].seq)
    with pytest.raises(CommandError, match="审计链不完整") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


def test_checkpoint_command(world, capsys):
    _rows(world, 2)
    call_command("audit", "checkpoint")
    assert "已签署检查点" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert "无需签署" in capsys.readouterr().out


def test_event_carries_actor_org_and_source(world):
    event = record(world.registrar_a, "test.action", object_type="x", object_id="1", source_ip="10.0.0.8")
    assert event.actor_username == "reg_a" and event.org_code == world.school_a.pk
    assert event.source_ip == "10.0.0.8" and event.actor_id == world.registrar_a.pk


def _legacy_rows(n=4):
    import importlib

    from django.utils import timezone

    migration = importlib.import_module("xueji.audit.migrations.0002_chain_covers_every_column_and_checkpoints")
    prev, rows = chain.GENESIS, []
    for i in range(n):
        event = AuditEvent(at=timezone.now(), actor_username="old", action="test.legacy", object_id=str(i),
                           details={"n": i}, prev_hash=prev)
        event.hash = migration._old_digest(prev, event)
        event.save()
        prev = event.hash
        rows.append(event)
    return migration, rows


def test_the_upgrade_relinks_an_intact_old_chain(db):
    from django.apps import apps

    migration, rows = _legacy_rows()
    with guard.lifted():
        migration.relink(apps, None)
    assert chain.verify().intact and chain.verify().checked == 4
    assert AuditChainHead.objects.get(id=1).last_seq == 4


def test_the_upgrade_relinks_old_rows_under_the_new_hash_as_far_as_they_held(db):
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("xueji.audit.migrations.0002_chain_covers_every_column_and_checkpoints")
    prev, rows = chain.GENESIS, []
    for i in range(4):
        event = AuditEvent(at=timezone.now(), actor_username="old", action="test.legacy", object_id=str(i),
                           details={"n": i}, prev_hash=prev)
        event.hash = migration._old_digest(prev, event)
        event.save()
        prev = event.hash
        rows.append(event)
    with guard.lifted():
        AuditEvent.objects.filter(pk=rows[2].pk).update(reason="事后改过")  # tampered before the upgrade
        migration.relink(apps, None)
    verdict = chain.verify()
    assert not verdict.intact and verdict.broken_at == rows[2].pk  # the old tampering still shows
    assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4]

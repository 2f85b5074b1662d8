"""The chain's head is anchored outside the database: every signed checkpoint is also appended to a file, so that
deleting the newest rows together with their checkpoints (the triggers lifted) still shows."""

import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from xueji.audit import anchor, chain, guard
from xueji.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from xueji.audit.services import record, verify


def _rows(world, n=6):
    """n audit rows, sealed into the chain (as the sealer does after their commit) and read back sealed."""
    events = [record(world.county_xd, "test.action", object_type="thing", object_id=str(i), reason="测试")
              for i in range(n)]
    chain.seal_all()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))


def _signed(world, django_capture_on_commit_callbacks, n=6):
    """n rows, then a verification that signs the head; the checkpoint reaches the file once it commits."""
    events = _rows(world, n)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify(world.auditor).intact
    return events


def _wipe_newest(events, keep):
    """The intruder who owns the tables: triggers off, newest rows and their checkpoints gone, head wound back."""
    with guard.lifted():
        doomed = AuditEvent.objects.filter(pk__gt=events[keep].pk)
        AuditCheckpoint.objects.filter(seq__gt=events[keep].seq).delete()
        doomed.delete()
        last = AuditEvent.objects.order_by("-id").first()
        AuditChainHead.objects.filter(id=1).update(last_hash=last.hash, last_seq=last.seq, last_event_id=last.pk,
                                                   checkpoint_seq=0)


def test_a_checkpoint_is_appended_to_the_file_after_commit(world, anchor_file, django_capture_on_commit_callbacks):
    _rows(world, 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        point = chain.checkpoint()
    assert not anchor_file.exists()  # nothing is written before the checkpoint's transaction commits
    for callback in callbacks:
        callback()
    line = json.loads(anchor_file.read_text().splitlines()[-1])
    assert line["seq"] == point.seq and line["hash"] == point.hash and line["signature"] == point.signature
    assert chain.verify().intact and chain.verify().warnings == []


def test_untouched_chain_passes_against_the_file(world, django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    _rows(world, 2)
    verdict = chain.verify()
    assert verdict.intact and verdict.warnings == []


def test_deleting_newest_rows_and_their_checkpoints_shows_thanks_to_the_file(
        world, django_capture_on_commit_callbacks):
    events = _signed(world, django_capture_on_commit_callbacks)
    _wipe_newest(events, keep=2)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "truncated"
    assert "外部锚定文件" in verdict.message and "最新的记录被删除" in verdict.message


def test_a_chain_recomputed_and_its_checkpoints_deleted_shows(world, django_capture_on_commit_callbacks):
    events = _signed(world, django_capture_on_commit_callbacks)
    with guard.lifted():
        AuditCheckpoint.objects.all().delete()
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        # Re-link every row, then pad the chain back to its old length so that its end is no shorter.
        prev, seq = chain.GENESIS, 0
        for event in AuditEvent.objects.order_by("id"):
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = chain.digest(event)
            AuditEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev, hash=event.hash)
            prev = event.hash
        AuditChainHead.objects.filter(id=1).update(last_hash=prev, last_seq=seq, checkpoint_seq=0)
    _rows(world, 3)
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "rewritten"
    assert "外部锚定文件" in verdict.message


def test_a_forged_line_in_the_file_shows(world, anchor_file, django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    last = AuditEvent.objects.order_by("-id").first()
    forged = {"seq": last.seq + 5, "event_id": last.pk + 5, "hash": "f" * 64, "at": last.at.isoformat(),
              "signature": "0" * 64}
    with anchor_file.open("a") as out:
        out.write(json.dumps(forged) + "\n")
    verdict = chain.verify()
    assert not verdict.intact and verdict.code == "bad_checkpoint"
    assert "外部锚定文件第 2 行" in verdict.message


def test_a_garbled_line_in_the_file_shows(world, anchor_file, django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    with anchor_file.open("a") as out:
        out.write("not json\n")
    assert chain.verify().code == "bad_checkpoint"


def test_a_missing_file_is_a_warning_not_a_failure(world, anchor_file, django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    anchor_file.unlink()
    verdict = chain.verify()
    assert verdict.intact and verdict.code == ""
    assert any("外部锚定文件" in w and "不存在" in w for w in verdict.warnings)


def test_no_warning_before_any_checkpoint(world):
    _rows(world, 2)
    assert chain.verify().warnings == []


def test_a_failed_write_does_not_break_the_action_but_is_logged_and_warned(
        world, settings, tmp_path, caplog, django_capture_on_commit_callbacks):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    settings.XUEJI_AUDIT_ANCHOR_FILE = str(blocker / "checkpoints.log")
    _rows(world, 2)
    with caplog.at_level(logging.WARNING, logger="xueji.audit.anchor"), \
            django_capture_on_commit_callbacks(execute=True):
        assert verify(world.auditor).intact  # the user's verification goes through
    assert AuditCheckpoint.objects.exists()
    assert any("外部锚定文件" in r.getMessage() for r in caplog.records)
    assert any("外部锚定文件" in w for w in chain.verify().warnings)


def test_a_file_lagging_behind_the_table_is_a_warning(world, anchor_file, django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    _rows(world, 2)
    with transaction.atomic():
        chain.checkpoint()  # committed in the table; its line never reached the file (on_commit not run)
    verdict = chain.verify()
    assert verdict.intact and any("只记到" in w for w in verdict.warnings)


def test_verify_command_exits_1_on_truncation_known_only_from_the_file(
        world, capsys, django_capture_on_commit_callbacks):
    events = _rows(world)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out
    assert anchor.read()[0]
    _wipe_newest(events, keep=2)
    with pytest.raises(CommandError, match="最新的记录被删除") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


def test_verify_command_prints_the_missing_anchor_warning(world, anchor_file, capsys,
                                                          django_capture_on_commit_callbacks):
    _signed(world, django_capture_on_commit_callbacks)
    anchor_file.unlink()
    call_command("audit", "verify")
    captured = capsys.readouterr()
    assert "审计链完整" in captured.out and "外部锚定文件" in captured.err

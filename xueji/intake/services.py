"""Bulk admission: upload a spreadsheet, check it, commit its good rows; and the authority's decision on a
suspected duplicate. Each write takes the acting user and audits in its own transaction.

A batch is checked first (nothing written, every problem listed) and committed on the registrar's word, or both
at once through the API. A commit reads the file again and checks again, because the registry may have changed
in between (another school may have registered the same child meanwhile). Large files run in a background thread
and report their progress; small ones run within the request.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import File
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from xueji.applications.engine import change_type, decided_many
from xueji.applications.models import Application, Step
from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation, ServiceError
from xueji.orgs.models import School
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.reorganisation import closed_school_problems
from xueji.policy.violations import Violation
from xueji.students.models import Enrolment, StatusEvent, Student
from xueji.workdays.services import add_working_days

from . import limits as bounds
from .importer import ImportPass, Outcome, error_item
from .models import DuplicateCase, ImportBatch
from .permissions import DuplicateCasePolicy, ImportBatchPolicy
from .sheets import SheetError, detect_format, open_sheet
from .writer import Table, make_writer

log = logging.getLogger(__name__)
Status = ImportBatch.Status

# Files above this size are checked and committed in a background thread with a progress bar.
BACKGROUND_BYTES = getattr(settings, "XUEJI_IMPORT_BACKGROUND_BYTES", 300_000)
MAX_BYTES = getattr(settings, "XUEJI_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
# A decision on a suspected duplicate carries its grounds: at least this many characters (第十四条).
MIN_COMMENT = 2
# A running batch's process writes a heartbeat every HEARTBEAT_SECONDS; one silent for LEASE_SECONDS, or whose
# process on this host is gone, died (a restart, kill -9, an out-of-memory kill) and may be retried or discarded.
HEARTBEAT_SECONDS = 10
LEASE_SECONDS = getattr(settings, "XUEJI_IMPORT_LEASE_SECONDS", 60)
RUNNING = (Status.VALIDATING, Status.COMMITTING)


# ---------------------------------------------------------------------------------------------- upload


def _may_import(actor, school: School) -> None:
    if not ImportBatchPolicy.can_import_at(actor, school):
        if SchoolPolicy.user_can(actor, "view", school):
            raise Forbidden("只有本校学籍管理员可以批量导入学生")
        raise NotFound("未找到该学校,或您无权为该学校导入学生")


def _digest(upload) -> tuple[str, int, bytes]:
    sha, size, head = hashlib.sha256(), 0, b""
    for chunk in upload.chunks():
        if not head:
            head = chunk[:8]
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size, head


def committed_twin(school: School, sha256: str, exclude: int | None = None) -> ImportBatch | None:
    qs = ImportBatch.objects.filter(school=school, sha256=sha256, status=Status.COMMITTED)
    return qs.exclude(pk=exclude).first() if exclude else qs.first()


def _already_imported(twin: ImportBatch) -> Conflict:
    when = timezone.localtime(twin.committed_at).strftime("%Y-%m-%d %H:%M") if twin.committed_at else ""
    return Conflict(Violation(
        "already_imported", field="file",
        message=f"该文件已于{when}导入(导入批次#{twin.pk},{twin.rows_ok}行),本次未重复写入任何数据"))


def _refuse_closed(school: School) -> None:
    # 第八条: a merged or closed school takes no one in, by import neither.
    closed = closed_school_problems(school.name, school.closed_on, school.closure, act="导入新生")
    if closed:
        raise RuleViolation(closed)


def upload(actor, school: School, upload_file, *, original_name: str | None = None) -> ImportBatch:
    """Store the file and open a batch for it. The same file already committed for the school is refused."""
    _may_import(actor, school)
    _refuse_closed(school)
    name = (original_name or getattr(upload_file, "name", "") or "students.xlsx")[-200:]
    sha256, size, head = _digest(upload_file)
    if size == 0:
        raise RuleViolation(Violation("file_empty", "上传的文件是空的,请重新选择文件", field="file"))
    if size > MAX_BYTES:
        raise RuleViolation(Violation("file_too_large", f"文件超过{MAX_BYTES // (1024 * 1024)}MB,请分成几个文件上传",
                                      field="file"))
    try:
        file_format = detect_format(name, head)
    except SheetError as exc:
        raise RuleViolation([dataclasses.replace(v, field="file") for v in exc.violations]) from exc
    twin = committed_twin(school, sha256)
    if twin is not None:
        raise _already_imported(twin)
    with transaction.atomic():
        batch = ImportBatch(school=school, uploaded_by=actor, original_name=name, sha256=sha256,
                            file_format=file_format, status=Status.VALIDATING, phase="排队")
        batch.file.save(f"{school.pk}-{sha256[:16]}.{file_format}", File(upload_file), save=False)
        batch.save()
        audit.record(actor, "intake.upload", obj=batch,
                     details={"school": school.pk, "file": name, "sha256": sha256, "bytes": size})
    _refuse_early(batch)
    return batch


def _refuse_early(batch: ImportBatch) -> None:
    """What the file shows without being read (a zip's directory, an .xls's cell records) refuses it at once:
    the batch is kept, failed, with the reason, and the uploader gets 422."""
    limits = bounds.current()
    try:
        if batch.file_format == "xlsx":
            bounds.check_directory(batch.file.path, limits)
        elif batch.file_format == "xls":
            bounds.check_xls(batch.file.path, limits)
    except bounds.LimitError as exc:
        _mark_unreadable(batch.pk, exc)
        raise RuleViolation(exc.violations, summary="文件超出导入上限,未导入") from exc


def raise_if_refused(batch: ImportBatch) -> None:
    """The API's answer to a file refused for a limit while it was read: 422 with the reason."""
    if batch.status == Status.FAILED and any(e.get("code") in bounds.CODES for e in batch.errors):
        refusals = [Violation(e["code"], f"{e['message']}(导入批次#{batch.pk}已标记为失败)", e.get("article"), "file")
                    for e in batch.errors if e.get("code") in bounds.CODES]
        raise RuleViolation(refusals, summary="文件超出导入上限,未导入")


# ---------------------------------------------------------------------------------------------- progress


def _progress_file(batch_id: int) -> Path:
    return Path(settings.DATA_DIR) / "intake-progress" / f"{batch_id}.json"


_beats: dict[int, dict] = {}  # batch id -> what this process last reported of it
_beats_lock = threading.Lock()
# .background: the job runs in a background thread (its time limit is longer); .check_time: the running job's.
_where = threading.local()


def _report(batch_id: int, done: int, phase: str, total: int | None = None) -> None:
    # A file, not the database: during a commit the batch row sits inside the open transaction, and any web
    # worker process must be able to read how far it got. It is also the run's heartbeat (and says which
    # process runs it), so a run whose process died is recognised (is_dead).
    with _beats_lock:
        state = _beats.setdefault(batch_id, {"pid": os.getpid(), "host": socket.gethostname()})
        state.update(done=done, phase=phase, total=total, at=time.time())
        _write_beat(batch_id, state)
    check_time = getattr(_where, "check_time", None)
    if check_time is not None:
        check_time()


def _write_beat(batch_id: int, state: dict) -> None:
    path = _progress_file(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(path)


def _heartbeat(batch_id: int, stop: threading.Event, until: float) -> None:
    # Beats while the run lives, and stops once its time limit is well past: a run stuck beyond it (waiting on a
    # lock, say) then counts as dead and may be retried.
    while not stop.wait(HEARTBEAT_SECONDS) and time.time() < until:
        with _beats_lock:
            state = _beats.get(batch_id)
            if state is None:
                return
            state["at"] = time.time()
            _write_beat(batch_id, state)


@contextmanager
def _run(batch_id: int):
    """One run of a batch's check or commit in this process: its heartbeat, and its time limit, checked by the
    function it yields, which _report calls at every step (a run within a web request must end before the
    server's worker timeout; one in the background within its own limit)."""
    limits = bounds.current()
    background = getattr(_where, "background", False)
    seconds = limits.background_seconds if background else limits.request_seconds
    started = time.time()
    with _beats_lock:
        _beats[batch_id] = {"pid": os.getpid(), "host": socket.gethostname(), "done": 0, "phase": "读取文件",
                            "total": None, "at": started, "started": started}
        _write_beat(batch_id, _beats[batch_id])
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(batch_id, stop, started + seconds + LEASE_SECONDS),
                            name=f"import-beat-{batch_id}", daemon=True)
    beat.start()

    def check_time() -> None:
        if time.time() - started > seconds:
            raise bounds.too_slow(seconds, in_request=not background)

    try:
        yield check_time
    finally:
        stop.set()
        with _beats_lock:
            _beats.pop(batch_id, None)


def _beat_of(batch: ImportBatch) -> dict:
    try:
        return json.loads(_progress_file(batch.pk).read_text())
    except (OSError, ValueError):
        return {}


def _process_gone(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, TypeError, OverflowError):
        return False
    return False


def is_dead(batch: ImportBatch, beat: dict | None = None) -> bool:
    """Whether a running batch's process died: its process on this host is gone, or its heartbeat (else its
    last change) is older than the lease. Such a batch is never finished by anyone: retry or discard it."""
    if not batch.is_running:
        return False
    beat = _beat_of(batch) if beat is None else beat
    if beat.get("host") == socket.gethostname() and beat.get("pid") and _process_gone(beat["pid"]):
        return True
    last = beat.get("at") or batch.updated_at.timestamp()
    return time.time() - last > LEASE_SECONDS


def progress(batch: ImportBatch) -> dict:
    """How far a batch is: {done, total, percent, phase, stale}; stale: its process died (is_dead)."""
    info = {"done": batch.rows_done, "total": batch.rows_total, "phase": batch.phase, "stale": False}
    if batch.is_running:
        found = _beat_of(batch)
        info.update(done=found.get("done", 0), phase=found.get("phase", batch.phase))
        info["total"] = found.get("total") or batch.rows_total
        info["stale"] = is_dead(batch, found)
    total = info["total"] or 0
    info["percent"] = 100 if not batch.is_running else (min(99, round(100 * info["done"] / total)) if total else 0)
    return info


# ---------------------------------------------------------------------------------------------- running


def _in_background(batch: ImportBatch) -> bool:
    return batch.file.size > BACKGROUND_BYTES and getattr(settings, "XUEJI_IMPORT_THREADS", True)


def start(batch: ImportBatch, job, *args) -> None:
    """Run `job(batch_id, *args)` now for a small file, or in a thread once the current transaction commits."""
    if not _in_background(batch):
        job(batch.pk, *args)
        return

    def main():
        _where.background = True
        try:
            job(batch.pk, *args)
        except Exception:  # noqa: BLE001 - a thread has no caller to tell; the batch row says it failed
            log.exception("import batch %s failed", batch.pk)
            _mark_failed(batch.pk)
        finally:
            close_old_connections()
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=main, name=f"import-{batch.pk}", daemon=True).start())


def _sheet_or_fail(batch: ImportBatch):
    try:
        return open_sheet(batch.file.path, batch.file_format)
    except SheetError as exc:
        _mark_unreadable(batch.pk, exc)
        return None


def _mark_unreadable(batch_id: int, exc: SheetError) -> None:
    # Also for a large file found unreadable part-way through (sheets.py reads those in parts), or beyond a limit.
    # Only a running batch: one discarded (or finished by a retry) meanwhile keeps what it says.
    errors = [error_item(1, v) for v in exc.violations]
    ImportBatch.objects.filter(pk=batch_id, status__in=RUNNING).update(
        status=Status.FAILED, phase="", errors=errors, error_count=len(errors),
        message="文件无法导入:" + ";".join(v.message for v in exc.violations)[:480], updated_at=timezone.now())


def _counts(outcome: Outcome) -> dict:
    return {
        "rows_total": outcome.rows_total, "rows_done": outcome.rows_total, "rows_ok": outcome.rows_ok,
        "rows_new": outcome.rows_new, "rows_continued": outcome.rows_continued,
        "suspected": len(outcome.suspected_rows), "error_count": outcome.error_count, "errors": outcome.errors,
    }


def _supervised(job):
    """Runs a batch's check or commit under its heartbeat and time limit (_run)."""

    @functools.wraps(job)
    def run(batch_id: int, *args):
        with _run(batch_id) as check_time:
            _where.check_time = check_time
            try:
                return job(batch_id, *args)
            except bounds.LimitError as exc:  # out of time between two steps the job itself does not guard
                _mark_unreadable(batch_id, exc)
                return ImportBatch.objects.get(pk=batch_id)
            finally:
                _where.check_time = None

    return run


@_supervised
def validate(batch_id: int) -> ImportBatch:
    """Check every row without writing: the report the registrar reads before committing."""
    batch = ImportBatch.objects.select_related("school", "uploaded_by").get(pk=batch_id)
    _report(batch.pk, 0, "读取文件")
    sheet = _sheet_or_fail(batch)
    if sheet is None:
        return ImportBatch.objects.get(pk=batch_id)
    _report(batch.pk, 0, "校验", sheet.size_hint)
    runner = ImportPass(batch.school, batch.uploaded_by, batch_id=batch.pk,
                        progress=lambda done, phase: _report(batch.pk, done, phase, sheet.size_hint))
    try:
        outcome = runner.run(sheet)
    except SheetError as exc:
        _mark_unreadable(batch.pk, exc)
        return ImportBatch.objects.get(pk=batch_id)
    except Exception:
        _mark_failed(batch.pk)
        raise
    bad = len(outcome.bad_rows)
    message = (f"共{outcome.rows_total}行,{outcome.rows_ok}行无误,{bad}行有错误"
               + (f",{len(outcome.suspected_rows)}行疑似重复(导入后报主管部门认定)" if outcome.suspected_rows else ""))
    ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING).update(
        status=Status.VALIDATED, phase="", message=message, updated_at=timezone.now(), **_counts(outcome))
    return ImportBatch.objects.get(pk=batch_id)


class _NothingWritten(Exception):
    """Raised inside the commit's transaction to roll it back; carries what the pass found."""

    def __init__(self, outcome: Outcome, message: str):
        super().__init__(message)
        self.outcome, self.message = outcome, message


def request_commit(actor, batch: ImportBatch, *, mode: str, submit_registration: bool = False) -> ImportBatch:
    """Mark a checked batch for committing (the work itself runs through start(run_commit))."""
    if mode not in ImportBatch.Mode.values:
        raise RuleViolation(Violation("bad_mode", f"导入方式须为{'或'.join(ImportBatch.Mode.values)}", field="commit"))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
        if not ImportBatchPolicy.user_can(actor, "view", batch):
            raise NotFound("未找到该导入批次,或不在您的管辖范围内")
        if not ImportBatchPolicy.user_can(actor, "commit", batch):
            raise Forbidden("只有本校学籍管理员可以确认导入")
        if batch.status == Status.COMMITTED:
            raise _already_imported(batch)
        if batch.status in (Status.VALIDATING, Status.COMMITTING):
            if is_dead(batch):
                raise Conflict(Violation("batch_dead", "该批次的处理已中断,请先“重新处理”或“放弃该批次”"))
            raise Conflict(Violation("batch_running", "该批次正在处理中,请等待完成后再操作"))
        if batch.status == Status.FAILED:
            raise Conflict(Violation("batch_failed", "该文件无法导入,请按错误提示修改后重新上传"))
        _refuse_closed(batch.school)
        twin = committed_twin(batch.school, batch.sha256, exclude=batch.pk)
        if twin is not None:
            raise _already_imported(twin)
        batch.status, batch.phase = Status.COMMITTING, "排队"
        batch.commit_mode, batch.submit_registration = mode, submit_registration
        batch.committed_by = actor
        batch.save(update_fields=["status", "phase", "commit_mode", "submit_registration", "committed_by",
                                  "updated_at"])
    return batch


@_supervised
def run_commit(batch_id: int) -> ImportBatch:
    """Read, check and write the batch in one transaction: all its good rows, or none (never half a batch)."""
    batch = ImportBatch.objects.select_related("school", "committed_by").get(pk=batch_id)
    actor = batch.committed_by
    _report(batch.pk, 0, "读取文件")
    sheet = _sheet_or_fail(batch)
    if sheet is None:
        return ImportBatch.objects.get(pk=batch_id)
    _report(batch.pk, 0, "校验并写入", sheet.size_hint)
    try:
        with transaction.atomic():
            _commit_in_transaction(batch, actor, sheet)
    except _NothingWritten as stop:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(status=Status.VALIDATED, phase="", message=stop.message,
                                                       committed_by=None, updated_at=timezone.now(),
                                                       **_counts(stop.outcome))
    except ServiceError as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(status=Status.VALIDATED, phase="", message=exc.message[:500],
                                                       committed_by=None, updated_at=timezone.now())
    except SheetError as exc:  # the transaction is rolled back: nothing of the file is written
        _mark_unreadable(batch.pk, exc)
    except Exception:
        _mark_failed(batch.pk)
        raise
    return ImportBatch.objects.get(pk=batch_id)


def _mark_failed(batch_id: int) -> None:
    ImportBatch.objects.filter(pk=batch_id, status__in=RUNNING).update(status=Status.FAILED, phase="", updated_at=timezone.now(),
                                                   message="处理时发生系统错误,未写入任何数据;请重新上传或联系管理员")


def _commit_in_transaction(batch: ImportBatch, actor, sheet) -> None:
    school = batch.school
    # One import per school at a time: the same file committed twice at once would otherwise both pass.
    School.objects.select_for_update().filter(pk=school.pk).first()
    if not ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).exists():
        # A retry of a run thought dead, which finished after all (or the batch was discarded): write nothing.
        raise Conflict(Violation("batch_not_running", "该批次已不在写入中(已完成或已放弃),本次未写入任何数据"))
    twin = committed_twin(school, batch.sha256, exclude=batch.pk)
    if twin is not None:
        raise _already_imported(twin)
    all_or_nothing = batch.commit_mode == ImportBatch.Mode.ALL_OR_NOTHING
    runner = ImportPass(school, actor, batch_id=batch.pk, write=True, all_or_nothing=all_or_nothing,
                        progress=lambda done, phase: _report(batch.pk, done, phase, sheet.size_hint))
    outcome = runner.run(sheet)
    if not outcome.written:
        raise _NothingWritten(outcome, f"有{len(outcome.bad_rows)}行存在错误,按“全部无误才导入”未写入任何数据;"
                                       "请修改后重新上传,或选择“只导入无误的行”")
    if outcome.rows_ok == 0:
        raise _NothingWritten(outcome, "没有无误的行,未写入任何数据;请按错误明细修改后重新上传")
    _report(batch.pk, outcome.rows_total, "登记疑似重复")
    cases = _open_cases(batch, runner, outcome)
    submitted, held = 0, 0
    if batch.submit_registration:
        _report(batch.pk, outcome.rows_total, "提交注册申请")
        # A record in an open case waits for the authority's word before it may be registered (第十四条).
        suspected = {sid for pair in _case_pairs(outcome) for sid in pair}
        grades = {sid: grade for sid, grade in runner.new_grades.items() if sid not in suspected}
        held = len(runner.new_grades) - len(grades)
        submitted = submit_registrations(actor, batch, grades)
    skipped = outcome.bad_rows
    message = (f"已导入{outcome.rows_ok}行:新建学籍{outcome.rows_new}人,升学接续{outcome.rows_continued}人"
               + (f";{len(skipped)}行有错误未导入" if skipped else "")
               + (f";{cases}对疑似重复已报主管部门认定" if cases else "")
               + (f";已提交注册申请{submitted}份" if submitted else "")
               + (f";{held}人疑似重复,待主管部门认定后再提交注册" if held else ""))
    done = ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(
        status=Status.COMMITTED, phase="", committed_at=timezone.now(), committed_by=actor, skipped_rows=skipped,
        applications_submitted=submitted, message=message, updated_at=timezone.now(), **_counts(outcome))
    if not done:  # discarded while it ran: roll everything back
        raise Conflict(Violation("batch_not_running", "该批次已被放弃,本次未写入任何数据"))
    audit.record(actor, "intake.commit", obj=batch, details={
        "school": school.pk, "mode": batch.commit_mode, "rows": outcome.rows_total, "new": outcome.rows_new,
        "continued": outcome.rows_continued, "skipped": len(skipped), "duplicate_cases": cases,
        "registrations": submitted})


def import_file(actor, school: School, upload_file, *, commit: str | None = None,
                submit_registration: bool = False) -> ImportBatch:
    """The API's one call: upload and check, or upload and commit in a single pass over the file."""
    batch = upload(actor, school, upload_file)
    if not commit:
        return validate(batch.pk)
    batch = request_commit_fresh(actor, batch, mode=commit, submit_registration=submit_registration)
    return run_commit(batch.pk)


def request_commit_fresh(actor, batch: ImportBatch, *, mode: str, submit_registration: bool) -> ImportBatch:
    # A just-uploaded batch goes straight to committing: its check is the commit pass itself.
    ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING).update(status=Status.VALIDATED)
    return request_commit(actor, batch, mode=mode, submit_registration=submit_registration)


def raise_not_committed(batch: ImportBatch) -> None:
    """The API's answer to a commit that wrote nothing: 422 with the batch's message and its first errors."""
    listed = [Violation(e["code"], f"第{e['row']}行「{e['column']}」:{e['message']}", e.get("article"), e.get("field"))
              for e in batch.errors[:200]]
    raise RuleViolation([Violation("not_committed", batch.message or "未写入任何数据"), *listed],
                        summary=batch.message or "未写入任何数据")


# ---------------------------------------------------------------------------------------------- dead batches


def _batch_to_change(actor, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("school").filter(pk=batch_id).first()
    if batch is None or not ImportBatchPolicy.user_can(actor, "view", batch):
        raise NotFound("未找到该导入批次,或不在您的管辖范围内")
    if not ImportBatchPolicy.user_can(actor, "commit", batch):
        raise Forbidden("只有本校学籍管理员可以重新处理或放弃导入批次")
    return batch


def retry(actor, batch_id: int):
    """Run a batch whose process died again, from the start: its check, or its commit (the database rolled the
    dead commit back with its connection, so nothing of it was written). Gives the batch and the job to run
    (validate or run_commit), for start()."""
    with transaction.atomic():
        batch = _batch_to_change(actor, batch_id)
        if not is_dead(batch):
            raise Conflict(Violation("batch_not_dead", "该批次没有中断(仍在处理中或已结束),无需重新处理"))
        # The dead run's heartbeat goes; the batch counts as alive again until the new run's first beat.
        _progress_file(batch.pk).unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(phase="排队", updated_at=timezone.now())
        audit.record(actor, "intake.retry", obj=batch, details={"status": batch.status})
    job = validate if batch.status == Status.VALIDATING else run_commit
    return ImportBatch.objects.get(pk=batch.pk), job


def discard(actor, batch_id: int) -> ImportBatch:
    """Give a batch up: one whose process died, or one checked but not to be committed. It stays, failed, with
    who gave it up (nothing is deleted; nothing of it was written)."""
    with transaction.atomic():
        batch = _batch_to_change(actor, batch_id)
        if batch.status == Status.COMMITTED:
            raise Conflict(Violation("batch_committed", "该批次已导入,不能放弃;如需更正请办理学籍信息变更"))
        if batch.status == Status.FAILED:
            raise Conflict(Violation("batch_failed", "该批次已是失败状态,无需放弃"))
        if batch.is_running and not is_dead(batch):
            raise Conflict(Violation("batch_running", f"该批次正在处理中,不能放弃;如处理进程已中断,"
                                                      f"系统将在{LEASE_SECONDS}秒内判定,届时可以放弃或重新处理"))
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.FAILED, phase="", updated_at=timezone.now(),
            message=f"已由{actor}于{when}放弃,未写入任何数据" + ("(处理进程已中断)" if batch.is_running else ""))
        audit.record(actor, "intake.discard", obj=batch, details={"status": batch.status})
    return ImportBatch.objects.get(pk=batch.pk)


# ---------------------------------------------------------------------------------------------- cases


def _case_pairs(outcome: Outcome) -> dict[tuple[int, int], list[str]]:
    """(new record, earlier record) -> reasons, for every suspected pair the pass found."""
    pairs: dict[tuple[int, int], list[str]] = {}
    for student_id, existing_id, reason in outcome.cases:
        if student_id == existing_id:
            continue
        reasons = pairs.setdefault((student_id, existing_id), [])
        if reason not in reasons:
            reasons.append(reason)
    return pairs


def _open_cases(batch: ImportBatch, runner: ImportPass, outcome: Outcome) -> int:
    pairs = _case_pairs(outcome)
    school = batch.school
    authorities = {grade: school.authority_for(grade).pk for grade in set(runner.new_grades.values())}
    DuplicateCase.objects.bulk_create([
        DuplicateCase(batch=batch, student_id=s, existing_id=e, reasons=reasons, school=school,
                      authority_id=authorities[runner.new_grades[s]])
        for (s, e), reasons in pairs.items()
    ], batch_size=1000)
    return len(pairs)


def decision_problems(decision: str, comment: str) -> list[Violation]:
    """What a decision must carry (第十四条): one of the two answers, chosen on purpose, and the officer's grounds
    in words (what was compared: the household register, the school's records…), kept with the decision."""
    problems = []
    if decision not in ("keep_both", "merge"):
        problems.append(Violation("bad_decision", "请选择认定结果:不是同一人(保留两条)或是同一人(合并)",
                                  article="第十四条", field="decision"))
    if len((comment or "").strip()) < MIN_COMMENT:
        problems.append(Violation("comment_required", "请填写处理意见,写明核实的依据(如户口簿、原学校档案)",
                                  article="第十四条", field="comment"))
    return problems


def decide_case(actor, case_id: int, decision: str, comment: str = "") -> DuplicateCase:
    """The authority's word on a suspected duplicate (第十四条): keep both records, or merge, which cancels the
    newer record (注销) with a link to the kept one. Nothing is deleted; the decision is audited."""
    if decision not in ("keep_both", "merge"):
        raise RuleViolation(decision_problems(decision, comment)[0])
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        case = _case_for(actor, case_id, lock=True)
        if not DuplicateCasePolicy.user_can(actor, "decide", case):
            raise Forbidden(f"疑似重复学籍由{case.authority.name}学籍主管部门认定")
        if case.status != DuplicateCase.Status.OPEN:
            raise Conflict(Violation("case_decided", f"该疑似重复已处理({case.get_status_display()}),无需再处理"))
        problems = decision_problems(decision, comment)
        if problems:
            raise RuleViolation(problems)
        if decision == "merge":
            _merge(actor, case, comment)
        case.status = DuplicateCase.Status.MERGED if decision == "merge" else DuplicateCase.Status.KEPT_BOTH
        case.decided_by, case.decided_at, case.comment = actor, timezone.now(), comment
        case.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit.record(actor, "duplicate.decide", obj=case, reason=comment,
                     details={"decision": decision, "student": case.student_id, "existing": case.existing_id})
    return case


def _case_for(actor, case_id: int, *, lock: bool = False) -> DuplicateCase:
    qs = DuplicateCase.objects.select_for_update() if lock else DuplicateCase.objects
    case = qs.filter(pk=case_id).first()
    if case is None or not DuplicateCasePolicy.user_can(actor, "view", case):
        raise NotFound("未找到该疑似重复记录,或不在您的管辖范围内",
                       actor=actor, action="duplicate.view", object_type="duplicatecase", object_id=str(case_id))
    return case


def reveal_case_ids(actor, case_id: int, reason: str) -> dict:
    """Both records' full ID numbers, for the officer comparing the characters the detector flagged. The rule of
    every full ID number (第四十四条): a reason is required, and each record's reveal is audited as the record
    page's is. The other record may lie outside the officer's jurisdiction: the case, which he may read, is
    what entitles him to compare the two."""
    case = _case_for(actor, case_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleViolation(Violation("reason_required", "查看完整身份证件号须填写查阅事由(第四十四条)",
                                      article="第四十四条", field="reason"))
    reason = reason[:200]
    with transaction.atomic():
        for student in (case.student, case.existing):
            audit.record(actor, "student.unmask_id", obj=student, reason=reason, details={"case": case.pk})
    first, second = case.student.id_number or "", case.existing.id_number or ""
    return {"student": first, "existing": second, "differing": differing_positions(first, second)}


def differing_positions(first: str, second: str) -> list[int]:
    """The 0-based positions where two ID numbers differ (the digits a transposition swapped)."""
    if not first or not second:
        return []
    longer = max(len(first), len(second))
    return [i for i in range(longer) if first[i:i + 1] != second[i:i + 1]]


def open_case_of(student) -> DuplicateCase | None:
    """An undecided suspected-duplicate case the record is part of, on either side."""
    return (DuplicateCase.objects.filter(status=DuplicateCase.Status.OPEN)
            .filter(Q(student=student) | Q(existing=student)).select_related("authority").order_by("pk").first())


def _merge(actor, case: DuplicateCase, comment: str) -> None:
    student = Student.objects.select_for_update().get(pk=case.student_id)
    existing = Student.objects.get(pk=case.existing_id)
    if student.status != "待注册":
        raise RuleViolation(Violation(
            "merge_needs_pending", field="decision", article="第十四条",
            message=f"新建学籍已是“{student.status}”状态,不能直接合并;请保留两条后通过学籍异动办理"))
    today = timezone.localdate()
    Enrolment.objects.filter(student=student, ended_on__isnull=True).update(ended_on=today, exit_reason="重复学籍合并")
    before, student.status = student.status, "注销"
    student.save(update_fields=["status", "updated_at"])
    StatusEvent.objects.create(
        student=student, kind="重复学籍合并", from_status=before, to_status="注销", school=student.school, actor=actor,
        note=(f"经{case.authority.name}认定与已有学籍(记录#{existing.pk}"
              f"{',学籍号' + existing.student_number if existing.student_number else ''})为同一人,"
              "本条学籍注销(第十四条)")[:500],
        changes={"merged_into": existing.pk, "case": case.pk, "comment": comment})
    # A registration filed for the cancelled record would otherwise wait in approvers' inboxes for nothing.
    pending = Application.objects.filter(student=student, status=Application.Status.PENDING)
    ids = list(pending.values_list("pk", flat=True))
    if ids:
        Step.objects.filter(application_id__in=ids, status__in=[Step.Status.WAITING, Step.Status.PENDING]).update(
            status=Step.Status.CANCELLED)
        pending.update(status=Application.Status.CANCELLED, decided_at=timezone.now())
        audit.record(actor, "application.cancel", object_type="application", object_id=",".join(map(str, ids)),
                     reason="重复学籍合并,申请随之撤销", details={"case": case.pk})
        # They ended as surely as a cancel would end them: whoever waits for a student's applications to end
        # (a promotion held back while they were pending, 第十六条) is told, as services.cancel tells it.
        decided_many(Application.objects.filter(pk__in=ids), actor)


# ---------------------------------------------------------------------------------------------- registrations


def submit_registrations(actor, batch: ImportBatch, grades: dict[int, int]) -> int:
    """File a registration application (第十一条) for every new record of the batch, written set-based: the same
    Application and Step rows applications.services.submit would create, with one audit row for the batch."""
    if not grades:
        return 0
    change = change_type("registration")
    school, now, today = batch.school, timezone.now(), timezone.localdate()
    due = change.due_date(SimpleNamespace(payload={}, student=SimpleNamespace(created_at=now)))
    chains = {grade: change.steps(SimpleNamespace(school=school, student=SimpleNamespace(grade=grade)))
              for grade in set(grades.values())}
    writer = make_writer()
    student_ids = list(grades)
    app_ids = writer.reserve_ids(Application._meta.db_table, len(student_ids))
    label = f"import-{batch.pk}"
    Table(Application, with_id=True).insert(writer, [
        {"id": app_id, "type": "registration", "student_id": sid, "school_id": school.pk,
         "status": Application.Status.PENDING, "payload": {}, "due_date": due, "created_by_id": actor.pk,
         "created_at": now, "batch": label}
        for app_id, sid in zip(app_ids, student_ids, strict=True)])
    steps = []
    for app_id, sid in zip(app_ids, student_ids, strict=True):
        for order, spec in enumerate(chains[grades[sid]], start=1):
            first = order == 1
            steps.append({
                "application_id": app_id, "order": order, "label": spec.label, "org_code": spec.org.pk,
                "org_name": spec.org.name, "role": spec.role, "working_days": spec.working_days,
                "status": Step.Status.PENDING if first else Step.Status.WAITING,
                "started_at": now if first else None,
                "due_date": add_working_days(today, spec.working_days) if first and spec.working_days else None,
            })
    Table(Step).insert(writer, steps)
    audit.record(actor, "application.submit", object_type="importbatch", object_id=str(batch.pk),
                 details={"type": "registration", "count": len(app_ids), "batch": label})
    return len(app_ids)

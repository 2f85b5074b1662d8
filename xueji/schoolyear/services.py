"""Opening a school year: the annual promotion (升级, 第十六条), resumable, idempotent and set-based.

open_year   the province opens school year Y (checks: next year only, its terms set); one Rollover row per year,
            so asking twice returns the same job.
run         runs (or resumes) the job: the classes move with their cohorts in one transaction, then the students
            in chunks of ids, each chunk one transaction that also advances the job's cursor; a job whose process
            died (no heartbeat for LEASE_SECONDS) is taken over by the next run, and the work of a chunk that did
            not commit is simply done again. Finally the digest of the year's promotions is written to the audit
            log with the counts.
verify      recomputes the digest from the Promotion rows and compares it with the audited one.
release_after_decision
            the engine's on_decided callback: a student held back while an application was pending is promoted
            when his last pending application ends, if he is still 在籍 in that grade.
"""

import hashlib
import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.audit.models import AuditEvent
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR
from xueji.policy.promotion import A16, check_rollover_year, grade_label, next_grade, school_year_label
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent, Student
from xueji.visiting.models import VisitingStay
from xueji.workdays.models import Term
from xueji.workdays.services import school_year_of

from . import sql
from .models import ClassMove, Hold, Promotion, Rollover
from .permissions import RolloverPolicy

log = logging.getLogger(__name__)

CHUNK_SIZE = getattr(settings, "XUEJI_ROLLOVER_CHUNK", 50_000)
LEASE_SECONDS = getattr(settings, "XUEJI_ROLLOVER_LEASE_SECONDS", 60)
DIGEST_BATCH = 100_000
ACTIVE = (sql.ENROLLED, sql.SUSPENDED)
OPEN_ACTION = "schoolyear.open"
DONE_ACTION = "schoolyear.rollover"


class LeaseLost(Exception):
    """Another process took the job over (this one was silent too long): stop without writing."""


# ---------------------------------------------------------------------------------------------- the year


def current_school_year() -> int:
    """The year the registry is in: the last one promoted; before any promotion, the year of the latest term
    that has begun, else the calendar's (September to August)."""
    done = Rollover.objects.filter(status=Rollover.Status.DONE).aggregate(y=Max("school_year"))["y"]
    if done is not None:
        return done
    today = timezone.localdate()
    term = Term.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    return term.school_year if term else school_year_of(today)


def _year_problems(year: int) -> list[Violation]:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        return [Violation("year_out_of_range", f"学年须为{FIRST_YEAR}–{LAST_YEAR}之间的起始年份,如2027表示2027–2028学年",
                          None, "year")]
    running = Rollover.objects.filter(status=Rollover.Status.RUNNING).values_list("school_year", flat=True).first()
    return check_rollover_year(year, current=current_school_year(), running=running,
                               terms_set=Term.objects.filter(school_year=year, number=1).exists())


def open_year(actor, year: int, *, chunk_size: int | None = None) -> Rollover:
    """The province opens school year `year`; the same year asked again returns its job (never a second one)."""
    if not RolloverPolicy.user_can(actor, "start"):
        raise Forbidden("只有省级教育行政部门可以开启新学年的升级")
    existing = Rollover.objects.filter(school_year=year).first()
    if existing is not None:
        return existing
    problems = _year_problems(year)
    if problems:
        raise RuleViolation(problems)
    try:
        with transaction.atomic():
            ids = Student.objects.aggregate(lo=Min("id"), hi=Max("id"))
            max_id = ids["hi"] or 0
            total = Student.objects.filter(id__lte=max_id, status__in=ACTIVE).count()
            # The chunks start just below the lowest record: ids below it hold nothing to walk through (on
            # PostgreSQL a sequence never gives its numbers back, so the first id need not be 1).
            job = Rollover.objects.create(school_year=year, started_by=actor, max_id=max_id, total=total,
                                          cursor=max(0, (ids["lo"] or 1) - 1),
                                          chunk_size=max(1, chunk_size or CHUNK_SIZE))
            audit.record(actor, OPEN_ACTION, obj=job, details={"school_year": year, "students": total})
    except IntegrityError:  # a second request for the same year at the same moment
        return Rollover.objects.get(school_year=year)
    return job


def job_for(actor, year: int) -> Rollover:
    """The promotion of `year`, for a user who may follow it."""
    if not RolloverPolicy.user_can(actor, "view"):
        raise Forbidden("只有省级教育行政部门可以查看学年升级")
    job = Rollover.objects.filter(school_year=year).first()
    if job is None:
        raise NotFound(f"{school_year_label(year)}尚未开启升级", actor=actor, action="schoolyear.view",
                       object_type="rollover", object_id=year)
    return job


# ---------------------------------------------------------------------------------------------- the lease


def _worker_id() -> str:
    return f"{os.getpid()}@{socket.gethostname()}#{uuid.uuid4().hex[:8]}"


def _stale_before():
    return timezone.now() - timedelta(seconds=LEASE_SECONDS)


def is_alive(job: Rollover) -> bool:
    """Whether a process is running the job now (its heartbeat is within the lease)."""
    return bool(job.is_running and job.worker and job.heartbeat_at and job.heartbeat_at >= _stale_before())


def _claim(job_id: int, worker: str) -> bool:
    """Take the job if nobody holds it, or its holder has been silent longer than the lease."""
    from django.db.models import Q

    free = Q(worker="") | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=_stale_before()) | Q(worker=worker)
    return bool(Rollover.objects.filter(free, pk=job_id, status=Rollover.Status.RUNNING)
                .update(worker=worker, heartbeat_at=timezone.now()))


def _guard(job: Rollover, worker: str, **state) -> None:
    """Inside a step's transaction: lock the job row and make sure this worker still holds it in the state the
    step started from; a takeover or a step done meanwhile rolls the step back."""
    if not Rollover.objects.filter(pk=job.pk, worker=worker, **state).update(heartbeat_at=timezone.now()):
        raise LeaseLost(job.pk)


# ---------------------------------------------------------------------------------------------- running


def run(job_id: int, *, worker: str | None = None, max_chunks: int | None = None) -> Rollover:
    """Run or resume the job to its end (or for `max_chunks` chunks); returns the job as it then stands."""
    worker = worker or _worker_id()
    if not _claim(job_id, worker):
        return Rollover.objects.get(pk=job_id)
    try:
        job = Rollover.objects.get(pk=job_id)
        if job.phase == Rollover.Phase.CLASSES:
            job = _move_classes(job, worker)
        chunks = 0
        while job.phase == Rollover.Phase.STUDENTS and job.cursor < job.max_id:
            job = run_chunk(job, worker)
            chunks += 1
            if max_chunks is not None and chunks >= max_chunks:
                return job  # what a process killed here leaves behind (the tests' interrupted run)
        if job.phase == Rollover.Phase.STUDENTS:
            job = _advance(job, worker, Rollover.Phase.SEALING)
        if job.phase == Rollover.Phase.SEALING:
            job = _seal(job, worker)
    except LeaseLost:
        log.warning("rollover %s was taken over by another process", job_id)
    return Rollover.objects.get(pk=job_id)


def _advance(job: Rollover, worker: str, phase: str) -> Rollover:
    with transaction.atomic():
        _guard(job, worker, phase=job.phase)
        Rollover.objects.filter(pk=job.pk).update(phase=phase)
    return Rollover.objects.get(pk=job.pk)


def _move_classes(job: Rollover, worker: str) -> Rollover:
    with transaction.atomic():
        _guard(job, worker, phase=Rollover.Phase.CLASSES)
        with connection.cursor() as cursor:
            sql.move_classes(cursor, job.school_year)
        moved = ClassMove.objects.filter(school_year=job.school_year).count()
        Rollover.objects.filter(pk=job.pk).update(phase=Rollover.Phase.STUDENTS, classes_moved=moved)
    return Rollover.objects.get(pk=job.pk)


def _note(year: int) -> str:
    return f"{school_year_label(year)}开始,由电子学籍系统升入下一年级({A16})"


def run_chunk(job: Rollover, worker: str) -> Rollover:
    """One chunk of student ids after the cursor, in one transaction with the cursor's advance."""
    year, lo = job.school_year, job.cursor
    hi = min(lo + job.chunk_size, job.max_id)
    # Stored as the ORM stores it (SQLite keeps text: the same format keeps events in time order).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        _guard(job, worker, phase=Rollover.Phase.STUDENTS, cursor=lo)
        with connection.cursor() as cursor:
            counts = sql.count_chunk(cursor, year, lo, hi)
            held = sql.insert_holds(cursor, year, lo, hi)
            promoted = sql.promote_chunk(cursor, year, lo, hi, now=now, actor_id=job.started_by_id,
                                         note=_note(year))
            sql.move_stays(cursor, year, lo, hi)
        other = counts["active"] - counts["suspended"] - counts["final"] - promoted - held
        Rollover.objects.filter(pk=job.pk).update(
            cursor=hi, done=F("done") + counts["active"], promoted=F("promoted") + promoted,
            kept_suspended=F("kept_suspended") + counts["suspended"], kept_pending=F("kept_pending") + held,
            final_grade=F("final_grade") + counts["final"], not_promoted_other=F("not_promoted_other") + other)
    return Rollover.objects.get(pk=job.pk)


def compute_digest(year: int) -> tuple[str, int]:
    """SHA-256 over "student id,from grade,to grade" lines of the year's rollover promotions in student order,
    read in batches so a province's millions of rows never sit in memory at once."""
    digest, count, after = hashlib.sha256(), 0, 0
    with connection.cursor() as cursor:
        hashed = sql.digest_in_database(cursor, year)
        if hashed is not None:
            return hashed
        while rows := sql.promotion_rows(cursor, year, after, DIGEST_BATCH):
            digest.update("".join(f"{s},{a},{b}\n" for s, a, b in rows).encode())
            count += len(rows)
            after = rows[-1][0]
    return digest.hexdigest(), count


def _seal(job: Rollover, worker: str) -> Rollover:
    release_settled_holds(job.school_year, job.started_by)
    digest, count = compute_digest(job.school_year)
    with transaction.atomic():
        _guard(job, worker, phase=Rollover.Phase.SEALING)
        job = Rollover.objects.get(pk=job.pk)
        job.digest, job.status, job.phase = digest, Rollover.Status.DONE, Rollover.Phase.DONE
        job.finished_at, job.worker = timezone.now(), ""
        job.save(update_fields=["digest", "status", "phase", "finished_at", "worker"])
        audit.record(job.started_by, DONE_ACTION, obj=job, details={**counts(job), "promotions": count,
                                                                     "digest": digest})
    return job


def counts(job: Rollover) -> dict:
    return {"school_year": job.school_year, "total": job.total, "done": job.done, "promoted": job.promoted,
            "kept_suspended": job.kept_suspended, "kept_pending": job.kept_pending,
            "final_grade": job.final_grade, "not_promoted_other": job.not_promoted_other,
            "classes_moved": job.classes_moved,
            "promoted_later": Promotion.objects.filter(school_year=job.school_year, late=True).count()}


def launch(job: Rollover) -> None:
    """Run the job in a background thread once the opening transaction commits, unless a process runs it."""
    if not job.is_running or is_alive(job) or not getattr(settings, "XUEJI_ROLLOVER_THREADS", True):
        return

    def main():
        try:
            run(job.pk)
        except Exception:  # noqa: BLE001 - a thread has no caller; the job stays resumable and says where it is
            log.exception("rollover %s failed", job.pk)
        finally:
            close_old_connections()
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=main, name=f"rollover-{job.pk}", daemon=True).start())


def start(actor, year: int) -> Rollover:
    """What the page and the API do: open the year (or find it) and make sure a process is running it."""
    job = open_year(actor, year)
    launch(job)
    return job


# ---------------------------------------------------------------------------------------------- verifying


def audited_digest(job: Rollover) -> str | None:
    event = (AuditEvent.objects.filter(action=DONE_ACTION, object_type="rollover", object_id=str(job.pk))
             .order_by("-seq").first())
    return (event.details or {}).get("digest") if event else None


def verify(actor, year: int) -> dict:
    """Recompute the digest of the year's promotions and compare it with the one the audit log holds."""
    if actor is not None and not RolloverPolicy.user_can(actor, "verify"):
        raise Forbidden("只有省级教育行政部门或审计员可以核验升级记录")
    job = Rollover.objects.filter(school_year=year, status=Rollover.Status.DONE).first()
    if job is None:
        raise NotFound(f"{school_year_label(year)}的升级尚未完成", actor=actor, action="schoolyear.verify",
                       object_type="rollover", object_id=year)
    computed, count = compute_digest(year)
    recorded = audited_digest(job)
    result = {"school_year": year, "intact": computed == recorded, "recorded": recorded, "computed": computed,
              "promotions": count}
    with transaction.atomic():
        audit.record(actor, "schoolyear.verify", obj=job, outcome="ok" if result["intact"] else "failed",
                     details=result)
    return result


# ---------------------------------------------------------------------------------------------- held students


def release_after_decision(application, actor) -> None:
    """Called by the engine when an application ends: promote a student held back by it (第十六条)."""
    _release(application.student_id, actor)


def release_after_decisions(applications, actor) -> int:
    """The set-based form for applications ended together: one query finds the open holds of their students
    with no application still pending, and only those few students are released (第十六条)."""
    pending = Application.objects.filter(status=Application.Status.PENDING).values("student_id")
    held = list(Hold.objects.filter(student_id__in=applications.values("student_id"), released_at__isnull=True)
                .exclude(student_id__in=pending).values_list("student_id", flat=True).distinct())
    for student_id in held:
        _release(student_id, actor)
    return len(held)


def release_settled_holds(year: int, actor) -> int:
    """Holds whose application ended while their chunk was being written (the engine's callback came before the
    hold existed): released when the year is sealed. Holds are the few students with a pending application."""
    pending = Application.objects.filter(status=Application.Status.PENDING).values("student_id")
    settled = list(Hold.objects.filter(school_year=year, released_at__isnull=True)
                   .exclude(student_id__in=pending).values_list("student_id", flat=True))
    for student_id in settled:
        with transaction.atomic():
            _release(student_id, actor)
    return len(settled)


def _release(student_id: int, actor) -> None:
    holds = list(Hold.objects.select_for_update().filter(student_id=student_id, released_at__isnull=True)
                 .order_by("school_year"))
    if not holds or Application.objects.filter(student_id=student_id, status=Application.Status.PENDING).exists():
        return
    student = Student.objects.select_for_update(of=("self",)).select_related("school", "school_class").get(
        pk=student_id)
    for hold in holds:
        hold.promoted = _promote_late(student, hold, actor)
        hold.released_at = timezone.now()
        hold.save(update_fields=["released_at", "promoted"])


def _promote_late(student: Student, hold: Hold, actor) -> bool:
    target = next_grade(student.school.school_type, student.grade)
    if (student.status != sql.ENROLLED or student.grade != hold.grade or target is None
            or Promotion.objects.filter(student=student, school_year=hold.school_year).exists()):
        return False
    before = student.grade
    Promotion.objects.create(student=student, school_year=hold.school_year, from_grade=before, to_grade=target,
                             late=True)
    student.grade = target
    fields = ["grade", "updated_at"]
    if student.school_class_id and student.school_class.grade != target:
        student.school_class = None  # his class did not move to that grade: the registrar places him (第十三条)
        fields.append("school_class")
    student.save(update_fields=fields)
    VisitingStay.objects.filter(student=student, ended_on__isnull=True).update(grade=target)
    StatusEvent.objects.create(student=student, kind="升级", from_status=student.status, to_status=student.status,
                               school=student.school, actor=actor, changes={"grade": [before, target]},
                               note=f"{_note(hold.school_year)};审批中的申请办结后补升"
                                    f"({grade_label(before)}→{grade_label(target)})")
    audit.record(actor, "schoolyear.late_promotion", obj=student,
                 details={"school_year": hold.school_year, "from": before, "to": target})
    return True

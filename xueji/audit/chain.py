"""The audit chain: how a row is hashed, how rows are sealed into the chain, and the signed checkpoints.

Two steps, so that no audited action waits for another (第四十四条 asks for the record, not for a queue):

  - `append` inserts the row in the caller's transaction with its content only (`seq`, `prev_hash` and `hash`
    empty). An action that rolls back takes its row with it; one that commits always has its row. Inserting
    takes no lock that another writer could hold: concurrent writers only share the id sequence.
  - `seal` gives the committed rows their place: holding the sealers' lock (a transaction-scoped advisory lock on
    PostgreSQL, then the head row; taken by sealers only, never by writers), it reads the unsealed rows its
    snapshot sees, in id order, gives each the next `seq`, links it to the previous row's hash and writes the
    three chain columns in one statement per batch. Every XUEJI_AUDIT_CHECKPOINT_EVERY positions it signs the row
    reached into AuditCheckpoint (and the anchor file). A batch that signs nothing commits without waiting for
    its WAL flush: a crash can only undo it, and the rows are sealed again by the next sealer.

Why the chain's order is the order of sealing and not of ids: ids are taken at INSERT but rows become visible
at COMMIT, so a row with a lower id can commit after a higher one was sealed (a long import writes its audit row
early and commits late). Sealing "by id" would then have to wait for the oldest transaction still running
(PostgreSQL's snapshot xmin) and even so races the moment a transaction takes an id before it has an xid. The
sealer does not need that: it seals what its snapshot shows as committed, and a late row simply gets the next
free `seq` in a later batch. `seq` stays gapless and `verify` walks the chain by `seq`, so every guarantee of the
single chain holds: a row edited, deleted (a hole in `seq` or a broken link), the newest rows deleted (the chain
ends below the head or a signed checkpoint) and a chain recomputed (no longer matches a signed checkpoint).
A second sealer, or a writer trying to seal after its commit, finds the lock taken and returns at once
(pg_try_advisory_xact_lock: no transaction id, nothing written) instead of waiting.

Who seals (`seal_soon`, `seal_all`):
  - on SQLite, and wherever XUEJI_AUDIT_SEAL is "inline", `append` seals at once in the caller's transaction:
    SQLite serialises writers anyway, and the row then carries its place from the start (the old behaviour);
  - on PostgreSQL ("deferred"): after its commit, a writer tries to seal (no wait, at most once every
    XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS per process); `xueji audit seal --loop` seals continuously (run one
    beside the application servers); the audit page, the API and `xueji audit verify` seal before they read.

An unsealed row is as protected as a sealed one: the database lets the chain columns be set once, from empty,
with every other column unchanged, and refuses any other UPDATE and every DELETE (guard.py). `verify` reports
how many rows await sealing; the window during which an unsealed row is not yet covered by a hash is the time
to the next sealing (well under a second with a sealer running).
"""

import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import anchor
from .models import AuditChainHead, AuditCheckpoint, AuditEvent

log = logging.getLogger(__name__)

GENESIS = "0" * 64


def digest(event: AuditEvent) -> str:
    """SHA-256 over every column of the row but its surrogate id (its place is `seq`), chained to prev_hash."""
    body = json.dumps(
        {
            "prev": event.prev_hash,
            "seq": event.seq,
            "at": event.at.isoformat(),
            "actor_id": event.actor_id,
            "actor": event.actor_username,
            "org": event.org_code,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "source_ip": event.source_ip,
            "reason": event.reason,
            "outcome": event.outcome,
            "details": event.details,
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def normalized(details: dict | None) -> dict:
    # The hash is taken before the row is stored and checked after it is read back: hash what JSON keeps.
    return json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))


def sealed_inline() -> bool:
    """Seal in the writer's own transaction (SQLite, or XUEJI_AUDIT_SEAL="inline") rather than after it."""
    mode = (settings.XUEJI_AUDIT_SEAL or "").strip().lower()
    if mode in ("inline", "deferred"):
        return mode == "inline"
    return connection.vendor != "postgresql"


def append(event: AuditEvent) -> AuditEvent:
    """Save `event` (unsaved, every field but the chain's set) in the caller's transaction, unsealed. Inline
    mode seals it at once; otherwise a sealing attempt follows the commit."""
    event.seq, event.prev_hash, event.hash = None, "", ""
    event.save()
    if sealed_inline():
        try:
            sealed_rows = _seal(None, wait=True)
        except DatabaseError as exc:  # a chain column set behind the sealer's back: verify will name the row
            log.warning("审计记录封存失败,该记录暂未入链:%s", exc)
            sealed_rows = []
        for sealed in sealed_rows:
            if sealed.pk == event.pk:
                event.seq, event.prev_hash, event.hash = sealed.seq, sealed.prev_hash, sealed.hash
    else:
        transaction.on_commit(seal_soon, robust=True)
    return event


SEALER_LOCK = 0x58554A49  # the advisory lock key sealers share on PostgreSQL ("XUJI")


def _sealer_lock(wait: bool) -> bool:
    """Become the one sealer for this transaction: a transaction-scoped advisory lock on PostgreSQL (trying it
    takes no transaction id and writes nothing, so a writer's attempt after its commit costs one round trip);
    elsewhere the database's single writer already is. False when another sealer holds it and `wait` is False."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK])
        return bool(cursor.fetchone()[0])


def _head() -> AuditChainHead:
    """The head row, read under the sealer's lock (and locked itself, for databases without advisory locks)."""
    _sealer_lock(wait=True)
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(id=1)  # the very first sealing
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def seal(batch: int | None = None, wait: bool = True) -> int:
    """Seal up to `batch` committed rows in id order after the head, in one transaction; the number sealed.
    With wait=False a sealer already at work makes this return 0 at once. The rows are read after the lock is
    taken: each statement of a READ COMMITTED transaction sees what the previous sealer committed."""
    return len(_seal(batch, wait))


def _seal(batch: int | None, wait: bool) -> list[AuditEvent]:
    batch = batch or settings.XUEJI_AUDIT_SEAL_BATCH
    own_transaction = not connection.in_atomic_block  # inline, the writer's commit must stay durable
    with transaction.atomic():
        if not _sealer_lock(wait):
            return []
        rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
        if not rows:
            return []  # nothing written: the transaction commits without a transaction id
        head = _head()
        every = max(1, settings.XUEJI_AUDIT_CHECKPOINT_EVERY)
        prev, seq, points = head.last_hash or GENESIS, head.last_seq, []
        for event in rows:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = digest(event)
            if seq - head.checkpoint_seq >= every:
                points.append(event)
                head.checkpoint_seq = seq
        if own_transaction and not points:
            _lazy_commit()
        _write_chain(rows)
        last = rows[-1]
        head.last_hash, head.last_event_id, head.last_seq = last.hash, last.pk, last.seq
        head.save(update_fields=["last_hash", "last_event_id", "last_seq", "checkpoint_seq"])
        for event in points:
            _sign(event.seq, event.pk, event.hash)
    return rows


def _lazy_commit() -> None:
    """This sealing may commit without waiting for its WAL to reach the disk (PostgreSQL). Safe because it signs
    no checkpoint: a crash can only undo it, leaving the rows unsealed for the next sealer, and nothing outside
    the database (the anchor file) has seen the positions it gave. The writers' own commits stay durable."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write_chain(rows: list[AuditEvent]) -> None:
    """Set the three chain columns of a batch in one statement (guard.py lets exactly this update through)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEvent._meta.db_table} AS e SET seq = v.seq, prev_hash = v.prev, hash = v.hash "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev, hash) "
                "WHERE e.id = v.id",
                [[e.pk for e in rows], [e.seq for e in rows], [e.prev_hash for e in rows], [e.hash for e in rows]])
        return
    AuditEvent.objects.bulk_update(rows, ["seq", "prev_hash", "hash"], batch_size=500)


def seal_all(batch: int | None = None) -> int:
    """Seal every committed row waiting, batch after batch (each its own transaction); the number sealed."""
    total = 0
    while True:
        done = seal(batch, wait=True)
        total += done
        if done < (batch or settings.XUEJI_AUDIT_SEAL_BATCH):
            return total


_last_attempt = 0.0
_attempt_lock = threading.Lock()


def seal_soon() -> None:
    """After a writer's commit: seal what is waiting unless a sealer is at work or this process tried moments
    ago. Never fails the action, which has committed already; a row left over waits for the next sealing."""
    global _last_attempt
    pause = settings.XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS
    if pause < 0:
        return
    with _attempt_lock:
        now = time.monotonic()
        if now - _last_attempt < pause:
            return
        _last_attempt = now
    try:
        seal(wait=False)
    except DatabaseError as exc:
        log.warning("审计记录封存未完成,将由下一次封存补上:%s", exc)


def pending() -> int:
    """How many committed rows await sealing."""
    return AuditEvent.objects.filter(seq__isnull=True).count()


# ------------------------------------------------------------------ checkpoints

def _key() -> bytes:
    if settings.XUEJI_AUDIT_KEY:
        return settings.XUEJI_AUDIT_KEY.encode()
    # Demo and development: a key derived from SECRET_KEY (the deploy check warns about it).
    return hmac.new(settings.SECRET_KEY.encode(), b"xueji-audit-checkpoint", hashlib.sha256).digest()


def signature(seq: int, event_id: int, head_hash: str, at) -> str:
    message = f"{seq}|{event_id}|{head_hash}|{at.isoformat()}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _sign(seq: int, event_id: int, head_hash: str) -> AuditCheckpoint:
    at = timezone.now().replace(microsecond=0)
    point = AuditCheckpoint.objects.create(at=at, seq=seq, event_id=event_id, hash=head_hash,
                                           signature=signature(seq, event_id, head_hash, at))
    anchor.write_on_commit(point)
    return point


def checkpoint() -> AuditCheckpoint | None:
    """Sign the current head now (by `xueji audit checkpoint` and after each verification). The caller holds a
    transaction and has sealed what it wants covered. None when nothing was sealed since the last checkpoint."""
    head = _head()
    if head.last_seq == 0 or head.last_seq == head.checkpoint_seq:
        return None
    point = _sign(head.last_seq, head.last_event_id, head.last_hash)
    head.checkpoint_seq = head.last_seq
    head.save(update_fields=["checkpoint_seq"])
    return point


# ------------------------------------------------------------------ verification

@dataclass
class Verdict:
    intact: bool
    checked: int
    broken_at: int | None = None  # id of the first row that fails, when there is one
    code: str = ""  # edited · gap · truncated · rewritten · bad_checkpoint
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # doubts that are no proof of tampering (anchor file)
    unsealed: int = 0  # committed rows not yet given their place in the chain

    def as_dict(self) -> dict:
        return {"intact": self.intact, "checked": self.checked, "broken_at": self.broken_at,
                "code": self.code, "message": self.message, "warnings": self.warnings, "unsealed": self.unsealed}


def _broken(code: str, checked: int, event_id: int | None, message: str, warnings=None) -> Verdict:
    return Verdict(False, checked, event_id, code, message, list(warnings or []))


def _anchored_points(warnings: list[str]):
    """The checkpoints of the external file, checked for their signature: (by seq, a bad one or None)."""
    lines, problems = anchor.read()
    warnings.extend(problems)
    if lines is None:
        if not problems and AuditCheckpoint.objects.exists():
            warnings.append(f"外部锚定文件 {anchor.path()} 不存在:链头无法与库外的检查点比对,"
                            "请检查 XUEJI_AUDIT_ANCHOR_FILE 是否可写、是否被删除")
        return None, None
    points = {}
    for point in lines:
        good = point.at is not None and hmac.compare_digest(
            point.signature, signature(point.seq, point.event_id, point.hash, point.at))
        if not good:
            return {}, point
        points.setdefault(point.seq, point)
    return points, None


def verify(batch: int = 5000) -> Verdict:
    """Walk the chain by position from its first row, then hold it against every signed checkpoint. Rows not
    yet sealed are counted, not checked (seal first to cover them)."""
    # The head and the checkpoints are read before the walk: rows appended meanwhile only lengthen the chain
    # walked, while a head read afterwards could run ahead of it and look like a deletion.
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head is not None else 0
    points = {}
    for point in AuditCheckpoint.objects.order_by("seq").iterator():
        if not hmac.compare_digest(point.signature, signature(point.seq, point.event_id, point.hash, point.at)):
            return _broken("bad_checkpoint", 0, point.event_id,
                           f"第 {point.seq} 号检查点的签名不符:检查点被伪造或改动,或 XUEJI_AUDIT_KEY 已更换")
        points[point.seq] = point
    warnings: list[str] = []
    filed, forged = _anchored_points(warnings)
    if forged is not None:
        return _broken("bad_checkpoint", 0, None,
                       f"外部锚定文件第 {forged.lineno} 行的检查点签名不符:该行被伪造或改动,"
                       "或 XUEJI_AUDIT_KEY 已更换", warnings)
    prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch])
        for event in rows:
            if event.seq != expected_seq:
                return _gap(event, expected_seq, prev, checked)
            if event.prev_hash != prev or digest(event) != event.hash:
                return _broken("edited", checked, event.pk,
                               f"第 {event.pk} 条记录校验失败:该记录或其前一条记录被改动或删除")
            point = points.get(event.seq)
            if point is not None and (point.hash != event.hash or point.event_id != event.pk):
                return _broken("rewritten", checked, event.pk,
                               f"第 {event.pk} 条记录与 {timezone.localtime(point.at):%Y-%m-%d %H:%M} 签署的"
                               "检查点不符:审计链在删除或改动记录后被重新计算", warnings)
            point = (filed or {}).get(event.seq)
            if point is not None and (point.hash != event.hash or point.event_id != event.pk):
                return _broken("rewritten", checked, event.pk,
                               f"第 {event.pk} 条记录与外部锚定文件中 {timezone.localtime(point.at):%Y-%m-%d %H:%M} "
                               "签署的检查点不符:审计链在删除或改动记录后被重新计算", warnings)
            prev, expected_seq = event.hash, expected_seq + 1
            checked += 1
        if len(rows) < batch:
            break
    last_seq = expected_seq - 1
    signed = max(points, default=0)
    if signed > last_seq or head_seq > last_seq:
        newest = max(signed, head_seq)
        return _broken("truncated", checked, None,
                       f"审计链止于第 {last_seq} 号,而已签署或已记录的链头为第 {newest} 号:最新的记录被删除",
                       warnings)
    anchored = max(filed or {}, default=0)
    if anchored > last_seq:
        return _broken("truncated", checked, None,
                       f"审计链止于第 {last_seq} 号,而外部锚定文件中已签署的链头为第 {anchored} 号:"
                       "最新的记录被删除", warnings)
    if filed is not None and signed > anchored:
        warnings.append(f"外部锚定文件只记到第 {anchored} 号检查点,库内已签署到第 {signed} 号:"
                        "有检查点未能写入文件,请查看日志")
    return Verdict(True, checked, warnings=warnings, unsealed=pending())


def _gap(event: AuditEvent, expected_seq: int, prev: str, checked: int) -> Verdict:
    """The chain skips a position. When the missing row still exists under another position (its `seq` was
    edited) it is the one to name; otherwise the row after the hole is."""
    moved = AuditEvent.objects.filter(prev_hash=prev).exclude(pk=event.pk).exclude(seq=None).first()
    if moved is not None:
        return _broken("edited", checked, moved.pk,
                       f"第 {moved.pk} 条记录校验失败:其链序号被改为 {moved.seq},应为 {expected_seq}")
    return _broken("gap", checked, event.pk,
                   f"第 {event.pk} 条记录的链序号为 {event.seq},应为 {expected_seq}:其前有记录被删除或插入")

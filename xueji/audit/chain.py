"""The audit chain: how a row is hashed, how the head moves, and the signed checkpoints that pin the head.

Everything about the chain's shape lives here, so that splitting it later (one chain per jurisdiction, a batch
sealer) changes this module only:
  - `digest` hashes every column of a row together with the previous row's hash;
  - `append` places a new row at the head, under a lock on the one head row, and every
    XUEJI_AUDIT_CHECKPOINT_EVERY rows writes a checkpoint;
  - `checkpoint` signs the head (HMAC-SHA256 with XUEJI_AUDIT_KEY) into AuditCheckpoint, a table the database
    lets no one update or delete from (guard.py);
  - `verify` walks the chain and compares it with the checkpoints. It finds a row edited, a row deleted
    (its successor's link or the sequence breaks), the newest rows deleted (the chain ends below a signed
    head) and a chain recomputed after a deletion (a signed head no longer matches).
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
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


def _head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(id=1)
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def append(event: AuditEvent) -> AuditEvent:
    """Link `event` (unsaved, every field but the chain's set) after the head and save it. The caller holds a
    transaction; the head row's lock orders concurrent writers into one chain."""
    head = _head()
    event.seq = head.last_seq + 1
    event.prev_hash = head.last_hash or GENESIS
    event.hash = digest(event)
    event.save()
    head.last_hash, head.last_event_id, head.last_seq = event.hash, event.pk, event.seq
    head.save(update_fields=["last_hash", "last_event_id", "last_seq"])
    if head.last_seq - head.checkpoint_seq >= max(1, settings.XUEJI_AUDIT_CHECKPOINT_EVERY):
        _sign_head(head)
    return event


# ------------------------------------------------------------------ checkpoints

def _key() -> bytes:
    if settings.XUEJI_AUDIT_KEY:
        return settings.XUEJI_AUDIT_KEY.encode()
    # Demo and development: a key derived from SECRET_KEY (the deploy check warns about it).
    return hmac.new(settings.SECRET_KEY.encode(), b"xueji-audit-checkpoint", hashlib.sha256).digest()


def signature(seq: int, event_id: int, head_hash: str, at) -> str:
    message = f"{seq}|{event_id}|{head_hash}|{at.isoformat()}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _sign_head(head: AuditChainHead) -> AuditCheckpoint | None:
    if head.last_seq == 0 or head.last_seq == head.checkpoint_seq:
        return None
    at = timezone.now().replace(microsecond=0)
    point = AuditCheckpoint.objects.create(
        at=at, seq=head.last_seq, event_id=head.last_event_id, hash=head.last_hash,
        signature=signature(head.last_seq, head.last_event_id, head.last_hash, at))
    head.checkpoint_seq = head.last_seq
    head.save(update_fields=["checkpoint_seq"])
    anchor.write_on_commit(point)
    return point


def checkpoint() -> AuditCheckpoint | None:
    """Sign the current head now (by `xueji audit checkpoint` and after each verification). The caller holds a
    transaction. None when nothing was written since the last checkpoint."""
    return _sign_head(_head())


# ------------------------------------------------------------------ verification

@dataclass
class Verdict:
    intact: bool
    checked: int
    broken_at: int | None = None  # id of the first row that fails, when there is one
    code: str = ""  # edited · gap · truncated · rewritten · bad_checkpoint
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # doubts that are no proof of tampering (anchor file)

    def as_dict(self) -> dict:
        return {"intact": self.intact, "checked": self.checked, "broken_at": self.broken_at,
                "code": self.code, "message": self.message, "warnings": self.warnings}


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
    """Walk the chain from its first row, then hold it against every signed checkpoint."""
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
    prev, expected_seq, checked, last_id = GENESIS, 1, 0, 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        for event in rows:
            if event.seq != expected_seq:
                return _broken("gap", checked, event.pk,
                               f"第 {event.pk} 条记录的链序号为 {event.seq},应为 {expected_seq}:"
                               "其前有记录被删除或插入")
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
            prev, expected_seq, last_id = event.hash, expected_seq + 1, event.pk
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
    return Verdict(True, checked, warnings=warnings)

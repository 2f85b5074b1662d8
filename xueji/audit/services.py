"""Writing and checking the audit chain. Callers run `record` inside the transaction of the change it records."""

import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from xueji.core.middleware import current_client_ip, note_refusal

from . import chain
from .models import AuditEvent

log = logging.getLogger(__name__)

GENESIS = chain.GENESIS
REFUSED_REASON = "不存在或超出管辖范围"


def record(
    actor,
    action: str,
    *,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    outcome: str = "ok",
    details: dict | None = None,
    source_ip: str | None = None,
) -> AuditEvent:
    """Append one event. Joins the caller's transaction, so the audit row and the change commit together."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(getattr(obj, "key", None) or obj.pk)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        org_code=getattr(actor, "org_code", "") or "",
        action=action[:40],
        object_type=object_type[:30],
        object_id=str(object_id)[:40],
        source_ip=((source_ip if source_ip is not None else current_client_ip()) or "")[:45],
        reason=reason[:500],
        outcome=outcome,
        details=chain.normalized(details),
    )
    if not connection.in_atomic_block and not chain.sealed_inline():
        # A read's lone row: one INSERT in autocommit is its own transaction (no BEGIN and COMMIT round trips
        # on every page); its sealing attempt (on_commit) then runs at once.
        chain.append(event)
        return event
    # No savepoint of its own: an audit row that cannot be written fails the caller's whole action.
    with transaction.atomic(savepoint=False):
        chain.append(event)
    return event


class Refusal:
    """A refused attempt waiting to be written (what a NotFound carries, for refusals that are not one)."""

    def __init__(self, actor, action: str, object_type: str, object_id: str, reason: str):
        self.actor, self.action, self.object_type, self.object_id = actor, action, object_type, object_id
        self.reason = reason
        self.audited = False


def record_refusal(actor, action: str, *, object_type: str, object_id: str, reason: str = "") -> None:
    """Log an attempt that was refused (a role without the right, say). Within a request the row is written
    when the view has returned, after the refused request's transaction rolled back; elsewhere at once."""
    note_refusal(Refusal(actor, action, object_type, str(object_id), reason))


def _fallback_action(request) -> str:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    space = getattr(match, "namespace", "") or ""
    return (f"{space}.{name}" if space and name else name or "lookup")[:40]


def _fallback_object(request) -> str:
    match = getattr(request, "resolver_match", None)
    kwargs = getattr(match, "kwargs", None) or {}
    return str(next(iter(kwargs.values()), ""))[:40]


def write_refusal(refusal, request=None) -> None:
    """Write one queued refusal (a NotFound or a Refusal) as a `denied` row, in its own transaction. A NotFound
    that did not say what was asked for is still written, with the request's route and path."""
    if refusal.audited:
        return
    refusal.audited = True
    actor = refusal.actor
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if not getattr(actor, "is_authenticated", False):
        actor = None
    details = {}
    if request is not None:
        details = {"method": request.method, "path": request.path[:300]}
    action = refusal.action or (_fallback_action(request) if request is not None else "lookup")
    object_id = refusal.object_id or (_fallback_object(request) if request is not None else "")
    with transaction.atomic(durable=not transaction.get_connection().in_atomic_block):
        record(actor, action, object_type=refusal.object_type, object_id=object_id,
               reason=getattr(refusal, "reason", "") or REFUSED_REASON, outcome="denied", details=details)


def seal_before_reading() -> str:
    """Give waiting rows their place before a reader looks at the log, unless a sealer is at it right now. A
    failure (a chain column set behind the sealer's back, say) never keeps the auditor from reading or
    verifying: it is logged and returned as a warning."""
    try:
        chain.seal(wait=False)
    except DatabaseError as exc:
        log.warning("审计记录封存失败:%s", exc)
        return f"审计记录封存失败,新记录暂未入链:{exc}"
    return ""


def _seal_everything() -> str:
    try:
        chain.seal_all()
    except DatabaseError as exc:
        log.warning("审计记录封存失败:%s", exc)
        return f"审计记录封存失败,新记录暂未入链:{exc}"
    return ""


def verify_chain() -> tuple[bool, int, int | None]:
    """(intact, events checked, id of the first broken event): the short answer of `verify`, after sealing."""
    _seal_everything()
    verdict = chain.verify()
    return verdict.intact, verdict.checked, verdict.broken_at


def verify(actor) -> "chain.Verdict":
    """Seal what waits, check the chain, log the check, and sign the head when the chain held: the next check
    then also sees a deletion of the rows written before this one (this check's own row included)."""
    problem = _seal_everything()
    verdict = chain.verify()
    if problem:
        verdict.warnings.append(problem)
    with transaction.atomic():
        record(actor, "audit.verify", object_type="audit", outcome="ok" if verdict.intact else "failed",
               details=verdict.as_dict())
    if verdict.intact and not _seal_everything():
        with transaction.atomic():
            chain.checkpoint()
    return verdict

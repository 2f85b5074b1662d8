"""Writing and checking the audit chain. Callers run `record` inside the transaction of the change it records."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from xueji.core.middleware import current_client_ip

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        [
            prev_hash,
            event.at.isoformat(),
            event.actor_username,
            event.org_code,
            event.action,
            event.object_type,
            event.object_id,
            event.source_ip,
            event.reason,
            event.outcome,
            event.details,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


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
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_username=getattr(actor, "username", "") or "",
            org_code=getattr(actor, "org_code", "") or "",
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:40],
            source_ip=(source_ip if source_ip is not None else current_client_ip()) or "",
            reason=reason[:500],
            outcome=outcome,
            details=details or {},
            prev_hash=head.last_hash or GENESIS,
        )
        event.hash = _digest(event.prev_hash, event)
        event.save()
        head.last_hash, head.last_event_id = event.hash, event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


def record_refusal(actor, action: str, *, object_type: str, object_id: str, reason: str = "") -> None:
    """Log an attempt that was refused (for example a read outside the jurisdiction) in its own transaction,
    so the trace survives the refused request's rollback."""
    with transaction.atomic(durable=not transaction.get_connection().in_atomic_block):
        record(actor, action, object_type=object_type, object_id=object_id, reason=reason, outcome="denied")


def verify_chain(batch: int = 5000) -> tuple[bool, int, int | None]:
    """Walk the chain from the start: (intact, events checked, id of the first broken event)."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return True, checked, None
        for event in rows:
            if event.prev_hash != prev or _digest(prev, event) != event.hash:
                return False, checked, event.pk
            prev = event.hash
            checked += 1
            last_id = event.pk

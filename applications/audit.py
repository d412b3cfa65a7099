"""Append events to the tamper-evident audit chain, and verify it."""

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = {
        "application": event.application_id,
        "call": event.call_id,
        "actor": event.actor_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "data": event.data,
        "at": event.created_at.astimezone(datetime.UTC).isoformat(),
        "prev": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    action: str,
    actor=None,
    application=None,
    call=None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
    at=None,
) -> AuditEvent:
    # A block, not a decorator: the transaction is the same, and mutation testing (which skips decorated
    # functions) reaches the chain's append.
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        # Round-trip the details through JSON so the hash is computed over exactly what is stored.
        data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
        event = AuditEvent(
            application=application,
            call=call or (application.call if application else None),
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=data,
            created_at=at or timezone.now(),
            prev_hash=head.last_hash,
        )
        event.hash = _digest(event)
        event.save()
        head.last_hash, head.last_event = event.hash, event
        head.save(update_fields=["last_hash", "last_event"])
    return event


def verify_chain(batch_size: int = 2000):
    """Walk the chain in order. Returns (number of events checked, first broken event or None, why)."""
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            return checked, event, "prev_hash does not match the previous event"
        if _digest(event) != event.hash:
            return checked, event, "content does not match its hash"
        previous = event.hash
        checked += 1
    # Every append writes the head: no head means no event was ever appended (GENESIS). A head that does not
    # name the newest hash means events were removed from the end, all of them included, or the head itself.
    head = AuditChainHead.objects.filter(pk=1).first()
    if (head.last_hash if head else GENESIS) != previous:
        return checked, None, "the chain head does not point at the last event (events were removed)"
    return checked, None, ""

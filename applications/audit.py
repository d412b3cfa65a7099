"""Append events to the tamper-evident audit trail, anchor it, and verify it.

The trail is a set of hash chains (issue 12: one global chain serialised every audited action of the whole
portal, ~15 submits/s at most):

- each plan has its own chain: an event about a plan links to the plan's previous event, and appending locks
  only that plan's chain head, so submissions of different plans never wait for each other;
- the global chain holds every other event (the call's, the system's) and every event recorded before plan
  chains existed; its hash format is unchanged, so stored chains keep verifying;
- `anchor()` (a beat task every ANCHOR_INTERVAL seconds, and `manage.py verify_audit` after a clean check)
  appends one global event naming the head (event id and hash) of every plan chain that grew since its last
  anchor. A plan chain's events up to an anchor can then no longer be cut off unnoticed, even with its head
  row rewound: the global chain vouches for them, and the global head for the global chain.

`verify_chain` walks every event once in id order (within a chain, id order is append order: an append holds
the chain's head lock until it commits) and finds: a changed field of any event (its hash), a removed or
re-ordered event (its successor's link), events removed from the end of a chain (the chain's head, which every
append writes; a missing head or a head for an empty chain too), and an anchored event that is gone or changed.
"""

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.compiled import SENTINEL_STR, CompiledQuery

from .models import AuditChainHead, AuditEvent
from .models.audit import GLOBAL_CHAIN, plan_chain_key

GENESIS = "0" * 64
ANCHOR_INTERVAL = 60  # seconds (CELERY_BEAT_SCHEDULE "audit-anchor"): the window in which a plan chain's newest
# events are vouched for by its head row alone, as the global chain's newest are by the global head.
ANCHOR_ACTION = "chains_anchored"
HEAD_MISMATCH = "the chain head does not point at the last event (events were removed)"
VERIFY_BATCH = 2000  # anchored heads looked up per query by verify_chain


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
    if event.in_plan_chain:  # only then: the global chain's format (and every stored hash) stays as it was
        payload["chain"] = "plan"
    # event.data is JSON already (record round-trips it, anchor writes ids and hashes), so the plain encoder.
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# Compiled once per connection: every audited action reads its chain's head (issue 12). The key is unique.
_LOCKED_HEAD = CompiledQuery(
    lambda key: AuditChainHead.objects.select_for_update().filter(key=key), sentinel=SENTINEL_STR
)


def _locked_head(key: str) -> AuditChainHead:
    head = _LOCKED_HEAD.first(key)
    if head is None:  # the chain's first event: a concurrent first append's row wins (its insert waits for it)
        AuditChainHead.objects.bulk_create([AuditChainHead(key=key)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(key=key)
    return head


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
    after: AuditEvent | None = None,
) -> AuditEvent:
    """Append an event to the plan's chain (`application`) or the global one.

    `after`: the event this same transaction appended last to that chain (a submit's transition, then its frozen
    version): the chain's head is locked by this transaction since then and holds `after`'s hash, so it is
    neither locked nor read again. An event of another chain is refused; one followed by another append would
    break the chain (verify_chain finds that)."""
    # A block, not a decorator: the transaction is the same, and mutation testing (which skips decorated
    # functions) reaches the chain's append. No savepoint: an append that fails fails its caller's transaction.
    in_plan_chain = application is not None
    key = plan_chain_key(application.pk) if in_plan_chain else GLOBAL_CHAIN
    if after is not None and after.chain_key != key:
        raise ValueError(f"{after} is not an event of the chain {key}")
    with transaction.atomic(savepoint=False):
        if after is None:
            head = _locked_head(key)
        else:
            head = AuditChainHead(key=key, last_hash=after.hash)  # locked since `after`'s append
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
            in_plan_chain=in_plan_chain,
        )
        event.hash = _digest(event)
        event.save()
        AuditChainHead.objects.filter(key=key).update(last_hash=event.hash, last_event=event)
    return event


def anchor(at=None) -> AuditEvent | None:
    """Append to the global chain the heads of the plan chains that grew since their last anchor; None if none.

    The global head is locked first; a plan head being appended to right now is skipped (SKIP LOCKED) and
    anchored next time, so this never waits for a submission nor deadlocks with one. On SQLite (`make run`),
    which has no row locks, the whole database is written by one transaction at a time and this is the same."""
    with transaction.atomic():
        global_head = _locked_head(GLOBAL_CHAIN)
        moved = (
            AuditChainHead.objects.exclude(key=GLOBAL_CHAIN)
            .exclude(last_hash=F("anchored_hash"))
            .exclude(last_event=None)
            .select_for_update(skip_locked=True)
        )
        heads = {head.key.removeprefix("plan:"): [head.last_event_id, head.last_hash] for head in moved}
        if not heads:
            return None
        event = AuditEvent(
            action=ANCHOR_ACTION,
            data={"heads": heads},
            created_at=at or timezone.now(),
            prev_hash=global_head.last_hash,
        )
        event.hash = _digest(event)
        event.save()
        AuditChainHead.objects.filter(pk=global_head.pk).update(last_hash=event.hash, last_event=event)
        AuditChainHead.objects.filter(key__in=[plan_chain_key(pk) for pk in heads]).update(anchored_hash=F("last_hash"))
    return event


def verify_chain(batch_size: int = VERIFY_BATCH):
    """Walk every chain in order. Returns (number of events checked, first broken event or None, why).

    `checked` counts the intact events before the broken one in id order (all of them when none is broken)."""
    last: dict[str, str] = {}  # chain key -> hash of its newest event so far
    claims: list[tuple[str, int, str]] = []  # (plan chain key, event id, hash) from the anchors
    checked = 0
    for event in AuditEvent.objects.order_by("pk").iterator():
        key = event.chain_key
        # Content first: an event moved to another plan's chain is a changed event, not a broken link.
        if _digest(event) != event.hash:
            return checked, event, "content does not match its hash"
        if event.prev_hash != last.get(key, GENESIS):
            return checked, event, "prev_hash does not match the previous event"
        if key == GLOBAL_CHAIN and event.action == ANCHOR_ACTION:
            claims += [(plan_chain_key(plan), pk, digest) for plan, (pk, digest) in event.data["heads"].items()]
        last[key] = event.hash
        checked += 1
    # Every append writes its chain's head: the heads that name an event (a head still at GENESIS names none, as
    # the global one made by an anchor with nothing to anchor) must be exactly the chains' newest hashes. Else
    # events were removed from the end (all of them included), or the head itself.
    heads = dict(AuditChainHead.objects.exclude(last_hash=GENESIS).values_list("key", "last_hash"))
    if heads != last:
        return checked, None, HEAD_MISMATCH
    # An anchored head must still be an event with that hash: the walk checked every event's content against its
    # hash, and the hash covers the event's chain (its plan and "chain":"plan"), so the same hash is the same event.
    for start in range(0, len(claims), batch_size):
        batch = claims[start : start + batch_size]
        found = dict(AuditEvent.objects.filter(pk__in=[pk for _key, pk, _digest in batch]).values_list("pk", "hash"))
        for key, pk, digest in batch:
            if found.get(pk) != digest:
                return checked, None, f"an anchored event of {key} (#{pk}) was removed or changed"
    return checked, None, ""

"""The review packet of a frozen plan version: requested by staff, produced once by Celery, then served.

The ReviewPacket row is recorded first (it is the outbox of this work): if the broker is down when the
task is queued, sweep_review_packets produces the packet later.
"""

from __future__ import annotations

import logging

from django.db import transaction

from applications import snapshot
from core import queueing

from .models import ReviewPacket

log = logging.getLogger(__name__)


def _queue(packet_id: int) -> None:
    from .tasks import generate_review_packet

    queueing.publish(generate_review_packet, packet_id)  # else the packet stays pending for the sweep


@transaction.atomic
def request_packet(actor, version) -> tuple[ReviewPacket, bool]:
    """Create or reuse the packet of `version`; queue its production after commit unless it is ready.
    Returns (packet, queued)."""
    packet, _created = ReviewPacket.objects.get_or_create(version=version, defaults={"requested_by": actor})
    if packet.is_ready:
        return packet, False
    transaction.on_commit(lambda: _queue(packet.pk))
    return packet, True


def packet_context(packet: ReviewPacket) -> dict:
    version = packet.version
    content = version.content
    sections = content.get("sections", {})
    return {
        "packet": packet,
        "version": version,
        "application": version.application,
        "title": (sections.get("overview") or {}).get("title") or version.application.title,
        "summary": (sections.get("overview") or {}).get("summary") or version.application.summary,
        "facts": content.get("application", {}),
        "sections": snapshot.readable(content),
        "anchors": sections.get("anchors") or [],
        "infrastructure": sections.get("infrastructure") or [],
        "attachments": content.get("attachments") or [],
    }


def filename(packet: ReviewPacket) -> str:
    application = packet.version.application
    number = application.receipt_number or f"plan-{application.pk}"
    return f"review-packet-{number}-v{packet.version.number}.pdf"

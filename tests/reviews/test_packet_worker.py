"""The review packet task on a real Celery worker over Redis: one PDF, its hash stored, a repeat changes nothing;
the PDF carries the frozen plan and the SHA-256 of each attached file."""

import hashlib
import io
import threading
import time
import uuid

import pytest
from celery.signals import task_postrun
from pypdf import PdfReader

from reviews import packets
from reviews.models import ReviewPacket
from reviews.tasks import generate_review_packet, sweep_review_packets
from tests.factories import CallFactory, UserFactory, make_rubric, reviewable_plan

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FILE_HASH = hashlib.sha256(b"investment mou").hexdigest()


def _plan_version():
    call = CallFactory()
    make_rubric(call)
    plan = reviewable_plan(call, title="울산 이차전지 원료 특화단지 육성계획")
    version = plan.versions.get()
    version.content["sections"]["overview"] = {"title": plan.title, "summary": plan.summary}
    version.content["attachments"] = [
        {"kind": "investment_mou", "name": "투자협약서.pdf", "size": 14, "sha256": FILE_HASH, "type": "application/pdf"}
    ]
    version.save()
    return plan, version


def _wait_ready(packet_id, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        packet = ReviewPacket.objects.get(pk=packet_id)
        if packet.is_ready:
            return packet
        time.sleep(0.2)
    pytest.fail("the worker did not produce the review packet within 60 s")


def test_the_packet_is_produced_once_on_a_real_worker(celery_worker):
    plan, version = _plan_version()
    packet, queued = packets.request_packet(UserFactory(), version)  # autocommit: dispatched through the broker
    assert queued
    packet = _wait_ready(packet.pk)
    data = packet.pdf.open("rb").read()
    assert data.startswith(b"%PDF-")
    assert packet.sha256 == hashlib.sha256(data).hexdigest()
    first = (packet.pdf.name, packet.sha256, packet.generated_at)

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    compact = "".join(text.split())
    assert "울산이차전지원료특화단지육성계획" in compact
    assert FILE_HASH in compact
    assert version.sha256 in compact

    # a second delivery of the task changes nothing. The test waits for the worker to have handled it (its
    # task_postrun) and writes nothing meanwhile: on SQLite (make test without DATABASE_URL) the worker thread's
    # read holds a shared-cache table lock, and a write of this thread's during it failed with "database table is
    # locked" (it queued a second plan's packet as a marker, 4 runs out of 6).
    duplicate, handled = str(uuid.uuid4()), threading.Event()

    def finished(task_id=None, **_kwargs):
        if task_id == duplicate:
            handled.set()

    task_postrun.connect(finished, weak=False)
    try:
        generate_review_packet.apply_async((packet.pk,), task_id=duplicate)
        assert handled.wait(60), "the worker did not handle the second delivery within 60 s"
    finally:
        task_postrun.disconnect(finished)
    again = ReviewPacket.objects.get(pk=packet.pk)
    assert (again.pdf.name, again.sha256, again.generated_at) == first
    _again, queued = packets.request_packet(UserFactory(), version)
    assert not queued and ReviewPacket.objects.filter(version=version).count() == 1


def test_the_sweep_produces_packets_whose_task_was_lost(celery_worker):
    _plan, version = _plan_version()
    packet = ReviewPacket.objects.create(version=version, requested_by=UserFactory())  # no task queued
    ReviewPacket.objects.filter(pk=packet.pk).update(requested_at=packet.requested_at.replace(year=2020))
    assert sweep_review_packets() == 1  # run here; it queues the lost packet through the broker
    assert _wait_ready(packet.pk).sha256

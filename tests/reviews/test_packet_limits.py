"""The review packet render is bounded in time and tried a bounded number of times (issue 10, finding 11)."""

import pytest

from applications.tasks import generate_receipt
from committee.tasks import generate_notice
from core import pdf
from reviews.models import ReviewPacket
from reviews.tasks import generate_review_packet, sweep_review_packets
from tests.factories import CallFactory, UserFactory, make_rubric, reviewable_plan

pytestmark = pytest.mark.django_db


def stale_packet(**fields):
    call = CallFactory()
    make_rubric(call)
    version = reviewable_plan(call).versions.get()
    packet = ReviewPacket.objects.create(version=version, requested_by=UserFactory(), **fields)
    ReviewPacket.objects.filter(pk=packet.pk).update(requested_at=packet.requested_at.replace(year=2020))
    return packet


def test_every_pdf_task_has_a_time_limit():
    for task in (generate_review_packet, generate_receipt, generate_notice):
        assert task.soft_time_limit == pdf.SOFT_TIME_LIMIT
        assert task.time_limit == pdf.TIME_LIMIT


def test_a_packet_tried_too_often_is_given_up_not_swept_again():
    given_up = stale_packet(attempts=ReviewPacket.MAX_ATTEMPTS)
    assert sweep_review_packets() == 0
    assert generate_review_packet(given_up.pk) == "gave_up"
    given_up.refresh_from_db()
    assert not given_up.is_ready


def test_each_render_counts_as_an_attempt_and_the_last_allowed_one_still_renders():
    packet = stale_packet(attempts=ReviewPacket.MAX_ATTEMPTS - 1)
    assert sweep_review_packets() == 1  # tasks run in-process in this test run
    packet.refresh_from_db()
    assert packet.is_ready and packet.attempts == ReviewPacket.MAX_ATTEMPTS

"""The whole plan as one PDF (the review packet) is accessible (issue 14): tagged PDF/UA-1, fonts embedded,
its Korean text extractable in reading order."""

import pytest

from reviews import packets
from reviews.models import ReviewPacket
from tests import pdfcheck
from tests.factories import UserFactory, reviewable_plan

pytestmark = pytest.mark.django_db


def test_the_packet_is_tagged_pdf_ua_with_its_korean_text(review_call, rubric, django_capture_on_commit_callbacks):
    plan = reviewable_plan(review_call, title="울산 이차전지 원료 특화단지 육성계획")
    version = plan.versions.get()
    version.content["sections"]["overview"] = {"title": plan.title, "summary": "원료부터 재활용까지 한 곳에서"}
    version.save()
    with django_capture_on_commit_callbacks(execute=True):
        packets.request_packet(UserFactory(), version)
    data = ReviewPacket.objects.get().pdf.open("rb").read()
    pdfcheck.assert_accessible(
        data,
        language="ko",
        title=plan.receipt_number,
        expected=[
            review_call.authority_ko,
            "울산 이차전지 원료 특화단지 육성계획",
            "접수번호",
            plan.receipt_number,
            version.sha256[:16],
            "원료부터 재활용까지 한 곳에서",
        ],
    )

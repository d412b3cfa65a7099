"""The decision notice is an accessible PDF (issue 14): tagged PDF/UA-1 after it is signed, fonts embedded,
its text extractable in reading order, the English header as words (not spaced letters)."""

import pytest

from committee import services
from committee.documents import notice_context
from committee.models import DecisionNotice
from committee.tasks import NOTICE_TEMPLATE
from core import signing
from core.pdf import render_pdf
from tests import pdfcheck

from .conftest import minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db


def _notice(secretariat, item, capture, language):
    resolution = services.record_resolution(
        secretariat,
        item,
        minutes=minutes_pdf(),
        **resolution_data("designated_with_conditions", conditions="산업용수 공급계획을 2027년까지 확정할 것"),
    )
    with capture(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, language=language)
    return DecisionNotice.objects.get(pk=notice.pk)


def test_the_korean_notice_is_tagged_pdf_ua_and_stays_signed(
    secretariat, item, plan, django_capture_on_commit_callbacks
):
    notice = _notice(secretariat, item, django_capture_on_commit_callbacks, "ko")
    data = notice.pdf.open("rb").read()
    unsigned = render_pdf(NOTICE_TEMPLATE, notice_context(notice), language="ko")
    expected = [
        "산업통상부",
        "수신",
        plan.organization.name_ko,
        "조건부 지정",
        "산업용수 공급계획",
        "산업통상부장관",
        notice.document_number,
        notice.display_code,
    ]
    before = pdfcheck.assert_accessible(unsigned, language="ko", title=notice.document_number, expected=expected)
    assert "/Figure" in before.tags  # the QR code, with its text alternative (checked by assert_accessible)
    # signing (an incremental update) keeps the whole structure tree, and the signature covers the whole file
    after = pdfcheck.assert_accessible(
        data, language="ko", title=notice.document_number, expected=expected, version=None
    )
    assert after.tags == before.tags
    assert signing.check_pdf(data).genuine


def test_the_english_notice_is_tagged_and_its_header_reads_as_words(
    secretariat, item, plan, django_capture_on_commit_callbacks
):
    notice = _notice(secretariat, item, django_capture_on_commit_callbacks, "en")
    checked = pdfcheck.assert_accessible(
        notice.pdf.open("rb").read(),
        language="en",
        title=notice.document_number,
        expected=["Ministry of Trade and Industry", "Recipient", "Designated", "Minister of Trade and Industry"],
        version=None,
    )
    assert "M i n i s t r y" not in checked.text

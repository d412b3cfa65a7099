"""The decision notice is an accessible PDF (issue 14): tagged PDF/UA-1 after it is signed, still PDF 1.7 (the
version PDF/UA-1 is built on; pyHanko would declare 2.0 for the ECDSA signature), fonts embedded, its text
extractable in reading order, the English header as words (not spaced letters)."""

import pytest
from django.utils import translation

from committee import services
from committee.documents import notice_context
from committee.models import DecisionNotice
from committee.tasks import NOTICE_TEMPLATE
from core import signing
from core.pdf import render_pdf
from tests import pdfcheck

from .conftest import MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db


def _notice(secretariat, item, capture, language):
    resolution = services.record_resolution(
        secretariat,
        item,
        at=MEETING_DAY,
        minutes=minutes_pdf(),
        **resolution_data("designated_with_conditions", conditions="산업용수 공급계획을 2027년까지 확정할 것"),
    )
    with capture(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY, language=language)
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
    # signing (an incremental update) keeps the whole structure tree and PDF 1.7, and covers the whole file
    after = pdfcheck.assert_accessible(data, language="ko", title=notice.document_number, expected=expected)
    assert after.info["PDF version"] == "1.7" and after.info["Tagged"] == "yes"
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
    )
    assert checked.info["PDF version"] == "1.7"  # signed, and still the version PDF/UA-1 is built on
    assert "M i n i s t r y" not in checked.text


def test_the_notice_follows_the_official_document_form(
    secretariat, item, plan, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_AUTHORITY_POSTCODE = "30118"
    settings.PORTAL_AUTHORITY_HOMEPAGE = "www.motie.go.kr"
    settings.PORTAL_AUTHORITY_FAX = "044-203-4000"
    plan.call.authority_address, plan.call.authority_phone = "세종특별자치시 한누리대로 402", "044-203-0000"
    plan.call.save()
    notice = _notice(secretariat, item, django_capture_on_commit_callbacks, "ko")
    text = " ".join(pdfcheck.pdftext(notice.pdf.open("rb").read()).split())
    assert "2026. 7. 15. 제7차 회의" in text  # days as official documents write them, never ISO
    assert "2026-07-15" not in text
    # "끝." closes the body, before the issuer's name
    assert text.index("공개하지 않습니다. 끝.") < text.index("산업통상부장관")
    issued = f"{notice.issued_on.year}. {notice.issued_on.month}. {notice.issued_on.day}."
    assert f"시행 {notice.document_number} ({issued})" in text
    assert "우 30118 세종특별자치시 한누리대로 402 / www.motie.go.kr" in text
    assert "전화 044-203-0000 전송 044-203-4000 / 공개 구분: 공개" in text


def test_the_link_and_qr_code_use_the_configured_public_address(secretariat, item, plan, settings):
    from committee.documents import qr_data_uri, verification_url

    settings.PORTAL_BASE_URL = "http://127.0.0.1:8765"
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    context = notice_context(notice)
    assert context["verification_url"] == f"http://127.0.0.1:8765/verify/{notice.display_code}/"
    assert context["qr"] == qr_data_uri(context["verification_url"])
    assert verification_url(notice) == context["verification_url"]


@pytest.mark.parametrize("lines", range(0, 24, 3))
def test_a_score_table_is_never_split_across_pages(secretariat, item, plan, lines):
    """The reasons grow line by line, pushing the evaluation summary across the page break: each stage's
    table moves to the next page whole (its header with all its rows), never leaving a row behind."""
    reasons = "\n".join(f"{n}. 투자 확실성과 생태계 연계가 우수함" for n in range(1, lines + 2))
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data(reasons=reasons)
    )
    notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    context = notice_context(notice)
    assert context["stages"], "the fixture's plan has a recommendation with stage results"
    data = render_pdf(NOTICE_TEMPLATE, context, language="ko")
    pages = int(pdfcheck.pdfinfo(data)["Pages"])
    texts = [" ".join(pdfcheck.pdftext(data, page=page).split()) for page in range(1, pages + 1)]
    with translation.override("ko"):
        for stage in context["stages"]:
            label = str(stage["label"])
            holding = [n for n, text in enumerate(texts) if label in text]
            assert len(holding) == 1
            for criterion in stage["criteria"]:
                assert criterion["title"] in texts[holding[0]], f"{criterion['title']} is not on {label}'s page"

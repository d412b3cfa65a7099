"""The submission receipt is an accessible PDF (issue 14): tagged PDF/UA-1, fonts embedded, Korean text that
comes back out as text, in reading order."""

import pytest
import time_machine

from applications import services
from tests import pdfcheck

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


def test_the_receipt_is_tagged_pdf_ua_with_its_korean_text(complete, applicant, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.submit(applicant, complete, at=BEFORE)
    version = complete.versions.get()
    version.refresh_from_db()
    data = version.receipt_pdf.open("rb").read()
    checked = pdfcheck.assert_accessible(
        data,
        language="ko",
        title="접수증 2026-BAT-001",
        expected=[complete.call.authority_ko, "접수증", "접수번호", "2026-BAT-001", version.sha256[:16]],
    )
    assert any("Nanum" in font["name"] for font in checked.fonts)

"""The decision notice PDF (rendered in-process here; test_notice_worker.py runs it on a real worker)."""

import hashlib
import subprocess
from unittest import mock

import pytest

from committee import services
from committee.models import DecisionNotice
from committee.models.notices import CODE_BYTES, format_code, new_verification_code, normalise_code
from committee.tasks import generate_notice

from .conftest import MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def notice(secretariat, item, django_capture_on_commit_callbacks, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.go.kr"
    resolution = services.record_resolution(
        secretariat,
        item,
        at=MEETING_DAY,
        minutes=minutes_pdf(),
        **resolution_data("designated_with_conditions", conditions="산업용수 공급계획을 2027년까지 확정할 것"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return DecisionNotice.objects.get(pk=notice.pk)


def test_the_notice_carries_the_decision_in_korean_and_its_number(notice, plan):
    data = notice.pdf.open("rb").read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == notice.sha256
    text = pdf_text(data)
    assert "조건부 지정" in text
    assert "첨단산업정책과-0001" in text
    assert "산업용수 공급계획" in text
    assert plan.organization.name_ko in text
    assert notice.display_code in text
    assert "산업통상부장관" in text
    assert "1,500,000,000,000" in text  # the anchor company's investment


def test_the_notice_shows_stage_results_never_a_reviewer(notice, plan):
    text = pdf_text(notice.pdf.open("rb").read())
    assert "81.5" in text  # the advisory stage's score from the frozen summary
    assert "사용자" not in text  # no evaluator's name


def test_english_on_request(secretariat, item, django_capture_on_commit_callbacks):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY, language="en")
    text = pdf_text(DecisionNotice.objects.get(pk=notice.pk).pdf.open("rb").read())
    assert "Recipient" in text and "Designated" in text and "Test Metropolitan City" in text


def test_running_the_task_again_changes_nothing(notice):
    before = (notice.pdf.name, notice.sha256, notice.generated_at)
    assert generate_notice.delay(notice.pk).get() == "exists"
    notice.refresh_from_db()
    assert (notice.pdf.name, notice.sha256, notice.generated_at) == before


def test_verification_codes_are_random_and_checked():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(normalise_code(code) == code for code in codes)
    code = codes.pop()
    assert normalise_code(format_code(code).lower()) == code
    assert normalise_code(f" {format_code(code)}\n") == code
    for malformed in ("not-a-code", "", code[:17], code + "A", code[:17] + "1", code[:17] + "가"):
        assert normalise_code(malformed) is None


def code_from(random_bytes: bytes) -> str:
    """The code `new_verification_code` makes when the random source gives these bytes."""
    with mock.patch("committee.models.notices.secrets.token_bytes", return_value=random_bytes):
        return new_verification_code()


def one_character_changes(code: str):
    return [code[:i] + ch + code[i + 1 :] for i in range(len(code)) for ch in BASE32 if ch != code[i]]


def test_a_code_with_one_character_changed_is_refused_but_for_chance():
    """Two check characters are 10 bits: a change of a check character is always refused, and about 1 in 1,024
    changes of the body passes the check by chance (then it is simply not found: the page says the same of both).
    The test once changed one character of a random code and asserted a refusal; CI met that chance in stop 26
    ('DHBLDOVPN32G6JBAX3' passes the check). Fixed codes make this deterministic; it measures the share over
    every one-character change of 40 of them (19,840 changes)."""
    passed = []
    for n in range(40):
        code = code_from(hashlib.sha256(str(n).encode()).digest()[:CODE_BYTES])
        changes = one_character_changes(code)
        assert len(changes) == 18 * 31
        passed += [i for i, change in enumerate(changes) if normalise_code(change) is not None]
    assert passed and all(i < 16 * 31 for i in passed)
    assert len(passed) / (40 * 16 * 31) < 2 / 1024
    assert normalise_code("DHBLDOVPN32G6JBAX3") == "DHBLDOVPN32G6JBAX3"

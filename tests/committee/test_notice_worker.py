"""The notice task on a real Celery worker over Redis: one PDF per resolution, one e-mail, retries harmless."""

import time

import pytest
import time_machine

from committee import services
from committee.models import DecisionNotice
from committee.tasks import generate_notice
from core.models import OutboxMessage

from .conftest import AFTER_ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data
from .test_notices import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"the worker did not {what} within {seconds} s")


def test_confirming_produces_exactly_one_notice_on_a_real_worker(celery_worker, secretariat, item, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    notice = services.confirm_resolution(
        secretariat, resolution, at=MEETING_DAY
    )  # autocommit: queued through the broker
    wait_for(lambda: DecisionNotice.objects.get(pk=notice.pk).is_ready, "render the notice")
    notice = DecisionNotice.objects.get(pk=notice.pk)
    data = notice.pdf.open("rb").read()
    text = pdf_text(data)
    assert "지정" in text and notice.document_number in text
    first = (notice.pdf.name, notice.sha256)

    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=True):
        assert services.send_notices(secretariat, [notice], at=AFTER_ANNOUNCEMENT) == 1
    reference = f"committee.notice:{notice.pk}"
    wait_for(
        lambda: OutboxMessage.objects.filter(reference=reference, status=OutboxMessage.Status.SENT).exists(),
        "send the e-mail",
    )

    # a duplicate delivery of the same task, and a second send, change nothing and send nothing more
    generate_notice.delay(notice.pk)
    generate_notice.delay(notice.pk)
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=True):
        assert services.send_notices(secretariat, [notice], at=AFTER_ANNOUNCEMENT) == 0
    time.sleep(2)
    notice.refresh_from_db()
    assert (notice.pdf.name, notice.sha256) == first
    assert notice.pdf.open("rb").read() == data
    assert DecisionNotice.objects.count() == 1
    assert OutboxMessage.objects.filter(reference__startswith="committee.notice:").count() == 1
    message = OutboxMessage.objects.get(reference=reference)
    assert message.attachments == [notice.pdf.name] and message.to == ["owner@ulsan.go.kr"]
    from django.core import mail

    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][1] == data

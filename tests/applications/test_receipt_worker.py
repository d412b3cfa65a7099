"""The receipt task on a real Celery worker over Redis: arguments serialised, PDF stored once, e-mail once."""

import time

import pytest

from applications import services
from applications.models import PlanVersion
from core.models import OutboxMessage

from .conftest import BEFORE

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_submitting_produces_one_receipt_on_a_real_worker(celery_worker, complete, applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    version = services.submit(applicant, complete, at=BEFORE)  # autocommit: dispatched through the broker
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message = OutboxMessage.objects.filter(reference=f"applications.receipt:{version.pk}").first()
        if message and message.status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not produce and send the receipt within 60 s")
    version = PlanVersion.objects.get(pk=version.pk)
    assert version.receipt_pdf.open("rb").read(5) == b"%PDF-"
    first_hash = version.receipt_sha256
    # a duplicate delivery of the same task changes nothing and sends nothing more
    from applications.tasks import generate_receipt

    generate_receipt.delay(version.pk)
    time.sleep(2)
    assert PlanVersion.objects.get(pk=version.pk).receipt_sha256 == first_hash
    assert OutboxMessage.objects.filter(reference__startswith="applications.receipt:").count() == 1

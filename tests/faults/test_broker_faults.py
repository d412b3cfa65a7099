"""A frozen broker (the test's own redis-server, SIGSTOP: it accepts connections and never answers)."""

import datetime
import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications import services
from applications.demo_plans import MINIMAL_PDF
from applications.models import PlanVersion
from applications.tasks import sweep_receipts
from applications.workflow import State
from core import queueing
from core.models import OutboxMessage
from tests.factories import ApplicationFactory, CallFactory, FieldFactory, MembershipFactory, complete_plan

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ready_plan():
    now = timezone.now()
    call = CallFactory(
        fields=[FieldFactory(code="BAT")],
        opens_at=now - datetime.timedelta(days=1),
        deadline=now + datetime.timedelta(days=1),
    )
    owner = MembershipFactory(role=Membership.Role.OWNER).user
    organization = owner.memberships.get().organization
    plan = ApplicationFactory(call=call, organization=organization, created_by=owner)
    complete_plan(plan)
    for kind in ("plan_document", "investment_mou", "site_map"):
        upload = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF, content_type="application/pdf")
        services.upload_attachment(owner, plan, kind=kind, upload=upload, at=now)
    return owner, plan


def test_a_submit_succeeds_within_seconds_while_the_broker_is_frozen_and_the_receipt_arrives_once_after(
    own_redis, broker, settings, client, ready_plan, mailoutbox
):
    """Before: the post-commit publish waited on Redis with no socket timeout, and the recorded submission
    answered 500 after 121 s; /health/ hung the same way."""
    redis_process, url = own_redis
    broker(url)
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queueing.reset()
    owner, plan = ready_plan
    client.force_login(owner)
    os.kill(redis_process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = client.post(reverse("applications:submit", args=[plan.pk]))
        submit_seconds = time.monotonic() - started
        started = time.monotonic()
        health = client.get(reverse("health"))
        health_seconds = time.monotonic() - started
    finally:
        os.kill(redis_process.pid, signal.SIGCONT)
    print(f"frozen broker: submit answered in {submit_seconds:.2f} s, /health/ in {health_seconds:.2f} s")
    assert response.status_code == 302, response.content[:500]
    plan.refresh_from_db()
    assert plan.status == State.SUBMITTED and plan.receipt_number
    # A hang detector, not a speed target: one bounded publish attempt (2 s timeouts, one retry) at most.
    assert submit_seconds < 15, submit_seconds
    assert health.status_code == 200 and health.json()["status"] == "degraded", health.content
    assert health_seconds < 10, health_seconds
    assert not PlanVersion.objects.get(application=plan).receipt_pdf  # the receipt task never reached a worker

    # The broker is back: the sweep produces the receipt and its e-mail, once (run in-process here; the
    # mail fault tests cover the real worker).
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    queueing.reset()
    assert sweep_receipts(stale_after_seconds=0) == 1
    version = PlanVersion.objects.get(application=plan)
    assert version.receipt_pdf
    assert sweep_receipts(stale_after_seconds=0) == 0
    assert len(mailoutbox) == 1
    message = OutboxMessage.objects.get(reference=f"applications.receipt:{version.pk}")
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id

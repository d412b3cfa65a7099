"""A receipt that cannot be rendered is given up after RECEIPT_ROUNDS rounds instead of being re-queued forever.

Before: the sweep re-queued every version without a receipt PDF, without order or end, up to 200 at a time; a
few receipts that always fail (a rendering bug) were sent to the worker every five minutes for ever, and 200 of
them would have kept every lost-but-healthy receipt out of the sweep. Each also counted as "waiting ahead" of
every later receipt on the applicant's page, so that figure never went down to zero.
"""

import datetime
import io

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from applications import dashboard, selectors, services, tasks
from applications.models import PlanVersion
from applications.models.plans import RECEIPT_ROUNDS
from tests.factories import ApplicationFactory, UserFactory, attach_required_files, complete_plan

from .conftest import BEFORE

pytestmark = pytest.mark.django_db
LATER = BEFORE + datetime.timedelta(minutes=10)


def submitted(applicant, call, organization):
    plan = ApplicationFactory(call=call, organization=organization, created_by=applicant)
    complete_plan(plan)
    attach_required_files(plan, applicant)
    return services.submit(applicant, plan, at=BEFORE)  # no on-commit here: no receipt task ran


@pytest.fixture
def version(complete, applicant):
    return services.submit(applicant, complete, at=BEFORE)


@pytest.fixture
def broken_renderer(monkeypatch):
    calls = []

    def fail(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("the renderer fails on this plan")

    monkeypatch.setattr("core.pdf.render_pdf", fail)
    return calls


def test_a_round_that_fails_to_the_end_is_counted_once(version, broken_renderer):
    last = tasks.generate_receipt.max_retries
    for retries in range(last):  # the tries of a round before its last are retried, not counted
        with pytest.raises(Retry):
            tasks.generate_receipt.apply(args=(version.pk,), retries=retries)
        version.refresh_from_db()
        assert version.receipt_failures == 0
    with pytest.raises(RuntimeError):
        tasks.generate_receipt.apply(args=(version.pk,), retries=last)
    version.refresh_from_db()
    assert len(broken_renderer) == last + 1
    assert version.receipt_failures == 1 and not version.receipt_pdf and not version.receipt_given_up


def test_the_sweep_gives_a_receipt_up_after_its_last_round(version, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.generate_receipt, "delay", queued.append)
    PlanVersion.objects.filter(pk=version.pk).update(receipt_failures=RECEIPT_ROUNDS - 1)
    with time_machine.travel(LATER, tick=False):
        assert tasks.sweep_receipts(stale_after_seconds=300) == 1
    assert queued == [version.pk]
    PlanVersion.objects.filter(pk=version.pk).update(receipt_failures=RECEIPT_ROUNDS)
    with time_machine.travel(LATER, tick=False):
        assert tasks.sweep_receipts(stale_after_seconds=300) == 0
    assert queued == [version.pk]


def test_the_sweep_takes_the_oldest_first(applicant, call, complete, monkeypatch):
    organization = complete.organization
    versions = [submitted(applicant, call, organization) for _ in range(3)]
    queued = []
    monkeypatch.setattr(tasks.generate_receipt, "delay", queued.append)
    with time_machine.travel(LATER, tick=False):
        tasks.sweep_receipts(stale_after_seconds=300)
    assert queued == sorted(v.pk for v in versions)


def test_a_given_up_receipt_waits_for_nobody_and_says_so(client, applicant, call, complete):
    earlier = submitted(applicant, call, complete.organization)
    version = services.submit(applicant, complete, at=BEFORE)
    assert selectors.receipts_ahead(version) == 1
    PlanVersion.objects.filter(pk=earlier.pk).update(receipt_failures=RECEIPT_ROUNDS)
    assert selectors.receipts_ahead(version) == 0
    earlier.refresh_from_db()
    assert earlier.receipt_given_up and selectors.receipts_ahead(earlier) is None
    client.force_login(applicant)
    page = client.get(
        reverse("applications:version", args=[earlier.application_id, earlier.number]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The receipt could not be produced automatically. The ministry has been told" in page
    assert "still waiting" not in page
    detail = client.get(reverse("applications:detail", args=[earlier.application_id]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Receipt delayed: the ministry will send it" in detail.content.decode()
    korean = client.get(reverse("applications:version", args=[earlier.application_id, earlier.number]))
    assert "접수증을 자동으로 만들지 못했습니다" in korean.content.decode()


def test_staff_see_the_given_up_receipts_on_their_list(applicant, call, complete):
    staff = UserFactory(roles=["ministry_staff"])
    request = RequestFactory().get("/")
    request.user = staff
    assert not [t for t in dashboard.staff_todos(request) if "receipt" in str(t.text)]
    first = submitted(applicant, call, complete.organization)
    second = services.submit(applicant, complete, at=BEFORE)
    PlanVersion.objects.filter(pk__in=[first.pk, second.pk]).update(receipt_failures=RECEIPT_ROUNDS)
    with translation.override("en"):
        todos = [t for t in dashboard.staff_todos(request) if "receipt" in str(t.text)]
    assert len(todos) == 1 and str(todos[0].text).startswith("2 submission receipts could not be produced")
    assert todos[0].url == reverse("applications:version", args=[first.application_id, first.number])
    applicant_request = RequestFactory().get("/")
    applicant_request.user = applicant
    assert dashboard.staff_todos(applicant_request) == []


def test_retry_receipts_gives_them_a_new_round(version, mailoutbox):
    PlanVersion.objects.filter(pk=version.pk).update(receipt_failures=RECEIPT_ROUNDS)
    call_command("retry_receipts", stdout=io.StringIO())
    version.refresh_from_db()
    assert version.receipt_failures == 0 and version.receipt_pdf  # eager here: produced at once
    assert not PlanVersion.objects.receipt_given_up().exists()

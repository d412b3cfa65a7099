"""The receipt counter's first-submission path and an amendment's row write, called directly (issue 11: the
mutation run of the rewritten submit left both unguarded)."""

import datetime

import pytest
import time_machine

from applications import services
from applications.models import Application, ReceiptCounter

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


def test_a_first_submission_that_finds_the_counter_created_meanwhile_continues_it(complete, monkeypatch):
    """Two first submissions of a call and field at once: both find no row for their increment, one creates it
    and numbers 001, the other waits on it and must go on from there (002), never number 001 again."""
    ReceiptCounter.objects.create(call=complete.call, field=complete.field, last=1)
    monkeypatch.setattr(services, "_increment_counter", lambda call_id, field_id: None)  # the row came after
    assert services._next_receipt_number(complete) == "2026-BAT-002"
    assert ReceiptCounter.objects.get(call=complete.call, field=complete.field).last == 2


def test_the_very_first_submission_creates_the_counter_at_one(complete):
    assert not ReceiptCounter.objects.exists()
    assert services._next_receipt_number(complete) == "2026-BAT-001"
    assert services._next_receipt_number(complete) == "2026-BAT-002"  # then the increment takes over


def test_an_amendment_marks_the_plan_updated(complete, applicant):
    """The plan lists show when a plan last changed: an amendment is a change (the workflow saves its row)."""
    with time_machine.travel(BEFORE, tick=False):
        services.submit(applicant, complete, at=BEFORE)
    later = BEFORE + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        services.submit(applicant, Application.objects.get(pk=complete.pk), at=later)
    plan = Application.objects.get(pk=complete.pk)
    assert plan.updated_at == later and plan.versions.count() == 2

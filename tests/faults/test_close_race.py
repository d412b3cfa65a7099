"""The close and a submit racing on PostgreSQL: the submit arrived before the deadline and is still in its
transaction while the close runs. Whatever the order of their commits, the plan ends up received."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections

from accounts.models import Membership
from applications import deadline, services, tasks
from applications.models import Application, Call
from applications.workflow import State
from tests import services as test_services
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    attach_required_files,
    complete_plan,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_a_submit_that_commits_after_the_close_is_received(monkeypatch):
    test_services.need("PostgreSQL", connection.vendor == "postgresql", "two real transactions need PostgreSQL")
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    owner = MembershipFactory(role=Membership.Role.OWNER).user
    plan = ApplicationFactory(call=call, organization=owner.memberships.get().organization, created_by=owner)
    complete_plan(plan)
    attach_required_files(plan, owner)
    arrived = call.deadline - datetime.timedelta(milliseconds=1)

    in_transaction, close_done = threading.Event(), threading.Event()
    original_freeze = services._freeze

    def slow_freeze(*args, **kwargs):
        in_transaction.set()  # the plan row is locked and "submitted", not yet committed
        assert close_done.wait(30)
        return original_freeze(*args, **kwargs)

    monkeypatch.setattr(services, "_freeze", slow_freeze)
    errors = []

    def submit():
        try:
            services.submit(owner, Application.objects.get(pk=plan.pk), at=arrived)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    first_close = []

    def close():
        try:
            with time_machine.travel(deadline.closes_at(call), tick=True):
                first_close.append(tasks.close_due_calls())
        finally:
            connections.close_all()

    submitter = threading.Thread(target=submit)
    submitter.start()
    assert in_transaction.wait(30)
    closer = threading.Thread(target=close)
    closer.start()  # reads the plan as a draft, then waits for the call row the submit holds
    closer.join(2)
    close_done.set()
    submitter.join(30)
    closer.join(30)
    assert not errors, errors
    assert first_close == [0]  # the submit had not committed when the close looked for submitted plans
    assert Call.objects.get(pk=call.pk).closed_at is not None
    assert Application.objects.get(pk=plan.pk).status == State.SUBMITTED  # committed around the close

    with time_machine.travel(deadline.closes_at(call) + datetime.timedelta(minutes=1), tick=True):
        assert tasks.close_due_calls() == 1  # before: closed calls were skipped, the plan stayed submitted
    assert Application.objects.get(pk=plan.pk).status == State.RECEIVED

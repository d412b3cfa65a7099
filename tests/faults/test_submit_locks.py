"""What a submission in progress holds on PostgreSQL (issue 12): only its own plan's rows. Before, every submit
locked the call's row and its organisation's row (select_for_update over select_related), the one global audit
chain head, and the receipt counter of its call and field for its whole transaction, so the portal took one
submission at a time."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from accounts.models import Membership, Organization
from applications import audit, services, snapshot
from applications.models import Application, AuditChainHead, Call, ReceiptCounter
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


def test_a_submit_in_progress_locks_only_its_own_plan(monkeypatch):
    test_services.need("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL")
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    owner = MembershipFactory(role=Membership.Role.OWNER).user
    plans = []
    for _ in range(2):
        plan = ApplicationFactory(call=call, organization=owner.memberships.get().organization, created_by=owner)
        complete_plan(plan)
        attach_required_files(plan, owner)
        plans.append(plan)
    arrived = call.deadline - datetime.timedelta(days=1)
    services.submit(owner, plans[1], at=arrived)  # the call and field's receipt counter and a plan head exist
    audit.record(action="noted", call=call, at=arrived)  # and the global chain's head

    reading, release = threading.Event(), threading.Event()
    original = snapshot.serialize

    def slow_serialize(application):
        reading.set()  # inside the submit's transaction: the plan moved to "submitted", its content being read
        assert release.wait(30)
        return original(application)

    monkeypatch.setattr(snapshot, "serialize", slow_serialize)
    errors = []

    def submit():
        try:
            services.submit(owner, Application.objects.get(pk=plans[0].pk), at=arrived)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    submitter = threading.Thread(target=submit)
    submitter.start()
    try:
        assert reading.wait(30)
        with transaction.atomic():  # NOWAIT: any of these rows locked by the submit raises at once
            Call.objects.select_for_update(nowait=True).get(pk=call.pk)
            Organization.objects.select_for_update(nowait=True).get(pk=plans[0].organization_id)
            AuditChainHead.objects.select_for_update(nowait=True).get(key="global")
            AuditChainHead.objects.select_for_update(nowait=True).get(key=f"plan:{plans[1].pk}")
            ReceiptCounter.objects.select_for_update(nowait=True).get(call=call)
            Application.objects.select_for_update(nowait=True).get(pk=plans[1].pk)
    finally:
        release.set()
        submitter.join(30)
    assert not errors, errors
    assert Application.objects.get(pk=plans[0].pk).receipt_number == "2026-BAT-002"

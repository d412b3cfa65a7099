"""The database connection dies inside a write (pg_terminate_backend, as a failover or an admin would):
no half state, no receipt number used up, no file left on disk for a row that never committed."""

import datetime

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone

from accounts.models import Membership
from applications import audit, services
from applications.demo_plans import MINIMAL_PDF
from applications.models import Application, Attachment, PlanVersion, ReceiptCounter
from applications.workflow import State
from tests.factories import ApplicationFactory, CallFactory, FieldFactory, MembershipFactory, complete_plan

from .conftest import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def terminate_own_backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    killer = psycopg2.connect(database_url().replace("postgres://", "postgresql://"))
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()


@pytest.fixture
def plan():
    now = timezone.now()
    call = CallFactory(
        fields=[FieldFactory(code="BAT")],
        opens_at=now - datetime.timedelta(days=1),
        deadline=now + datetime.timedelta(days=1),
    )
    owner = MembershipFactory(role=Membership.Role.OWNER).user
    plan = ApplicationFactory(call=call, organization=owner.memberships.get().organization, created_by=owner)
    complete_plan(plan)
    return owner, plan


def stored_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def dies_after_first_audit(monkeypatch):
    original = audit.record

    def record(*args, **kwargs):
        result = original(*args, **kwargs)
        terminate_own_backend()
        return result

    monkeypatch.setattr(audit, "record", record)


def test_an_upload_whose_transaction_dies_leaves_no_row_and_no_file(plan, monkeypatch, settings):
    owner, application = plan
    dies_after_first_audit(monkeypatch)
    upload = SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf")
    with pytest.raises(OperationalError):
        services.upload_attachment(owner, application, kind="plan_document", upload=upload, at=timezone.now())
    connection.close()
    monkeypatch.undo()
    assert not Attachment.objects.exists()
    assert stored_files(settings.MEDIA_ROOT / "applications") == []  # before: the file stayed in MEDIA_ROOT


def test_a_submit_whose_transaction_dies_leaves_the_plan_as_it_was(plan, monkeypatch, settings):
    owner, application = plan
    for kind in ("plan_document", "investment_mou", "site_map"):
        upload = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF, content_type="application/pdf")
        services.upload_attachment(owner, application, kind=kind, upload=upload, at=timezone.now())
    files_before = stored_files(settings.MEDIA_ROOT)
    dies_after_first_audit(monkeypatch)
    with pytest.raises(OperationalError):
        services.submit(owner, application, at=timezone.now())
    connection.close()
    monkeypatch.undo()
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.status, fresh.receipt_number, fresh.submitted_at) == (State.DRAFT, None, None)
    assert not PlanVersion.objects.exists()
    assert list(ReceiptCounter.objects.values_list("last", flat=True)) in ([], [0])
    assert stored_files(settings.MEDIA_ROOT) == files_before
    # and the applicant simply submits again
    services.submit(owner, fresh, at=timezone.now())
    fresh.refresh_from_db()
    assert fresh.status == State.SUBMITTED and fresh.receipt_number.endswith("-BAT-001")

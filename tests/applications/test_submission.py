import threading

import pytest
import time_machine
from django.db import connection, connections
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Organization
from applications import services
from applications.models import Application, PlanVersion
from applications.workflow import State, TransitionError
from core.models import OutboxMessage
from tests import services as test_services
from tests.factories import ApplicationFactory

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


def test_submit_freezes_a_version_and_numbers_the_receipt(
    client, complete, applicant, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    client.force_login(applicant)
    with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[complete.pk]), follow=True)
    assert response.status_code == 200
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED
    assert complete.receipt_number == "2026-BAT-001"
    version = complete.versions.get()
    assert version.content["sections"]["site"]["name"] == "온산 이차전지 원료 특화단지"
    assert len(version.content["attachments"]) == 3
    assert len(version.sha256) == 64
    # the receipt PDF was made (by the Celery task, eager here) and e-mailed with it attached
    version.refresh_from_db()
    assert version.receipt_pdf and len(version.receipt_sha256) == 64
    path = tmp_path / "receipt.pdf"
    path.write_bytes(version.receipt_pdf.open("rb").read())
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "2026-BAT-001" in text and "접수증" in text and version.sha256 in text.replace("\n", "")
    message = OutboxMessage.objects.get(reference=f"applications.receipt:{version.pk}")
    assert message.status == OutboxMessage.Status.SENT
    assert mailoutbox[-1].attachments[0][0].endswith(".pdf")
    download = client.get(reverse("applications:receipt", args=[complete.pk, 1]))
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]


def test_receipt_numbers_count_per_call_and_field(complete, applicant, call):
    services.submit(applicant, complete, at=BEFORE)
    other = ApplicationFactory(call=call, organization=complete.organization, created_by=applicant)
    from tests.factories import complete_plan

    complete_plan(other)
    from applications.models import Attachment

    for a in complete.attachments.all():
        Attachment.objects.create(
            application=other,
            kind=a.kind,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_by=applicant,
        )
    services.submit(applicant, other, at=BEFORE)
    other.refresh_from_db()
    assert other.receipt_number == "2026-BAT-002"


def test_amend_makes_a_new_version_with_a_readable_diff(client, complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    complete.site.area_m2 = 1_300_000
    complete.site.save()
    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED
    assert complete.receipt_number == "2026-BAT-001"
    assert list(complete.versions.values_list("number", flat=True)) == [1, 2]
    client.force_login(applicant)
    html = client.get(
        reverse("applications:diff", args=[complete.pk, 1, 2]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1250000" in html and "1300000" in html
    assert "Area (m²)" in html  # field labels start with a capital, as every label does


def test_incomplete_plan_is_refused_with_the_reason(plan, applicant):
    with pytest.raises(TransitionError) as exc:
        services.submit(applicant, plan, at=BEFORE)
    assert "완성되지 않았습니다" in str(exc.value.message)
    assert PlanVersion.objects.count() == 0


def test_pending_organization_drafts_but_cannot_submit(complete, applicant):
    Organization.objects.filter(pk=complete.organization_id).update(status=Organization.Status.PENDING)
    complete.organization.refresh_from_db()
    with pytest.raises(TransitionError) as exc:
        services.submit(applicant, complete, at=BEFORE)
    assert "승인을 기다리고" in str(exc.value.message)


def test_withdraw_before_the_deadline(client, complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    services.withdraw(applicant, complete, reason="사업 재검토", at=BEFORE)
    complete.refresh_from_db()
    assert complete.status == State.WITHDRAWN
    with pytest.raises(TransitionError):
        services.submit(applicant, complete, at=BEFORE)


def test_viewer_cannot_submit(complete, editor_of):
    viewer = editor_of(complete, role="viewer")
    with pytest.raises(TransitionError):
        services.submit(viewer, complete, at=BEFORE)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_submission(applicant, call):
    """Two editors press submit at the same moment: one submission, one version, one receipt number.

    This check only holds on PostgreSQL: it relies on the row locks (select_for_update) of the plan and the receipt
    counter, which SQLite does not have. On SQLite it is skipped; with REQUIRE_SERVICES=1 (CI) it fails instead
    of skipping, so CI always runs it on PostgreSQL.
    """
    test_services.need("PostgreSQL", connection.vendor == "postgresql", "row locks need DATABASE_URL=postgres://...")
    from tests.factories import complete_plan

    plan = ApplicationFactory(call=call, organization=applicant.memberships.get().organization, created_by=applicant)
    complete_plan(plan)
    from tests.factories import attach_required_files

    attach_required_files(plan, applicant)
    barrier = threading.Barrier(2)
    outcomes = []

    def press_submit():
        try:
            barrier.wait()
            services.submit(applicant, Application.objects.get(pk=plan.pk), at=BEFORE)
            outcomes.append("submitted")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    plan.refresh_from_db()
    assert plan.status == State.SUBMITTED
    assert plan.receipt_number == "2026-BAT-001"
    # The second either amends after the first (a second version, same number) or is refused: never two numbers.
    assert sorted(outcomes) in (["refused", "submitted"], ["submitted", "submitted"])
    assert plan.versions.count() == outcomes.count("submitted")
    assert Application.objects.exclude(receipt_number=None).count() == 1


def _copy_files(source, target, actor):
    from applications.models import Attachment

    for a in source.attachments.all():
        Attachment.objects.create(
            application=target,
            kind=a.kind,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_by=actor,
        )


def test_two_calls_closing_in_the_same_year_both_accept_submissions(complete, applicant, call):
    """Found after `make run` on 2026-12-01: the practice call's first submit hit the main call's number."""
    from tests.factories import CallFactory, complete_plan

    services.submit(applicant, complete, at=BEFORE)
    second_call = CallFactory(fields=[call.fields.get()], deadline=call.deadline)
    other = ApplicationFactory(call=second_call, organization=complete.organization, created_by=applicant)
    complete_plan(other)
    _copy_files(complete, other, applicant)
    services.submit(applicant, other, at=BEFORE)  # was: IntegrityError on receipt_number, on every retry
    complete.refresh_from_db()
    other.refresh_from_db()
    assert complete.receipt_number == "2026-BAT-001"
    assert other.receipt_number == f"{second_call.receipt_prefix}-BAT-001"
    assert second_call.receipt_prefix != call.receipt_prefix
    assert second_call.receipt_prefix.startswith("2026")


def test_receipt_prefix_is_fixed_once_a_receipt_was_issued(complete, applicant, call):
    from django.core.exceptions import ValidationError

    services.submit(applicant, complete, at=BEFORE)
    call.refresh_from_db()
    call.receipt_prefix = "2027"
    with pytest.raises(ValidationError):
        call.full_clean()


def test_a_stored_receipt_without_its_e_mail_is_mailed_by_the_sweep(complete, applicant, mailoutbox):
    """Before: a worker that died between storing the receipt PDF and queueing its e-mail left a receipt that
    was never e-mailed: the sweep only looked for missing PDFs."""
    import datetime

    from django.core.files.base import ContentFile

    from applications.tasks import sweep_receipts

    version = services.submit(applicant, complete, at=BEFORE)  # on_commit never runs here: no task, no e-mail
    version.receipt_pdf.save("receipts/x-v1.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert not OutboxMessage.objects.exists()
    with time_machine.travel(BEFORE + datetime.timedelta(minutes=10), tick=False):
        assert sweep_receipts(stale_after_seconds=300) == 1
        assert sweep_receipts(stale_after_seconds=300) == 0
    message = OutboxMessage.objects.get(reference=f"applications.receipt:{version.pk}")
    assert message.attachments == [version.receipt_pdf.name]


def test_until_its_receipt_exists_the_applicant_sees_it_being_prepared_and_how_many_are_ahead(
    client, complete, applicant, call
):
    """At a deadline surge receipts lag behind submissions (issue 12): the plan says so, and how many wait before."""
    from applications import selectors
    from tests.factories import attach_required_files, complete_plan

    earlier = ApplicationFactory(call=call, organization=complete.organization, created_by=applicant)
    complete_plan(earlier)
    attach_required_files(earlier, applicant)
    waiting = services.submit(applicant, earlier, at=BEFORE)  # no on-commit here: no receipt task ran
    version = services.submit(applicant, complete, at=BEFORE)
    assert (selectors.receipts_ahead(waiting), selectors.receipts_ahead(version)) == (0, 1)
    client.force_login(applicant)
    page = client.get(reverse("applications:version", args=[complete.pk, 1]), HTTP_ACCEPT_LANGUAGE="en")
    assert "1 receipt submitted before yours is still waiting." in page.content.decode()
    detail = client.get(reverse("applications:detail", args=[complete.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Receipt being prepared" in detail.content.decode()
    PlanVersion.objects.filter(pk=waiting.pk).update(receipt_pdf="receipts/x.pdf")
    waiting.refresh_from_db()
    assert (selectors.receipts_ahead(waiting), selectors.receipts_ahead(version)) == (None, 0)

"""Issue 11: each service's OWN checks, called directly (the forms and views in front of them are not the guard).

The permission in create_application, the deadline on removing a file and on inviting a participant, the
state and quota checks of uploads and sections, `requires_reason` in the workflow, the bounds of extending a
deadline and of closing a call, and receipt numbering. Each refusal leaves nothing behind.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Organization
from applications import deadline, services, workflow
from applications.models import Application, Attachment, AuditEvent, Participation
from applications.workflow import State, TransitionError
from tests.factories import (
    KST,
    PDF_BYTES,
    ApplicationFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    attach_required_files,
    complete_plan,
)

from .conftest import BEFORE

LAST_MICROSECOND = datetime.datetime(2026, 2, 27, 17, 59, 59, 999999, tzinfo=KST)
AT_DEADLINE = datetime.datetime(2026, 2, 27, 18, 0, tzinfo=KST)
TICK = datetime.timedelta(microseconds=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="305-87-00003", region=None)


def _pdf(name="추가.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


# --- create_application -------------------------------------------------------------------------------


def test_create_application_checks_the_permission_itself(call, applicant, other_applicant):
    organization = applicant.memberships.get().organization
    viewer = MembershipFactory(organization=organization, role=Membership.Role.VIEWER).user
    for outsider in (other_applicant, viewer):
        with pytest.raises(PermissionDenied):
            services.create_application(
                outsider, call=call, field=call.fields.get(), organization=organization, title="남의 계획", at=BEFORE
            )
    assert not Application.objects.exists()


def test_create_application_up_to_the_last_microsecond(call, applicant):
    organization = applicant.memberships.get().organization
    field = call.fields.get()
    with pytest.raises(deadline.DeadlinePassed):
        services.create_application(
            applicant, call=call, field=field, organization=organization, title="늦음", at=AT_DEADLINE
        )
    assert not Application.objects.exists()
    plan = services.create_application(
        applicant, call=call, field=field, organization=organization, title="제때", at=LAST_MICROSECOND
    )
    assert (plan.status, plan.created_at, plan.created_by) == (State.DRAFT, LAST_MICROSECOND, applicant)
    assert plan.site and plan.narrative
    event = AuditEvent.objects.get(application=plan)
    assert (event.action, event.to_status, event.actor, event.created_at) == (
        "created",
        "draft",
        applicant,
        LAST_MICROSECOND,
    )


# --- files ------------------------------------------------------------------------------------------


def test_removing_a_file_checks_the_deadline_itself(complete, applicant):
    attachment = complete.attachments.first()
    with pytest.raises(deadline.DeadlinePassed):
        services.remove_attachment(applicant, attachment, at=AT_DEADLINE)
    attachment.refresh_from_db()
    assert attachment.removed_at is None and attachment.file
    assert not AuditEvent.objects.filter(action="attachment_removed").exists()
    services.remove_attachment(applicant, attachment, at=LAST_MICROSECOND)
    attachment.refresh_from_db()
    assert attachment.removed_at == LAST_MICROSECOND
    event = AuditEvent.objects.get(action="attachment_removed")
    assert event.data == {"kind": attachment.kind, "name": attachment.original_name, "sha256": attachment.sha256}


def test_removing_a_file_checks_the_permission_itself(complete, other_applicant):
    attachment = complete.attachments.first()
    with pytest.raises(PermissionDenied):
        services.remove_attachment(other_applicant, attachment, at=BEFORE)
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None


def test_a_removed_file_a_submitted_version_lists_is_kept(complete, applicant, django_capture_on_commit_callbacks):
    services.submit(applicant, complete, at=BEFORE)
    listed = complete.attachments.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(applicant, listed, at=BEFORE)
    listed.refresh_from_db()
    assert listed.removed_at == BEFORE and listed.file and listed.file.storage.exists(listed.file.name)


def test_a_removed_file_no_version_lists_is_deleted(complete, applicant, django_capture_on_commit_callbacks):
    attachment = complete.attachments.first()
    name, storage = attachment.file.name, attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(applicant, attachment, at=BEFORE)
    attachment.refresh_from_db()
    assert not attachment.file and not storage.exists(name)


def test_uploading_checks_permission_deadline_and_state_itself(plan, applicant, other_applicant):
    with pytest.raises(PermissionDenied):
        services.upload_attachment(other_applicant, plan, kind="other", upload=_pdf(), at=BEFORE)
    with pytest.raises(deadline.DeadlinePassed):
        services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=AT_DEADLINE)
    Application.objects.filter(pk=plan.pk).update(status=State.WITHDRAWN)
    with pytest.raises(TransitionError):
        services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=BEFORE)
    assert not plan.attachments.exists()
    Application.objects.filter(pk=plan.pk).update(status=State.SUBMITTED)
    added = services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=LAST_MICROSECOND)
    assert (added.uploaded_at, added.uploaded_by, added.size, added.content_type) == (
        LAST_MICROSECOND,
        applicant,
        len(PDF_BYTES),
        "application/pdf",
    )


def test_after_the_deadline_an_upload_is_refused_before_its_file_is_read(plan, applicant, monkeypatch):
    """The deadline is checked before the content (a late 50 MB upload is not inspected and hashed first, and
    the applicant is told about the deadline, not about the file), and again under the plan's lock."""

    def inspected(*args, **kwargs):
        raise AssertionError("the file was read after the deadline")

    monkeypatch.setattr(services, "inspect", inspected)
    with pytest.raises(deadline.DeadlinePassed):
        services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=AT_DEADLINE)


def test_the_per_plan_quota_is_reached_exactly_and_not_passed(plan, applicant, settings):
    settings.PORTAL_MAX_APPLICATION_BYTES = 2 * len(PDF_BYTES)
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf("1.pdf"), at=BEFORE)
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf("2.pdf"), at=BEFORE)  # exactly the limit
    with pytest.raises(services.UploadRefused):
        services.upload_attachment(applicant, plan, kind="other", upload=_pdf("3.pdf"), at=BEFORE)
    assert plan.attachments.count() == 2
    # A removed file no longer counts.
    services.remove_attachment(applicant, plan.attachments.first(), at=BEFORE)
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf("3.pdf"), at=BEFORE)


def test_an_upload_is_judged_by_the_kind_s_allowed_types(plan, applicant):
    png = SimpleUploadedFile("map.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
    with pytest.raises(services.UploadRefused):
        services.upload_attachment(applicant, plan, kind="plan_document", upload=png, at=BEFORE)
    png.seek(0)
    assert (
        services.upload_attachment(applicant, plan, kind="site_map", upload=png, at=BEFORE).content_type == "image/png"
    )


# --- sections -----------------------------------------------------------------------------------------


class _NoForm:
    saved = 0

    def save(self):
        self.saved += 1


def test_saving_a_section_checks_everything_itself(plan, applicant, other_applicant):
    form = _NoForm()
    with pytest.raises(PermissionDenied):
        services.save_section(other_applicant, plan, "overview", form, expected_revision=0, at=BEFORE)
    with pytest.raises(deadline.DeadlinePassed):
        services.save_section(applicant, plan, "overview", form, expected_revision=0, at=AT_DEADLINE)
    Application.objects.filter(pk=plan.pk).update(status=State.RECEIVED)
    with pytest.raises(TransitionError):
        services.save_section(applicant, plan, "overview", form, expected_revision=0, at=BEFORE)
    assert form.saved == 0
    Application.objects.filter(pk=plan.pk).update(status=State.SUBMITTED)
    section = services.save_section(applicant, plan, "overview", form, expected_revision=0, at=LAST_MICROSECOND)
    assert (section.revision, section.updated_by, section.updated_at, form.saved) == (1, applicant, LAST_MICROSECOND, 1)
    with pytest.raises(services.SectionConflict) as conflict:
        services.save_section(applicant, plan, "overview", form, expected_revision=0, at=BEFORE)
    assert conflict.value.section.revision == 1 and form.saved == 1
    assert str(conflict.value) == f"section overview of plan {plan.pk} changed (now revision 1)"  # what a log shows
    event = AuditEvent.objects.filter(action="section_saved").get()
    assert event.data == {"section": "overview", "revision": 1}


def test_saving_the_anchors_recomputes_the_plan_s_totals(complete, applicant):
    complete.anchor_companies.update(investment_krw=1_000, direct_jobs=3)
    count = complete.anchor_companies.count()
    services.save_section(applicant, complete, "anchors", _NoForm(), expected_revision=0, at=BEFORE)
    complete.refresh_from_db()
    assert (complete.total_investment_krw, complete.total_direct_jobs) == (1_000 * count, 3 * count)
    complete.anchor_companies.all().delete()
    services.save_section(applicant, complete, "anchors", _NoForm(), expected_revision=1, at=BEFORE)
    complete.refresh_from_db()
    assert (complete.total_investment_krw, complete.total_direct_jobs) == (0, 0)


# --- participants -------------------------------------------------------------------------------------


def test_inviting_checks_the_deadline_and_permission_itself(plan, applicant, other_applicant, partner):
    with pytest.raises(deadline.DeadlinePassed):
        services.add_participant(applicant, plan, organization=partner, role="anchor", at=AT_DEADLINE)
    with pytest.raises(PermissionDenied):
        services.add_participant(other_applicant, plan, organization=partner, role="anchor", at=BEFORE)
    assert not Participation.objects.exists()
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=LAST_MICROSECOND)
    assert (invited.status, invited.added_at, invited.added_by) == (
        Participation.Status.INVITED,
        LAST_MICROSECOND,
        applicant,
    )
    with pytest.raises(TransitionError):
        services.add_participant(applicant, plan, organization=partner, role="supplier", at=BEFORE)
    assert Participation.objects.count() == 1


def test_an_invitation_is_answered_once_by_an_owner(plan, applicant, partner):
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(applicant, invited, accept=True, at=BEFORE)
    declined = services.respond_to_invitation(owner, invited, accept=False, at=BEFORE)
    assert (declined.status, declined.responded_by, declined.responded_at) == (
        Participation.Status.DECLINED,
        owner,
        BEFORE,
    )
    assert AuditEvent.objects.filter(action="participant_declined").exists()


# --- the workflow's own checks ------------------------------------------------------------------------


@pytest.fixture
def received(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    return workflow.perform(complete, "receive", None, at=AT_DEADLINE)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_declaring_a_plan_ineligible_requires_a_reason(received, ministry_staff, reason):
    with pytest.raises(TransitionError) as refused:
        services.screen(ministry_staff, received, eligible=False, reason=reason, at=AT_DEADLINE)
    assert str(refused.value) == "사유를 입력하세요."
    assert Application.objects.get(pk=received.pk).status == State.RECEIVED


def test_declaring_ineligible_with_a_reason_records_it(received, ministry_staff):
    done = services.screen(ministry_staff, received, eligible=False, reason="자격 요건 미충족", at=AT_DEADLINE)
    assert (done.status, done.status_reason) == (State.INELIGIBLE, "자격 요건 미충족")
    event = AuditEvent.objects.filter(action="declare_ineligible").get()
    assert (event.from_status, event.to_status, event.reason, event.actor) == (
        "received",
        "ineligible",
        "자격 요건 미충족",
        ministry_staff,
    )


def test_the_workflow_checks_who_acts_and_from_which_state(complete, applicant, other_applicant, ministry_staff):
    with pytest.raises(TransitionError):
        workflow.perform(complete, "submit", other_applicant, at=BEFORE)
    with pytest.raises(TransitionError):
        workflow.perform(complete, "screen", ministry_staff, at=BEFORE)  # a draft is not received
    with pytest.raises(TransitionError):
        workflow.perform(complete, "no-such-action", applicant, at=BEFORE)
    assert Application.objects.get(pk=complete.pk).status == State.DRAFT
    assert not AuditEvent.objects.filter(application=complete).exclude(action="created").exists()


def test_a_plan_is_received_only_from_the_deadline_on(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    with pytest.raises(TransitionError):
        workflow.perform(complete, "receive", None, at=LAST_MICROSECOND)
    assert workflow.perform(complete, "receive", None, at=AT_DEADLINE).status == State.RECEIVED


def test_withdrawing_up_to_the_last_microsecond(complete, applicant):
    with pytest.raises(TransitionError):
        services.withdraw(applicant, complete, reason="철회", at=AT_DEADLINE)
    done = services.withdraw(applicant, complete, reason="철회", at=LAST_MICROSECOND)
    assert (done.status, done.status_reason) == (State.WITHDRAWN, "철회")


# --- deadlines, closing and receipts ------------------------------------------------------------------


def test_extending_checks_permission_the_future_and_the_current_deadline(call, applicant, ministry_staff):
    """The service owns these checks (the staff form only reads the typed time as Seoul time)."""
    with pytest.raises(PermissionDenied):
        services.extend_deadline(applicant, call, new_deadline=AT_DEADLINE + TICK, reason="x", at=BEFORE)
    with pytest.raises(TransitionError, match=r"현재 마감\(2026-02-27 18:00 KST\)보다 늦어야"):
        services.extend_deadline(ministry_staff, call, new_deadline=AT_DEADLINE, reason="단축", at=BEFORE)
    later = AT_DEADLINE + datetime.timedelta(days=3)
    with pytest.raises(TransitionError) as refused:
        services.extend_deadline(ministry_staff, call, new_deadline=later, reason="지난 시각", at=later)
    assert str(refused.value) == "새 마감 일시는 현재 이후여야 합니다."
    call.refresh_from_db()
    assert call.deadline == AT_DEADLINE
    assert not call.deadline_extensions.exists()
    extension = services.extend_deadline(ministry_staff, call, new_deadline=later, reason="연장", at=later - TICK)
    call.refresh_from_db()
    assert (call.deadline, extension.previous_deadline, extension.actor) == (later, AT_DEADLINE, ministry_staff)
    services.extend_deadline(ministry_staff, call, new_deadline=later + TICK, reason="1µs", at=BEFORE)
    call.refresh_from_db()
    assert call.deadline == later + TICK


def test_a_call_closes_from_closes_at_on(complete, applicant, settings):
    services.submit(applicant, complete, at=BEFORE)
    closes = deadline.closes_at(complete.call)
    assert services.close_call(complete.call, at=closes - TICK) == 0
    assert Application.objects.get(pk=complete.pk).status == State.SUBMITTED
    assert services.close_call(complete.call, at=closes) == 1
    complete.call.refresh_from_db()
    assert complete.call.closed_at == closes
    assert Application.objects.get(pk=complete.pk).status == State.RECEIVED
    assert services.close_call(complete.call, at=closes) == 0  # idempotent
    assert AuditEvent.objects.filter(action="call_closed").count() == 1
    assert AuditEvent.objects.get(action="call_closed").data == {"received": 1}


def test_receipt_numbers_count_per_call_and_field(call, applicant):
    other_field = FieldFactory(code="SEM", name_ko="반도체", name_en="Semiconductors")
    call.fields.add(other_field)
    organization = applicant.memberships.get().organization
    plans = [ApplicationFactory(call=call, organization=organization, created_by=applicant) for _ in range(2)]
    plans.append(ApplicationFactory(call=call, field=other_field, organization=organization, created_by=applicant))
    for plan in plans:
        complete_plan(plan)
        attach_required_files(plan, applicant)
        services.submit(applicant, plan, at=BEFORE)
    numbers = [Application.objects.get(pk=plan.pk).receipt_number for plan in plans]
    assert numbers == ["2026-BAT-001", "2026-BAT-002", "2026-SEM-001"]
    # An amendment keeps the number and adds a version.
    services.submit(applicant, plans[0], at=BEFORE)
    assert Application.objects.get(pk=plans[0].pk).receipt_number == "2026-BAT-001"
    assert plans[0].versions.count() == 2


def test_the_summary_counts_states_per_field():
    pairs = [("이차전지", "received"), ("이차전지", "received"), ("이차전지", "withdrawn"), ("반도체", "received")]
    assert services._summarise(pairs) == {"이차전지": {"received": 2, "withdrawn": 1}, "반도체": {"received": 1}}


@pytest.mark.parametrize("state", list(State))
def test_only_drafts_and_submitted_plans_are_editable(state):
    assert workflow.is_editable(Application(status=state)) is (state in (State.DRAFT, State.SUBMITTED))


# --- what each service records and whom it tells (issue 11: the audit data and the e-mails of each action) ------


def _event(action):
    return AuditEvent.objects.filter(action=action).get()


def _mail(reference):
    from core.models import OutboxMessage

    return OutboxMessage.objects.get(reference=reference)


def test_creating_a_plan_records_it_with_its_site_and_narrative(call, applicant):
    organization = applicant.memberships.get().organization
    created = services.create_application(
        applicant, call=call, field=call.fields.get(), organization=organization, title="울산 이차전지", at=BEFORE
    )
    assert (created.created_by, created.created_at, created.status) == (applicant, BEFORE, State.DRAFT)
    assert created.site.pk and created.narrative.pk
    event = _event("created")
    assert (event.actor, event.application, event.to_status, event.created_at) == (applicant, created, "draft", BEFORE)


def test_a_file_s_upload_and_removal_are_recorded_with_the_file(plan, applicant):
    added = services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=BEFORE)
    event = _event("attachment_added")
    assert (event.actor, event.application, event.created_at) == (applicant, plan, BEFORE)
    assert event.data == {"kind": "other", "name": "추가.pdf", "sha256": added.sha256, "size": len(PDF_BYTES)}
    later = BEFORE + datetime.timedelta(minutes=5)
    services.remove_attachment(applicant, added, at=later)
    added.refresh_from_db()
    assert added.removed_at == later
    event = _event("attachment_removed")
    assert (event.actor, event.created_at) == (applicant, later)
    assert event.data == {"kind": "other", "name": "추가.pdf", "sha256": added.sha256}


def test_an_invitation_is_recorded_and_mailed_to_the_invited_organisation_s_owners(plan, applicant, partner):
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    MembershipFactory(organization=partner, role=Membership.Role.EDITOR)
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    event = _event("participant_added")
    assert (event.actor, event.application, event.data) == (
        applicant,
        plan,
        {"organization": partner.pk, "role": "anchor"},
    )
    mail = _mail(f"applications.participant_invited:{invited.pk}")
    assert mail.to == [owner.email.lower()]
    assert mail.created_by == applicant
    from django.conf import settings
    from django.urls import reverse

    assert settings.PORTAL_BASE_URL + reverse("applications:invitations") in mail.body


def test_accepting_an_invitation_is_recorded(plan, applicant, partner):
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    accepted = services.respond_to_invitation(owner, invited, accept=True, at=BEFORE)
    assert accepted.status == Participation.Status.ACCEPTED
    event = _event("participant_accepted")
    assert (event.actor, event.application, event.data) == (owner, plan, {"organization": partner.pk, "role": "anchor"})


def test_a_submission_records_the_frozen_version_and_queues_its_receipt(
    complete, applicant, monkeypatch, django_capture_on_commit_callbacks
):
    from core import queueing

    published = []
    monkeypatch.setattr(queueing, "publish", lambda task, *args, **kw: published.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        version = services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    assert (complete.submitted_at, version.number, version.submitted_at, version.submitted_by) == (
        BEFORE,
        1,
        BEFORE,
        applicant,
    )
    event = _event("version_frozen")
    assert (event.actor, event.data) == (applicant, {"version": 1, "sha256": version.sha256})
    assert published == [("applications.tasks.generate_receipt", (version.pk,))]


def test_extending_a_deadline_is_recorded_and_mailed_to_organisations_still_working(
    call, applicant, other_applicant, ministry_staff
):
    working = applicant.memberships.get().organization
    ApplicationFactory(call=call, organization=working, created_by=applicant)
    gone = other_applicant.memberships.get().organization
    ApplicationFactory(call=call, organization=gone, created_by=other_applicant, status=State.WITHDRAWN)
    call.closed_at = AT_DEADLINE
    call.save(update_fields=["closed_at"])
    later = AT_DEADLINE + datetime.timedelta(days=3)
    extension = services.extend_deadline(ministry_staff, call, new_deadline=later, reason="시스템 장애", at=BEFORE)
    call.refresh_from_db()
    assert (call.deadline, call.closed_at) == (later, None)
    assert (extension.reason, extension.created_at, extension.new_deadline) == ("시스템 장애", BEFORE, later)
    event = _event("deadline_changed")
    assert (event.actor, event.call, event.reason, event.created_at) == (ministry_staff, call, "시스템 장애", BEFORE)
    assert event.data == {"from": AT_DEADLINE.astimezone(datetime.UTC).isoformat(), "to": later.isoformat()}
    mail = _mail(f"applications.deadline:{extension.pk}:{working.pk}")
    assert (mail.to, mail.created_by) == ([applicant.email.lower()], ministry_staff)
    from core.models import OutboxMessage

    assert not OutboxMessage.objects.filter(reference=f"applications.deadline:{extension.pk}:{gone.pk}").exists()


def test_closing_a_call_mails_active_ministry_staff_once(complete, applicant, ministry_staff):
    from accounts import roles
    from tests.factories import UserFactory

    UserFactory(roles=[roles.MINISTRY_STAFF], is_active=False)
    UserFactory(roles=[roles.EXPERT])
    services.submit(applicant, complete, at=BEFORE)
    call = complete.call
    closes = deadline.closes_at(call)
    services.close_call(call, at=closes)
    call.refresh_from_db()
    mail = _mail(f"applications.call_closed:{call.pk}:{call.deadline.isoformat()}")
    assert mail.to == [ministry_staff.email.lower()]
    event = _event("call_closed")
    assert (event.call, event.actor, event.created_at) == (call, None, closes)


def test_screening_mails_the_result_to_the_organisation(received, ministry_staff, applicant):
    services.screen(ministry_staff, received, eligible=True, at=AT_DEADLINE)
    mail = _mail(f"applications.screening:{received.pk}:screen")
    assert (mail.to, mail.created_by) == ([applicant.email.lower()], ministry_staff)
    assert Application.objects.get(pk=received.pk).status == State.SCREENED

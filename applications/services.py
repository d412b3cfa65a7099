"""Every change to calls and plans: one function per action, in a transaction, audited.

Each takes the actor and `at`, the instant the request arrived (the deadline is judged against it).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organization
from core import files, queueing
from core.clock import format_kst
from core.outbox import queue_email

from . import audit, deadline, snapshot, workflow
from .models import (
    Application,
    Attachment,
    Call,
    DeadlineExtension,
    Participation,
    PlanNarrative,
    PlanSection,
    PlanVersion,
    ReceiptCounter,
    Site,
)
from .sections import SECTIONS_BY_KEY
from .uploads import ALLOWED_BY_KIND, UploadRefused, human_size, inspect, safe_display_name


class SectionConflict(Exception):
    """Someone else saved the section since the editor loaded it."""

    def __init__(self, section: PlanSection):
        super().__init__(
            f"section {section.key} of plan {section.application_id} changed (now revision {section.revision})"
        )
        self.section = section


def _require(actor, perm, obj=None):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def create_application(actor, *, call: Call, field, organization: Organization, title: str, at) -> Application:
    _require(actor, "applications.draft_for_organization", organization)
    deadline.ensure_accepting_changes(call, at)
    with transaction.atomic():
        application = Application.objects.create(
            call=call, field=field, organization=organization, title=title, created_by=actor, created_at=at
        )
        Site.objects.create(application=application)
        PlanNarrative.objects.create(application=application)
        audit.record(action="created", actor=actor, application=application, to_status=application.status, at=at)
    return application


def save_section(actor, application: Application, key: str, form, *, expected_revision: int, at) -> PlanSection:
    """Save a validated section form (or formset). Refuses after the deadline and on a concurrent change."""
    _require(actor, "applications.edit_application", application)
    section_def = SECTIONS_BY_KEY[key]
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        deadline.ensure_accepting_changes(locked.call, at)
        workflow.ensure_editable(locked)
        section, _created = PlanSection.objects.select_for_update().get_or_create(application=locked, key=key)
        if section.revision != expected_revision:
            raise SectionConflict(section)
        form.save()
        if section_def.key == "anchors":
            _recompute_totals(locked)
        section.revision += 1
        section.updated_by = actor
        section.updated_at = at
        section.save()
        audit.record(
            action="section_saved",
            actor=actor,
            application=locked,
            data={"section": key, "revision": section.revision},
            at=at,
        )
    return section


def _recompute_totals(application: Application) -> None:
    totals = application.anchor_companies.aggregate(investment=Sum("investment_krw"), jobs=Sum("direct_jobs"))
    application.total_investment_krw = totals["investment"] or 0
    application.total_direct_jobs = totals["jobs"] or 0
    application.save(update_fields=["total_investment_krw", "total_direct_jobs", "updated_at"])


def upload_attachment(actor, application: Application, *, kind: str, upload, at) -> Attachment:
    _require(actor, "applications.edit_application", application)
    deadline.ensure_accepting_changes(application.call, at)
    detected, sha256, size = inspect(upload, allowed=ALLOWED_BY_KIND[kind])
    with files.written_files(), transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        deadline.ensure_accepting_changes(locked.call, at)
        workflow.ensure_editable(locked)
        used = locked.attachments.filter(removed_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0
        if used + size > settings.PORTAL_MAX_APPLICATION_BYTES:
            raise UploadRefused(
                _(
                    "This file would bring the plan's attachments to %(total)s; the limit is %(limit)s per plan. "
                    "Remove an older file first."
                )
                % {"total": human_size(used + size), "limit": human_size(settings.PORTAL_MAX_APPLICATION_BYTES)}
            )
        attachment = Attachment(
            application=locked,
            kind=kind,
            original_name=safe_display_name(upload.name),
            content_type=detected,
            size=size,
            sha256=sha256,
            uploaded_by=actor,
            uploaded_at=at,
        )
        files.store_upload(attachment.file, upload.name, upload)  # streams chunk by chunk to storage
        attachment.save()
        audit.record(
            action="attachment_added",
            actor=actor,
            application=locked,
            data={"kind": kind, "name": attachment.original_name, "sha256": sha256, "size": size},
            at=at,
        )
    return attachment


def remove_attachment(actor, attachment: Attachment, *, at) -> None:
    application = attachment.application
    _require(actor, "applications.edit_application", application)
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        deadline.ensure_accepting_changes(locked.call, at)
        workflow.ensure_editable(locked)
        Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(removed_at=at)
        # A file no frozen version lists is deleted with its removal (the row keeps name, size and hash for the
        # history); one a version lists stays, since reviewers read that version.
        frozen = {
            f["sha256"]
            for content in locked.versions.values_list("content", flat=True)
            for f in content.get("attachments", [])
        }
        if attachment.sha256 not in frozen and attachment.file:
            name, storage = attachment.file.name, attachment.file.storage
            Attachment.objects.filter(pk=attachment.pk).update(file="")
            transaction.on_commit(lambda: storage.delete(name))
        audit.record(
            action="attachment_removed",
            actor=actor,
            application=locked,
            data={"kind": attachment.kind, "name": attachment.original_name, "sha256": attachment.sha256},
            at=at,
        )


def add_participant(actor, application: Application, *, organization: Organization, role: str, at) -> Participation:
    """Invite an organisation: it gains nothing (no read access, no conflict) until one of its owners accepts."""
    _require(actor, "applications.edit_application", application)
    deadline.ensure_accepting_changes(application.call, at)
    workflow.ensure_editable(application)
    with transaction.atomic():
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    application=application, organization=organization, role=role, added_by=actor, added_at=at
                )
        except IntegrityError:
            raise workflow.TransitionError(_("This organisation has already been invited to the plan.")) from None
        audit.record(
            action="participant_added",
            actor=actor,
            application=application,
            data={"organization": organization.pk, "role": role},
            at=at,
        )
        queue_email(
            to=organization.owner_emails(),
            template="applications/email/participant_invited",
            context={
                "participation": participation,
                "application": application,
                "organization": organization,
                "link": settings.PORTAL_BASE_URL + reverse("applications:invitations"),
            },
            reference=f"applications.participant_invited:{participation.pk}",
            created_by=actor,
        )
    return participation


def respond_to_invitation(actor, participation: Participation, *, accept: bool, at) -> Participation:
    """An owner of the invited organisation accepts or declines, once."""
    _require(actor, "applications.respond_to_invitation", participation)
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.status != Participation.Status.INVITED:
            raise workflow.TransitionError(_("This invitation has already been answered."))
        locked.status = Participation.Status.ACCEPTED if accept else Participation.Status.DECLINED
        locked.responded_at = at
        locked.responded_by = actor
        locked.save(update_fields=["status", "responded_at", "responded_by"])
        audit.record(
            action="participant_accepted" if accept else "participant_declined",
            actor=actor,
            application=locked.application,
            data={"organization": locked.organization_id, "role": locked.role},
            at=at,
        )
    return locked


def _next_receipt_number(application: Application) -> str:
    """The next number of the plan's call and field, without gaps: the counter row is updated in the submit's
    transaction (a rolled-back submit gives its number back). Its row lock is held from its update (or the
    insert of a call and field's first counter) to the commit, so `submit` numbers the plan as its last step: a
    few writes, not the whole submission (issue 12). One statement, the increment that locks and returns the
    new value; the first submission of a call and field creates the row. On SQLite (`make run`) the database
    takes one writer at a time anyway; the code is the same."""
    last = _increment_counter(application.call_id, application.field_id)
    if last is None:  # the call and field's first submission: create the row (a concurrent first waits on it)
        counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(
            call=application.call, field=application.field
        )
        counter.last += 1
        counter.save(update_fields=["last"])
        last = counter.last
    return f"{application.call.receipt_prefix}-{application.field.code}-{last:03d}"


def _increment_counter(call_id: int, field_id: int) -> int | None:
    """`last = last + 1` on the call and field's counter row, locking it; the new value (None: no row yet)."""
    quote = connection.ops.quote_name
    meta = ReceiptCounter._meta
    # The names are the model's own, quoted; the values are parameters. (Django's update() returns no value.)
    sql = "UPDATE {table} SET {last} = {last} + 1 WHERE {call} = %s AND {field} = %s RETURNING {last}".format(  # noqa: S608
        table=quote(meta.db_table),
        last=quote(meta.get_field("last").column),
        call=quote(meta.get_field("call").column),
        field=quote(meta.get_field("field").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [call_id, field_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _freeze(application: Application, actor, at, *, number: bool) -> PlanVersion:
    """The plan's new frozen version; `number`: give the plan its receipt number first (a first submission).

    `application` is the plan `workflow.perform` read under its lock, with what the snapshot reads joined and
    the rows the completeness check read kept on it (sections.load_rows): nothing is read twice.
    The content is read before the number is taken, so the receipt counter stays locked only for the writes
    after it; the number goes into the content as `snapshot.serialize` would have put it there. A first
    submission's plan comes unsaved from the workflow (perform's save=False): its new state is saved here with
    its number, in one UPDATE."""
    content = snapshot.serialize(application)
    if number:  # a draft has no versions (no transition leads back to draft; the unique number would refuse one)
        version_number = 1
    else:
        version_number = (application.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if number:
        application.receipt_number = _next_receipt_number(application)
        application.submitted_at = at
        application.save(update_fields=[*workflow.STATE_FIELDS, "receipt_number", "submitted_at"])
        content = snapshot.with_receipt_number(content, application.receipt_number)
    return PlanVersion.objects.create(
        application=application,  # the caller's (locked) plan, with its receipt number
        number=version_number,
        content=content,
        sha256=snapshot.digest(content),
        submitted_at=at,
        submitted_by=actor,
    )


def submit(actor, application: Application, *, at) -> PlanVersion:
    """Submit (first time) or amend (later, before the deadline): a new frozen version and a receipt."""
    name = "submit" if application.status == workflow.State.DRAFT else "amend"
    workflow.refuse_early(application, name, actor, at=at)  # after the deadline: no lock, no transaction
    with transaction.atomic():
        first = name == "submit"
        # No savepoint (a refusal ends it all); a first submission's state is saved by _freeze, with its number.
        locked = workflow.perform(application, name, actor, at=at, savepoint=False, save=not first)
        version = _freeze(locked, actor, at, number=first)
        audit.record(
            action="version_frozen",
            actor=actor,
            application=locked,
            data={"version": version.number, "sha256": version.sha256},
            at=at,
            after=locked.transition_event,  # its chain's head is locked by this transaction already
        )
        transaction.on_commit(lambda: _dispatch_receipt(version.pk))
    return version


def _dispatch_receipt(version_id: int) -> None:
    from .tasks import generate_receipt

    queueing.publish(generate_receipt, version_id)  # else the receipt sweep produces it later


def withdraw(actor, application: Application, *, reason: str, at) -> Application:
    return workflow.perform(application, "withdraw", actor, at=at, reason=reason)


def extend_deadline(actor, call: Call, *, new_deadline: datetime.datetime, reason: str, at) -> DeadlineExtension:
    """Move a call's deadline later (audited) and tell every organisation with a draft or submission. The new
    deadline must be in the future (after `at`) and later than the current one, so it is after the opening too."""
    _require(actor, "applications.manage_calls")
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        # The one place these are decided (the staff form only reads the typed time as Seoul time).
        if new_deadline <= at:
            raise workflow.TransitionError(_("The new deadline must be in the future."))
        if new_deadline <= locked.deadline:
            raise workflow.TransitionError(
                _("The new deadline must be later than the current one (%(deadline)s KST).")
                % {"deadline": format_kst(locked.deadline)}
            )
        extension = DeadlineExtension.objects.create(
            call=locked,
            previous_deadline=locked.deadline,
            new_deadline=new_deadline,
            reason=reason,
            actor=actor,
            created_at=at,
        )
        locked.deadline = new_deadline
        locked.closed_at = None
        locked.save(update_fields=["deadline", "closed_at"])
        audit.record(
            action="deadline_changed",
            actor=actor,
            call=locked,
            reason=reason,
            data={"from": extension.previous_deadline.isoformat(), "to": new_deadline.isoformat()},
            at=at,
        )
        organizations = Organization.objects.filter(
            applications__call=locked,
            applications__status__in=workflow.EDITABLE_STATES,
        ).distinct()
        for organization in organizations:
            queue_email(
                to=organization.contact_emails(),
                template="applications/email/deadline_changed",
                context={"call": locked, "extension": extension, "organization": organization},
                reference=f"applications.deadline:{extension.pk}:{organization.pk}",
                created_by=actor,
            )
    return extension


def schedule_announcement(actor, call: Call, *, announcement_at: datetime.datetime, reason: str, at) -> Call:
    """Set or move the instant the committee's results of `call` become public (audited). The embargo lifts
    at that instant by itself (applications.embargo.released): nobody has to act then. The time must be
    after the submission deadline and still ahead (after `at`); once the results are public the time is
    history and cannot move, since what was public cannot be taken back."""
    _require(actor, "applications.manage_calls")
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        previous = locked.announcement_at
        if previous is not None and previous <= at:
            raise workflow.TransitionError(
                _("The results were announced at %(time)s KST; the announcement can no longer be moved.")
                % {"time": format_kst(previous)}
            )
        if announcement_at <= at:
            raise workflow.TransitionError(_("The announcement must be in the future."))
        if announcement_at <= locked.deadline:
            raise workflow.TransitionError(
                _("The announcement must be after the submission deadline (%(deadline)s KST).")
                % {"deadline": format_kst(locked.deadline)}
            )
        locked.announcement_at = announcement_at
        locked.save(update_fields=["announcement_at"])
        audit.record(
            action="announcement_scheduled",
            actor=actor,
            call=locked,
            reason=reason,
            data={"from": previous.isoformat() if previous else None, "to": announcement_at.isoformat()},
            at=at,
        )
    return locked


def close_call(call: Call, *, at: datetime.datetime) -> int:
    """After the deadline (and its grace, `deadline.closes_at`): move every submitted plan to received and
    e-mail staff a summary once. Idempotent, and complete whatever order it and late commits happen in.
    `at` is the caller's instant (the sweep's), never read from the clock here."""
    if at < deadline.closes_at(call):
        return 0
    received = 0
    # Every submitted plan, also on a call closed before: a submit that committed after an earlier close
    # (it arrived in time but was handled late) is received by the next run, never left "submitted".
    for application in call.applications.filter(status=workflow.State.SUBMITTED):
        workflow.perform(application, "receive", None, at=at)
        received += 1
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.closed_at is None:
            locked.closed_at = at
            locked.save(update_fields=["closed_at"])
            audit.record(action="call_closed", call=locked, data={"received": received}, at=at)
            from accounts.selectors import ministry_staff_emails

            staff = ministry_staff_emails()
            counts = list(locked.applications.values_list("field__name_ko", "status"))
            queue_email(
                to=staff,
                template="applications/email/call_closed",
                context={"call": locked, "counts": _summarise(counts)},
                reference=f"applications.call_closed:{locked.pk}:{locked.deadline.isoformat()}",
            )
    return received


def _summarise(pairs):
    summary = {}
    for field_name, status in pairs:
        summary.setdefault(field_name, {}).setdefault(status, 0)
        summary[field_name][status] += 1
    return summary


def screen(actor, application: Application, *, eligible: bool, reason: str = "", at) -> Application:
    name = "screen" if eligible else "declare_ineligible"
    with transaction.atomic():
        locked = workflow.perform(application, name, actor, at=at, reason=reason)
        queue_email(
            to=locked.organization.contact_emails(),
            template="applications/email/screening_result",
            context={"application": locked, "eligible": eligible, "reason": reason},
            reference=f"applications.screening:{locked.pk}:{name}",
            created_by=actor,
        )
    return locked

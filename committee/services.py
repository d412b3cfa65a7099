"""Every change the committee room makes: plain functions taking the actor, atomic, audited; the notice PDF is
rendered by Celery after commit (the notice row is written first, so the sweep finds it if the broker is down)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from applications import audit, embargo, uploads, workflow
from applications.models import Application
from applications.workflow import State
from core import files, outbox, queueing, states
from core.clock import kst_date
from core.errors import Refused

from . import selectors
from .models import AgendaItem, Decision, DecisionNotice, Meeting, NoticeCounter, Resolution
from .models.notices import new_verification_code
from .transitions import CONFIRM, CORRECT
from .validation import meeting_problems, resolution_problems

RESOLUTION_FIELDS = ("decision", "conditions", "reasons", "votes_for", "votes_against", "votes_abstaining")


class CommitteeRefusal(Refused):
    """A refused committee action; `message` is for the user (translated)."""


def _require_secretariat(actor) -> None:
    """The secretariat's own check in each of its services (the pages check it too: 403 for other roles)."""
    if not actor.has_perm("committee.record_resolutions"):
        raise CommitteeRefusal(_("Only the committee secretariat prepares meetings and records resolutions."))


def _refuse_problems(meeting: Meeting, data: dict) -> None:
    problems = resolution_problems(meeting, data)
    if problems:
        raise ValidationError({key or "__all__": [message] for key, message in problems.items()})


# --- meetings and the agenda -----------------------------------------------------------------------------


def save_meeting(
    actor, *, at: datetime.datetime, meeting: Meeting | None = None, members, attendees, **fields
) -> Meeting:
    _require_secretariat(actor)
    with transaction.atomic():
        members, attendees = set(members), set(attendees)
        problems = meeting_problems(fields.get("chair"), members, attendees)
        if problems:
            raise ValidationError({key: [message] for key, message in problems.items()})
        meeting = meeting or Meeting(created_by=actor)
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.full_clean()
        meeting.save()
        meeting.members.set(members)
        meeting.attendees.set(attendees)
        audit.record(
            action="committee_meeting_saved",
            actor=actor,
            call=meeting.call,
            data={"meeting": meeting.pk, "number": meeting.number, "members": len(members), "present": len(attendees)},
            at=at,
        )
        return meeting


def add_to_agenda(actor, meeting: Meeting, application: Application, *, at: datetime.datetime) -> AgendaItem:
    """Put a referred plan (or one deferred at an earlier meeting) on the meeting's agenda at instant `at`."""
    _require_secretariat(actor)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.call_id != meeting.call_id:
            raise CommitteeRefusal(_("This plan belongs to another call."))
        if application.status not in (State.COMMITTEE, State.DEFERRED):
            raise CommitteeRefusal(_("Only plans referred to the committee or deferred can be put on the agenda."))
        if selectors.open_agenda_items().filter(application=application).exists():
            raise CommitteeRefusal(_("This plan is already on an agenda without a resolution."))
        if meeting.agenda_items.filter(application=application).exists():
            raise CommitteeRefusal(
                _("This plan is already on this meeting's agenda; put a deferred plan on a later meeting's agenda.")
            )
        if application.status == State.DEFERRED:
            workflow.perform(application, "put_on_agenda", actor, at=at, data={"meeting": meeting.pk})
        position = (meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting, application=application, position=position, added_by=actor, added_at=at
        )
        audit.record(
            action="agenda_item_added", actor=actor, application=application, data={"meeting": meeting.pk}, at=at
        )
        return item


# --- resolutions ----------------------------------------------------------------------------------------


def _store_minutes(resolution: Resolution, upload) -> None:
    try:
        _type, digest, _size = uploads.inspect(upload, allowed=(uploads.PDF,))
    except uploads.UploadRefused as exc:
        raise ValidationError({"minutes": [exc.message]}) from exc
    resolution.minutes.save(uploads.generated_name(upload.name), upload, save=False)
    resolution.minutes_name = uploads.safe_display_name(upload.name)
    resolution.minutes_sha256 = digest


def record_resolution(actor, item: AgendaItem, *, at: datetime.datetime, minutes=None, **data) -> Resolution:
    """Record (or revise) the draft resolution on an agenda item. A confirmed one is only ever corrected."""
    _require_secretariat(actor)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting", "application").get(pk=item.pk)
        meeting = Meeting.objects.prefetch_related("members", "attendees").get(pk=item.meeting_id)
        live = item.resolutions.exclude(status=Resolution.Status.SUPERSEDED).first()
        if live and live.is_locked:
            raise CommitteeRefusal(_("This resolution is confirmed and locked. Record a correction instead."))
        if item.application.status != State.COMMITTEE:
            raise CommitteeRefusal(_("This plan is no longer awaiting the committee's resolution."))
        _refuse_problems(meeting, data)
        resolution = live or Resolution(agenda_item=item)  # recorded_by and recorded_at: set below
        for name in RESOLUTION_FIELDS:
            setattr(resolution, name, data[name])
        resolution.members_present, resolution.members_total = meeting.counts()
        resolution.recorded_by, resolution.recorded_at = actor, at
        if minutes is not None:
            _store_minutes(resolution, minutes)
        elif not resolution.minutes:
            raise ValidationError({"minutes": [_("Attach the minutes (PDF).")]})
        resolution.save()
        audit.record(
            action="resolution_recorded",
            actor=actor,
            application=item.application,
            data={"resolution": resolution.pk, "decision": resolution.decision, "meeting": meeting.pk},
            at=at,
        )
        return resolution


def _number_notice(resolution: Resolution, language: str, at: datetime.datetime) -> DecisionNotice:
    """Allocate the call's next document number under a row lock and write the notice row (no PDF yet)."""
    application = resolution.agenda_item.application
    call = application.call
    NoticeCounter.objects.get_or_create(call=call)
    counter = NoticeCounter.objects.select_for_update().get(call=call)
    counter.last += 1
    counter.save(update_fields=["last"])
    notice = DecisionNotice.objects.create(
        resolution=resolution,
        call=call,
        sequence=counter.last,
        document_number=f"{call.document_number_prefix}-{counter.last:04d}",
        verification_code=new_verification_code(),
        language=language,
        issued_on=kst_date(at),
        recipient=application.organization.name_ko,
        decision=resolution.decision,
    )
    from .tasks import generate_notice

    transaction.on_commit(lambda: queueing.publish(generate_notice, notice.pk))  # else sweep_notices renders it
    return notice


def confirm_resolution(actor, resolution: Resolution, *, at: datetime.datetime, language: str = "ko") -> DecisionNotice:
    """Lock the resolution, move the plan to its final state and number the decision notice."""
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update().select_related("agenda_item__application").get(pk=resolution.pk)
        )
        if resolution.status != Resolution.Status.DRAFT:
            raise CommitteeRefusal(_("This resolution is already confirmed."))
        meeting = Meeting.objects.prefetch_related("members", "attendees").get(pk=resolution.agenda_item.meeting_id)
        _refuse_problems(meeting, {name: getattr(resolution, name) for name in RESOLUTION_FIELDS})
        name, _label = CONFIRM[resolution.decision]
        workflow.perform(resolution.agenda_item.application, name, actor, at=at, data={"resolution": resolution.pk})
        states.move(resolution, Resolution.Status.CONFIRMED, refusal=CommitteeRefusal)
        resolution.confirmed_by, resolution.confirmed_at = actor, at
        resolution.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        return _number_notice(resolution, language, at)


def correct_resolution(
    actor, resolution: Resolution, *, at: datetime.datetime, reason: str, minutes=None, language: str = "ko", **data
) -> Resolution:
    """Replace a confirmed resolution by a new, immediately confirmed one; the old one is kept, superseded."""
    with transaction.atomic():
        old = Resolution.objects.select_for_update().select_related("agenda_item__application").get(pk=resolution.pk)
        application = old.agenda_item.application
        if old.status != Resolution.Status.CONFIRMED or selectors.latest_resolution(application) != old:
            raise CommitteeRefusal(_("Only the plan's current confirmed resolution can be corrected."))
        if not reason.strip():
            raise ValidationError({"correction_reason": [_("Say why the resolution is corrected.")]})
        meeting = Meeting.objects.prefetch_related("members", "attendees").get(pk=old.agenda_item.meeting_id)
        _refuse_problems(meeting, data)
        workflow.perform(
            application, CORRECT[data["decision"]], actor, at=at, reason=reason, data={"supersedes": old.pk}
        )
        states.move(old, Resolution.Status.SUPERSEDED, refusal=CommitteeRefusal)
        old.save(update_fields=["status"])
        new = Resolution(
            agenda_item=old.agenda_item,
            supersedes=old,
            correction_reason=reason,
            members_present=old.members_present,
            members_total=old.members_total,
            minutes=old.minutes,
            minutes_name=old.minutes_name,
            minutes_sha256=old.minutes_sha256,
            recorded_by=actor,
            recorded_at=at,
            confirmed_by=actor,
            confirmed_at=at,
            status=Resolution.Status.CONFIRMED,
            **{name: data[name] for name in RESOLUTION_FIELDS},
        )
        if minutes is not None:
            _store_minutes(new, minutes)
        new.save()
        _number_notice(new, language, at)
        return new


# --- sending the notices --------------------------------------------------------------------------------


def send_notices(actor, notices, *, at: datetime.datetime) -> int:
    """Queue the e-mail (PDF attached) of each ready, unsent notice. Refused before the announcement."""
    from core.outbox import queue_email

    _require_secretariat(actor)
    sent = 0
    for notice_id in [n.pk for n in notices]:
        with transaction.atomic():
            notice = (
                DecisionNotice.objects.select_for_update(of=("self",))
                .select_related("call", "resolution__agenda_item__application__organization")
                .get(pk=notice_id)
            )
            if not embargo.released(notice.call, at):
                raise CommitteeRefusal(
                    _("Notices can be sent once the results are announced (%(when)s).")
                    % {"when": selectors.announcement_display(notice.call)}
                )
            if notice.is_sent or not notice.is_ready:
                continue
            application = notice.resolution.application
            notice.message = queue_email(
                to=application.organization.contact_emails(),
                template="committee/email/decision_notice",
                context={"notice": notice, "application": application},
                reference=f"committee.notice:{notice.pk}",
                language=notice.language,
                attachments=[notice.pdf.name],
                created_by=actor,
            )
            notice.sent_by = actor
            notice.save(update_fields=["message", "sent_by"])
            audit.record(
                action="notice_sent",
                actor=actor,
                application=application,
                data={"notice": notice.pk, "document_number": notice.document_number},
                at=at,
            )
            sent += 1
    return sent


def retry_delivery(actor, notice: DecisionNotice, *, at: datetime.datetime) -> None:
    """Give a failed e-mail another round of attempts (the same outbox row: never a second message)."""
    _require_secretariat(actor)
    with transaction.atomic():
        if notice.message_id is None:
            raise CommitteeRefusal(_("This notice has not been sent yet; send it from the list first."))
        try:
            message = outbox.retry_failed(notice.message_id)
        except outbox.OutboxRefusal:
            raise CommitteeRefusal(_("Only a failed e-mail can be retried.")) from None
        audit.record(
            action="notice_delivery_retried",
            actor=actor,
            application=notice.resolution.application,
            data={"notice": notice.pk, "message": message.pk},
            at=at,
        )


# --- conditions of a conditional designation ---------------------------------------------------------------

MAX_CONDITIONS = 20


def set_conditions(actor, resolution: Resolution, items: list[tuple[str, datetime.date]], *, at) -> list:
    """Turn a confirmed conditional designation's conditions into items to follow up, each with its due date.
    Items are added after the existing ones (numbered on); an item once set stays (it is answered or met)."""
    from .models import Condition

    if not actor.has_perm("committee.follow_up_conditions"):
        raise CommitteeRefusal(_("Only ministry staff follow up the conditions."))
    items = [(" ".join(text.split()), due_on) for text, due_on in items if text.strip()]
    if not items:
        raise CommitteeRefusal(_("Give at least one condition."))
    with transaction.atomic():
        locked = Resolution.objects.select_for_update().select_related("agenda_item__application").get(pk=resolution.pk)
        if locked.status != Resolution.Status.CONFIRMED or locked.decision != Decision.DESIGNATED_WITH_CONDITIONS:
            raise CommitteeRefusal(_("Conditions are followed up only for a confirmed designation with conditions."))
        application = locked.agenda_item.application
        if any(due_on < kst_date(at) for _text, due_on in items):
            raise CommitteeRefusal(_("A condition's due date has already passed."))
        last = Condition.objects.filter(application=application).aggregate(last=Max("position"))["last"] or 0
        if last + len(items) > MAX_CONDITIONS:
            raise CommitteeRefusal(_("At most %(count)s conditions per plan.") % {"count": MAX_CONDITIONS})
        created = [
            Condition.objects.create(
                resolution=locked, application=application, position=last + n, text=text, due_on=due_on,
                created_by=actor, created_at=at,
            )
            for n, (text, due_on) in enumerate(items, start=1)
        ]  # fmt: skip
        audit.record(
            action="conditions_set",
            actor=actor,
            application=application,
            data={"conditions": [c.pk for c in created]},
            at=at,
        )
    return created


def answer_condition(actor, condition, *, text: str, upload=None, at):
    """The applicant answers a condition (text, and a file if it asks for one). Only from the announcement
    on (before it, the applicant does not know the decision) and while the condition awaits them."""
    from .models import Condition, ConditionAnswer

    if not actor.has_perm("applications.edit_application", condition.application):
        raise CommitteeRefusal(_("Only the plan's owners and editors answer its conditions."))
    if not text.strip():
        raise CommitteeRefusal(_("Write the answer."), {"text": _("Write the answer.")})
    with files.written_files(), transaction.atomic():
        locked = Condition.objects.select_for_update().select_related("application__call").get(pk=condition.pk)
        if not embargo.released(locked.application.call, at):
            raise CommitteeRefusal(_("The results have not been announced yet."))
        states.move(locked, Condition.Status.ANSWERED, refusal=CommitteeRefusal)
        answer = ConditionAnswer(condition=locked, text=text, submitted_by=actor, submitted_at=at)
        if upload is not None:
            try:
                kind, digest, _size = uploads.inspect(upload, allowed=uploads.ALLOWED_BY_KIND["other"])
            except uploads.UploadRefused as exc:
                raise CommitteeRefusal(exc.message, {"upload": exc.message}) from exc
            answer.file.save(uploads.generated_name(upload.name), upload, save=False)
            answer.file_name, answer.file_type, answer.file_sha256 = (
                uploads.safe_display_name(upload.name),
                kind,
                digest,
            )
        answer.save()
        locked.save(update_fields=["status"])
        audit.record(
            action="condition_answered",
            actor=actor,
            application=locked.application,
            data={"condition": locked.pk, "answer": answer.pk, "file": answer.file_sha256 or None},
            at=at,
        )
    return answer


def decide_condition(actor, condition, *, met: bool, note: str = "", at):
    """Staff accept the latest answer (the condition is met) or ask again, saying what is missing."""
    from .models import Condition

    if not actor.has_perm("committee.follow_up_conditions"):
        raise CommitteeRefusal(_("Only ministry staff follow up the conditions."))
    if not met and not note.strip():
        raise CommitteeRefusal(_("Say what is still missing."), {"note": _("Say what is still missing.")})
    with transaction.atomic():
        locked = Condition.objects.select_for_update().select_related("application__organization").get(pk=condition.pk)
        states.move(locked, Condition.Status.MET if met else Condition.Status.OPEN, refusal=CommitteeRefusal)
        answer = locked.answers.order_by("-pk").first()  # the last one made (under this lock), whatever its instant
        answer.accepted, answer.staff_note, answer.decided_by, answer.decided_at = met, note, actor, at
        answer.save(update_fields=["accepted", "staff_note", "decided_by", "decided_at"])
        locked.met_at = at if met else None
        locked.save(update_fields=["status", "met_at"])
        audit.record(
            action="condition_met" if met else "condition_asked_again",
            actor=actor,
            application=locked.application,
            reason=note,
            data={"condition": locked.pk, "answer": answer.pk},
            at=at,
        )
        outbox.queue_email(
            to=locked.application.organization.contact_emails(),
            template="committee/email/condition_decided",
            context={"condition": locked, "answer": answer, "application": locked.application},
            reference=f"committee.condition:{locked.pk}:answer:{answer.pk}",
            created_by=actor,
        )
    return locked


REMINDER_DAYS = (14, 3)


def remind_conditions(at) -> int:
    """E-mail the organisations whose open conditions fall due in 14 and in 3 days (Korea days), once each:
    the reference names the condition and the reminder, so a repeated run sends nothing twice."""
    from .models import Condition

    today = kst_date(at)
    queued = 0
    for days in REMINDER_DAYS:
        due = today + datetime.timedelta(days=days)
        for condition in Condition.objects.filter(status=Condition.Status.OPEN, due_on=due).select_related(
            "application__organization", "application__call"
        ):
            if not embargo.released(condition.application.call, at):
                continue
            outbox.queue_email(
                to=condition.application.organization.contact_emails(),
                template="committee/email/condition_reminder",
                context={"condition": condition, "application": condition.application, "days": days},
                reference=f"committee.condition:{condition.pk}:reminder:{days}",
            )
            queued += 1
    return queued

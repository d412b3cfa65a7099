"""Each committee service's own checks, called directly (not through a page): the agenda, recording, confirming
and correcting a resolution, sending the notices at the announcement instant, and retrying an e-mail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from applications.models import Application, AuditEvent
from applications.workflow import State
from committee import services
from committee.models import AgendaItem, DecisionNotice, Meeting, Resolution
from core.models import OutboxMessage
from tests import services as test_services
from tests.factories import CallFactory, FieldFactory, UserFactory, make_meeting, referred_plan

from .conftest import ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db
MICROSECOND = datetime.timedelta(microseconds=1)
AT = datetime.datetime(2026, 7, 15, 17, 30, tzinfo=datetime.UTC)  # 2026-07-16 02:30 in Seoul


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(exc_info) -> str:
    return str(exc_info.value.message)


def recorded(secretariat, item, decision="designated", at=MEETING_DAY, **overrides):
    return services.record_resolution(
        secretariat, item, at=at, minutes=minutes_pdf(), **resolution_data(decision, **overrides)
    )


# --- meetings -------------------------------------------------------------------------------------------


def meeting_fields(call, number=8):
    return {"call": call, "number": number, "held_at": AT, "place": "정부세종청사"}


def test_save_meeting_refuses_a_chair_who_is_not_a_member(call, secretariat):
    members = [UserFactory(roles=["committee_member"]) for _ in range(3)]
    with pytest.raises(ValidationError) as exc:
        services.save_meeting(
            secretariat, at=AT, members=members, attendees=members[:2], chair=UserFactory(), **meeting_fields(call)
        )
    assert exc.value.message_dict == {"chair": ["The chair must be one of the members."]}
    with pytest.raises(ValidationError) as exc:
        services.save_meeting(
            secretariat, at=AT, members=members[:2], attendees=members, chair=members[0], **meeting_fields(call)
        )
    assert exc.value.message_dict == {"attendees": ["Only members of the committee can be present."]}
    assert not Meeting.objects.exists()


def test_save_meeting_stores_the_people_and_is_audited(call, secretariat):
    members = [UserFactory(roles=["committee_member"]) for _ in range(3)]
    meeting = services.save_meeting(
        secretariat, at=AT, members=members, attendees=members, chair=members[1], **meeting_fields(call)
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.chair == members[1] and meeting.created_by == secretariat and meeting.place == "정부세종청사"
    assert meeting.counts() == (3, 3)
    event = AuditEvent.objects.get(action="committee_meeting_saved")
    assert event.actor == secretariat and event.call == call
    assert event.data == {"meeting": meeting.pk, "number": 8, "members": 3, "present": 3}
    # editing keeps the row and its creator
    other = UserFactory(roles=["committee_secretariat"])
    services.save_meeting(
        other,
        at=AT,
        meeting=meeting,
        members=members,
        attendees=members[:1],
        chair=members[0],
        **meeting_fields(call, 9),
    )
    meeting.refresh_from_db()
    assert Meeting.objects.count() == 1 and meeting.number == 9 and meeting.created_by == secretariat
    assert meeting.counts() == (1, 3)


def test_save_meeting_checks_the_model(call, secretariat):
    members = [UserFactory(roles=["committee_member"])]
    fields = {**meeting_fields(call), "held_at": datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC)}
    with pytest.raises(ValidationError) as exc:
        services.save_meeting(secretariat, at=AT, members=members, attendees=members, chair=members[0], **fields)
    assert "held_at" in exc.value.message_dict


def test_only_the_secretariat_saves_a_meeting(call):
    members = [UserFactory(roles=["committee_member"]) for _ in range(3)]
    for actor in (UserFactory(roles=["ministry_staff"]), members[0]):
        with pytest.raises(services.CommitteeRefusal) as exc:
            services.save_meeting(
                actor, at=AT, members=members, attendees=members, chair=members[0], **meeting_fields(call)
            )
        assert refusal(exc) == "Only the committee secretariat prepares meetings and records resolutions."
    assert not Meeting.objects.exists() and not AuditEvent.objects.filter(action="committee_meeting_saved").exists()


# --- the agenda -----------------------------------------------------------------------------------------


def test_a_plan_of_another_call_is_refused(secretariat, meeting):
    other_call = CallFactory(fields=[FieldFactory(code="SEM")], document_number_prefix="다른과")
    plan = referred_plan(other_call)
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    assert refusal(exc) == "This plan belongs to another call."
    assert not AgendaItem.objects.exists()


def test_agenda_items_are_numbered_in_order_and_audited(call, secretariat, meeting, item, plan):
    second = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
    assert (item.position, second.position) == (1, 2)
    assert item.added_by == secretariat and item.meeting == meeting and item.application == plan
    event = AuditEvent.objects.get(action="agenda_item_added", application=plan)
    assert event.actor == secretariat and event.data == {"meeting": meeting.pk}
    assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE  # a referred plan stays where it is
    assert not AuditEvent.objects.filter(action="put_on_agenda").exists()


@pytest.mark.parametrize("status", [State.SUBCOMMITTEE, State.DESIGNATED, State.NOT_DESIGNATED])
def test_only_referred_or_deferred_plans_go_on_the_agenda(call, secretariat, meeting, status):
    plan = referred_plan(call)
    Application.objects.filter(pk=plan.pk).update(status=status)
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    assert refusal(exc) == "Only plans referred to the committee or deferred can be put on the agenda."


def test_a_plan_waits_on_one_open_agenda_only(call, secretariat, item, plan):
    later = make_meeting(call, number=8, created_by=secretariat)
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)
    assert refusal(exc) == "This plan is already on an agenda without a resolution."
    recorded(secretariat, item)  # a draft resolution does not close the item
    with pytest.raises(services.CommitteeRefusal):
        services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)


def test_only_the_secretariat_puts_a_plan_on_the_agenda(call, secretariat, meeting, item, plan):
    services.confirm_resolution(secretariat, recorded(secretariat, item, "deferred"), at=MEETING_DAY)
    later = make_meeting(call, number=8, created_by=secretariat)
    staff = UserFactory(roles=["ministry_staff"])
    for other in (plan, referred_plan(call)):
        with pytest.raises(services.CommitteeRefusal) as exc:
            services.add_to_agenda(staff, later, other, at=AT)
        assert refusal(exc) == "Only the committee secretariat prepares meetings and records resolutions."
    assert not later.agenda_items.exists() and Application.objects.get(pk=plan.pk).status == State.DEFERRED
    assert not AuditEvent.objects.filter(action="put_on_agenda").exists()


def test_a_deferred_plan_is_put_on_the_agenda_at_the_instant_given(call, secretariat, meeting, item, plan):
    services.confirm_resolution(secretariat, recorded(secretariat, item, "deferred"), at=MEETING_DAY)
    later = make_meeting(call, number=8, created_by=secretariat)
    again = services.add_to_agenda(secretariat, later, plan, at=AT)
    assert AgendaItem.objects.get(pk=again.pk).added_at == AT
    assert AuditEvent.objects.get(action="put_on_agenda", application=plan).created_at == AT
    assert AuditEvent.objects.filter(action="agenda_item_added", application=plan).latest("pk").created_at == AT


# --- recording ------------------------------------------------------------------------------------------


def test_recording_stores_the_attendance_the_author_and_the_time(secretariat, item, plan):
    resolution = recorded(secretariat, item, votes_for=2, votes_against=1, at=AT)
    resolution = Resolution.objects.get(pk=resolution.pk)
    assert (resolution.votes_for, resolution.votes_against, resolution.votes_abstaining) == (2, 1, 0)
    assert (resolution.members_present, resolution.members_total) == (3, 5)
    assert resolution.recorded_by == secretariat and resolution.recorded_at == AT
    assert resolution.status == Resolution.Status.DRAFT and resolution.minutes_name == "minutes.pdf"
    assert len(resolution.minutes_sha256) == 64
    event = AuditEvent.objects.get(action="resolution_recorded")
    assert event.actor == secretariat and event.application == plan and event.created_at == AT
    assert event.data == {"resolution": resolution.pk, "decision": "designated", "meeting": item.meeting_id}


def test_recording_again_revises_the_draft_and_keeps_its_minutes(secretariat, item):
    first = recorded(secretariat, item)
    other = UserFactory(roles=["committee_secretariat"])
    second = services.record_resolution(
        other, item, at=MEETING_DAY, **resolution_data("not_designated", reasons="재검토")
    )
    assert second.pk == first.pk and Resolution.objects.count() == 1
    second.refresh_from_db()
    assert second.decision == "not_designated" and second.reasons == "재검토" and second.recorded_by == other
    assert second.minutes.name == first.minutes.name


def test_only_the_secretariat_records_a_resolution(secretariat, item):
    for actor in (UserFactory(roles=["ministry_staff"]), UserFactory(roles=["committee_member"])):
        with pytest.raises(services.CommitteeRefusal) as exc:
            recorded(actor, item)
        assert refusal(exc) == "Only the committee secretariat prepares meetings and records resolutions."
    assert not Resolution.objects.exists() and not AuditEvent.objects.filter(action="resolution_recorded").exists()


def test_recording_locks_the_item_with_its_meeting_and_plan(secretariat, item):
    test_services.need_postgresql("row locks")
    # the agenda item is locked with its meeting and its plan: the attendance (saved through the meeting's row)
    # and the plan's state cannot change under a recording (issue 11: a lost select_related was not noticed)
    with CaptureQueriesContext(connection) as queries:
        recorded(secretariat, item)
    (lock,) = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and "agendaitem" in q["sql"]]
    assert lock.endswith(" FOR UPDATE") and 'JOIN "committee_meeting"' in lock
    assert 'JOIN "applications_application"' in lock


def test_the_first_record_needs_minutes(secretariat, item):
    with pytest.raises(ValidationError) as exc:
        services.record_resolution(secretariat, item, at=MEETING_DAY, **resolution_data())
    assert exc.value.message_dict == {"minutes": ["Attach the minutes (PDF)."]}
    assert not Resolution.objects.exists()


def test_recording_refuses_a_plan_no_longer_before_the_committee(secretariat, item, plan):
    Application.objects.filter(pk=plan.pk).update(status=State.WITHDRAWN)
    with pytest.raises(services.CommitteeRefusal) as exc:
        recorded(secretariat, item)
    assert refusal(exc) == "This plan is no longer awaiting the committee's resolution."


def test_recording_refuses_what_the_rules_refuse(secretariat, item):
    with pytest.raises(ValidationError) as exc:
        recorded(secretariat, item, reasons=" ", votes_for=4)
    assert set(exc.value.message_dict) == {"reasons", "votes_abstaining"}
    assert not Resolution.objects.exists()


# --- confirming -----------------------------------------------------------------------------------------


def test_confirming_checks_the_quorum_again(secretariat, meeting, item, plan):
    resolution = recorded(secretariat, item)
    meeting.attendees.remove(*list(meeting.attendees.all())[:1])  # 2 of 5 present now: no quorum
    with pytest.raises(ValidationError) as exc:
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    assert "__all__" in exc.value.message_dict
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.DRAFT
    assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE
    assert not DecisionNotice.objects.exists()


def test_confirming_checks_the_votes_again(secretariat, item):
    resolution = recorded(secretariat, item)
    Resolution.objects.filter(pk=resolution.pk).update(votes_for=1, votes_against=2)
    with pytest.raises(ValidationError) as exc:
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    assert set(exc.value.message_dict) == {"votes_for"}


def test_confirming_at_an_instant(secretariat, item, plan):
    resolution = recorded(secretariat, item, "not_designated")
    notice = services.confirm_resolution(secretariat, resolution, language="en", at=AT)
    resolution.refresh_from_db()
    assert resolution.confirmed_by == secretariat and resolution.confirmed_at == AT
    assert notice.issued_on == datetime.date(2026, 7, 16)  # the day in Seoul
    assert notice.language == "en" and notice.decision == "not_designated" and notice.resolution == resolution
    assert notice.recipient == plan.organization.name_ko and notice.sequence == 1
    event = AuditEvent.objects.get(action="not_designate")
    assert event.created_at == AT and event.data == {"resolution": resolution.pk}
    assert Application.objects.get(pk=plan.pk).status == State.NOT_DESIGNATED


@pytest.mark.parametrize(
    ("decision", "state"),
    [
        ("designated", State.DESIGNATED),
        ("designated_with_conditions", State.DESIGNATED_WITH_CONDITIONS),
        ("not_designated", State.NOT_DESIGNATED),
        ("deferred", State.DEFERRED),
    ],
)
def test_each_decision_moves_the_plan_to_its_state(secretariat, item, plan, decision, state):
    resolution = recorded(secretariat, item, decision, conditions="조건")
    services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    assert Application.objects.get(pk=plan.pk).status == state


def test_the_notice_numbers_are_per_call(call, secretariat, meeting, item):
    services.confirm_resolution(secretariat, recorded(secretariat, item), at=MEETING_DAY)
    other_call = CallFactory(fields=[FieldFactory(code="SEM")], document_number_prefix="반도체과")
    other_meeting = make_meeting(other_call, created_by=secretariat)
    other_item = services.add_to_agenda(secretariat, other_meeting, referred_plan(other_call), at=MEETING_DAY)
    notice = services.confirm_resolution(secretariat, recorded(secretariat, other_item), at=MEETING_DAY)
    assert (notice.sequence, notice.document_number) == (1, "반도체과-0001")


# --- correcting -----------------------------------------------------------------------------------------


@pytest.fixture
def confirmed(secretariat, item):
    resolution = recorded(secretariat, item)
    services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return Resolution.objects.get(pk=resolution.pk)


def test_a_correction_copies_the_meeting_facts_and_is_dated(secretariat, confirmed, plan):
    other = UserFactory(roles=["committee_secretariat"])
    new = services.correct_resolution(
        other, confirmed, reason="집계 오류", at=AT, language="en", **resolution_data("not_designated", votes_for=2)
    )
    new = Resolution.objects.get(pk=new.pk)
    assert (new.members_present, new.members_total) == (confirmed.members_present, confirmed.members_total)
    assert new.minutes.name == confirmed.minutes.name and new.minutes_sha256 == confirmed.minutes_sha256
    assert new.minutes_name == confirmed.minutes_name
    assert new.recorded_by == other and new.confirmed_by == other
    assert new.recorded_at == AT and new.confirmed_at == AT
    assert new.correction_reason == "집계 오류" and new.votes_for == 2 and new.decision == "not_designated"
    assert new.notice.language == "en" and new.notice.issued_on == datetime.date(2026, 7, 16)
    assert AuditEvent.objects.get(action="correct_resolution_to_not_designated").created_at == AT


def test_a_correction_may_bring_new_minutes(secretariat, confirmed):
    new = services.correct_resolution(
        secretariat,
        confirmed,
        at=MEETING_DAY,
        reason="회의록 교체",
        minutes=minutes_pdf("정정.pdf"),
        **resolution_data(),
    )
    assert new.minutes.name != confirmed.minutes.name and new.minutes_name == "정정.pdf"


def test_a_correction_follows_the_rules_too(secretariat, confirmed, plan):
    with pytest.raises(ValidationError) as exc:
        services.correct_resolution(
            secretariat, confirmed, at=MEETING_DAY, reason="정정", **resolution_data(votes_for=1)
        )
    assert set(exc.value.message_dict) == {"votes_for"}
    with pytest.raises(ValidationError) as exc:
        services.correct_resolution(secretariat, confirmed, at=MEETING_DAY, reason="\n ", **resolution_data())
    assert exc.value.message_dict == {"correction_reason": ["Say why the resolution is corrected."]}
    assert Resolution.objects.get(pk=confirmed.pk).status == Resolution.Status.CONFIRMED
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED


def test_an_earlier_confirmed_resolution_of_the_plan_cannot_be_corrected(call, secretariat, item, plan):
    deferral = recorded(secretariat, item, "deferred")
    services.confirm_resolution(secretariat, deferral, at=MEETING_DAY)
    later = make_meeting(call, number=8, created_by=secretariat)
    services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)
    event = AuditEvent.objects.get(action="put_on_agenda", application=plan)
    assert event.data == {"meeting": later.pk} and event.actor == secretariat
    designation = recorded(secretariat, AgendaItem.objects.get(meeting=later))
    services.confirm_resolution(secretariat, designation, at=MEETING_DAY)
    deferral.refresh_from_db()
    assert deferral.status == Resolution.Status.CONFIRMED  # still confirmed, but no longer the plan's current one
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.correct_resolution(
            secretariat, deferral, at=MEETING_DAY, reason="정정", **resolution_data("not_designated")
        )
    assert refusal(exc) == "Only the plan's current confirmed resolution can be corrected."
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED


def test_a_draft_cannot_be_corrected(secretariat, item):
    draft = recorded(secretariat, item)
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.correct_resolution(secretariat, draft, at=MEETING_DAY, reason="정정", **resolution_data())
    assert refusal(exc) == "Only the plan's current confirmed resolution can be corrected."


# --- sending --------------------------------------------------------------------------------------------


@pytest.fixture
def ready_notice(secretariat, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(secretariat, recorded(secretariat, item), at=MEETING_DAY)
    return DecisionNotice.objects.get(pk=notice.pk)


def test_sending_starts_at_the_announcement_instant(secretariat, ready_notice, plan, plan_owner):
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT - MICROSECOND)
    assert refusal(exc) == "Notices can be sent once the results are announced (2026-07-31 10:00)."
    assert not OutboxMessage.objects.exists()
    assert services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT) == 1
    ready_notice.refresh_from_db()
    message = ready_notice.message
    assert message.to == [plan_owner.email] and message.reference == f"committee.notice:{ready_notice.pk}"
    assert message.attachments == [ready_notice.pdf.name] and ready_notice.sent_by == secretariat
    event = AuditEvent.objects.get(action="notice_sent")
    assert event.created_at == ANNOUNCEMENT and event.actor == secretariat and event.application == plan
    assert event.data == {"notice": ready_notice.pk, "document_number": ready_notice.document_number}


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("ko", "지정 결과 통지서 {}: 국가첨단전략산업 특화단지"),
        ("en", "Decision notice {}: National Advanced Strategic Industry Specialized Complex"),
    ],
)
def test_a_notice_s_e_mail_is_in_the_notice_s_language(
    secretariat, item, django_capture_on_commit_callbacks, language, subject
):
    """The e-mail is written in the notice's language (without one, the English source text would go out)."""
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(
            secretariat, recorded(secretariat, item), at=MEETING_DAY, language=language
        )
    notice = DecisionNotice.objects.get(pk=notice.pk)
    assert services.send_notices(secretariat, [notice], at=ANNOUNCEMENT) == 1
    notice.refresh_from_db()
    assert notice.message.subject == subject.format(notice.document_number)


def test_sending_locks_the_notice_row_only(secretariat, ready_notice):
    test_services.need_postgresql("row locks")
    # the notice is read with its call, plan and organisation, but only its own row is locked: the plan and the
    # call stay free for the other rooms while the e-mails are queued (issue 11: a lost `of=` was not noticed)
    with CaptureQueriesContext(connection) as queries:
        services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and "decisionnotice" in q["sql"]]
    assert len(locks) == 1 and locks[0].endswith('FOR UPDATE OF "committee_decisionnotice"')


def test_a_sent_notice_is_not_sent_again(secretariat, ready_notice):
    later = ANNOUNCEMENT + MICROSECOND
    assert services.send_notices(secretariat, [ready_notice], at=later) == 1
    assert services.send_notices(secretariat, [ready_notice], at=later) == 0
    assert OutboxMessage.objects.count() == 1


def test_a_notice_without_its_pdf_waits(secretariat, item):
    notice = services.confirm_resolution(
        secretariat, recorded(secretariat, item), at=MEETING_DAY
    )  # the PDF task did not run
    assert services.send_notices(secretariat, [notice], at=ANNOUNCEMENT) == 0
    assert DecisionNotice.objects.get(pk=notice.pk).message is None


def test_a_skipped_notice_does_not_stop_the_others(
    call, secretariat, meeting, ready_notice, django_capture_on_commit_callbacks
):
    services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT)
    other = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.confirm_resolution(secretariat, recorded(secretariat, other), at=MEETING_DAY, language="en")
    assert services.send_notices(secretariat, [ready_notice, second], at=ANNOUNCEMENT) == 1
    message = DecisionNotice.objects.get(pk=second.pk).message
    assert message.created_by == secretariat
    assert message.subject.startswith(f"Decision notice {second.document_number}")  # in the notice's language


def test_sending_counts_each_notice(call, secretariat, meeting, ready_notice, django_capture_on_commit_callbacks):
    other = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.confirm_resolution(secretariat, recorded(secretariat, other), at=MEETING_DAY)
    assert services.send_notices(secretariat, [ready_notice, second], at=ANNOUNCEMENT) == 2


# --- retrying -------------------------------------------------------------------------------------------


@pytest.fixture
def sent_notice(secretariat, ready_notice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT)
    return DecisionNotice.objects.get(pk=ready_notice.pk)


def test_an_email_that_has_not_failed_is_not_retried(secretariat, sent_notice):
    assert sent_notice.message.status == OutboxMessage.Status.SENT
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.retry_delivery(secretariat, sent_notice, at=ANNOUNCEMENT)
    assert refusal(exc) == "Only a failed e-mail can be retried."
    OutboxMessage.objects.filter(pk=sent_notice.message_id).update(status=OutboxMessage.Status.PENDING)
    with pytest.raises(services.CommitteeRefusal):
        services.retry_delivery(secretariat, sent_notice, at=ANNOUNCEMENT)
    assert not AuditEvent.objects.filter(action="notice_delivery_retried").exists()


def test_a_notice_never_sent_is_not_retried(secretariat, ready_notice):
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.retry_delivery(secretariat, ready_notice, at=ANNOUNCEMENT)
    assert refusal(exc) == "This notice has not been sent yet; send it from the list first."


def test_a_failed_email_is_retried_on_the_same_row(secretariat, sent_notice, plan):
    OutboxMessage.objects.filter(pk=sent_notice.message_id).update(status=OutboxMessage.Status.FAILED, attempts=5)
    services.retry_delivery(secretariat, sent_notice, at=ANNOUNCEMENT)
    message = OutboxMessage.objects.get()
    assert message.pk == sent_notice.message_id and message.attempts == 0
    assert message.status == OutboxMessage.Status.PENDING  # its new round runs after commit
    event = AuditEvent.objects.get(action="notice_delivery_retried")
    assert event.actor == secretariat and event.application == plan
    assert event.data == {"notice": sent_notice.pk, "message": message.pk}


# --- queries ---------------------------------------------------------------------------------------------


def test_the_resolution_services_load_the_meeting_once(
    secretariat, item, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # the meeting's members and those present are prefetched once and counted in memory (the rules count them
    # three times); the plan comes with its agenda item, the minutes are written with the resolution's own row.
    # Figures measured on PostgreSQL, audit rows included, and kept exact: one more query means a lost
    # select_related or prefetch (issue 11: mutants that only cost a query survived the looser bounds).
    with django_assert_max_num_queries(12):
        resolution = recorded(secretariat, item)
    with django_assert_max_num_queries(12):
        services.record_resolution(secretariat, item, at=MEETING_DAY, **resolution_data())
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(23):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    with django_assert_max_num_queries(11):
        services.send_notices(secretariat, [notice], at=ANNOUNCEMENT)
    resolution.refresh_from_db()
    with django_assert_max_num_queries(22):
        services.correct_resolution(secretariat, resolution, at=MEETING_DAY, reason="정정", **resolution_data())


# --- each service's own refusals, one by one (issue 11: found by mutation testing) ------------------------


def test_a_deferred_plan_goes_back_on_a_later_meeting_not_the_same_one(call, secretariat, meeting, item, plan):
    services.confirm_resolution(secretariat, recorded(secretariat, item, "deferred"), at=MEETING_DAY)
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    assert refusal(exc) == (
        "This plan is already on this meeting's agenda; put a deferred plan on a later meeting's agenda."
    )
    assert AgendaItem.objects.filter(application=plan).count() == 1
    assert Application.objects.get(pk=plan.pk).status == State.DEFERRED
    later = make_meeting(call, number=8, created_by=secretariat)
    again = services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)
    assert again.position == 1 and Application.objects.get(pk=plan.pk).status == State.COMMITTEE


def test_a_confirmed_resolution_is_not_recorded_over(secretariat, item):
    resolution = recorded(secretariat, item)
    services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    with pytest.raises(services.CommitteeRefusal) as exc:
        recorded(secretariat, item, "not_designated")
    assert refusal(exc) == "This resolution is confirmed and locked. Record a correction instead."
    assert Resolution.objects.get().decision == "designated"


def test_recording_at_a_given_instant(secretariat, item):
    resolution = services.record_resolution(secretariat, item, minutes=minutes_pdf(), at=AT, **resolution_data())
    assert Resolution.objects.get(pk=resolution.pk).recorded_at == AT


def test_the_minutes_must_be_a_pdf(secretariat, item):
    png = minutes_pdf("minutes.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    with pytest.raises(ValidationError) as exc:
        services.record_resolution(secretariat, item, at=MEETING_DAY, minutes=png, **resolution_data())
    assert exc.value.message_dict == {
        "minutes": ["“minutes.png” is not a PDF file (checked by its content, not its name). Please upload a PDF file."]
    }
    assert not Resolution.objects.exists()


def test_a_resolution_is_confirmed_once(secretariat, item, plan):
    resolution = recorded(secretariat, item)
    notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    assert notice.language == "ko"  # the default
    with pytest.raises(services.CommitteeRefusal) as exc:
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY, language="en")
    assert refusal(exc) == "This resolution is already confirmed."
    assert DecisionNotice.objects.count() == 1
    assert AuditEvent.objects.filter(action="designate", application=plan).count() == 1


def test_the_notice_numbers_of_a_call_follow_on(call, secretariat, meeting, item):
    first = services.confirm_resolution(secretariat, recorded(secretariat, item), at=MEETING_DAY)
    other = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
    second = services.confirm_resolution(secretariat, recorded(secretariat, other), at=MEETING_DAY)
    prefix = call.document_number_prefix
    assert (first.sequence, first.document_number) == (1, f"{prefix}-0001")
    assert (second.sequence, second.document_number) == (2, f"{prefix}-0002")
    assert first.verification_code != second.verification_code


def test_a_correction_supersedes_the_old_resolution_and_says_why(secretariat, confirmed, plan):
    new = services.correct_resolution(
        secretariat, confirmed, at=MEETING_DAY, reason="집계 오류", **resolution_data("not_designated")
    )
    confirmed.refresh_from_db()
    new.refresh_from_db()
    assert confirmed.status == Resolution.Status.SUPERSEDED
    assert new.supersedes == confirmed and new.status == Resolution.Status.CONFIRMED
    assert new.agenda_item == confirmed.agenda_item and new.notice.language == "ko"
    assert new.notice.decision == "not_designated" and new.notice.sequence == 2
    event = AuditEvent.objects.get(action="correct_resolution_to_not_designated")
    assert event.reason == "집계 오류" and event.data == {"supersedes": confirmed.pk} and event.actor == secretariat
    assert Application.objects.get(pk=plan.pk).status == State.NOT_DESIGNATED
    with pytest.raises(services.CommitteeRefusal) as exc:  # the superseded one is history now
        services.correct_resolution(secretariat, confirmed, at=MEETING_DAY, reason="정정", **resolution_data())
    assert refusal(exc) == "Only the plan's current confirmed resolution can be corrected."


def test_the_notice_email_names_the_plan_and_the_organisation(secretariat, ready_notice, plan):
    services.send_notices(secretariat, [ready_notice], at=ANNOUNCEMENT)
    message = DecisionNotice.objects.get(pk=ready_notice.pk).message
    assert f'"{plan.title}"' in message.body and plan.organization.name_ko in message.body
    assert ready_notice.document_number in message.body and ready_notice.document_number in message.subject


def test_only_the_secretariat_confirms_or_corrects(secretariat, item, plan):
    from applications.workflow import TransitionError

    staff = UserFactory(roles=["ministry_staff"])
    resolution = recorded(secretariat, item)
    with pytest.raises(TransitionError) as exc:
        services.confirm_resolution(staff, resolution, at=MEETING_DAY)
    assert refusal(exc) == "You may not do this."
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.DRAFT
    assert not DecisionNotice.objects.exists() and Application.objects.get(pk=plan.pk).status == State.COMMITTEE
    services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    with pytest.raises(TransitionError) as exc:
        services.correct_resolution(
            staff, resolution, at=MEETING_DAY, reason="정정", **resolution_data("not_designated")
        )
    assert refusal(exc) == "You may not do this."
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.CONFIRMED
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED

"""Meetings, agenda, resolutions: quorum and vote rules, confirmation, locking and corrections."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from applications.models import Application, AuditEvent
from applications.workflow import State
from committee import services
from committee.models import DecisionNotice, Resolution
from committee.selectors import latest_resolution
from tests.factories import make_meeting, referred_plan

from .conftest import MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db


def _confirmed(secretariat, item, decision="designated", **overrides):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data(decision, **overrides)
    )
    notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return Resolution.objects.get(pk=resolution.pk), notice


def test_no_resolution_without_quorum(call, secretariat, plan):
    meeting = make_meeting(call, members=5, present=2, created_by=secretariat, number=8)
    item = services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data(votes_for=2)
        )
    assert "2 of 5" in str(exc.value.message_dict["__all__"])
    assert not Resolution.objects.exists()


def test_quorum_threshold_is_a_setting_of_the_meeting(call, secretariat, plan):
    meeting = make_meeting(
        call, members=6, present=3, created_by=secretariat, number=9, attendance_threshold="half_or_more"
    )
    item = services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data(votes_for=2, votes_abstaining=1)
    )
    assert resolution.members_present == 3 and resolution.members_total == 6


@pytest.mark.parametrize(
    ("votes", "field"),
    [
        ({"votes_for": 3, "votes_against": 1, "votes_abstaining": 0}, "votes_abstaining"),  # 4 votes, 3 present
        ({"votes_for": 1, "votes_against": 1, "votes_abstaining": 1}, "votes_for"),  # not carried
    ],
)
def test_votes_are_checked_against_attendance(secretariat, item, votes, field):
    with pytest.raises(ValidationError) as exc:
        services.record_resolution(secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data(**votes))
    assert field in exc.value.message_dict


def test_conditions_are_required_for_a_conditional_designation(secretariat, item):
    with pytest.raises(ValidationError) as exc:
        services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data("designated_with_conditions")
        )
    assert "conditions" in exc.value.message_dict


def test_minutes_must_really_be_a_pdf(secretariat, item):
    with pytest.raises(ValidationError) as exc:
        services.record_resolution(
            secretariat,
            item,
            at=MEETING_DAY,
            minutes=minutes_pdf("minutes.pdf", b"PK\x03\x04 not a pdf"),
            **resolution_data(),
        )
    assert "minutes" in exc.value.message_dict


def test_confirming_moves_the_plan_numbers_the_notice_and_locks(secretariat, item, plan):
    resolution, notice = _confirmed(secretariat, item)
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED
    assert resolution.status == Resolution.Status.CONFIRMED and resolution.is_locked
    assert notice.document_number == "첨단산업정책과-0001"
    assert AuditEvent.objects.filter(application=plan, action="designate", to_status="designated").exists()
    with pytest.raises(services.CommitteeRefusal):
        services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data("not_designated")
        )
    with pytest.raises(services.CommitteeRefusal):
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    assert DecisionNotice.objects.count() == 1


def test_document_numbers_follow_each_other_per_call(call, secretariat, meeting, item):
    other = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
    _confirmed(secretariat, item)
    _resolution, second = _confirmed(secretariat, other, "not_designated")
    assert second.document_number == "첨단산업정책과-0002"


def test_a_correction_supersedes_and_is_audited(secretariat, item, plan):
    old, old_notice = _confirmed(secretariat, item)
    with pytest.raises(ValidationError):
        services.correct_resolution(secretariat, old, at=MEETING_DAY, reason=" ", **resolution_data("not_designated"))
    new = services.correct_resolution(
        secretariat,
        old,
        at=MEETING_DAY,
        reason="표결 집계 오류 정정",
        **resolution_data("designated_with_conditions", conditions="용수 확보"),
    )
    old.refresh_from_db()
    assert old.status == Resolution.Status.SUPERSEDED and old.decision == "designated"  # never edited
    assert new.supersedes == old and new.status == Resolution.Status.CONFIRMED
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED_WITH_CONDITIONS
    assert new.notice.document_number == "첨단산업정책과-0002" and old_notice.pk != new.notice.pk
    event = AuditEvent.objects.get(application=plan, action="correct_resolution_to_designated_with_conditions")
    assert event.reason == "표결 집계 오류 정정" and event.data == {"supersedes": old.pk}
    assert latest_resolution(plan) == new
    with pytest.raises(services.CommitteeRefusal):  # the superseded one cannot be corrected again
        services.correct_resolution(secretariat, old, at=MEETING_DAY, reason="x", **resolution_data())


def test_a_deferred_plan_goes_back_on_a_later_agenda(call, secretariat, item, plan):
    _confirmed(secretariat, item, "deferred")
    assert Application.objects.get(pk=plan.pk).status == State.DEFERRED
    later = make_meeting(call, number=8, created_by=secretariat)
    services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)
    assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE
    assert AuditEvent.objects.filter(application=plan, action="put_on_agenda").exists()


def test_only_referred_plans_and_only_once_on_an_open_agenda(call, secretariat, meeting, item, plan):
    later = make_meeting(call, number=8, created_by=secretariat)
    with pytest.raises(services.CommitteeRefusal):
        services.add_to_agenda(secretariat, later, plan, at=MEETING_DAY)
    draft = referred_plan(call)
    Application.objects.filter(pk=draft.pk).update(status=State.SUBCOMMITTEE)
    with pytest.raises(services.CommitteeRefusal):
        services.add_to_agenda(secretariat, meeting, draft, at=MEETING_DAY)


def test_the_workflow_refuses_other_roles(item, plan, secretariat):
    from applications import workflow
    from tests.factories import UserFactory

    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    with pytest.raises(workflow.TransitionError):
        services.confirm_resolution(UserFactory(roles=["ministry_staff"]), resolution, at=MEETING_DAY)
    assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE

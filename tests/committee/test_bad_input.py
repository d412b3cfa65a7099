"""Bad input on the committee pages is a form error, a message or a 404, never a 500 (issue 10, finding 12)."""

import pytest
from django.urls import reverse
from django.utils import translation

from committee import selectors, services
from committee.models import AgendaItem, Meeting

from .conftest import MEETING_DAY, meeting_data, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def logged_in(client, secretariat):
    client.raise_request_exception = False
    client.force_login(secretariat)
    return client


@pytest.mark.parametrize("held_at", ["0001-01-01T10:00", "9999-12-31T23:00", "1999-12-31T10:00"])
def test_a_meeting_dated_outside_the_sane_range_is_a_form_error(logged_in, meeting, held_at):
    response = logged_in.post(reverse("committee:meeting_new"), meeting_data(meeting, held_at), **EN)
    assert response.status_code == 200
    assert "held_at" in response.context["form"].errors
    assert Meeting.objects.count() == 1
    assert logged_in.get(reverse("committee:meetings")).status_code == 200


def test_the_edges_of_the_range_are_accepted(meeting):
    from committee.forms import MeetingForm

    for held_at in ("2000-01-01T09:00", "2100-12-31T09:00"):
        form = MeetingForm(meeting_data(meeting, held_at))
        assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["abc", "1.5", "", "99999999999999999999"])
def test_non_numeric_notice_ids_sent_are_a_message(logged_in, meeting, value):
    response = logged_in.post(
        reverse("committee:send_notices", args=[meeting.pk]), {"notice": value}, follow=True, **EN
    )
    assert response.redirect_chain == [(reverse("committee:notices", args=[meeting.pk]), 302)]
    assert "Choose the notices to send." in response.content.decode()


def test_retrying_a_notice_never_sent_is_refused_with_a_message(logged_in, secretariat, item):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    response = logged_in.post(reverse("committee:retry", args=[notice.pk]), follow=True, **EN)
    assert response.status_code == 200
    assert "has not been sent" in response.content.decode()


def test_a_deferred_plan_cannot_go_back_on_the_same_meeting(logged_in, secretariat, meeting, item, plan):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data("deferred")
    )
    services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    with pytest.raises(services.CommitteeRefusal):
        services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    response = logged_in.post(
        reverse("committee:add_agenda_item", args=[meeting.pk]), {"application": plan.pk}, follow=True, **EN
    )
    assert response.redirect_chain == [(reverse("committee:meeting", args=[meeting.pk]), 302)]
    # the plan is no longer offered for this meeting: a form message
    assert "Choose a plan to put on the agenda." in response.content.decode()
    assert plan not in selectors.plans_for_agenda(meeting)
    assert AgendaItem.objects.filter(meeting=meeting, application=plan).count() == 1


@translation.override("en")
def test_the_meeting_form_asks_the_rule_about_the_chair_and_attendees(meeting):
    from committee.forms import MeetingForm
    from tests.factories import UserFactory

    outsider = UserFactory(roles=["committee_member"])  # offered by the form, but not chosen as a member
    data = meeting_data(meeting, "2026-07-20T10:00")
    form = MeetingForm({**data, "chair": outsider.pk})
    assert not form.is_valid()
    assert form.errors == {"chair": ["The chair must be one of the members."]}
    form = MeetingForm({**data, "attendees": [*data["attendees"], outsider.pk]})
    assert not form.is_valid()
    assert form.errors == {"attendees": ["Only members of the committee can be present."]}
    form = MeetingForm({**data, "members": []})
    assert not form.is_valid()
    assert set(form.errors) == {"members"}  # "required" is enough; no second message about the chair

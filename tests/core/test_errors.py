"""One shape of refusal (core.errors.Refused) for every room, shown one way by the views."""

import pytest
from django import forms

from applications.briefing_services import BriefingRefused
from applications.deadline import DeadlinePassed, NotOpenYet
from applications.uploads import UploadRefused
from applications.workflow import TransitionError
from committee.services import CommitteeRefusal
from core.errors import Refused, show_on_form
from core.outbox import OutboxRefusal
from reviews.services import ReviewRefused


@pytest.mark.parametrize(
    "kind",
    [
        BriefingRefused,
        DeadlinePassed,
        NotOpenYet,
        UploadRefused,
        TransitionError,
        CommitteeRefusal,
        OutboxRefusal,
        ReviewRefused,
    ],
)
def test_every_rooms_refusal_is_a_refused(kind):
    assert issubclass(kind, Refused)


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def test_the_message_goes_above_the_form_or_at_the_named_field():
    form = _Form(data={})
    assert form.is_valid()
    show_on_form(form, Refused("Not now."))
    assert form.non_field_errors() == ["Not now."]
    form = _Form(data={})
    form.is_valid()
    show_on_form(form, Refused("Give a reason."), "reason")
    assert form.errors == {"reason": ["Give a reason."]}


def test_field_messages_go_to_their_fields_and_unknown_fields_above_the_form():
    form = _Form(data={})
    form.is_valid()
    show_on_form(form, Refused("Check the form.", {"reason": "Too short.", "pledge": "Confirm."}))
    assert form.errors == {"reason": ["Too short."], "__all__": ["Confirm."]}

"""Every small state machine (Organization, Review, Resolution, OutboxMessage): each allowed move works, every
other move is refused, and the table names every state."""

import pytest
from django.utils import translation

from accounts.models import Organization
from committee.models import Resolution
from core import states
from core.errors import Refused
from core.models import OutboxMessage
from core.outbox import OutboxRefusal
from reviews.models import Review

MODELS = [Organization, Review, Resolution, OutboxMessage]


def _pairs(model, allowed: bool):
    return [
        (model, source, target)
        for source in model.Status.values
        for target in model.Status.values
        if (target in model.TRANSITIONS[source]) is allowed
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_table_names_every_state(model):
    assert set(model.TRANSITIONS) == set(model.Status.values)
    assert all(set(targets) <= set(model.Status.values) for targets in model.TRANSITIONS.values())


@pytest.mark.parametrize(
    "model,source,target", [p for m in MODELS for p in _pairs(m, True)], ids=lambda v: getattr(v, "__name__", v)
)
def test_every_allowed_move_works(model, source, target):
    record = model(status=source)
    states.move(record, target)
    assert record.status == target


@pytest.mark.parametrize(
    "model,source,target", [p for m in MODELS for p in _pairs(m, False)], ids=lambda v: getattr(v, "__name__", v)
)
def test_every_other_move_is_refused(model, source, target):
    record = model(status=source)
    with pytest.raises(Refused):
        states.move(record, target)
    assert record.status == source


def test_the_tables_say_the_rules():
    assert Organization.TRANSITIONS[Organization.Status.PENDING] == {"approved", "rejected"}
    assert not Organization.TRANSITIONS[Organization.Status.APPROVED]  # a decision is made once
    assert Review.TRANSITIONS[Review.Status.SUBMITTED] == {"draft"}  # reopened by staff
    assert Resolution.TRANSITIONS[Resolution.Status.CONFIRMED] == {"superseded"}
    assert not Resolution.TRANSITIONS[Resolution.Status.SUPERSEDED]
    assert not OutboxMessage.TRANSITIONS[OutboxMessage.Status.SENT]


def test_the_refusal_is_the_rooms_and_says_the_states():
    record = OutboxMessage(status=OutboxMessage.Status.SENT)
    with translation.override("en"), pytest.raises(OutboxRefusal) as refused:
        states.move(record, OutboxMessage.Status.PENDING, refusal=OutboxRefusal)
    assert str(refused.value.message) == "This cannot change from “Sent” to “Waiting to be sent”."

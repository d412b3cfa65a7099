"""The committee's transitions as committee/transitions.py registers them (the workflow runs them; this pins
what is registered: names, from where to where, who may, and that a correction needs its reason).

register_all runs when the app is ready; here it runs again into an empty registry so its own result is seen."""

import pytest
from django.utils import translation

from applications import workflow
from committee import transitions

DECIDED = ("designated", "designated_with_conditions", "not_designated", "deferred")


@pytest.fixture
def registered(monkeypatch):
    registry = {}
    monkeypatch.setattr(workflow, "TRANSITIONS", registry)
    transitions.register_all()
    with translation.override("en"):
        return {
            name: (t.sources, t.target, str(t.label), t.allowed, t.guards, t.effects, t.requires_reason)
            for name, t in registry.items()
        }


def test_confirming_moves_a_plan_before_the_committee_to_its_decision(registered):
    allowed = transitions._secretariat
    assert registered["designate"] == (("committee",), "designated", "Designate", allowed, (), (), False)
    assert registered["designate_with_conditions"] == (
        ("committee",),
        "designated_with_conditions",
        "Designate with conditions",
        allowed,
        (),
        (),
        False,
    )
    assert registered["not_designate"] == (("committee",), "not_designated", "Do not designate", allowed, (), (), False)
    assert registered["defer"] == (("committee",), "deferred", "Defer", allowed, (), (), False)


def test_a_deferred_plan_goes_back_before_the_committee(registered):
    assert registered["put_on_agenda"] == (
        ("deferred",),
        "committee",
        "Put on a new agenda",
        transitions._secretariat,
        (),
        (),
        False,
    )


@pytest.mark.parametrize("decision", DECIDED)
def test_a_correction_moves_between_final_states_with_a_reason(registered, decision):
    assert registered[f"correct_resolution_to_{decision}"] == (
        DECIDED,
        decision,
        "Correct the resolution",
        transitions._secretariat,
        (),
        (),
        True,
    )


def test_nothing_else_is_registered(registered):
    assert len(registered) == 4 + 1 + 4


@pytest.mark.django_db
def test_only_the_secretariat_may(secretariat):
    from tests.factories import UserFactory

    assert transitions._secretariat(secretariat, None) is True
    assert transitions._secretariat(UserFactory(roles=["ministry_staff"]), None) is False

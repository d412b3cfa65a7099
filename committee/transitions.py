"""The committee room's transitions: committee -> a final state (or deferred), deferred -> committee when the
plan is put on a later meeting's agenda, and a final state -> another when a resolution is corrected.

Which resolution may be corrected (the plan's current confirmed one) is decided once, by
services.correct_resolution, the only caller of the correction transitions; no guard here repeats it."""

from django.utils.translation import gettext_lazy as _

from applications.workflow import State, Transition, register

from .models.resolutions import DECISION_STATES, Decision

FINAL_STATES = tuple(DECISION_STATES.values())

CONFIRM = {
    Decision.DESIGNATED: ("designate", _("Designate")),
    Decision.DESIGNATED_WITH_CONDITIONS: ("designate_with_conditions", _("Designate with conditions")),
    Decision.NOT_DESIGNATED: ("not_designate", _("Do not designate")),
    Decision.DEFERRED: ("defer", _("Defer")),
}
CORRECT = {decision: f"correct_resolution_to_{decision}" for decision in Decision.values}


def _secretariat(user, application):
    return user.has_perm("committee.record_resolutions")


def register_all():
    for decision, (name, label) in CONFIRM.items():
        register(Transition(name, (State.COMMITTEE,), DECISION_STATES[decision], label, _secretariat))
    register(Transition("put_on_agenda", (State.DEFERRED,), State.COMMITTEE, _("Put on a new agenda"), _secretariat))
    for decision, name in CORRECT.items():
        register(
            Transition(
                name,
                FINAL_STATES,
                DECISION_STATES[decision],
                _("Correct the resolution"),
                _secretariat,
                requires_reason=True,
            )
        )

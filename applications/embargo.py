"""The embargo, in one place: what anyone outside the ministry may learn of a plan's committee decision.

Until the call's announcement (`Call.announcement_at`) a decided or deferred plan is, for everyone outside the
ministry (applicants, participants, evaluators, subcommittee members, the public), still "Committee
deliberation": its status text, its history, a refusal message, an evaluator's or subcommittee page, a notice
and an e-mail all say so. Every such output asks these functions, always at the request's arrival instant
(`request.received_at`) or the task's instant, never at whatever `now()` is by the time the page renders.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from .workflow import EMBARGOED_STATES, State


def released(call, at: datetime.datetime) -> bool:
    """Whether the committee's results of `call` are public at instant `at`."""
    return call.announcement_at is not None and at >= call.announcement_at


def released_q(at: datetime.datetime, prefix: str = "call__") -> Q:
    """The same rule as a query filter (on plans by default: `prefix` leads to the call)."""
    return Q(**{f"{prefix}announcement_at__lte": at})


def inside_ministry(user) -> bool:
    """Ministry staff and the committee secretariat know the decision before it is announced (so does the
    configuration admin, who can read it in the admin anyway)."""
    from accounts import roles

    if user is None:  # the system itself (scheduled tasks)
        return True
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(roles.MINISTRY_STAFF) or user.has_role(roles.SECRETARIAT)


def may_know_decision(user, call, at: datetime.datetime) -> bool:
    return inside_ministry(user) or released(call, at)


def shown_state(user, application, at: datetime.datetime, state: str | None = None) -> str:
    """The state `user` may be told the plan is in (`state`: a state of the plan's past, e.g. in its history)."""
    state = application.status if state is None else state
    if state in EMBARGOED_STATES and not may_know_decision(user, application.call, at):
        return State.COMMITTEE
    return state


def shown_status(user, application, at: datetime.datetime) -> str:
    """The plan's status text for `user` (translated)."""
    return State(shown_state(user, application, at)).label


def shows_event(user, event, call, at: datetime.datetime) -> bool:
    """Whether a history event may be shown: any move into or out of an embargoed state (a decision, a
    correction, "deferred -> committee") is the decision itself until the announcement."""
    if may_know_decision(user, call, at):
        return True
    return event.to_status not in EMBARGOED_STATES and event.from_status not in EMBARGOED_STATES

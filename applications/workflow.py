"""The application's life as one explicit state machine (docs/ARCHITECTURE.md: the workflow).

States and transitions are plain data. `perform` is the only code that assigns `Application.status`: it locks
the row, checks who may act and the guard, changes the state, writes the audit event and runs the
transition's effects inside the same transaction. Later rooms (reviews, committee) add their transitions with
`register` from their AppConfig.ready, so this module never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.compiled import CompiledQuery
from core.errors import Refused


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RECEIVED = "received", _("Received")
    INELIGIBLE = "ineligible", _("Ineligible")
    SCREENED = "screened", _("Eligible (screened)")
    ADVISORY_REVIEW = "advisory_review", _("Expert advisory review")
    CONSULTATION = "consultation", _("Consultation with related ministries")
    SUBCOMMITTEE = "subcommittee", _("Subcommittee evaluation")
    COMMITTEE = "committee", _("Committee deliberation")
    DESIGNATED = "designated", _("Designated")
    DESIGNATED_WITH_CONDITIONS = "designated_with_conditions", _("Designated with conditions")
    NOT_DESIGNATED = "not_designated", _("Not designated")
    DEFERRED = "deferred", _("Deferred")


# The committee's decisions: shown outside the ministry only from the call's announcement (see embargo.py).
EMBARGOED_STATES = (
    State.DESIGNATED,
    State.DESIGNATED_WITH_CONDITIONS,
    State.NOT_DESIGNATED,
    State.DEFERRED,
)


class TransitionError(Refused):
    """A transition was refused; `message` is for the user (translated)."""


# The states in which applicants may change a plan's content (sections, files, participants): the one owner
# of "editable". Whether the call still accepts changes at an instant is the deadline's rule (deadline.py).
EDITABLE_STATES = (State.DRAFT, State.SUBMITTED)


# What a transition changes on the plan's row (perform saves them, or its caller with save=False).
STATE_FIELDS = ["status", "status_reason", "updated_at"]


def is_editable(application) -> bool:
    """The plan's state lets its applicants change it (draft, or submitted and open to amendment)."""
    return application.status in EDITABLE_STATES


def ensure_editable(application) -> None:
    if not is_editable(application):
        raise TransitionError(_("This plan can no longer be changed."))


# A guard returns None when the transition may happen, or a translated message saying why not.
Guard = Callable[["object", "datetime.datetime"], "str | None"]
# The permission check: (user, application) -> bool. None means "the system" (scheduled tasks).
Allowed = Callable[["object", "object"], bool]
Effect = Callable[["object", "object", "datetime.datetime", dict], None]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    allowed: Allowed
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = field(default=())
    requires_reason: bool = False
    # How many of the first guards read nothing the plan's lock protects (the call's dates, the organisation):
    # `refuse_early` asks them before locking, so a request refused anyway takes no lock (issue 12).
    early: int = 0


TRANSITIONS: dict[str, Transition] = {}


def register(transition: Transition) -> None:
    if transition.name in TRANSITIONS and TRANSITIONS[transition.name] != transition:
        raise ValueError(f"Transition {transition.name!r} is already registered differently")
    TRANSITIONS[transition.name] = transition


def reason_missing(name: str, reason: str | None) -> bool:
    """True when transition `name` requires a reason and `reason` gives none. The one owner of that rule:
    `perform` refuses with it, and forms ask it to place their message on the reason field."""
    return TRANSITIONS[name].requires_reason and not (reason or "").strip()


def _ensure_possible(transition: Transition, application, actor, at, reason: str, guards) -> None:
    """Raise the first reason `actor` may not take `transition` on `application` now (the order is the message:
    the state, who acts, the reason, then each guard in turn)."""
    from . import embargo

    if application.status not in transition.sources:
        # Say the state as the actor may know it: before the announcement a decision is not theirs to learn.
        raise TransitionError(
            _("This action is not possible while the plan is “%(status)s”.")
            % {"status": embargo.shown_status(actor, application, at)}
        )
    if actor is not None and not transition.allowed(actor, application):
        raise TransitionError(_("You may not do this."))
    if reason_missing(transition.name, reason):
        raise TransitionError(_("Please give a reason."))
    for guard in guards:
        problem = guard(application, at)
        if problem:
            raise TransitionError(problem)


def refuse_early(application, name: str, actor, *, at: datetime.datetime, reason: str = "") -> None:
    """Before any lock: when the transition's early guards already refuse `application` (a submit after the
    deadline, the surge's tail), raise what `perform` would raise, in its order, and take no lock nor read the
    plan again. Otherwise do nothing: `perform` decides, on the locked plan."""
    transition = TRANSITIONS[name]
    early = transition.guards[: transition.early]
    if any(guard(application, at) for guard in early):
        _ensure_possible(transition, application, actor, at, reason, early)


def _locked_plan(pk):
    """The plan `perform` reads under its lock. Only the plan's row (`of`): without it PostgreSQL also locks the
    joined rows (the call's among them), and every submission of the call waited for the one before it (issue
    12). The joins are what the guards read: the completeness check of a submit reads the field, site (with its
    region) and narrative; and what a submission's snapshot reads of the locked plan besides (the site's linked
    complex). ("site__region" and "site__linked_complex" bring the site with them.)"""
    from .models import Application

    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization", "field", "site__region", "site__linked_complex", "narrative")
        .filter(pk=pk)
    )


LOCKED_PLAN = CompiledQuery(_locked_plan)  # compiled once per connection: read on every transition (issue 12)


def perform(
    application,
    name: str,
    actor,
    *,
    at: datetime.datetime | None = None,
    reason: str = "",
    data: dict | None = None,
    savepoint: bool = True,
    save: bool = True,
):
    """Carry out transition `name` on `application` as `actor` (None: the system) at instant `at`.

    Returns the locked, updated application, its audit event as `transition_event` (an append to the plan's
    chain later in the same transaction may pass it as `after`). Raises TransitionError with a user-facing
    message. `savepoint=False` inside the caller's transaction: no savepoint of its own (two statements fewer),
    so a refusal fails the caller's whole transaction; for a caller that lets it propagate (services.submit).
    `save=False`: the new state is set on the returned plan, still locked, and the caller saves it in the same
    transaction with its own changes (a first submission, with its receipt number: one UPDATE, not two); only
    for a transition without effects (they would read the plan's row unsaved).
    """
    from . import audit
    from .models import Application

    at = at or timezone.now()
    try:
        transition = TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("This action does not exist.")) from None
    if not save and transition.effects:
        raise ValueError(f"{name} has effects: the plan is saved before them")
    with transaction.atomic(savepoint=savepoint):
        locked = LOCKED_PLAN.first(application.pk)
        if locked is None:
            raise Application.DoesNotExist("Application matching query does not exist.")
        _ensure_possible(transition, locked, actor, at, reason, transition.guards)
        previous = locked.status
        locked.status = transition.target
        if reason:
            locked.status_reason = reason
        if save:
            locked.save(update_fields=STATE_FIELDS)
        locked.transition_event = audit.record(
            action=transition.name,
            actor=actor,
            application=locked,
            from_status=previous,
            to_status=transition.target,
            reason=reason,
            data=data or {},
            at=at,
        )
        for effect in transition.effects:
            effect(locked, actor, at, data or {})
    application.status = locked.status
    return locked

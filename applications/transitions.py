"""The applications room's own transitions (the later rooms register theirs the same way)."""

from django.utils.translation import gettext_lazy as _

from . import deadline
from .workflow import State, Transition, register


def _lead_editor(user, application):
    return user.has_perm("applications.edit_application", application)


def _staff(user, application):
    return user.has_perm("applications.manage_applications")


def before_deadline(application, at):
    if not deadline.accepts_changes(application.call, at):
        return deadline.deadline_passed_message(application.call)
    return None


def call_open_for_submission(application, at):
    try:
        deadline.ensure_accepting_submissions(application.call, at)
    except (deadline.DeadlinePassed, deadline.NotOpenYet) as exc:
        return str(exc)
    return None


def organization_approved(application, at):
    if not application.organization.is_approved:
        return _(
            "Your organisation is still waiting for approval by ministry staff. You can keep drafting; "
            "submitting is possible once it is approved."
        )
    return None


def plan_complete(application, at):
    from .sections import load_rows, missing_items

    load_rows(application)  # under the plan's lock: the snapshot of the submission reuses these rows
    if missing_items(application):
        return _("The plan is not complete yet. The completeness check lists what is missing.")
    return None


def after_deadline(application, at):
    if at < application.call.deadline:
        return _("Plans are received only after the deadline has passed.")
    return None


def register_all():
    register(
        Transition(
            "submit",
            (State.DRAFT,),
            State.SUBMITTED,
            _("Submit"),
            _lead_editor,
            guards=(call_open_for_submission, organization_approved, plan_complete),
            early=1,  # the call's dates: a late submit is refused before the plan is locked
        )
    )
    register(
        Transition(
            "amend",
            (State.SUBMITTED,),
            State.SUBMITTED,
            _("Submit an amended version"),
            _lead_editor,
            guards=(call_open_for_submission, organization_approved, plan_complete),
            early=1,  # the call's dates: a late submit is refused before the plan is locked
        )
    )
    register(
        Transition(
            "withdraw",
            (State.DRAFT, State.SUBMITTED),
            State.WITHDRAWN,
            _("Withdraw"),
            _lead_editor,
            guards=(before_deadline,),
        )
    )
    register(Transition("receive", (State.SUBMITTED,), State.RECEIVED, _("Receive"), _staff, guards=(after_deadline,)))
    register(Transition("screen", (State.RECEIVED,), State.SCREENED, _("Eligible"), _staff))
    register(
        Transition(
            "declare_ineligible", (State.RECEIVED,), State.INELIGIBLE, _("Ineligible"), _staff, requires_reason=True
        )
    )

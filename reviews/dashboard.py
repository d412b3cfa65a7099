"""The reviews room's to-do sections of My page (core.dashboard): an evaluator's declarations and score
sheets with their due dates, the chair's recommendations, and staff's consultations waiting for ministries."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import roles
from applications.workflow import State
from core.clock import kst_date
from core.dashboard import Todo, register_todo

from .due import OPEN_STATES
from .models import Assignment, Consultation, Rubric
from .selectors import evaluator_assignments, subcommittee_plans

MAX_ROWS = 10


def evaluator_todos(request) -> list[Todo]:
    """Assignments whose stage is still open: a conflict declaration to make, or a score sheet to submit."""
    at = request.received_at
    waiting = []
    for assignment in evaluator_assignments(request.user):
        if assignment.application.status not in OPEN_STATES[assignment.panel.stage]:
            continue
        review = getattr(assignment, "review", None)
        if assignment.declaration == Assignment.Declaration.PENDING:
            waiting.append((assignment, _("Declare any conflict of interest: %(plan)s"), "reviews:declare"))
        elif assignment.declaration == Assignment.Declaration.NO_CONFLICT and (
            review is None or review.status != review.Status.SUBMITTED
        ):
            waiting.append((assignment, _("Score and submit: %(plan)s"), "reviews:review"))
        if len(waiting) >= MAX_ROWS:
            break
    if not waiting:
        return []
    due = {
        (r.call_id, r.stage): r.due_at
        for r in Rubric.objects.filter(call__in={a.panel.call_id for a, _t, _u in waiting}).only(
            "call_id", "stage", "due_at"
        )
    }
    todos = []
    for assignment, text, url in waiting:
        due_at = due.get((assignment.panel.call_id, assignment.panel.stage))
        todos.append(
            Todo(
                text % {"plan": assignment.application.title},
                reverse(url, args=[assignment.pk]),
                due=due_at,
                overdue=bool(due_at and at >= due_at),
            )
        )
    return todos


def chair_todos(request) -> list[Todo]:
    """The chair: plans under subcommittee evaluation without a finalised recommendation."""
    if not request.user.has_role(roles.SUBCOMMITTEE_CHAIR):
        return []
    plans = subcommittee_plans(request.user).filter(status=State.SUBCOMMITTEE, recommendation__isnull=True)
    return [
        Todo(
            _("Finalise the recommendation: %(plan)s") % {"plan": plan.title},
            reverse("reviews:subcommittee_plan", args=[plan.pk]),
        )
        for plan in plans.order_by("receipt_number", "pk")[:MAX_ROWS]
    ]


def staff_todos(request) -> list[Todo]:
    """Staff: ministries whose opinion is still awaited, per plan, with the earliest due date."""
    if not request.user.has_perm("reviews.manage_panels"):
        return []
    today = kst_date(request.received_at)
    waiting = (
        Consultation.objects.filter(recorded_at__isnull=True, application__status=State.CONSULTATION)
        .select_related("application")
        .order_by("due_on", "pk")
    )
    per_plan: dict[int, list[Consultation]] = {}
    for consultation in waiting[:200]:
        per_plan.setdefault(consultation.application_id, []).append(consultation)
    todos = []
    for consultations in list(per_plan.values())[:MAX_ROWS]:
        first = consultations[0]
        text = ngettext(
            "%(plan)s: %(count)s ministry's opinion awaited.",
            "%(plan)s: %(count)s ministries' opinions awaited.",
            len(consultations),
        ) % {"plan": first.application.title, "count": len(consultations)}
        todos.append(
            Todo(
                text,
                reverse("reviews:staff_consultation", args=[first.application_id]),
                due=first.due_on,
                overdue=first.due_on < today,
            )
        )
    return todos


def register() -> None:
    register_todo("reviews", 4, gettext_lazy("Your reviews"), evaluator_todos)
    register_todo("recommendations", 5, gettext_lazy("Recommendations to finalise"), chair_todos)
    register_todo("consultations", 6, gettext_lazy("Opinions awaited from ministries"), staff_todos)

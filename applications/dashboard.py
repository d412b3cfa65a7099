"""The applications room's section of My page (core.dashboard): invitations waiting for the person's answer."""

from .models import Participation


def invitations(request) -> dict:
    return {"invitations": Participation.objects.answerable_by(request.user).waiting().count()}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from core import dashboard

    dashboard.register_todo("staff-plans", 2, _("Plans and questions"), staff_todos)
    dashboard.register_todo("my-plans", 3, _("Your plans and open calls"), applicant_todos)
    dashboard.register(20, "applications/dashboard/invitations.html", invitations)


MAX_PLANS = 10


def staff_todos(request) -> list:
    """Staff: plans received and waiting for the completeness check; questions waiting for an answer."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from core.dashboard import Todo

    from .models import Application, PlanVersion, Question
    from .workflow import State

    todos = []
    if request.user.has_perm("applications.manage_applications"):
        received = Application.objects.filter(status=State.RECEIVED).count()
        if received:
            text = ngettext(
                "%(count)s plan received and waiting for the completeness check.",
                "%(count)s plans received and waiting for the completeness check.",
                received,
            ) % {"count": received}
            todos.append(Todo(text, reverse("applications:staff_applications") + f"?status={State.RECEIVED}"))
        # one query; such receipts are rare (a rendering bug), the list is bounded all the same
        given_up = list(
            PlanVersion.objects.receipt_given_up().order_by("pk").values_list("application_id", "number")[:500]
        )
        count = len(given_up)
        if count:
            oldest = {"application_id": given_up[0][0], "number": given_up[0][1]}
            text = ngettext(
                "%(count)s submission receipt could not be produced automatically: send it by hand, or have the "
                "operators retry it once the cause in the worker log is fixed (manage.py retry_receipts).",
                "%(count)s submission receipts could not be produced automatically: send them by hand, or have the "
                "operators retry them once the cause in the worker log is fixed (manage.py retry_receipts).",
                count,
            ) % {"count": count}
            todos.append(Todo(text, reverse("applications:version", args=[oldest["application_id"], oldest["number"]])))
    if request.user.has_perm("applications.answer_questions"):
        unanswered = Question.objects.filter(answered_at__isnull=True).count()
        if unanswered:
            text = ngettext(
                "%(count)s question waiting for an answer.", "%(count)s questions waiting for an answer.", unanswered
            ) % {"count": unanswered}
            todos.append(Todo(text, reverse("applications:staff_questions")))
    return todos


def applicant_todos(request) -> list:
    """An applicant: their organisations' plans that can still change (what is missing, what is not yet
    submitted, by when), then the calls open now."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from core.dashboard import Todo

    from . import deadline, selectors
    from .models import Application, Call
    from .rules import EDIT_ROLES
    from .sections import missing_items
    from .workflow import EDITABLE_STATES, State

    if not request.user.memberships.exists():  # not an applicant
        return []
    at = request.received_at
    todos = []
    plans = (
        Application.objects.filter(
            organization__memberships__user=request.user,
            organization__memberships__role__in=EDIT_ROLES,
            status__in=EDITABLE_STATES,
        )
        .select_related("call")
        .distinct()
        .order_by("call__deadline", "pk")[:MAX_PLANS]
    )
    for plan in plans:
        if not deadline.accepts_changes(plan.call, at):
            continue
        url = reverse("applications:detail", args=[plan.pk])
        if plan.status == State.DRAFT:
            missing = len(missing_items(plan))
            text = (
                ngettext(
                    "Draft “%(title)s”: %(count)s item missing.", "Draft “%(title)s”: %(count)s items missing.", missing
                )
                % {"title": plan.title, "count": missing}
                if missing
                else _("Draft “%(title)s” is complete: check it and submit it.") % {"title": plan.title}
            )
            todos.append(Todo(text, url, due=plan.call.deadline))
        elif selectors.unsubmitted_changes(plan):
            text = _("“%(title)s”: changes not yet submitted.") % {"title": plan.title}
            todos.append(Todo(text, url, due=plan.call.deadline))
    for call in Call.objects.published().filter(opens_at__lte=at, deadline__gt=at).order_by("deadline"):
        text = _("Open call: %(title)s") % {"title": call.title}
        todos.append(Todo(text, reverse("applications:call", args=[call.slug]), due=call.deadline))
    return todos

"""The committee room's to-do section of My page (core.dashboard): the secretariat's resolutions to confirm
and, once the results are announced, notices still to send."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications import embargo
from applications.workflow import State
from core.dashboard import Todo, register_todo

from .models import AgendaItem, DecisionNotice, Meeting, Resolution

MAX_ROWS = 10


def secretariat_todos(request) -> list[Todo]:
    if not request.user.has_perm("committee.record_resolutions"):
        return []
    to_record = (
        AgendaItem.objects.filter(application__status=State.COMMITTEE)
        .exclude(resolutions__status__in=[Resolution.Status.DRAFT, Resolution.Status.CONFIRMED])
        .select_related("application", "meeting")
        .order_by("meeting__held_at", "pk")[:MAX_ROWS]
    )
    todos = [
        Todo(
            _("Record the resolution: %(plan)s") % {"plan": item.application.title},
            reverse("committee:record", args=[item.pk]),
            due=item.meeting.held_at,
        )
        for item in to_record
    ]
    todos += [
        Todo(
            _("Confirm the resolution: %(plan)s") % {"plan": resolution.agenda_item.application.title},
            reverse("committee:resolution", args=[resolution.pk]),
        )
        for resolution in Resolution.objects.filter(status=Resolution.Status.DRAFT)
        .select_related("agenda_item__application")
        .order_by("recorded_at", "pk")[:MAX_ROWS]
    ]
    unsent = (
        DecisionNotice.objects.filter(message__isnull=True)
        .exclude(pdf="")
        .exclude(resolution__status=Resolution.Status.SUPERSEDED)
    )
    meetings = Meeting.objects.filter(pk__in=unsent.values("resolution__agenda_item__meeting")).select_related("call")
    for meeting in meetings.order_by("held_at")[:MAX_ROWS]:
        if not embargo.released(meeting.call, request.received_at):
            continue  # nothing can be sent before the announcement; the page says when
        count = unsent.filter(resolution__agenda_item__meeting=meeting).count()
        text = ngettext(
            "Meeting no. %(number)s: %(count)s notice to send.",
            "Meeting no. %(number)s: %(count)s notices to send.",
            count,
        ) % {"number": meeting.number, "count": count}
        todos.append(Todo(text, reverse("committee:notices", args=[meeting.pk])))
    return todos


def staff_condition_todos(request) -> list[Todo]:
    """Staff: conditional designations whose conditions are not set up for follow-up yet, and answers waiting
    for a verdict."""
    from applications.models import Application

    from .models import Condition

    if not request.user.has_perm("committee.follow_up_conditions"):
        return []
    todos = []
    unset = Application.objects.filter(status=State.DESIGNATED_WITH_CONDITIONS, conditions__isnull=True)
    for plan in unset.order_by("pk")[:MAX_ROWS]:
        todos.append(
            Todo(
                _("Set up the conditions to follow up: %(plan)s") % {"plan": plan.title},
                reverse("committee:staff_conditions", args=[plan.pk]),
            )
        )
    answered = Condition.objects.filter(status=Condition.Status.ANSWERED).select_related("application")
    for condition in answered.order_by("due_on", "pk")[:MAX_ROWS]:
        todos.append(
            Todo(
                _("Judge the answer to condition %(n)s: %(plan)s")
                % {"n": condition.position, "plan": condition.application.title},
                reverse("committee:staff_conditions", args=[condition.application_id]),
                due=condition.due_on,
            )
        )
    return todos


def register() -> None:
    register_todo("conditions", 8, gettext_lazy("Conditions of designations"), staff_condition_todos)
    register_todo("committee", 7, gettext_lazy("Resolutions and notices"), secretariat_todos)

"""The secretariat's meetings: list, create/edit with attendance, the agenda."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refused, refuse

from .. import selectors, services
from ..forms import AgendaForm, MeetingForm
from ..models import Meeting
from ..validation import quorum_problem
from .common import apply_validation_error, secretariat_only


@secretariat_only
def meeting_list(request):
    return render(request, "committee/meeting_list.html", {"meetings": selectors.meetings()})


@secretariat_only
def meeting_form(request, pk=None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        members, attendees = data.pop("members"), data.pop("attendees")
        try:
            meeting = services.save_meeting(
                request.user, at=request.received_at, meeting=meeting, members=members, attendees=attendees, **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("committee:meeting", pk=meeting.pk)
    return render(request, "committee/meeting_form.html", {"form": form, "meeting": meeting})


@secretariat_only
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.values_list("pk", flat=True), pk=pk)
    meeting = selectors.meeting_for_page(meeting)
    context = {
        "meeting": meeting,
        "items": selectors.agenda(meeting),
        "quorum_problem": quorum_problem(meeting),
        "agenda_form": AgendaForm(plans=selectors.plans_for_agenda(meeting)),
        "progress": selectors.progress(meeting),
    }
    return render(request, "committee/meeting_detail.html", context)


@secretariat_only
@require_POST
def add_agenda_item(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AgendaForm(request.POST, plans=selectors.plans_for_agenda(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose a plan to put on the agenda."))
    else:
        try:
            services.add_to_agenda(request.user, meeting, form.cleaned_data["application"], at=request.received_at)
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("The plan was put on the agenda."))
    return redirect("committee:meeting", pk=meeting.pk)

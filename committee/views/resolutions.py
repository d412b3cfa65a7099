"""Recording, confirming and correcting resolutions; the minutes file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refused, refuse

from .. import selectors, services
from ..forms import ConfirmForm, CorrectionForm, ResolutionForm
from ..models import AgendaItem, Resolution
from ..validation import quorum_problem
from .common import apply_validation_error, secretariat_only


def _item(pk):
    return get_object_or_404(
        AgendaItem.objects.select_related(
            "application__organization", "application__field", "application__recommendation", "application__call"
        ),
        pk=pk,
    )


@secretariat_only
def record(request, pk):
    item = _item(pk)
    meeting = selectors.meeting_for_page(item.meeting_id)
    live = item.resolutions.exclude(status=Resolution.Status.SUPERSEDED).first()
    if live and live.is_locked:
        messages.info(request, _("This resolution is confirmed and locked. Record a correction instead."))
        return redirect("committee:resolution", pk=live.pk)
    form = ResolutionForm(
        request.POST or None, request.FILES or None, instance=live, meeting=meeting, has_minutes=bool(live)
    )
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.record_resolution(
                request.user,
                item,
                minutes=form.cleaned_data.get("minutes"),
                at=request.received_at,
                **form.resolution_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except Refused as exc:
            refuse(request, exc)
            return redirect("committee:meeting", pk=meeting.pk)
        else:
            messages.success(request, _("The resolution was recorded as a draft. Check it, then confirm it."))
            return redirect("committee:resolution", pk=resolution.pk)
    context = {"form": form, "item": item, "meeting": meeting, "quorum_problem": quorum_problem(meeting)}
    return render(request, "committee/resolution_form.html", context)


def _resolution(pk):
    return get_object_or_404(
        Resolution.objects.select_related(
            "agenda_item__meeting__call",
            "agenda_item__application__organization",
            "agenda_item__application__recommendation",
            "recorded_by",
            "confirmed_by",
            "supersedes",
            "notice__message",
        ),
        pk=pk,
    )


@secretariat_only
def detail(request, pk):
    return _detail_page(request, _resolution(pk), ConfirmForm())


def _detail_page(request, resolution, confirm_form, status=200):
    history = (
        Resolution.objects.filter(agenda_item=resolution.agenda_item)
        .select_related("recorded_by", "confirmed_by", "notice")
        .order_by("-recorded_at", "-pk")
    )
    context = {
        "resolution": resolution,
        "item": resolution.agenda_item,
        "meeting": resolution.agenda_item.meeting,
        "history": history,
        "confirm_form": confirm_form,
        "is_current": selectors.latest_resolution(resolution.agenda_item.application) == resolution,
    }
    return render(request, "committee/resolution_detail.html", context, status=status)


@secretariat_only
@require_POST
def confirm(request, pk):
    resolution = _resolution(pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():  # the box saying what confirming does was not ticked
        return _detail_page(request, resolution, form, status=400)
    language = form.cleaned_data["language"]
    try:
        notice = services.confirm_resolution(request.user, resolution, language=language, at=request.received_at)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            messages.error(request, " ".join(errors))
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(
            request,
            _("The resolution is confirmed. Decision notice %(number)s is being prepared.")
            % {"number": notice.document_number},
        )
    return redirect("committee:resolution", pk=resolution.pk)


@secretariat_only
def correct(request, pk):
    old = _resolution(pk)
    meeting = selectors.meeting_for_page(old.agenda_item.meeting_id)
    initial = {"language": getattr(getattr(old, "notice", None), "language", "ko")}
    form = CorrectionForm(
        request.POST or None, request.FILES or None, instance=old, meeting=meeting, has_minutes=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.correct_resolution(
                request.user,
                old,
                reason=form.cleaned_data["correction_reason"],
                minutes=form.cleaned_data.get("minutes"),
                language=form.cleaned_data["language"],
                at=request.received_at,
                **form.resolution_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except Refused as exc:
            refuse(request, exc)
            return redirect("committee:resolution", pk=old.pk)
        else:
            messages.success(request, _("The correction is confirmed; it supersedes the earlier resolution."))
            return redirect("committee:resolution", pk=new.pk)
    context = {"form": form, "resolution": old, "item": old.agenda_item, "meeting": meeting}
    return render(request, "committee/correction_form.html", context)


@secretariat_only
def minutes(request, pk):
    resolution = _resolution(pk)
    return FileResponse(
        resolution.minutes.open("rb"),
        as_attachment=True,
        filename=resolution.minutes_name or "minutes.pdf",
        content_type="application/pdf",
    )

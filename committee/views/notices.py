"""Decision notices: the secretariat previews them, watches them being generated, sends them in bulk and
retries failed e-mails; applicants download theirs once it is released."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import embargo
from applications.views.common import load_application
from core.errors import Refused, refuse
from core.permissions import get_permitted_object_or_404
from core.validators import ids

from .. import selectors, services
from ..models import DecisionNotice, Meeting
from .common import secretariat_only


@secretariat_only
def meeting_notices(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("call"), pk=pk)
    progress = selectors.progress(meeting)
    context = {
        "meeting": meeting,
        "notices": selectors.notices_of(meeting),
        "progress": progress,
        "announced": embargo.released(meeting.call, request.received_at),
        "announcement": selectors.announcement_display(meeting.call),
    }
    return render(request, "committee/notices.html", context)


@secretariat_only
def progress(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    return JsonResponse(selectors.progress(meeting))


@secretariat_only
@require_POST
def send(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("call"), pk=pk)
    chosen = selectors.notices_of(meeting).filter(pk__in=ids(request.POST.getlist("notice")))
    if not chosen:
        messages.error(request, _("Choose the notices to send."))
        return redirect("committee:notices", pk=meeting.pk)
    try:
        count = services.send_notices(request.user, chosen, at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("%(count)s notice(s) queued for sending.") % {"count": count})
    return redirect("committee:notices", pk=meeting.pk)


@secretariat_only
@require_POST
def retry(request, pk):
    notice = get_object_or_404(DecisionNotice.objects.select_related("resolution__agenda_item"), pk=pk)
    try:
        services.retry_delivery(request.user, notice, at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("The e-mail will be sent again."))
    return redirect("committee:notices", pk=notice.resolution.agenda_item.meeting_id)


def _pdf(notice, *, inline=False):
    return FileResponse(
        notice.pdf.open("rb"), as_attachment=not inline, filename=notice.filename, content_type="application/pdf"
    )


@secretariat_only
def preview(request, pk):
    notice = get_object_or_404(DecisionNotice, pk=pk)
    if not notice.is_ready:
        messages.info(request, _("The notice is still being generated. Please try again in a moment."))
        return redirect("committee:resolution", pk=notice.resolution_id)
    return _pdf(notice, inline=True)


@login_required
def applicant_result(request, pk):
    """The committee's result for members of the plan, from the announcement on (404 before: nothing leaks)."""
    application = load_application(request, pk)
    result = selectors.result_for(application, request.received_at)
    if result is None:
        raise Http404
    return render(request, "committee/applicant_result.html", {"application": application, "result": result})


@login_required
def applicant_download(request, pk):
    """The plan's current decision notice, for members of the plan once it is announced and sent."""
    application = load_application(request, pk)
    result = selectors.result_for(application, request.received_at)
    if result is None or result.notice is None:
        raise Http404
    notice = get_permitted_object_or_404(
        request.user, "committee.download_notice", DecisionNotice.objects.select_related("call"), pk=result.notice.pk
    )
    return _pdf(notice)

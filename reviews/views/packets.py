"""The whole plan as one PDF (the packet of a frozen version) for the plan's own members and for its
evaluators: the same document staff already had, produced once per version by Celery and then served."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.views.common import load_application

from .. import packets
from ..models import ReviewPacket
from .evaluator import _assignment


def _serve(version):
    packet = ReviewPacket.objects.filter(version=version).first()
    if packet is None or not packet.is_ready:
        raise Http404
    return FileResponse(
        packet.pdf.open("rb"), as_attachment=True, filename=packets.filename(packet), content_type="application/pdf"
    )


def _request(request, version):
    _packet, queued = packets.request_packet(request.user, version)
    if queued:
        messages.info(request, _("The PDF of the whole plan is being prepared. Reload the page in a moment."))


@login_required
@require_POST
def plan_pdf_request(request, pk, number):
    application = load_application(request, pk)
    _request(request, get_object_or_404(application.versions, number=number))
    return redirect("applications:detail", pk=application.pk)


@login_required
def plan_pdf(request, pk, number):
    application = load_application(request, pk)
    return _serve(get_object_or_404(application.versions, number=number))


@login_required
@require_POST
def assignment_pdf_request(request, pk):
    assignment = _assignment(request, pk, "reviews.review_plan")
    version = assignment.application.latest_version
    if version is None:
        raise Http404
    _request(request, version)
    return redirect("reviews:plan", pk=assignment.pk)


@login_required
def assignment_pdf(request, pk):
    assignment = _assignment(request, pk, "reviews.review_plan")
    version = assignment.application.latest_version
    if version is None:
        raise Http404
    return _serve(version)


def plan_panel(request, application):
    """On the applicant's plan page: the latest submitted version as one PDF (prepare, then download)."""
    version = application.latest_version
    if version is None:
        return None
    packet = ReviewPacket.objects.filter(version=version).first()
    return ("reviews/plan_pdf_panel.html", {"pdf_version": version, "pdf_packet": packet})

"""Ministry staff, one plan of a panel: who evaluates it and what they scored, reopening a review, the workflow
steps (start expert review, move to the subcommittee), the review packet PDF and the panel's score sheet."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import workflow
from applications.models import Application
from core import export_jobs
from core.clock import format_kst
from core.errors import Refused, refuse, show_on_form
from core.permissions import role_required

from .. import exports, packets, services, staff_selectors
from ..models import Panel, Review, ReviewPacket, Rubric, Stage
from ..selectors import with_review_summary
from ..staff_forms import MoveToSubcommitteeForm, ReopenReviewForm

PERM = "reviews.manage_panels"


def _load(pk, plan):
    panel = get_object_or_404(Panel.objects.select_related("call", "field"), pk=pk)
    application = get_object_or_404(
        Application.objects.select_related("organization", "call", "field"), pk=plan, call=panel.call, field=panel.field
    )
    return panel, application


def _reopen_form(review, data=None):
    return ReopenReviewForm(data, prefix=f"reopen-{review.pk}")


def _page(request, panel, application, *, bound_reopen=None, move_form=None, status=200):
    rubric = Rubric.objects.filter(call=panel.call, stage=panel.stage).first()
    assignments = list(staff_selectors.plan_reviews(panel, application))
    conflicted = staff_selectors.plan_conflicted_users(application)
    for assignment in assignments:
        assignment.conflicted = assignment.reviewer_id in conflicted
        review = getattr(assignment, "review", None)
        assignment.review_or_none = review
        if review is not None:
            if bound_reopen is not None and bound_reopen.prefix == f"reopen-{review.pk}":
                assignment.reopen_form = bound_reopen
            else:
                assignment.reopen_form = _reopen_form(review)
    summary = None
    if rubric is not None:
        summary = with_review_summary(Application.objects.filter(pk=application.pk), rubric).get()
    version = application.latest_version
    context = {
        "panel": panel,
        "application": application,
        "rubric": rubric,
        "criteria": staff_selectors.criteria_of(rubric) if rubric else [],
        "assignments": assignments,
        "summary": summary,
        "version": version,
        "packet": ReviewPacket.objects.filter(version=version).first() if version else None,
        "can_start": application.status == workflow.State.SCREENED,
        "can_move": panel.stage == Stage.ADVISORY and application.status in services.CONSULTATION_STATES,
        "can_consult": panel.stage == Stage.ADVISORY and application.status != workflow.State.SCREENED,
        "move_form": move_form or MoveToSubcommitteeForm(),
    }
    return render(request, "reviews/staff/plan.html", context, status=status)


@role_required(PERM)
def plan(request, pk, plan):
    panel, application = _load(pk, plan)
    return _page(request, panel, application)


@role_required(PERM)
@require_POST
def reopen(request, pk, plan, review):
    panel, application = _load(pk, plan)
    review = get_object_or_404(
        Review.objects.select_related("assignment__reviewer"),
        pk=review,
        assignment__panel=panel,
        assignment__application=application,
    )
    form = _reopen_form(review, request.POST)
    if form.is_valid():
        try:
            services.reopen_review(
                request.user,
                review,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request,
                _("The review of %(name)s was reopened until %(until)s (KST).")
                % {
                    "name": review.assignment.reviewer.full_name,
                    "until": format_kst(form.cleaned_data["until"]),
                },
            )
            return redirect("reviews:staff_plan", pk=panel.pk, plan=application.pk)
    return _page(request, panel, application, bound_reopen=form, status=400)


@role_required(PERM)
@require_POST
def start(request, pk, plan):
    panel, application = _load(pk, plan)
    try:
        moved = services.start_advisory_review(request.user, [application], at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        if moved:
            messages.success(request, _("Expert review started for this plan."))
        else:
            messages.error(request, _("Only eligible (screened) plans can go to expert review."))
    return redirect("reviews:staff_plan", pk=panel.pk, plan=application.pk)


@role_required(PERM)
@require_POST
def move(request, pk, plan):
    panel, application = _load(pk, plan)
    form = MoveToSubcommitteeForm(request.POST)
    if form.is_valid():
        try:
            services.move_to_subcommittee(
                request.user, application, reason=form.cleaned_data["reason"], at=request.received_at
            )
        except Refused as exc:
            show_on_form(form, exc, "reason")
        else:
            messages.success(request, _("The plan was moved to the subcommittee."))
            return redirect("reviews:staff_plan", pk=panel.pk, plan=application.pk)
    return _page(request, panel, application, move_form=form, status=409)


@role_required(PERM)
@require_POST
def packet_request(request, pk, plan):
    panel, application = _load(pk, plan)
    version = application.latest_version
    if version is None:
        raise Http404
    packet, queued = packets.request_packet(request.user, version)
    if queued:
        messages.info(request, _("The review packet is being prepared. Reload this page in a moment."))
    return redirect("reviews:staff_plan", pk=panel.pk, plan=application.pk)


@role_required(PERM)
def packet_download(request, pk, plan):
    panel, application = _load(pk, plan)
    version = application.latest_version
    packet = get_object_or_404(ReviewPacket.objects.select_related("version__application"), version=version)
    if not packet.is_ready:
        raise Http404
    return FileResponse(
        packet.pdf.open("rb"), as_attachment=True, filename=packets.filename(packet), content_type="application/pdf"
    )


@role_required(PERM)
@require_POST
def score_sheet(request, pk):
    """Start building the panel's score sheet (an export job) and show its page."""
    panel = get_object_or_404(Panel.objects.select_related("call", "field"), pk=pk)
    get_object_or_404(Rubric, call=panel.call, stage=panel.stage)
    job = export_jobs.start(
        request.user,
        exports.SCORE_SHEET,
        {"panel": panel.pk},
        filename=exports.filename(panel, request.received_at),
        at=request.received_at,
        back_url=reverse("reviews:staff_dashboard", args=[panel.pk]),
    )
    return redirect(job)

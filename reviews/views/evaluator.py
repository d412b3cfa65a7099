"""Evaluators (advisory experts and subcommittee members): declare, read the frozen plan, score, submit.

Every object is loaded through a rules permission; a conflicted evaluator gets 404 for the plan, its files,
its reviews and its notes, as if they did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications import snapshot
from applications.models import Attachment
from applications.uploads import download_response
from core.errors import Refused, refuse, show_on_form
from core.paging import paginate
from core.permissions import get_permitted_object_or_404, role_required

from .. import due, selectors, services
from ..aggregates import counted_reviews
from ..forms import DeclarationForm, ScoreSheetForm
from ..models import Assignment, Criterion, Review, ReviewPacket, Rubric, Stage
from ..presenters import assignment_rows

PAGE_SIZE = 50  # assignments per page of "my evaluations"
# What "my evaluations" shows of an assignment and its plan (reviews.presenters.assignment_rows): loading only
# these keeps a 50-row page from building every column of the plan, its call and its organisation (issue 12).
LIST_FIELDS = (
    "declaration",
    "panel__stage",
    "panel__call__id",
    "panel__field__name_ko",
    "panel__field__name_en",
    "application__status",
    "application__title",
    "application__receipt_number",
    "application__organization__name_ko",
    "application__organization__name_en",
    "review__status",
)
ASSIGNMENTS = Assignment.objects.select_related(
    "panel", "panel__call", "panel__field", "application", "application__organization", "application__field"
)


def _assignment(request, pk, perm):
    return get_permitted_object_or_404(request.user, perm, ASSIGNMENTS.visible_to(request.user), pk=pk)


def _stage_context(assignment):
    rubric = Rubric.objects.filter(call=assignment.panel.call, stage=assignment.panel.stage).first()
    return {"assignment": assignment, "application": assignment.application, "rubric": rubric}


@role_required("reviews.evaluate")
def my_assignments(request):
    pages = paginate(request, selectors.evaluator_assignments(request.user).only(*LIST_FIELDS), PAGE_SIZE)
    assignments = list(pages["page"].object_list)
    rubrics = {
        (r.call_id, r.stage): r
        for r in Rubric.objects.filter(call__in={a.panel.call_id for a in assignments}).only(
            "call_id", "stage", "due_at"
        )
    }
    rows = assignment_rows(assignments, rubrics)
    return render(request, "reviews/evaluator/list.html", {"rows": rows, "pages": pages, "now": request.received_at})


@login_required
def declare(request, pk):
    assignment = _assignment(request, pk, "reviews.declare_conflict")
    if assignment.declaration == Assignment.Declaration.NO_CONFLICT:
        return redirect("reviews:review", pk=pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conflict = form.cleaned_data["answer"] == "conflict"
        try:
            services.declare(
                request.user,
                assignment,
                conflict=conflict,
                reason=form.cleaned_data.get("reason", ""),
                pledge=form.cleaned_data.get("pledge", False),
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            if conflict:
                messages.success(
                    request, _("Your conflict of interest was recorded. The plan was removed from your list.")
                )
                return redirect("reviews:mine")
            return redirect("reviews:review", pk=pk)
    participants = assignment.application.participations.accepted().select_related("organization")
    anchors = assignment.application.anchor_companies.only("name")
    return render(
        request,
        "reviews/evaluator/declare.html",
        {**_stage_context(assignment), "form": form, "participants": participants, "anchors": anchors},
    )


def _review_page(request, assignment, form, review):
    context = _stage_context(assignment)
    closed = due.review_closed_message(
        assignment.panel, assignment.application, review, request.received_at, request.user
    )
    context.update(
        form=form,
        review=review,
        closed_message=closed,
        may_see_others=request.user.has_perm("reviews.see_other_reviews", assignment),
    )
    if assignment.panel.stage == Stage.SUBCOMMITTEE:
        context["advisory"] = selectors.stage_summary(assignment.application).get(Stage.ADVISORY)
        context["notes"] = assignment.application.subcommittee_notes.select_related("author")
    return render(request, "reviews/evaluator/review.html", context)


@login_required
def review(request, pk):
    assignment = _assignment(request, pk, "reviews.declare_conflict")
    if assignment.declaration == Assignment.Declaration.PENDING:
        return redirect("reviews:declare", pk=pk)
    if not request.user.has_perm("reviews.review_plan", assignment):
        raise Http404
    existing = Review.objects.filter(assignment=assignment).first()
    criteria = Criterion.objects.filter(rubric__call=assignment.panel.call, rubric__stage=assignment.panel.stage)
    scores = {s.criterion_id: s for s in existing.scores.all()} if existing else {}
    if request.method != "POST":
        form = ScoreSheetForm(
            criteria=criteria, scores=scores, initial={"overall_opinion": getattr(existing, "overall_opinion", "")}
        )
        return _review_page(request, assignment, form, existing)
    form = ScoreSheetForm(request.POST, criteria=criteria, scores=scores)
    if not form.is_valid():
        messages.error(request, _("Some scores are not valid; see the marked fields. Nothing was saved."))
        return _review_page(request, assignment, form, existing)
    try:
        saved = services.save_review(
            request.user,
            assignment,
            scores=form.scores(),
            opinion=form.cleaned_data["overall_opinion"],
            at=request.received_at,
        )
        if "submit" in request.POST:
            services.submit_review(request.user, assignment, at=request.received_at)
    except Refused as exc:
        form.attach_errors(exc.field_errors)
        refuse(request, exc)
        return _review_page(request, assignment, form, Review.objects.filter(assignment=assignment).first())
    if "submit" in request.POST:
        messages.success(request, _("Your review was submitted. Thank you."))
    else:
        messages.success(request, _("Draft saved (revision %(n)s).") % {"n": saved.revision})
    return redirect("reviews:review", pk=pk)


@login_required
def plan(request, pk):
    assignment = _assignment(request, pk, "reviews.review_plan")
    version = assignment.application.latest_version
    if version is None:
        raise Http404
    context = _stage_context(assignment)
    context.update(
        version=version,
        content=snapshot.localised(version.content, assignment.application),
        readable=snapshot.readable(version.content),
        pdf_packet=ReviewPacket.objects.filter(version=version).first(),
    )
    return render(request, "reviews/evaluator/plan.html", context)


@login_required
def plan_file(request, pk, sha256):
    assignment = _assignment(request, pk, "reviews.review_plan")
    version = assignment.application.latest_version
    listed = {f["sha256"] for f in (version.content.get("attachments", []) if version else [])}
    if sha256 not in listed:
        raise Http404
    attachment = get_object_or_404(
        Attachment.objects.filter(application=assignment.application, sha256=sha256).order_by("pk")[:1]
    )
    return download_response(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
def others(request, pk):
    assignment = _assignment(request, pk, "reviews.see_other_reviews")
    reviews = (
        counted_reviews(call_id=assignment.panel.call_id, stage=assignment.panel.stage)
        .filter(assignment__application=assignment.application, assignment__panel=assignment.panel)
        .exclude(assignment=assignment)
        .prefetch_related("scores__criterion")
        .order_by("submitted_at", "pk")
    )
    return render(request, "reviews/evaluator/others.html", {**_stage_context(assignment), "reviews": reviews})

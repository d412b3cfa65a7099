"""The specialized complex subcommittee: plans with the advisory results, notes, the chair's recommendation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import snapshot
from applications.workflow import State
from core.errors import Refused, refuse
from core.permissions import get_permitted_object_or_404, role_required

from .. import selectors, services
from ..forms import NoteForm, RecommendationForm
from ..models import Rubric, Stage
from ..transitions import has_subcommittee_scores


def _visible_plans(user):
    return selectors.subcommittee_plans(user).select_related("call", "field", "organization")


@role_required("reviews.view_subcommittee")
def plan_list(request):
    calls = _visible_plans(request.user).values("call")
    sections = []
    for rubric in Rubric.objects.filter(stage=Stage.ADVISORY, call__in=calls).select_related("call"):
        plans = selectors.with_review_summary(
            _visible_plans(request.user).filter(call=rubric.call), rubric, prefix="advisory_"
        )
        sections.append((rubric.call, plans.select_related("recommendation").order_by("-advisory_ranking_score", "pk")))
    return render(request, "reviews/subcommittee/list.html", {"sections": sections})


def _plan_context(request, application, note_form=None, recommendation_form=None):
    version = application.latest_version
    summary = selectors.stage_summary(application)
    sees_scores = request.user.has_perm("reviews.see_subcommittee_scores", application)
    return {
        "application": application,
        "advisory": summary.get(Stage.ADVISORY),
        "subcommittee": summary.get(Stage.SUBCOMMITTEE) if sees_scores else None,
        "subcommittee_blind": not sees_scores,
        "notes": application.subcommittee_notes.select_related("author"),
        "consultations": application.consultations.all(),
        "version": version,
        "content": snapshot.localised(version.content, application) if version else None,
        "readable": snapshot.readable(version.content) if version else [],
        "note_form": note_form or NoteForm(),
        "recommendation_form": recommendation_form or RecommendationForm(scores_missing=_scores_missing(application)),
        "may_note": request.user.has_perm("reviews.add_subcommittee_note", application),
        "may_recommend": application.status == State.SUBCOMMITTEE
        and request.user.has_perm("reviews.finalise_recommendation", application),
        "recommendation": getattr(application, "recommendation", None),
    }


def _scores_missing(application) -> bool:
    return has_subcommittee_scores(application, None) is not None


def _load(request, pk, perm=None):
    return get_permitted_object_or_404(request.user, perm, _visible_plans(request.user), pk=pk)


@login_required
def plan_detail(request, pk):
    application = _load(request, pk)
    return render(request, "reviews/subcommittee/plan.html", _plan_context(request, application))


@require_POST
@login_required
def add_note(request, pk):
    application = _load(request, pk, "reviews.add_subcommittee_note")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(request.user, application, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("The notes were added."))
            return redirect("reviews:subcommittee_plan", pk=pk)
    return render(
        request, "reviews/subcommittee/plan.html", _plan_context(request, application, note_form=form), status=400
    )


@require_POST
@login_required
def recommend(request, pk):
    application = _load(request, pk, "reviews.finalise_recommendation")
    form = RecommendationForm(request.POST, scores_missing=_scores_missing(application))
    if form.is_valid():
        try:
            services.finalise_recommendation(
                request.user,
                application,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                conditions=form.cleaned_data["conditions"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                at=request.received_at,
            )
        except Refused as exc:
            for name, message in exc.field_errors.items():
                form.add_error(name, message)
            refuse(request, exc)
        else:
            messages.success(request, _("The recommendation was finalised and the plan referred to the committee."))
            return redirect("reviews:subcommittee_plan", pk=pk)
    return render(
        request,
        "reviews/subcommittee/plan.html",
        _plan_context(request, application, recommendation_form=form),
        status=400,
    )

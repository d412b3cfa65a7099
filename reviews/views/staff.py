"""Ministry staff: panels, members, the assignment table, conflicts, the panel dashboard and the ranking.

The per-plan page, workflow steps, exports and packets are in staff_plans. Every view checks the role
"reviews.manage_panels"; objects are looked up inside the call/panel of the URL (else 404).
"""

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import workflow
from applications.models import Call
from core.errors import Refused, refuse, show_on_form
from core.paging import paginate
from core.permissions import role_required
from core.validators import int_or_none

from .. import charts, conflicts, services, staff_selectors, standings
from ..models import Assignment, Conflict, Panel, Rubric, Stage
from ..presenters import averages_rows, figure_texts, progress_rows, ranking_rows
from ..staff_forms import PanelForm, PanelMembersForm, PinConflictForm, parse_pairs

PERM = "reviews.manage_panels"
PAGE_SIZE = 50  # rows of the call ranking per page
DASHBOARD_PAGE_SIZE = 25  # rows per page of each of the dashboard's two tables (each row of the ranking has a chart)


def load_panel(pk) -> Panel:
    return get_object_or_404(Panel.objects.select_related("call", "field"), pk=pk)


@role_required(PERM)
def calls(request):
    return render(request, "reviews/staff/calls.html", {"calls": staff_selectors.calls_with_panel_counts()})


@role_required(PERM)
def panels(request, slug):
    call = get_object_or_404(Call, slug=slug)
    form = PanelForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.create_panel(request.user, call=call, **form.cleaned_data)
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request, _("The panel “%(name)s” was created. Now choose its members.") % {"name": panel.display_name}
            )
            return redirect("reviews:staff_members", pk=panel.pk)
    rubrics = {r.stage: r for r in Rubric.objects.filter(call=call)}
    context = {
        "call": call,
        "panels": staff_selectors.panels_of_call(call),
        "stages": [(value, label, rubrics.get(value)) for value, label in Stage.choices],
        "form": form,
    }
    return render(request, "reviews/staff/panels.html", context, status=409 if form.errors else 200)


@role_required(PERM)
def members(request, pk):
    panel = load_panel(pk)
    form = PanelMembersForm(
        request.POST if request.method == "POST" else None, panel=panel, initial={"members": panel.members.all()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_panel_members(request.user, panel, list(form.cleaned_data["members"]))
        except Refused as exc:
            show_on_form(form, exc, "members")
        else:
            messages.success(request, _("The members of the panel were saved."))
            return redirect("reviews:staff_assignments", pk=panel.pk)
    return render(request, "reviews/staff/members.html", {"panel": panel, "form": form})


def _matrix_rows(panel, checked: set, detected: dict):
    plans, people, assignments, stored = staff_selectors.assignment_matrix(panel)
    rows = []
    for plan in plans:
        cells = []
        for member in people:
            key = (plan.pk, member.pk)
            found = stored.get(key, [])
            reason = None
            if not found and key in detected:
                reason = detected[key]
            assignment = assignments.get(key)
            review = getattr(assignment, "review", None)  # None when unassigned or not started
            cells.append(
                {
                    "member": member,
                    "value": f"{plan.pk}:{member.pk}",
                    "assignment": assignment,
                    "submitted": bool(review and review.was_submitted),
                    "conflicts": found,
                    "detected": reason,
                    "blocked": bool(found or reason),
                    "checked": key in checked,
                }
            )
        load = sum(1 for cell in cells if cell["assignment"])
        rows.append({"plan": plan, "cells": cells, "assigned": load})
    return plans, people, rows


@role_required(PERM)
def assignments(request, pk):
    panel = load_panel(pk)
    checked: set[tuple[int, int]] = set()
    status = 200
    if request.method == "POST":
        plans, people, _assignments, _stored = staff_selectors.assignment_matrix(panel)
        action = request.POST.get("action")
        if action == "propose":
            checked = set(services.propose_assignments(panel))
            messages.info(
                request,
                _("Proposed %(count)s new assignments. Nothing is saved yet: check the table and save.")
                % {"count": len(checked)},
            )
        else:
            pairs = parse_pairs(request.POST.getlist("pair"), {p.pk for p in plans}, {m.pk for m in people})
            if pairs is None:
                messages.error(request, _("The table was changed in the meantime; please try again."))
                return redirect("reviews:staff_assignments", pk=panel.pk)
            by_plan, by_member = {p.pk: p for p in plans}, {m.pk: m for m in people}
            try:
                created = services.bulk_assign(
                    request.user, panel, [(by_plan[a], by_member[u]) for a, u in pairs], at=request.received_at
                )
            except Refused as exc:
                messages.error(request, _("Nothing was saved. %(reason)s") % {"reason": exc.message})
                checked, status = set(pairs), 409
            else:
                messages.success(request, _("%(count)s assignments were saved.") % {"count": created})
                return redirect("reviews:staff_assignments", pk=panel.pk)
    plans, people, _assignments, _stored = staff_selectors.assignment_matrix(panel)
    detected = conflicts.detect(plans, people)
    plans, people, rows = _matrix_rows(panel, checked, detected)
    context = {"panel": panel, "people": people, "rows": rows, "proposal": bool(checked) and status == 200}
    return render(request, "reviews/staff/assignments.html", context, status=status)


@role_required(PERM)
@require_POST
def unassign(request, pk):
    panel = load_panel(pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("application", "reviewer"),
        pk=int_or_none(request.POST.get("assignment")) or 0,
        panel=panel,
    )
    try:
        services.unassign(request.user, assignment)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s no longer evaluates “%(plan)s”.")
            % {"name": assignment.reviewer.full_name, "plan": assignment.application.title},
        )
    return redirect("reviews:staff_assignments", pk=panel.pk)


@role_required(PERM)
def conflict_list(request, pk):
    panel = load_panel(pk)
    form = PinConflictForm(request.POST if request.method == "POST" else None, panel=panel)
    if request.method == "POST" and form.is_valid():
        try:
            services.pin_conflict(
                request.user, form.cleaned_data["application"], form.cleaned_data["user"], form.cleaned_data["reason"]
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The conflict of interest was recorded."))
            return redirect("reviews:staff_conflicts", pk=panel.pk)
    context = {
        "panel": panel,
        "form": form,
        "conflicts": staff_selectors.panel_conflicts(panel),
        "sources": Conflict.Source,
    }
    return render(request, "reviews/staff/conflicts.html", context)


def _ranking_page(request, rubric, field, order, per_page, scores):
    """One page of the stored ranking (standings.RankedRows): no COUNT query (the charts' scores counted the
    rows), the page's plans carrying their figures."""
    count = sum(len(values) for values in scores.values())
    pages = paginate(request, standings.RankedRows(rubric, field, order, count), per_page, count=count)
    return pages, list(pages["page"].object_list)


@role_required(PERM)
def dashboard(request, pk):
    """One panel: progress per plan and the field's ranking, each a paginated table (`progress`, `page`), the
    score chart of each ranking row, one distribution chart for the field, criterion averages of the rows shown."""
    panel = load_panel(pk)
    rubric = Rubric.objects.filter(call=panel.call, stage=panel.stage).first()
    progress = paginate(request, staff_selectors.plan_progress(panel), DASHBOARD_PAGE_SIZE, param="progress")
    context = {
        "panel": panel,
        "rubric": rubric,
        "progress_pages": progress,
        "progress": progress_rows(panel, list(progress["page"].object_list)),
        "screened": panel.plans().filter(status=workflow.State.SCREENED).count(),
    }
    if rubric is not None:
        scores = standings.scores_by_field(rubric, panel.field)
        pages, rows = _ranking_page(request, rubric, panel.field, (), DASHBOARD_PAGE_SIZE, scores)
        criteria = staff_selectors.criteria_of(rubric)
        context.update(
            pages=pages,
            ranking=ranking_rows(rubric, rows, panel),
            criteria=criteria,
            averages=averages_rows(rows, criteria),
            distribution=charts.score_histogram(
                scores.get(panel.field_id, []),
                chart_id=f"hist-{rubric.stage}-{panel.field_id}",
                label=_("Ranking scores in %(field)s") % {"field": panel.field.name},
            ),
        )
    return render(request, "reviews/staff/dashboard.html", context)


@role_required(PERM)
@require_POST
def start_all(request, pk):
    panel = load_panel(pk)
    screened = panel.plans().filter(status=workflow.State.SCREENED).order_by("receipt_number", "pk")
    try:
        moved = services.start_advisory_review(request.user, list(screened), at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Expert review started for %(count)s plans.") % {"count": moved})
    return redirect("reviews:staff_dashboard", pk=panel.pk)


# The ranking's sortable columns (of standings.ranking): each sorts in its natural direction (best first), ties
# by rank's order.
RANKING_SORTS = {
    "rank": ("application__field__sort_order", "application__field_id"),  # then rank (standings.RANK_ORDER)
    "score": (F("ranking_score").desc(nulls_last=True),),
    "mean": (F("score_mean").desc(nulls_last=True),),
    "median": (F("score_median").desc(nulls_last=True),),
    "spread": (F("spread").desc(nulls_last=True),),
    "reviews": ("-review_count",),
    "plan": ("application__receipt_number", "application_id"),
}


@role_required(PERM)
def call_ranking(request, slug, stage):
    """The ranking of a whole call: a paginated table sortable by any statistic, filtered by field, with one
    score-distribution chart per field; only the rows of the page get their criterion averages."""
    call = get_object_or_404(Call, slug=slug)
    if stage not in Stage.values:
        raise Http404
    rubric = get_object_or_404(Rubric, call=call, stage=stage)
    fields = list(call.fields.order_by("sort_order", "pk"))
    field = next((f for f in fields if f.pk == int_or_none(request.GET.get("field"))), None)
    sort = request.GET.get("sort") if request.GET.get("sort") in RANKING_SORTS else "rank"
    scores = standings.scores_by_field(rubric, field)  # the charts, and the paginator's count
    pages, plans = _ranking_page(request, rubric, field, RANKING_SORTS[sort], PAGE_SIZE, scores)
    criteria = staff_selectors.criteria_of(rubric)
    distributions = [
        {
            "field": item,
            "count": len(scores.get(item.pk, [])),
            "chart": charts.score_histogram(
                scores.get(item.pk, []),
                chart_id=f"hist-{rubric.stage}-{item.pk}",
                label=_("Ranking scores in %(field)s") % {"field": item.name},
            ),
        }
        for item in fields
        if item.pk in scores
    ]
    context = {
        "call": call,
        "rubric": rubric,
        "fields": fields,
        "field": field,
        "sort": sort,
        "pages": pages,
        "page": pages["page"],
        "rows": figure_texts(plans),
        "criteria": criteria,
        "averages": averages_rows(plans, criteria),
        "distributions": distributions,
    }
    return render(request, "reviews/staff/ranking.html", context)

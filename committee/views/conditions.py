"""Conditions of a conditional designation: staff set them with due dates and judge the answers; the
applicant answers each on its own page (from the announcement on)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import embargo
from applications.models import Application
from applications.uploads import stored_file_response
from applications.views.common import load_application
from core.errors import Refused, show_on_form
from core.permissions import role_required

from .. import selectors, services
from ..forms import ConditionAnswerForm, ConditionDecisionForm, ConditionForm
from ..models import Condition, ConditionAnswer

PERM = "committee.follow_up_conditions"


def _staff_page(request, application, *, add_form=None, decision_forms=None, status=200):
    conditions = list(application.conditions.prefetch_related("answers__submitted_by"))
    bound = decision_forms or {}
    for condition in conditions:
        condition.decision_form = bound.get(condition.pk) or ConditionDecisionForm(prefix=f"c{condition.pk}")
    context = {
        "application": application,
        "resolution": selectors.latest_resolution(application),
        "conditions": conditions,
        "add_form": add_form or ConditionForm(),
    }
    return render(request, "committee/conditions_staff.html", context, status=status)


def _plan(pk):
    return get_object_or_404(Application.objects.select_related("call", "organization"), pk=pk)


@role_required(PERM)
def staff_conditions(request, pk):
    application = _plan(pk)
    if request.method != "POST":
        return _staff_page(request, application)
    form = ConditionForm(request.POST)
    resolution = selectors.latest_resolution(application)
    if form.is_valid():
        if resolution is None:
            raise Http404
        try:
            services.set_conditions(
                request.user,
                resolution,
                [(form.cleaned_data["text"], form.cleaned_data["due_on"])],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The condition was added."))
            return redirect("committee:staff_conditions", pk=application.pk)
    return _staff_page(request, application, add_form=form, status=400)


@role_required(PERM)
@require_POST
def staff_decide(request, pk):
    condition = get_object_or_404(Condition.objects.select_related("application"), pk=pk)
    form = ConditionDecisionForm(request.POST, prefix=f"c{condition.pk}")
    if form.is_valid():
        try:
            services.decide_condition(
                request.user,
                condition,
                met=form.cleaned_data["verdict"] == form.MET,
                note=form.cleaned_data["note"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The verdict was recorded and the applicant informed."))
            return redirect("committee:staff_conditions", pk=condition.application_id)
    application = _plan(condition.application_id)
    return _staff_page(request, application, decision_forms={condition.pk: form}, status=400)


def _answer_file(answer):
    return stored_file_response(answer.file, filename=answer.file_name, content_type=answer.file_type)


@role_required(PERM)
def staff_answer_file(request, pk):
    return _answer_file(get_object_or_404(ConditionAnswer, pk=pk))


def _applicant_condition(request, pk, number):
    application = load_application(request, pk)
    if not embargo.released(application.call, request.received_at):
        raise Http404  # before the announcement the applicant does not know the decision, let alone conditions
    return application, get_object_or_404(Condition, application=application, position=number)


@login_required
def answer(request, pk, number):
    application, condition = _applicant_condition(request, pk, number)
    may_answer = condition.status == Condition.Status.OPEN and request.user.has_perm(
        "applications.edit_application", application
    )
    form = ConditionAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and may_answer and form.is_valid():
        try:
            services.answer_condition(
                request.user,
                condition,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["upload"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
            form.ask_for_files_again()
        else:
            messages.success(request, _("Your answer was sent to the ministry."))
            return redirect("committee:condition", pk=application.pk, number=condition.position)
    context = {
        "application": application,
        "condition": condition,
        "answers": condition.answers.select_related("submitted_by"),
        "form": form,
        "may_answer": may_answer,
    }
    return render(request, "committee/condition.html", context, status=400 if form.errors else 200)


@login_required
def answer_file(request, pk, number, answer_pk):
    _application, condition = _applicant_condition(request, pk, number)
    return _answer_file(get_object_or_404(ConditionAnswer, pk=answer_pk, condition=condition))

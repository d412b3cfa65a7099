"""The consultation with related ministries: staff ask ministries for their opinion on a plan and record the
answers; the subcommittee reads them beside the expert panel's results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.uploads import stored_file_response
from core.errors import Refused, show_on_form
from core.permissions import role_required

from .. import services
from ..models import Consultation
from ..staff_forms import ConsultationRequestForm, OpinionForm
from .subcommittee import _load as load_subcommittee_plan

PERM = "reviews.manage_panels"


def _plan(pk):
    return get_object_or_404(Application.objects.select_related("call", "organization", "field"), pk=pk)


def _page(request, application, *, request_form=None, opinion_forms=None, status=200):
    consultations = list(
        Consultation.objects.filter(application=application).select_related("requested_by", "recorded_by")
    )
    bound = opinion_forms or {}
    for consultation in consultations:
        consultation.form = bound.get(consultation.pk) or OpinionForm(
            prefix=f"opinion-{consultation.pk}",
            initial={"opinion": consultation.opinion, "dated": consultation.opinion_dated},
        )
    context = {
        "application": application,
        "consultations": consultations,
        "may_request": application.status in services.CONSULTATION_STATES,
        "may_record": application.status == services.State.CONSULTATION,
        "request_form": request_form or ConsultationRequestForm(),
    }
    return render(request, "reviews/staff/consultation.html", context, status=status)


@role_required(PERM)
def consultation(request, plan):
    return _page(request, _plan(plan))


@role_required(PERM)
@require_POST
def request_opinions(request, plan):
    application = _plan(plan)
    form = ConsultationRequestForm(request.POST)
    if form.is_valid():
        try:
            created = services.request_opinions(
                request.user,
                application,
                ministries=form.cleaned_data["ministries"],
                due_on=form.cleaned_data["due_on"],
                question=form.cleaned_data["question"],
                reason=form.cleaned_data["reason"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("%(count)s ministry(ies) asked for their opinion.") % {"count": len(created)})
            return redirect("reviews:staff_consultation", plan=application.pk)
    return _page(request, application, request_form=form, status=400)


@role_required(PERM)
@require_POST
def record_opinion(request, pk):
    consultation = get_object_or_404(Consultation.objects.select_related("application"), pk=pk)
    form = OpinionForm(request.POST, request.FILES, prefix=f"opinion-{consultation.pk}")
    if form.is_valid():
        try:
            services.record_opinion(
                request.user,
                consultation,
                opinion=form.cleaned_data["opinion"],
                dated=form.cleaned_data["dated"],
                upload=form.cleaned_data["upload"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc)
            form.ask_for_files_again()
        else:
            messages.success(
                request, _("The opinion of %(ministry)s was recorded.") % {"ministry": consultation.ministry}
            )
            return redirect("reviews:staff_consultation", plan=consultation.application_id)
    return _page(request, _plan(consultation.application_id), opinion_forms={consultation.pk: form}, status=400)


def _file(consultation):
    return stored_file_response(
        consultation.opinion_file, filename=consultation.opinion_file_name, content_type=consultation.opinion_file_type
    )


@role_required(PERM)
def staff_file(request, pk):
    return _file(get_object_or_404(Consultation, pk=pk))


@login_required
def subcommittee_file(request, pk, consultation):
    """A ministry's opinion document, for the subcommittee members who may see the plan (404 otherwise)."""
    application = load_subcommittee_plan(request, pk)
    return _file(get_object_or_404(Consultation, pk=consultation, application=application))

"""Ministry staff: the applications list, exports, screening, deadline changes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core import export_jobs, exports
from core.clock import file_stamp, format_kst, naive_kst
from core.errors import Refused, show_on_form
from core.permissions import role_required

from .. import embargo, selectors, services, snapshot, workflow
from ..exports import EXPORT_COLUMNS, MANAGE_APPLICATIONS, PLANS_XLSX, filtered_plans, plan_rows
from ..models import Attachment, Call
from ..presenters import staff_list_rows
from ..staff_forms import AnnouncementForm, DeadlineExtensionForm, ScreeningForm
from .common import load_application

PAGE_SIZE = 25


def _filtered(request):
    return filtered_plans(request.user, request.GET)


def _selected_call(form):
    return form.cleaned_data.get("call") if form.is_bound and hasattr(form, "cleaned_data") else None


@role_required("applications.manage_applications")
def application_list(request):
    form, queryset = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": staff_list_rows(page.object_list),
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "counts": selectors.counts(queryset),
        "selected_call": _selected_call(form),
    }
    return render(request, "applications/staff/list.html", context)


def _filename(request, extension: str) -> str:
    stamp = file_stamp(request.received_at)
    return f"plans-{stamp}.{extension}"


@role_required(MANAGE_APPLICATIONS)
def export_csv(request):
    _form, queryset = _filtered(request)
    header = [label for label, _width in EXPORT_COLUMNS]
    return exports.csv_response(header, plan_rows(queryset), _filename(request, "csv"))


@role_required(MANAGE_APPLICATIONS)
@require_POST
def export_xlsx(request):
    """Start building the XLSX of the plans the list's filters (the query string) select; its page follows."""
    job = export_jobs.start(
        request.user,
        PLANS_XLSX,
        {"query": request.GET.urlencode()},
        filename=_filename(request, "xlsx"),
        at=request.received_at,
        back_url=reverse("applications:staff_applications") + (f"?{request.GET.urlencode()}" if request.GET else ""),
    )
    return redirect(job)


@role_required("applications.manage_applications")
def screen(request, pk):
    application = load_application(request, pk, perm="applications.manage_applications")
    version = application.versions.select_related("submitted_by").order_by("-number").first()
    form = ScreeningForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.screen(
                request.user,
                application,
                eligible=form.eligible,
                reason=form.cleaned_data["reason"].strip(),
                at=request.received_at,
            )
        except Refused as exc:
            refusal = exc.message
        else:
            if form.eligible:
                messages.success(request, _("The plan was found eligible. The applicant has been informed."))
            else:
                messages.success(request, _("The plan was found ineligible. The applicant has been informed."))
            return redirect("applications:staff_screen", pk=application.pk)
    elif application.status != workflow.State.RECEIVED:
        refusal = _screening_not_possible(application)
    context = {
        "application": application,
        "version": version,
        "content": snapshot.localised(version.content, application) if version else None,
        "form": form,
        "refusal": refusal,
        "can_screen": application.status == workflow.State.RECEIVED,
        "required_documents": _required_documents(version),
    }
    return render(request, "applications/staff/screen.html", context, status=409 if refusal and form.is_bound else 200)


def _required_documents(version) -> list[tuple[str, bool]]:
    if version is None:
        return []
    kinds = {item.get("kind") for item in version.content.get("attachments", [])}
    return [(Attachment.Kind(kind).label, kind in kinds) for kind in Attachment.REQUIRED_KINDS]


def _screening_not_possible(application) -> str:
    if workflow.is_editable(application):
        return _(
            "This plan is “%(status)s”. Plans are checked for eligibility once the call's deadline has passed "
            "and they have been received."
        ) % {"status": application.get_status_display()}
    return _("This plan is “%(status)s”; its eligibility check is no longer open.") % {
        "status": application.get_status_display()
    }


@role_required("applications.manage_calls")
def deadline(request, slug):
    call = get_object_or_404(Call, slug=slug)
    form = DeadlineExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.extend_deadline(
                request.user,
                call,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc, "new_deadline")
        else:
            messages.success(
                request,
                _("The deadline is now %(deadline)s (KST). Applicants are being informed by e-mail.")
                % {"deadline": format_kst(extension.new_deadline)},
            )
            return redirect("applications:staff_deadline", slug=call.slug)
    informed = (
        Organization.objects.filter(
            Q(applications__call=call),
            Q(applications__status__in=workflow.EDITABLE_STATES),
        )
        .distinct()
        .count()
    )
    context = {
        "call": call,
        "form": form,
        "deadline_kst": format_kst(call.deadline),
        "extensions": call.deadline_extensions.select_related("actor").order_by("-created_at", "-pk"),
        "informed": informed,
        "received": call.applications.filter(status=workflow.State.RECEIVED).exists(),
    }
    return render(request, "applications/staff/deadline.html", context)


@role_required("applications.manage_calls")
def timeline(request, slug):
    """A call's dates in one place, and the announcement of its results (scheduled, audited)."""
    call = get_object_or_404(Call, slug=slug)
    initial = {"announcement_at": naive_kst(call.announcement_at)} if call.announcement_at else None
    form = AnnouncementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_announcement(
                request.user,
                call,
                announcement_at=form.cleaned_data["announcement_at"],
                reason=form.cleaned_data["reason"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(form, exc, "announcement_at")
        else:
            messages.success(
                request,
                _("The results will be announced at %(time)s (KST).")
                % {"time": format_kst(form.cleaned_data["announcement_at"])},
            )
            return redirect("applications:staff_timeline", slug=call.slug)
    context = {
        "call": call,
        "form": form,
        "timeline": selectors.call_timeline(call, request.received_at),
        "announced": embargo.released(call, request.received_at),
        "announcement_kst": format_kst(call.announcement_at) if call.announcement_at else "",
        "changes": selectors.announcement_changes(call),
    }
    return render(request, "applications/staff/timeline.html", context)

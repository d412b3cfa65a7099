"""The applicant's side: drafting a plan section by section, files, completeness, submit, versions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import sessions
from accounts.models import Organization
from core.clock import format_kst
from core.confirmation import confirm_page
from core.errors import Refused, refuse, show_on_form
from core.paging import paginate

from .. import deadline, extensions, selectors, services, snapshot, workflow
from ..forms import AttachmentForm, NewApplicationForm, ParticipantForm, ReasonForm
from ..models import Application, Attachment, Call, PlanSection
from ..presenters import my_plan_rows
from ..rules import EDIT_ROLES, edits_asked_once
from ..sections import SECTIONS, SECTIONS_BY_KEY, completeness
from ..uploads import download_response
from ..workflow import State
from .common import load_application, load_for_editing

KEPT_FORM = "kept-form"
PAGE_SIZE = 50  # plans per page of "my plans"


def _keep_typed_form(request) -> None:
    """The session expired while its owner typed a section: keep what they typed, and give it back after login.
    Only for a browser that was signed in (anyone else's POST stores nothing), one form per session, bounded."""
    if not sessions.was_recently_signed_in(request):
        return
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    encoded = data.urlencode()
    if len(encoded.encode()) > settings.PORTAL_KEPT_FORM_MAX_BYTES:
        messages.warning(request, _("Your session had expired. What you typed was too long to keep; log in again."))
        return
    request.session[KEPT_FORM] = {"path": request.path, "data": encoded}
    messages.info(request, _("Your session had expired. Log in again: what you typed has been kept."))


def _take_kept_form(request) -> str | None:
    kept = request.session.get(KEPT_FORM)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[KEPT_FORM]
    return kept["data"]


# What "my plans" shows of a plan (applications.presenters.my_plan_rows, the embargo's reading of its call):
# loading only these keeps a 50-row page from building every column of the plan and its call (issue 12).
MY_PLANS_FIELDS = (
    "title",
    "status",
    "receipt_number",
    "updated_at",
    "call__title_ko",
    "call__title_en",
    "call__announcement_at",
    "field__name_ko",
    "field__name_en",
    "organization__name_ko",
    "organization__name_en",
)


@login_required
def my_applications(request):
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("call", "field", "organization")
        .only(*MY_PLANS_FIELDS)
        .order_by("-updated_at", "-pk")  # a total order: pages never repeat or skip a plan
    )
    pages = paginate(request, applications, PAGE_SIZE)
    open_calls = Call.objects.published().filter(deadline__gt=request.received_at)
    rows = my_plan_rows(pages["page"].object_list, request.user, request.received_at)
    context = {"applications": rows, "pages": pages, "open_calls": open_calls}
    return render(request, "applications/plans/list.html", context)


@login_required
def create(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    organizations = list(
        Organization.objects.filter(
            memberships__user=request.user, memberships__role__in=EDIT_ROLES, kind__in=Organization.APPLICANT_KINDS
        ).exclude(status=Organization.Status.REJECTED)
    )
    accepting = deadline.accepts_changes(call, request.received_at)
    form = NewApplicationForm(request.POST or None, call=call, organizations=organizations)
    if request.method == "POST" and organizations and form.is_valid():
        try:
            application = services.create_application(
                request.user,
                call=call,
                field=form.cleaned_data["field"],
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                at=request.received_at,
            )
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(
                request, _("The plan was created. Fill in its sections in any order; each is saved on its own.")
            )
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/plans/new.html",
        {
            "call": call,
            "form": form,
            "organizations": organizations,
            "accepting": accepting,
            "deadline_message": None if accepting else deadline.deadline_passed_message(call),
        },
    )


def _context(request, application, **extra):
    now = request.received_at
    return {
        "application": application,
        "sections": SECTIONS,
        "can_edit": request.user.has_perm("applications.edit_application", application)
        and workflow.is_editable(application),
        "accepting": deadline.accepts_changes(application.call, now),
        "deadline_kst": format_kst(application.call.deadline),
        "deadline_message": deadline.deadline_passed_message(application.call),
        **extra,
    }


@login_required
def detail(request, pk):
    application = load_application(request, pk)
    rows = completeness(application)
    revisions = {s.key: s for s in application.sections.select_related("updated_by")}
    section_rows = [
        {"key": key, "title": title, "missing": missing, "saved": revisions.get(key)} for key, title, missing in rows
    ]
    return render(
        request,
        "applications/plans/detail.html",
        _context(
            request,
            application,
            section_rows=section_rows,
            complete=not any(r["missing"] for r in section_rows),
            versions=application.versions.select_related("submitted_by").order_by("-number"),
            participations=application.participations.select_related("organization"),
            panels=extensions.plan_panels(request, application),
            unsubmitted=selectors.unsubmitted_changes(application),
        ),
    )


def edit_section(request, pk, key):
    if not request.user.is_authenticated:
        if request.method == "POST":
            _keep_typed_form(request)
        return redirect_to_login(request.get_full_path())
    application = load_application(request, pk)
    section = SECTIONS_BY_KEY.get(key)
    if section is None:
        raise Http404
    if not request.user.has_perm("applications.edit_application", application):
        raise PermissionDenied
    row = PlanSection.objects.filter(application=application, key=key).select_related("updated_by").first()
    revision = row.revision if row else 0
    conflict = None
    restored = False
    kept = _take_kept_form(request) if request.method == "GET" else None
    if request.method == "POST":
        form = section.build(application, request.POST)
        posted_revision = _int(request.POST.get("revision"), revision)
        if form.is_valid():
            try:
                services.save_section(
                    request.user, application, key, form, expected_revision=posted_revision, at=request.received_at
                )
            except services.SectionConflict as exc:
                conflict = {
                    "by": exc.section.updated_by,
                    "at": exc.section.updated_at,
                    "theirs": section.build(_fresh(application)),
                }
                revision = exc.section.revision  # saving again now knowingly replaces their version
                form = section.build(application, request.POST)
                form.is_valid()
            except Refused as exc:
                refuse(request, exc)
            else:
                messages.success(request, _("“%(section)s” was saved.") % {"section": section.title})
                return redirect("applications:section", pk=pk, key=key)
        else:
            revision = posted_revision
            messages.error(request, _("Please correct the fields marked below. Nothing you typed was lost."))
    elif kept is not None:
        form = section.build(application, QueryDict(kept))
        form.is_valid()
        revision = _int(QueryDict(kept).get("revision"), revision)
        restored = True
    else:
        form = section.build(application)
    position = [s.key for s in SECTIONS].index(key)
    return render(
        request,
        "applications/plans/section.html",
        _context(
            request,
            application,
            section=section,
            form=form,
            revision=revision,
            saved=row,
            conflict=conflict,
            restored=restored,
            missing=section.missing(application),
            previous_section=SECTIONS[position - 1] if position else None,
            next_section=SECTIONS[position + 1] if position + 1 < len(SECTIONS) else None,
        ),
    )


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _fresh(application):
    return Application.objects.select_related(
        "call", "field", "organization", "site", "site__region", "site__linked_complex", "narrative"
    ).get(pk=application.pk)


@login_required
def attachments(request, pk):
    application = load_application(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("applications.edit_application", application):
            raise PermissionDenied
        if form.is_valid():
            try:
                attachment = services.upload_attachment(
                    request.user,
                    application,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    at=request.received_at,
                )
            except Refused as exc:
                show_on_form(form, exc, "file")
            else:
                messages.success(request, _("“%(name)s” was uploaded.") % {"name": attachment.original_name})
                return redirect("applications:attachments", pk=pk)
    files = application.attachments.filter(removed_at__isnull=True).select_related("uploaded_by")
    return render(
        request,
        "applications/plans/attachments.html",
        _context(
            request,
            application,
            form=form,
            files=files,
            missing=[m for key, _t, missing in completeness(application) if key == "attachments" for m in missing],
        ),
    )


@login_required
def download_attachment(request, pk, attachment_pk):
    application = load_application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    return download_response(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@require_http_methods(["GET", "POST"])
@login_required
def remove_attachment(request, pk, attachment_pk):
    application = load_application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application, removed_at__isnull=True)
    if request.method == "GET":  # the confirmation step
        if not request.user.has_perm("applications.edit_application", application):
            raise PermissionDenied
        return confirm_page(
            request,
            title=_("Remove “%(name)s”?") % {"name": attachment.original_name},
            consequence=_(
                "The file is taken off the plan and will not be part of the next submission. Versions already "
                "submitted keep it. To use it again you upload it again."
            ),
            action=request.path,
            button=_("Remove “%(name)s”") % {"name": attachment.original_name},
            cancel_url=reverse("applications:attachments", args=[pk]),
            danger=True,
        )
    try:
        services.remove_attachment(request.user, attachment, at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("“%(name)s” was removed from the plan.") % {"name": attachment.original_name})
    return redirect("applications:attachments", pk=pk)


@login_required
def participants(request, pk):
    application = load_application(request, pk)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("applications.edit_application", application):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_participant(
                    request.user,
                    application,
                    organization=form.organization,
                    role=form.cleaned_data["role"],
                    at=request.received_at,
                )
            except Refused as exc:
                show_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s was invited. Its members can read the plan once its owner accepts.")
                    % {"name": form.organization.name},
                )
                return redirect("applications:participants", pk=pk)
    return render(
        request,
        "applications/plans/participants.html",
        _context(
            request,
            application,
            form=form,
            participations=application.participations.select_related("organization"),
        ),
    )


@login_required
def preview(request, pk):
    application = load_application(request, pk)
    content = snapshot.serialize(_fresh(application))
    return render(
        request,
        "applications/plans/preview.html",
        _context(
            request,
            application,
            content=snapshot.localised(content, application),
            readable=snapshot.readable(content),
        ),
    )


@login_required
def submit(request, pk):
    with edits_asked_once():  # this check and the workflow's on the locked plan ask the database once (issue 12)
        if request.method != "POST":
            application = load_application(request, pk)
            if not request.user.has_perm("applications.edit_application", application):
                raise PermissionDenied
            return _submit_page(request, application)
        application = load_for_editing(request, pk)  # the surge's request: no visibility query for an editor
        try:
            version = services.submit(request.user, application, at=request.received_at)
        except Refused as exc:
            refuse(request, exc)
            return _submit_page(request, application)
    messages.success(
        request,
        _(
            "Version %(version)s was submitted at %(time)s (KST). Receipt number: %(receipt)s. The receipt PDF "
            "is being prepared and will be e-mailed to you."
        )
        % {
            "version": version.number,
            "time": format_kst(version.submitted_at),
            "receipt": version.application.receipt_number,
        },
    )
    return redirect("applications:detail", pk=application.pk)


def _submit_page(request, application):
    # One query for the plan with its call, field, organisation, site and narrative: the page shows the plan as
    # it is now (a refused submit's plan may have moved on).
    fresh = _fresh(application)
    rows = completeness(fresh)
    return render(
        request,
        "applications/plans/submit.html",
        _context(
            request,
            fresh,
            rows=rows,
            complete=not any(missing for _k, _t, missing in rows),
            amending=fresh.status == State.SUBMITTED,
            submittable=deadline.accepts_submissions(fresh.call, request.received_at),
        ),
    )


@login_required
def withdraw(request, pk):
    application = load_application(request, pk)
    if not request.user.has_perm("applications.edit_application", application):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(request.user, application, reason=form.cleaned_data["reason"], at=request.received_at)
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("The plan was withdrawn."))
            return redirect("applications:detail", pk=pk)
    return render(request, "applications/plans/withdraw.html", _context(request, application, form=form))


@login_required
def versions(request, pk):
    application = load_application(request, pk)
    return render(
        request,
        "applications/plans/versions.html",
        _context(
            request,
            application,
            versions=application.versions.select_related("submitted_by").order_by("-number"),
        ),
    )


@login_required
def version_detail(request, pk, number):
    application = load_application(request, pk)
    version = get_object_or_404(application.versions, number=number)
    return render(
        request,
        "applications/plans/version.html",
        _context(
            request,
            application,
            version=version,
            content=snapshot.localised(version.content, application),
            readable=snapshot.readable(version.content),
            previous=application.versions.filter(number__lt=number).order_by("-number").first(),
            receipts_ahead=selectors.receipts_ahead(version),
        ),
    )


@login_required
def version_diff(request, pk, old, new):
    application = load_application(request, pk)
    older = get_object_or_404(application.versions, number=old)
    newer = get_object_or_404(application.versions, number=new)
    return render(
        request,
        "applications/plans/diff.html",
        _context(
            request,
            application,
            older=older,
            newer=newer,
            rows=snapshot.diff(older.content, newer.content),
        ),
    )


@login_required
def receipt(request, pk, number):
    application = load_application(request, pk)
    version = get_object_or_404(application.versions, number=number)
    if not version.receipt_pdf:
        messages.info(request, _("The receipt is still being prepared. Please try again in a minute."))
        return redirect("applications:versions", pk=pk)
    filename = f"{application.receipt_number}-v{version.number}-receipt.pdf"
    return FileResponse(
        version.receipt_pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
def history(request, pk):
    application = load_application(request, pk)
    rows = selectors.plan_history(request.user, application, at=request.received_at)
    return render(request, "applications/plans/history.html", _context(request, application, rows=rows))

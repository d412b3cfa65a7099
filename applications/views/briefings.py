"""Briefing sessions (설명회) and Q&A (질의응답) on a call: the applicants' pages and the staff's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import export_jobs, exports
from core.clock import kst_date
from core.errors import Refused, refuse, show_on_form
from core.permissions import get_permitted_object_or_404, role_required
from core.validators import slug_or_404

from .. import briefing_services as services
from ..briefing_forms import AnswerForm, BriefingRegistrationForm, FaqForm, QuestionForm
from ..exports import BRIEFING_XLSX, EXPORT_HEADER, MANAGE_CALLS, registration_rows
from ..exports import registrations as briefing_registrations
from ..models import BriefingRegistration, BriefingSession, Call, Question

PAGE_SIZE = 50


def _published_call(slug):
    return get_object_or_404(Call.objects.published(), slug=slug)


# --- applicants: briefing registration ------------------------------------------------------------------


@login_required
def briefing_register(request, slug, pk):
    call = _published_call(slug)
    session = get_object_or_404(services.sessions_with_seats(call.briefings.all()), pk=pk)
    services.describe_session(session, request.received_at)
    organizations = services.acting_organizations(request.user)
    form = BriefingRegistrationForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_for_briefing(request.user, session, **form.cleaned_data, at=request.received_at)
        except Refused as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request,
                _("%(organization)s is registered for the briefing session.")
                % {"organization": form.cleaned_data["organization"].name},
            )
            return redirect("applications:call", slug=call.slug)
    return render(
        request,
        "applications/briefings/register.html",
        {"call": call, "session": session, "form": form, "organizations": organizations},
    )


@require_POST
@login_required
def briefing_cancel(request, slug, pk):
    registration = get_permitted_object_or_404(
        request.user,
        "applications.cancel_briefing_registration",
        BriefingRegistration.objects.select_related("organization", "session"),
        pk=pk,
        session__call__slug=slug,
        session__call__published=True,
    )
    try:
        services.cancel_briefing_registration(request.user, registration, at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(
            request,
            _("The registration of %(organization)s was cancelled; its seats are free again.")
            % {"organization": registration.organization.name},
        )
    return redirect("applications:call", slug=slug)


# --- staff: registrations per session -------------------------------------------------------------------


@role_required("applications.manage_calls")
def staff_briefings(request):
    sessions = services.sessions_with_seats(BriefingSession.objects.select_related("call")).order_by("-starts_at")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    for session in page:
        services.describe_session(session, request.received_at)
    return render(request, "applications/briefings/staff_list.html", {"page": page, "now": request.received_at})


@role_required("applications.manage_calls")
def staff_briefing(request, pk):
    session = get_object_or_404(services.sessions_with_seats(BriefingSession.objects.select_related("call")), pk=pk)
    services.describe_session(session, request.received_at)
    registrations = list(briefing_registrations(session))
    context = {
        "session": session,
        "active": [r for r in registrations if not r.cancelled_at],
        "cancelled": [r for r in registrations if r.cancelled_at],
    }
    return render(request, "applications/briefings/staff_detail.html", context)


@role_required(MANAGE_CALLS)
def staff_briefing_export(request, pk, fmt):
    """CSV streams from here; XLSX (POST) starts an export job and shows its page."""
    session = get_object_or_404(BriefingSession.objects.select_related("call"), pk=pk)
    filename = f"briefing-{session.pk}-{kst_date(session.starts_at):%Y%m%d}-registrations.{fmt}"
    if fmt == "csv":
        return exports.csv_response(EXPORT_HEADER, registration_rows(session), filename)
    if fmt != "xlsx":
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = export_jobs.start(
        request.user,
        BRIEFING_XLSX,
        {"session": session.pk},
        filename=filename,
        at=request.received_at,
        back_url=reverse("applications:staff_briefing", args=[session.pk]),
    )
    return redirect(job)


# --- applicants: questions ------------------------------------------------------------------------------


@login_required
def questions(request, slug):
    call = _published_call(slug)
    organizations = services.acting_organizations(request.user)
    form = QuestionForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        question = services.ask_question(request.user, call, **form.cleaned_data, at=request.received_at)
        messages.success(request, _("Your question was sent to ministry staff. You will be told by e-mail."))
        return redirect("applications:question", slug=call.slug, pk=question.pk)
    mine = services.questions_of_user(request.user, call).select_related("organization", "asked_by")
    return render(
        request,
        "applications/questions/mine.html",
        {"call": call, "questions": mine, "form": form, "organizations": organizations, "now": request.received_at},
    )


@login_required
def question(request, slug, pk):
    item = get_permitted_object_or_404(
        request.user,
        "applications.view_question",
        Question.objects.select_related("call", "organization", "asked_by"),
        pk=pk,
        call__slug=slug,
        call__published=True,
    )
    return render(request, "applications/questions/detail.html", {"call": item.call, "question": item})


# --- staff: the question queue --------------------------------------------------------------------------


@role_required("applications.answer_questions")
def staff_questions(request):
    queue = Question.objects.all()
    call = None
    if request.GET.get("call"):
        # A slug is letters, digits and dashes; anything else (a NUL byte the database refuses) names no call.
        call = get_object_or_404(Call, slug=slug_or_404(request.GET["call"]))
        queue = queue.filter(call=call)
    waiting = queue.filter(answered_at__isnull=True).count()
    # Unanswered first, oldest waiting at the top; then answered, most recent answer first.
    queue = queue.select_related("call", "organization", "asked_by").order_by(
        F("answered_at").desc(nulls_first=True), "created_at", "pk"
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/questions/staff_list.html",
        {"page": page, "call": call, "waiting": waiting, "now": request.received_at},
    )


@role_required("applications.answer_questions")
def staff_question(request, pk):
    item = get_object_or_404(Question.objects.select_related("call", "organization", "asked_by", "answered_by"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    answer_form = AnswerForm(
        request.POST if action == "answer" else None, prefix="answer", initial={"answer": item.answer}
    )
    faq_form = FaqForm(
        request.POST if action == "faq" else None,
        prefix="faq",
        question=item,
        initial={
            "faq_published": item.faq_published,
            "faq_question": item.faq_question or item.body,
            "faq_answer": item.faq_answer or item.answer,
        },
    )
    if action == "answer" and answer_form.is_valid():
        services.answer_question(request.user, item, answer=answer_form.cleaned_data["answer"], at=request.received_at)
        messages.success(request, _("The answer was saved and the asking organisation was told by e-mail."))
        return redirect("applications:staff_question", pk=item.pk)
    if action == "faq" and faq_form.is_valid():
        try:
            services.publish_faq(
                request.user,
                item,
                published=faq_form.cleaned_data["faq_published"],
                faq_question=faq_form.cleaned_data["faq_question"],
                faq_answer=faq_form.cleaned_data["faq_answer"],
                at=request.received_at,
            )
        except Refused as exc:
            show_on_form(faq_form, exc)
        else:
            if faq_form.cleaned_data["faq_published"]:
                messages.success(request, _("The FAQ entry is published on the call page."))
            else:
                messages.success(request, _("The question is not shown on the call page."))
            return redirect("applications:staff_question", pk=item.pk)
    return render(
        request,
        "applications/questions/staff_detail.html",
        {"question": item, "answer_form": answer_form, "faq_form": faq_form, "now": request.received_at},
    )

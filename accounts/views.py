from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirmation import confirm_page
from core.permissions import get_permitted_object_or_404, role_required

from . import services, sessions, throttling
from .forms import (
    AddMemberForm,
    ApplicantUserForm,
    EmailAuthenticationForm,
    OrganizationForm,
    OutboxPasswordResetForm,
    RejectOrganizationForm,
)
from .models import Organization


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.lift_lock(form.user)
        return response


def register(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    user_form = ApplicantUserForm(request.POST or None, prefix="user")
    organization_form = OrganizationForm(request.POST or None, prefix="org")
    if request.method == "POST" and user_form.is_valid() and organization_form.is_valid():
        # The same answer whether or not the address already had an account (see the service).
        services.register_applicant(user_form=user_form, organization_form=organization_form, language=get_language())
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"user_form": user_form, "organization_form": organization_form})


def register_done(request):
    return render(request, "accounts/register_done.html")


@login_required
def organization_detail(request, pk):
    organization = get_permitted_object_or_404(
        request.user, "accounts.see_organization", Organization.objects.select_related("region"), pk=pk
    )
    memberships = organization.memberships.select_related("user").order_by("role", "user__email")
    can_manage = request.user.has_perm("accounts.manage_members", organization)
    form = AddMemberForm(request.POST or None, organization=organization) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            return redirect("accounts:organization", pk=pk)
        if form.is_valid():
            services.add_member(request.user, organization, **form.cleaned_data)
            messages.success(request, _("%(email)s was added and informed by e-mail.") % form.cleaned_data)
            return redirect("accounts:organization", pk=pk)
    return render(
        request,
        "accounts/organization_detail.html",
        {"organization": organization, "memberships": memberships, "form": form, "can_manage": can_manage},
    )


@role_required("accounts.review_organizations")
def approval_queue(request):
    pending = Organization.objects.pending().order_by("created_at").prefetch_related("memberships__user")
    pending = pending.select_related("region")
    recent = (
        Organization.objects.exclude(status=Organization.Status.PENDING)
        .filter(decided_at__isnull=False)
        .select_related("decided_by", "region")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "accounts/approval_queue.html",
        {"pending": pending, "recent": recent, "reject_form": RejectOrganizationForm()},
    )


@require_http_methods(["GET", "POST"])
@role_required("accounts.review_organizations")
def approve(request, pk):
    organization = get_permitted_object_or_404(request.user, "accounts.review_organizations", Organization, pk=pk)
    if request.method == "GET":  # the confirmation step: approving cannot be taken back
        return confirm_page(
            request,
            title=_("Approve %(name)s?") % {"name": organization.name},
            consequence=_(
                "%(name)s becomes an approved applicant: its members may submit plans for it, and the person who "
                "registered it is told by e-mail. An approval cannot be taken back here."
            )
            % {"name": organization.name},
            action=request.path,
            button=_("Approve %(name)s") % {"name": organization.name},
            cancel_url=reverse("accounts:approval_queue"),
        )
    services.approve_organization(request.user, organization)
    messages.success(request, _("%(name)s was approved.") % {"name": organization.name})
    return redirect("accounts:approval_queue")


@require_POST
@role_required("accounts.review_organizations")
def reject(request, pk):
    organization = get_permitted_object_or_404(request.user, "accounts.review_organizations", Organization, pk=pk)
    form = RejectOrganizationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the rejection; it is sent to the applicant."))
        return redirect("accounts:approval_queue")
    services.reject_organization(request.user, organization, form.cleaned_data["reason"])
    messages.success(request, _("%(name)s was rejected.") % {"name": organization.name})
    return redirect("accounts:approval_queue")


password_urls_kwargs = {
    "password_reset": {
        "template_name": "accounts/password_reset_form.html",
        "form_class": OutboxPasswordResetForm,
        "success_url": reverse_lazy("accounts:password_reset_done"),
    },
    "password_reset_done": {"template_name": "accounts/password_reset_done.html"},
    "password_reset_confirm": {
        "template_name": "accounts/password_reset_confirm.html",
        "success_url": reverse_lazy("accounts:password_reset_complete"),
    },
    "password_reset_complete": {"template_name": "accounts/password_reset_complete.html"},
    "password_change": {
        "template_name": "accounts/password_change_form.html",
        "success_url": reverse_lazy("accounts:password_change_done"),
    },
    "password_change_done": {"template_name": "accounts/password_change_done.html"},
}


def session_status(request):
    """How many seconds the session has left before the idle sign-out. A GET only asks (it is not activity);
    a POST ("stay signed in") counts as activity. The idle banner (static/js/idle-timeout.js) calls it."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0})
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return JsonResponse({"remaining": sessions.seconds_left(request)})

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.outbox import queue_email

from .models import Membership, Organization, Region, User
from .validators import normalize_business_number


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is not correct. Both are checked together; the password is case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


class ApplicantUserForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def validate_unique(self):
        """Whether the address already has an account is never said here (it would tell anyone who is
        registered); services.register_applicant e-mails the existing owner instead."""


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("kind", "name_ko", "name_en", "business_number", "corporate_number", "region", "address", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.current()
        self.fields["region"].help_text = _(
            "Required for a metropolitan city or province; for others, where the organisation is based."
        )

    def clean_business_number(self):
        return normalize_business_number(self.cleaned_data.get("business_number") or "") or None


class RejectOrganizationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Sent to the applicant; say what they need to correct."),
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.EDITOR)

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organization=self.organization, user__email__iexact=email).exists():
            raise forms.ValidationError(_("This person is already a member of the organisation."))
        return email


class OutboxPasswordResetForm(PasswordResetForm):
    """Password-reset mail goes through the outbox like every other message the portal sends."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        # The link points at the configured public address, never at the Host header of the request.
        path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        token_digest = hashlib.sha256(context["token"].encode()).hexdigest()[:16]
        queue_email(
            to=[to_email],
            template="accounts/email/password_reset",
            context={**context, "reset_url": f"{settings.PORTAL_BASE_URL}{path}"},
            reference=f"accounts.password_reset:{context['user'].pk}:{token_digest}",
        )

"""Forms of the secretariat's pages (crispy-forms, Bootstrap 5). The rules themselves live in validation.py
and the services, so a form and a direct service call refuse the same things."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from applications.models import Call
from applications.uploads import KIND_HINTS
from core.confirmation import understood_field
from core.forms import ChooseFilesAgainMixin
from core.validators import validate_sane_date

from .models import DecisionNotice, Meeting, Resolution
from .validation import meeting_problems, resolution_problems


class MemberChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user):
        return user.full_name or user.email


def committee_members():
    return User.objects.filter(groups__name=roles.COMMITTEE_MEMBER, is_active=True).order_by("full_name", "email")


class MeetingForm(forms.ModelForm):
    held_at = forms.DateTimeField(
        label=_("Date and time (KST)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    members = MemberChoiceField(queryset=User.objects.none(), label=_("Members of the committee"))
    attendees = MemberChoiceField(queryset=User.objects.none(), label=_("Members present"), required=False)

    class Meta:
        model = Meeting
        fields = [
            "call",
            "number",
            "held_at",
            "place",
            "chair",
            "members",
            "attendees",
            "attendance_threshold",
            "approval_threshold",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = committee_members()
        self.fields["members"].queryset = members
        self.fields["attendees"].queryset = members
        self.fields["chair"].queryset = members
        self.fields["chair"].label_from_instance = lambda user: user.full_name or user.email
        self.fields["call"].queryset = Call.objects.order_by("-deadline")

    def clean(self):
        data = super().clean()
        if "chair" in self.errors or "members" in self.errors:
            return data  # the field's own error says it; a second message about membership would only confuse
        problems = meeting_problems(data.get("chair"), data.get("members") or (), data.get("attendees") or ())
        for key, message in problems.items():
            self.add_error(key, message)
        return data


class AgendaForm(forms.Form):
    application = forms.ModelChoiceField(queryset=None, label=_("Development plan"))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = plans
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.receipt_number or a.pk} · {a.title} ({a.organization.name_ko}) · {a.get_status_display()}"
        )


class ResolutionForm(ChooseFilesAgainMixin, forms.ModelForm):
    minutes = forms.FileField(
        label=_("Minutes (PDF)"),
        help_text=KIND_HINTS["plan_document"],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Resolution
        fields = ["decision", "conditions", "reasons", "votes_for", "votes_against", "votes_abstaining", "minutes"]
        widgets = {
            "decision": forms.RadioSelect,
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"conditions": _("Required when the plan is designated with conditions.")}

    def __init__(self, *args, meeting, has_minutes=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["decision"].choices = [c for c in self.fields["decision"].choices if c[0]]
        if has_minutes:
            self.fields["minutes"].required = False
            self.fields["minutes"].help_text = _("Minutes are attached; choose a file only to replace them.")

    def clean_minutes(self):
        # The file is checked by content in the service; the model field must not try to save it here.
        return self.cleaned_data.get("minutes")

    def _post_clean(self):
        # The resolution is built by the service, not by ModelForm.save(): skip model validation here.
        pass

    def clean(self):
        data = super().clean()
        for key, message in resolution_problems(self.meeting, data).items():
            if key is None or key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data

    def resolution_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "minutes"}


class ConfirmForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the decision notice"),
        choices=DecisionNotice.Language.choices,
        initial=DecisionNotice.Language.KOREAN,
    )
    understood = understood_field(
        _(
            "I understand that confirming moves the plan to its final state, locks the resolution and prepares "
            "the decision notice; afterwards only a formal correction can change it."
        )
    )


class CorrectionForm(ResolutionForm):
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = ConfirmForm.base_fields["language"]


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40, help_text=_("e.g. ABCD-EFGH-JKLM-NPQR-ST"))


class VerifyFileForm(forms.Form):
    """A notice PDF someone holds, to be checked: its signature, and whether the portal issued exactly it."""

    pdf = forms.FileField(
        label=_("Decision notice (PDF file)"),
        help_text=_("The PDF file of the notice as you received it. It is checked and not kept."),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        limit = settings.PORTAL_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("A decision notice is smaller than %(size)s MB; this file is not one.") % {"size": limit // 2**20}
            )
        if upload.read(5) != b"%PDF-":
            raise forms.ValidationError(_("This file is not a PDF."))
        upload.seek(0)
        return upload


class ConditionForm(forms.Form):
    """One condition of a conditional designation to follow up, and when it is due."""

    text = forms.CharField(label=_("Condition"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(
        label=_("Due"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConditionDecisionForm(forms.Form):
    MET, AGAIN = "met", "again"
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(MET, _("The condition is met")), (AGAIN, _("Ask again: the answer is not sufficient"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when asking again: say what is still missing."),
    )


class ConditionAnswerForm(ChooseFilesAgainMixin, forms.Form):
    text = forms.CharField(label=_("Answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    upload = forms.FileField(label=_("File (optional)"), required=False, help_text=KIND_HINTS["other"])

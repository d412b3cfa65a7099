from django import forms
from django.db import models as db_models
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Region

from .models import (
    AnchorCompany,
    Application,
    Attachment,
    Call,
    InfrastructureNeed,
    Participation,
    PlanNarrative,
    Site,
)
from .uploads import KIND_HINTS


class NewApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ("organization", "field", "title")

    def __init__(self, *args, call: Call, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["field"].queryset = call.fields.all()
        fields = list(self.fields["field"].queryset[:2])
        if len(fields) == 1:
            self.fields["field"].initial = fields[0].pk
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
        self.fields["organization"].help_text = _("The organisation that leads the plan and submits it.")
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if organization.kind not in Organization.APPLICANT_KINDS:
            raise forms.ValidationError(
                _(
                    "Only central administrative agencies, metropolitan cities and provinces, and related companies "
                    "may lead an application."
                )
            )
        return organization


class OverviewForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ("title", "summary")
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = (
            "name",
            "region",
            "city_county",
            "address",
            "area_m2",
            "complex_type",
            "linked_complex",
            "value_chain_stage",
        )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.current()
        if application.field.links_existing_complex:
            self.fields["linked_complex"].queryset = application.field.existing_complexes.all()
        for name in self.absent_fields(application):
            del self.fields[name]

    @staticmethod
    def absent_fields(application: Application) -> tuple[str, ...]:
        """The fields this plan's site form leaves out (the snapshot reads the same list without a form)."""
        return () if application.field.links_existing_complex else ("linked_complex", "value_chain_stage")


def narrative_form(field_names):
    class NarrativeForm(forms.ModelForm):
        class Meta:
            model = PlanNarrative
            fields = field_names
            widgets = {
                name: forms.Textarea(attrs={"rows": 5})
                for name in field_names
                if isinstance(PlanNarrative._meta.get_field(name), db_models.TextField)
            }

    return NarrativeForm


# A formset builds one form per row the client claims to send (TOTAL_FORMS): without an absolute bound a single
# forged field makes the server build and render thousands. A plan names a handful of anchors and needs.
MAX_ROWS = 50


def _bounded_inline_formset(model, fields):
    return inlineformset_factory(
        Application,
        model,
        fields=fields,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )


AnchorCompanyFormSet = _bounded_inline_formset(
    AnchorCompany, ("name", "business_number", "investment_krw", "period_start", "period_end", "direct_jobs")
)
InfrastructureFormSet = _bounded_inline_formset(
    InfrastructureNeed, ("kind", "description", "amount_krw", "state_share_krw")
)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints = "; ".join(f"{label}: {KIND_HINTS[value]}" for value, label in Attachment.Kind.choices)
        self.fields["file"].help_text = hints


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class ParticipantForm(forms.Form):
    business_number = forms.CharField(
        label=_("Business registration number of a registered organisation"), max_length=12
    )
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices)

    def clean_business_number(self):
        from accounts.validators import normalize_business_number

        number = normalize_business_number(self.cleaned_data["business_number"])
        organization = Organization.objects.approved().filter(business_number=number).first()
        if organization is None:
            raise forms.ValidationError(
                _("No approved organisation is registered with this number. It must register on the portal first.")
            )
        self.organization = organization
        return number

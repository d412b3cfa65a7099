"""Forms of the ministry staff pages: list filters, the eligibility check, a deadline change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from core.clock import from_kst
from core.forms import ListedModelChoiceField
from core.validators import validate_sane_date

from . import workflow
from .models import Call, Field
from .workflow import State


class StaffApplicationFilterForm(forms.Form):
    """The GET form above the staff list. Invalid values are reported and ignored; valid ones still filter."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Plan title, organisation name or receipt number."),
    )
    call = ListedModelChoiceField(label=_("Call"), queryset=Call.objects.all(), required=False, empty_label=_("All"))
    field = ListedModelChoiceField(label=_("Field"), queryset=Field.objects.all(), required=False, empty_label=_("All"))
    region = ListedModelChoiceField(
        label=_("Region of the site"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *State.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].label_from_instance = lambda call: call.title

    def filters(self) -> dict:
        """The cleaned values of the fields that validated (call after is_valid())."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ScreeningForm(forms.Form):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"

    decision = forms.ChoiceField(
        label=_("Result of the eligibility check"),
        choices=[
            (ELIGIBLE, _("Eligible: the plan goes on to the expert advisory review")),
            (INELIGIBLE, _("Ineligible: the plan is not reviewed further")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the plan is ineligible; it is sent to the applicant."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.INELIGIBLE and workflow.reason_missing(
            "declare_ineligible", cleaned.get("reason")
        ):
            self.add_error("reason", _("Say why the plan is ineligible; the applicant receives this reason."))
        return cleaned

    @property
    def eligible(self) -> bool:
        return self.cleaned_data["decision"] == self.ELIGIBLE


class DeadlineExtensionForm(forms.Form):
    """A new deadline typed as Korean local time (whatever the browser's time zone) and the reason."""

    new_deadline = forms.DateTimeField(
        label=_("New deadline (KST)"),
        validators=[validate_sane_date],
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Korea Standard Time, e.g. 2026-03-06 18:00."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to every organisation with a draft or a submitted plan, and kept in the history."),
        error_messages={"required": _("Give a reason for the change; applicants receive it.")},
    )

    def clean_new_deadline(self):
        # The input has no zone: read the wall-clock time as Seoul time, not the server's or the browser's.
        # Whether the time is acceptable is decided by services.extend_deadline alone.
        return from_kst(self.cleaned_data["new_deadline"])


class AnnouncementForm(forms.Form):
    """When the results become public, typed as Korean local time, and why it is set or moved."""

    announcement_at = forms.DateTimeField(
        label=_("Announcement of the results (KST)"),
        validators=[validate_sane_date],
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Korea Standard Time. At this instant the decisions become visible to applicants and the public "
            "and notices can be sent; until then they stay inside the ministry."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the call's history, e.g. the committee's decision or the press schedule."),
        error_messages={"required": _("Give a reason; it is kept in the call's history.")},
    )

    def clean_announcement_at(self):
        # Read as Seoul time; whether the instant is acceptable is decided by services.schedule_announcement.
        return from_kst(self.cleaned_data["announcement_at"])

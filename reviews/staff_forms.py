"""Forms of the ministry-staff review pages."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.clock import from_kst
from core.confirmation import understood_field
from core.forms import ChooseFilesAgainMixin
from core.validators import validate_sane_date

from .models import Stage
from .staff_selectors import eligible_experts


def expert_label(user) -> str:
    """Name, affiliation, region and fields of expertise: what staff weigh when choosing evaluators."""
    profile = getattr(user, "expert_profile", None)
    if profile is None:
        return format_html("{} <span class='text-body-secondary'>({})</span>", user.full_name, _("no profile yet"))
    # The expert's own region if recorded, else their affiliation's (where they work).
    region = profile.region or (profile.affiliation.region if profile.affiliation else None)
    parts = [
        profile.affiliation.name_ko if profile.affiliation else _("no affiliation"),
        region.name if region else _("no region"),
        ", ".join(f.name for f in profile.fields.all()) or _("no fields of expertise"),
    ]
    return format_html(
        "{} <span class='text-body-secondary'>· {}</span>", user.full_name, " · ".join(str(p) for p in parts)
    )


class PanelForm(forms.Form):
    field = forms.ModelChoiceField(label=_("Field"), queryset=None)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.ADVISORY)
    name = forms.CharField(label=_("Panel name"), max_length=200)
    name_en = forms.CharField(
        label=_("Panel name (English)"),
        max_length=200,
        required=False,
        help_text=_("Optional. Without it, English pages call the panel by its field and stage."),
    )
    reviewers_per_plan = forms.IntegerField(
        label=_("Evaluators per plan"),
        min_value=1,
        max_value=30,
        initial=5,
        help_text=_("With five or more submitted reviews, the highest and the lowest total can be dropped."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = call.fields.order_by("sort_order", "pk")
        self.fields["field"].label_from_instance = lambda field: field.name


class PanelMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        field.queryset = eligible_experts(panel.stage)
        field.label_from_instance = expert_label
        if panel.stage == Stage.ADVISORY:
            field.help_text = _("Users with the role “expert advisory panel member”.")
        else:
            field.help_text = _("Users with the role “subcommittee member” or “subcommittee chair”.")


class PinConflictForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Evaluator"), queryset=None)
    application = forms.ModelChoiceField(label=_("Development plan"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why this evaluator must not evaluate this plan (kept in the audit trail)."),
        error_messages={"required": _("Please give a reason.")},
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = panel.members.order_by("full_name", "pk")
        self.fields["user"].label_from_instance = lambda user: user.full_name
        self.fields["application"].queryset = panel.plans().order_by("receipt_number", "pk")
        self.fields["application"].label_from_instance = lambda plan: f"{plan.receipt_number} {plan.title}"


class ReopenReviewForm(forms.Form):
    """A new due time typed as Korean local time, and the reason (audited). That the time is ahead and the
    reason given is checked by services.reopen_review (its one owner), which names the field."""

    until = forms.DateTimeField(
        label=_("New due time (KST)"),
        validators=[validate_sane_date],
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Korea Standard Time, e.g. 2026-06-05 18:00."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_until(self):
        # The input has no zone: read the wall-clock time as Seoul time, not the server's or the browser's.
        return from_kst(self.cleaned_data["until"])


class MoveToSubcommitteeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (only to move on before all reviews are in)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty when every assigned evaluator has submitted. A reason is kept in the audit trail."),
    )
    understood = understood_field(
        _(
            "I understand that the plan leaves the expert advisory review for the subcommittee: no evaluator of "
            "this panel can submit or change a review of it afterwards."
        )
    )


def parse_pairs(values, plan_ids: set[int], member_ids: set[int]) -> list[tuple[int, int]] | None:
    """The checked cells of the assignment table as (plan id, user id) pairs; None if a value was tampered with."""
    pairs = []
    for value in values:
        try:
            plan, member = (int(part) for part in value.split(":"))
        except ValueError:
            return None
        if plan not in plan_ids or member not in member_ids:
            return None
        pairs.append((plan, member))
    return sorted(set(pairs))


MAX_MINISTRIES = 20


class ConsultationRequestForm(forms.Form):
    """Asking related ministries for their opinion on a plan (관계부처 협의)."""

    ministries = forms.CharField(
        label=_("Ministries to consult"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One ministry per line, e.g. Ministry of Environment."),
    )
    due_on = forms.DateField(
        label=_("Opinion due"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    question = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the plan, e.g. the points the ministry is asked to review."),
    )
    reason = forms.CharField(
        label=_("Reason (only to consult before all expert reviews are in)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty when every assigned evaluator has submitted. A reason is kept in the audit trail."),
    )

    def clean_ministries(self):
        names = [" ".join(line.split()) for line in self.cleaned_data["ministries"].splitlines() if line.strip()]
        if len(names) > MAX_MINISTRIES:
            raise forms.ValidationError(_("At most %(count)s ministries at a time.") % {"count": MAX_MINISTRIES})
        if any(len(name) > 100 for name in names):
            raise forms.ValidationError(_("A ministry's name is at most 100 characters."))
        return names


class OpinionForm(ChooseFilesAgainMixin, forms.Form):
    """A ministry's opinion as received: its text, its document, or both."""

    opinion = forms.CharField(
        label=_("Opinion"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    dated = forms.DateField(
        label=_("Dated"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date of the ministry's reply."),
    )
    upload = forms.FileField(label=_("Document (PDF, HWP or HWPX)"), required=False)

"""Forms of evaluators and the subcommittee: declaration, the score sheet, notes, the recommendation."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from core.confirmation import NOT_TICKED, understood_field

from .models import Recommendation, SubcommitteeNote


class DeclarationForm(forms.Form):
    """The answer, the pledge and the reason; what each answer needs is checked by services.declare (its one
    owner), which names the field."""

    CHOICES = (
        ("no_conflict", _("I have no conflict of interest with this plan")),
        ("conflict", _("I have a conflict of interest and recuse myself")),
    )
    answer = forms.ChoiceField(label=_("Declaration"), choices=CHOICES, widget=forms.RadioSelect)
    pledge = forms.BooleanField(
        label=_(
            "I pledge that I have no personal, financial or organisational interest in this plan, its applicant, "
            "its participants or its anchor companies, and that I will keep its content confidential."
        ),
        required=False,
    )
    reason = forms.CharField(
        label=_("Nature of the conflict"),
        required=False,
        max_length=300,
        help_text=_("For example: employed by a participating organisation in the last three years."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PointsField(forms.DecimalField):
    """A score. "1e999" is a valid Decimal that the step check cannot divide (a 500): a number of more than
    four digits either side of the point is refused before any check runs."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.adjusted() > 3:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        if value is not None and value != 0 and value.adjusted() < -4:
            raise forms.ValidationError(self.error_messages["step_size"], code="step_size")
        return value


class ScoreSheetForm(forms.Form):
    """One score and comment per criterion, plus the overall opinion. The form reads numbers; the range and the
    half steps are checked by services.save_review (their one owner), completeness only when submitting
    (services.missing_for_submission)."""

    overall_opinion = forms.CharField(
        label=_("Overall opinion"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    understood = understood_field(
        _(
            "When I submit: I understand that my scores and comments become final and count towards the plan's "
            "result; only ministry staff can reopen them."
        ),
        required=False,
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = PointsField(
                label=_("Score (0–%(max)s)") % {"max": criterion.max_points},
                required=False,
                max_digits=4,
                decimal_places=1,
                initial=score.points if score else None,
                error_messages={
                    # More digits than any score has: out of the range the service checks.
                    "max_value": _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points},
                    "max_digits": _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points},
                    "max_whole_digits": _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points},
                    "step_size": _("Points are given in steps of 0.5."),
                    "invalid": _("Enter a number, for example 12.5."),
                    "max_decimal_places": _("Points are given in steps of 0.5."),
                },
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "min": "0", "max": str(criterion.max_points), "data-score": ""}
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=4000,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        """(criterion, score field, comment field) for the template, in the rubric's order."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def shown_total(self) -> Decimal:
        """The sum of the scores the sheet shows (as typed, or as saved): a guide while scoring. The review's
        total is summed by the database from the stored scores when it is submitted (services)."""
        total = Decimal(0)
        for criterion in self.criteria:
            value = self[f"score_{criterion.pk}"].value()
            try:
                points = Decimal(str(value)) if value not in (None, "") else None
            except ArithmeticError:
                points = None
            if points is not None and points.is_finite() and 0 <= points <= criterion.max_points:
                total += points
        return total

    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    def scores(self) -> dict:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }

    def clean(self):
        cleaned = super().clean()
        if "submit" in self.data and not cleaned.get("understood"):  # saving a draft needs no confirmation
            self.add_error("understood", NOT_TICKED)
        return cleaned

    def attach_errors(self, errors: dict):
        for name, message in errors.items():
            if name in self.fields:
                self.add_error(name, message)


class NoteForm(forms.ModelForm):
    class Meta:
        model = SubcommitteeNote
        fields = ["kind", "held_on", "text"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RecommendationForm(forms.ModelForm):
    override_reason = forms.CharField(
        label=_("Reason for referring without the subcommittee's scores"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "No subcommittee member's scores count for this plan yet. Refer it only if the committee must decide "
            "without them, and say why: the reason is kept in the plan's history."
        ),
    )
    understood = understood_field(
        _(
            "I understand that the recommendation becomes final and the plan is referred to the committee; "
            "it cannot be changed afterwards."
        )
    )

    class Meta:
        model = Recommendation
        fields = ["decision", "conditions", "reasons"]
        widgets = {
            "decision": forms.RadioSelect,
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"conditions": _("Only for a recommendation with conditions.")}

    def __init__(self, *args, scores_missing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].required = False  # the service says what is missing, tied to the field
        if not scores_missing:  # asked for only when the plan has no subcommittee scores that count
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

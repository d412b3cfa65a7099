"""Forms for briefing registrations (설명회) and questions (질의응답)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .briefing_services import asker_names_in


class OrganizationChoiceMixin:
    """An `organization` field limited to the organisations the user may act for."""

    def limit_organizations(self, organizations):
        field = self.fields["organization"]
        field.queryset = organizations
        if len(organizations) == 1:
            field.initial = organizations[0].pk


class BriefingRegistrationForm(OrganizationChoiceMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Applicant organisation"), queryset=None, empty_label=_("Choose an organisation")
    )
    attendees = forms.IntegerField(
        label=_("Number of attendees"),
        min_value=1,
        max_value=50,
        initial=1,
        help_text=_("Everyone who will come, including yourself."),
    )
    attendee_names = forms.CharField(
        label=_("Attendee names"),
        max_length=300,
        help_text=_(
            "Names and positions, separated by commas, e.g. Hong Gil-dong (Director), Kim Young-hee (Officer)."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organizations(organizations)


class QuestionForm(OrganizationChoiceMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Asking organisation"),
        queryset=None,
        empty_label=_("Choose an organisation"),
        help_text=_("Only members of this organisation and ministry staff can read the question."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organizations(organizations)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The asking organisation's owners and editors are told by e-mail."),
    )


class FaqForm(forms.Form):
    faq_published = forms.BooleanField(label=_("Publish on the call page as a FAQ entry"), required=False)
    faq_question = forms.CharField(
        label=_("Public question"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reword the question so that it names no organisation or person."),
    )
    faq_answer = forms.CharField(
        label=_("Public answer"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question

    def clean(self):
        data = super().clean()
        if not data.get("faq_published"):
            return data
        if not self.question.answered_at:
            raise forms.ValidationError(_("Answer the question before publishing it."))
        for name in ("faq_question", "faq_answer"):
            if not (data.get(name) or "").strip():
                self.add_error(name, _("Required to publish the entry."))
        named = asker_names_in(self.question, data.get("faq_question", ""), data.get("faq_answer", ""))
        if named:
            raise forms.ValidationError(
                _("The public wording names the asker (%(names)s). Remove every name before publishing."),
                params={"names": ", ".join(named)},
            )
        return data

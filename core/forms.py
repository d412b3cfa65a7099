"""What every form with a file does when it fails: a browser cannot refill a file input, so each file the
person chose that was not itself at fault is named at its field, with a request to choose it again. Nothing
is stored for a failed form (a file kept between attempts would be an upload no row owns)."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from core.korean import resolve


class ChooseFilesAgainMixin:
    def full_clean(self):
        super().full_clean()
        self.ask_for_files_again()

    def ask_for_files_again(self) -> None:
        """Call again after adding errors to a valid form (e.g. a service's refusal)."""
        if not self._errors:
            return
        for name, field in self.fields.items():
            upload = self.files.get(self.add_prefix(name)) if isinstance(field, forms.FileField) else None
            if upload is None or name in self._errors:
                continue
            self.add_error(
                name,
                _("Your file “%(name)s” was not saved because of the other errors on this page; choose it again.")
                % {"name": upload.name},
            )


class ParticleBoundField(forms.BoundField):
    """A field whose error messages have their particle markers resolved (core.korean): a message naming a
    value, "“%(name)s”은(는) …", reads "“계획서.pdf”는 …" wherever a template shows the field's errors (crispy's
    field templates, the error summary), whichever form, service refusal or Django added it."""

    @property
    def errors(self):
        errors = super().errors
        resolved = copy.copy(errors)  # the same ErrorList (its field_id, class, renderer), resolved messages
        resolved.data = [
            ValidationError(_resolved(errors[index]), code=getattr(item, "code", None))
            for index, item in enumerate(errors.data)
        ]
        return resolved


def _resolved(message):
    text = resolve(str(message))
    return mark_safe(text) if isinstance(message, SafeData) else text  # noqa: S308 - only markers replaced


_SELECT = "django/forms/widgets/select.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget) -> str:
    """django/forms/widgets/select.html with its select_option.html, character for character, built without a
    template: Django renders an include for every <option>, most of a filter form's cost (issue 12)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's renderer (settings.FORM_RENDERER) with the change every form of the project takes (particles),
    and its <select> built in Python (the same markup)."""

    bound_field_class = ParticleBoundField

    def render(self, template_name, context, request=None):
        if template_name == _SELECT and all(
            option["template_name"] == _SELECT_OPTION
            for _group, options, _index in context["widget"]["optgroups"]
            for option in options
        ):
            return _select(context["widget"])
        return super().render(template_name, context, request)


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """Django's choices of a ModelChoiceField, read with one plain query: Django's own iterator() opens a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips) to read a list of a few rows
    (issue 12: the staff filter form's three lists cost 0.3-0.45 ms more CPU and 0.7-0.95 ms more waiting that
    way). For short reference lists only (calls, fields, regions); the queryset is read afresh at each
    rendering, as Django's."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a short reference list (ListedChoiceIterator)."""

    iterator = ListedChoiceIterator

"""What every form with a file does when it fails: a browser cannot refill a file input, so each file the
person chose that was not itself at fault is named at its field, with a request to choose it again. Nothing
is stored for a failed form (a file kept between attempts would be an upload no row owns)."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
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


class FormRenderer(DjangoTemplates):
    """Django's renderer (settings.FORM_RENDERER) with the one change every form of the project takes."""

    bound_field_class = ParticleBoundField

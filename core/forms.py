"""What every form with a file does when it fails: a browser cannot refill a file input, so each file the
person chose that was not itself at fault is named at its field, with a request to choose it again. Nothing
is stored for a failed form (a file kept between attempts would be an upload no row owns)."""

from django import forms
from django.utils.translation import gettext as _


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

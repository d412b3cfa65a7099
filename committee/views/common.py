"""Shared by the committee views: the one permission of the secretariat's pages, and service errors on forms."""

from django.core.exceptions import ValidationError

from core.permissions import role_required

RECORD = "committee.record_resolutions"
secretariat_only = role_required(RECORD)


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
    if hasattr(form, "ask_for_files_again"):
        form.ask_for_files_again()

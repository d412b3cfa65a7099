"""The one shape of a refusal: a service says no with a message for the person, and views show it one way.

Every room's refusal (the deadline, a workflow transition, an upload, a briefing registration, a review, a
committee action, an outbox move) is a `Refused`; a view catches `Refused` and calls `refuse` (a message
above the page) or `show_on_form` (on the form it re-displays). Permission failures are not refusals: they
raise PermissionDenied (403) or Http404 where the object must stay hidden.
"""

from django.contrib import messages


class Refused(Exception):
    """An action the rules do not allow.

    `message` is for the person (translated); `field_errors` maps form fields to messages when the refusal
    concerns particular fields of the form that asked for the action."""

    def __init__(self, message, field_errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


def refuse(request, exc: Refused) -> None:
    """Show the refusal above the next page."""
    messages.error(request, str(exc.message))


def show_on_form(form, exc: Refused, field: str | None = None) -> None:
    """Show the refusal on the form: each field's message at its field (above the form if the form has no such
    field); without field messages, the message at `field` (None: above the form)."""
    for name, message in exc.field_errors.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.field_errors:
        form.add_error(field, exc.message)

"""Irreversible actions are confirmed in words, without JavaScript: on the form, a box the person ticks whose
label says what will happen; for a bare button, a page that says it before the button (confirm_page).
Services are unchanged: confirming is a form and view concern."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

NOT_TICKED = _("Tick the box to confirm that you understand what will happen.")


def understood_field(consequence, *, required: bool = True) -> forms.BooleanField:
    """A box labelled with the consequence ("I understand that ..."); refused unticked when `required`."""
    return forms.BooleanField(label=consequence, required=required, error_messages={"required": NOT_TICKED})


def confirm_page(request, *, title, consequence, action: str, button, cancel_url: str, danger: bool = False):
    """The confirmation step of a button: says what will happen, posts to `action` or goes back."""
    context = {
        "title": title,
        "consequence": consequence,
        "action": action,
        "button": button,
        "cancel_url": cancel_url,
        "danger": danger,
    }
    return render(request, "partials/confirm_page.html", context)

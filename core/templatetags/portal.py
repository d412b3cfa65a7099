"""Template helpers every room's templates use: the main menu, unique ids, the forms' error summary."""

from django import forms, template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.clock import machine_kst, official_date
from core.korean import resolve
from core.navigation import menu_for
from core.numbers import grouped, won

register = template.Library()


@register.inclusion_tag("partials/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    return {"groups": menu_for(request.user, request.path)}


@register.simple_tag(takes_context=True)
def unique_id(context, prefix: str) -> str:
    """An id no other element of this response has, e.g. for a table's caption that labels its scroll region
    (templates included in loops or twice on a page cannot hard-code one)."""
    holder = context.get("request") or context.render_context
    count = getattr(holder, "_portal_unique_ids", 0) + 1
    holder._portal_unique_ids = count
    return f"{prefix}-{count}"


def _target_id(bound_field) -> str:
    """The element a summary link should focus: the input, or the first of a group's inputs."""
    widget = bound_field.field.widget
    if (
        isinstance(widget, forms.MultiWidget)
        or getattr(widget, "allow_multiple_selected", False)
        or (isinstance(widget, forms.RadioSelect))
    ):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def _form_errors(form, prefix: str = "") -> tuple[list[str], list[dict]]:
    general = [str(error) for error in form.non_field_errors()]
    fields = [
        {"label": f"{prefix}{bound_field.label}", "id": _target_id(bound_field), "errors": list(bound_field.errors)}
        for bound_field in form
        if bound_field.errors and not bound_field.is_hidden
    ]
    general += [str(error) for bound_field in form if bound_field.is_hidden for error in bound_field.errors]
    return general, fields


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary(context, *forms_or_formsets, message=""):
    """One summary for a failed submit: what went wrong, each field's message a link to the field. Takes
    forms and formsets; renders nothing when all of them are valid or unbound. It receives focus on load."""
    general, fields = [], []
    for item in forms_or_formsets:
        if item is None or not getattr(item, "is_bound", False):
            continue
        if hasattr(item, "forms"):  # a formset: its own errors, then each row's, named by row
            general += [str(error) for error in item.non_form_errors()]
            for number, row in enumerate(item.forms, start=1):
                row_general, row_fields = _form_errors(row, prefix=_("Row %(number)s: ") % {"number": number})
                general += row_general
                fields += row_fields
        else:
            form_general, form_fields = _form_errors(item)
            general += form_general
            fields += form_fields
    return {
        "general": general,
        "fields": fields,
        "message": message,
        "summary_id": unique_id(context, "error-summary"),
    }


@register.filter
def machine_time(instant) -> str:
    """`<time datetime="{{ instant|machine_time }}">`: the one way templates write a machine-readable time."""
    return machine_kst(instant) if instant else ""


@register.filter(name="official_date")
def official_date_filter(value) -> str:
    """A day as official documents write it in the active language (core.clock.official_date): 2026. 7. 15."""
    return official_date(value, "en" if (get_language() or "ko").startswith("en") else "ko")


@register.filter(is_safe=True)
def particles(text) -> str:
    """Text whose particle markers (은(는), (으)로 …) become the particles their words take (core.korean)."""
    return resolve(str(text))


@register.filter(name="number")
def number_filter(value) -> str:
    """Digits grouped by thousands (core.numbers.grouped)."""
    return grouped(value)


@register.filter(name="won")
def won_filter(value, unit: str = "") -> str:
    """A won amount, with 억원 in Korean (core.numbers.won); `|won:"unit"` writes the currency too."""
    return won(value, unit=bool(unit))

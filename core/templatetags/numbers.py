"""`fixed`: a number with a fixed count of decimals, for tables of hundreds of values (issue 12).

`floatformat` goes through the locale machinery for every value (a third of a ranking page's render time);
the portal's two languages write decimals the same way (80.83) and no thousands separator is configured, so
this filter gives floatformat's text (half-up rounding included) directly. "" for no value, like floatformat.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def fixed(value, digits=2):
    if value is None or value == "":
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return str(number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP))
    except (InvalidOperation, TypeError, ValueError):
        return ""

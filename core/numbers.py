"""Numbers for people: digits grouped by thousands, and won amounts with 억원 in Korean. The one owner of
how the portal writes a number (templates use the |number and |won filters)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

EOK = Decimal(100_000_000)  # 억: Korean readers weigh budgets and investments in 억원


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def grouped(value) -> str:
    """1250000.00 -> "1,250,000"; 12.50 -> "12.5"; text that is not a number is returned unchanged."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):,}"
    return f"{number.normalize():,f}"


def won(value, *, unit: bool = False) -> str:
    """A won amount: grouped digits, and in Korean from 1억 on the amount in 억원 as well,
    e.g. "30,000,000,000 (300억원)", "1,250,000,000 (12.5억원)". With `unit` the currency is written too
    ("30,000,000,000원 (300억원)", "30,000,000,000 KRW"); without, a column heading names it."""
    number = _decimal(value)
    if number is None:
        return grouped(value)
    text = _("%(amount)s KRW") % {"amount": grouped(number)} if unit else grouped(number)
    if (get_language() or "").startswith("ko") and abs(number) >= EOK:
        eok = (number / EOK).quantize(Decimal("0.1"))
        text += f" ({grouped(eok)}억원)"
    return text


_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}


def fixed(value, digits=2) -> str:
    """A number with a fixed count of decimals, for tables of hundreds of values (issue 12): floatformat's text
    (half-up rounding included) without its per-value locale work. The portal's two languages write decimals
    the same way (80.83) and no thousands separator is configured. "" for no value, like floatformat."""
    if value is None or value == "":
        return ""
    try:
        digits = int(digits)
        quantum = _QUANTA.get(digits) or Decimal(1).scaleb(-digits)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return str(number.quantize(quantum, rounding=ROUND_HALF_UP))
    except (InvalidOperation, TypeError, ValueError):
        return ""


def fixed_or_dash(value, digits=2) -> str:
    """`fixed`, or "—" for no value: a figure in a table cell."""
    return fixed(value, digits) or "—"

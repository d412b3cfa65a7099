"""Bounds that every date and number a person types must respect, one owner each."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.http import Http404
from django.utils.translation import gettext_lazy as _

# The programme's horizon. A date outside it is a typing error; stored, a year-1 date breaks every page that
# converts it to Korea time (there is no year 0 to convert to).
FIRST_YEAR = 2000
LAST_YEAR = 2100


def validate_sane_date(value) -> None:
    """For dates and datetimes alike."""
    if value is None:
        return
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="date_range",
        )


def int_or_none(value) -> int | None:
    """A posted id as an int, or None when it is not one (so the view answers 404 or a message, never a 500)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def ids(values) -> list[int]:
    """The posted ids that are ids; anything else is dropped."""
    return [number for number in map(int_or_none, values) if number is not None]


def slug_or_404(value: str) -> str:
    try:
        validate_slug(value)
    except ValidationError:
        raise Http404 from None
    return value

"""Korean registration numbers, checked by their check digits (the algorithms: docs/ARCHITECTURE.md, domain facts)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_CRN_WEIGHTS = (1, 2) * 6


def normalize_business_number(value: str) -> str:
    """Return a business registration number as XXX-XX-XXXXX, whatever separators were typed."""
    digits = re.sub(r"[\s\-]", "", value or "")
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return (value or "").strip()


def business_number_is_valid(value: str) -> bool:
    digits = re.sub(r"[\s\-]", "", value or "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    total = sum(w * x for w, x in zip(_BRN_WEIGHTS, d[:9], strict=True)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10 == d[9]


def validate_business_number(value: str) -> None:
    digits = re.sub(r"[\s\-]", "", value or "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError(
            _("A business registration number has 10 digits, written as 123-45-67890."), code="format"
        )
    if not business_number_is_valid(digits):
        raise ValidationError(
            _(
                "This business registration number is not valid: its check digit does not match. "
                "Please check it against the registration certificate."
            ),
            code="checksum",
        )


def corporate_number_is_valid(value: str) -> bool:
    digits = re.sub(r"[\s\-]", "", value or "")
    if len(digits) != 13 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    total = sum(w * x for w, x in zip(_CRN_WEIGHTS, d[:12], strict=True))
    return (10 - total % 10) % 10 == d[12]


def validate_corporate_number(value: str) -> None:
    digits = re.sub(r"[\s\-]", "", value or "")
    if len(digits) != 13 or not digits.isdigit():
        raise ValidationError(
            _("A corporate registration number has 13 digits, written as 123456-1234567."), code="format"
        )
    if not corporate_number_is_valid(digits):
        raise ValidationError(
            _("This corporate registration number is not valid: its check digit does not match."),
            code="checksum",
        )

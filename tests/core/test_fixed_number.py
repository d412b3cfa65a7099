"""core.templatetags.numbers.fixed gives floatformat's text without its per-value locale work."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from core.templatetags.numbers import fixed

VALUES = [80.83333, 2.675, 80.125, 0.005, 100.0, 45, Decimal("12.345"), Decimal("7"), 99.994999, 1234567.891]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("value", VALUES)
def test_fixed_agrees_with_floatformat(language, value):
    with translation.override(language):
        assert fixed(value, 2) == floatformat(value, 2)
        assert fixed(value, 1) == floatformat(value, 1)


@pytest.mark.parametrize("value", [None, "", "abc", object()])
def test_no_number_gives_empty_text_like_floatformat(value):
    assert fixed(value) == ""

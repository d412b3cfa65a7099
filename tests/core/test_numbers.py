"""Numbers for people (core.numbers): grouped digits, won amounts with 억원 in Korean."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.numbers import grouped, won


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (30000000000, "30,000,000,000"),
        ("1250000.00", "1,250,000"),
        (Decimal("12.50"), "12.5"),
        (999, "999"),
        (0, "0"),
        (-1500, "-1,500"),
        ("울산", "울산"),  # text is left alone
        (None, ""),
    ],
)
def test_grouped(value, text):
    assert grouped(value) == text


def test_won_adds_eok_in_korean_from_one_eok_on():
    with translation.override("ko"):
        assert won(30000000000) == "30,000,000,000 (300억원)"
        assert won("1250000000.00") == "1,250,000,000 (12.5억원)"
        assert won(100_000_000) == "100,000,000 (1억원)"
        assert won(99_999_999) == "99,999,999"
    with translation.override("en"):
        assert won(30000000000) == "30,000,000,000"


def test_won_with_its_unit():
    with translation.override("ko"):
        assert won(30000000000, unit=True) == "30,000,000,000원 (300억원)"
        assert won(5000, unit=True) == "5,000원"
    with translation.override("en"):
        assert won(30000000000, unit=True) == "30,000,000,000 KRW"
        rendered = Template('{% load portal %}{{ a|won:"unit" }}').render(Context({"a": 5000}))
        assert rendered == "5,000 KRW"


def test_the_filters_are_the_functions():
    template = Template("{% load portal %}{{ a|number }} / {{ b|won }}")
    with translation.override("ko"):
        assert template.render(Context({"a": "1250000.00", "b": 30000000000})) == "1,250,000 / 30,000,000,000 (300억원)"

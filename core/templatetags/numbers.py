"""`fixed`: a number with a fixed count of decimals (core.numbers.fixed, which owns it), for tables of hundreds
of values (issue 12)."""

from django import template

from core.numbers import fixed

register = template.Library()
register.filter("fixed", fixed)

"""Paginating a list page: one helper so every long list pages the same way (issue 12).

`paginate` returns what templates/includes/_pagination.html needs; several lists on one page each take their
own query parameter (`param`), and the links keep every other parameter (filters, sort, the other list's page).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.http import urlencode


def paginate(request, rows, per_page: int, *, param: str = "page", count: int | None = None) -> dict:
    """The page of `rows` asked for by `request.GET[param]` (out of range: the nearest page).

    `count`, when the caller already knows it, spares the paginator a COUNT query over `rows`."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # cached_property: the known value replaces the query
    page = paginator.get_page(request.GET.get(param))
    others = [(key, value) for key, values in request.GET.lists() if key != param for value in values]
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "param": param,
        "base": urlencode(others) + "&" if others else "",
    }

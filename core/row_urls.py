"""The address of every row of a table, reversed once per page (issue 12: a `{% url %}` per row of a 50-row
table was a tenth of a list page's rendering time).

    detail = RowUrl("applications:detail")            # reverse() once, in the view or presenter
    row.url = detail(row.pk)                            # then string concatenation per row

The URL is reversed once with a marker in place of the row's id, and split there; each row's address is the
two halves around the id. For an id that is an int (the `<int:...>` converter writes it with str(), and
reverse() has nothing to quote in digits) that is exactly what reverse() gives; tests/core/test_row_urls.py
compares them. `text(value)` does the same for a text argument (a verification code): letters, digits and
hyphens are joined in, anything else goes through reverse(). Build one per request (reverse() reads the
request's script prefix), never at import.
"""

from __future__ import annotations

import re

from django.urls import reverse

# An id no table will reach, written as 19 digits that cannot occur by chance in the other arguments.
_MARKER = 8_070_450_532_247_928_831
_PLAIN = re.compile(r"[A-Za-z0-9-]+")  # text reverse() writes as it is, valid for a <str:...> or <slug:...>


class RowUrl:
    def __init__(self, viewname: str, *args):
        """`args` are the URL's arguments before the row's id, which is the last."""
        self.viewname, self.args = viewname, args
        marker = str(_MARKER)
        url = reverse(viewname, args=[*args, _MARKER])
        if url.count(marker) != 1:
            raise ValueError(f"{viewname}: the row id's place in {url!r} cannot be found")
        self.prefix, self.suffix = url.split(marker)

    def __call__(self, pk: int) -> str:
        pk = int(pk)
        if pk < 0:  # the <int:...> converter matches digits only: reverse() would refuse it too
            raise ValueError(f"no address for the id {pk}")
        return f"{self.prefix}{pk}{self.suffix}"

    def text(self, value: str) -> str:
        """For an address whose last argument is text (a `<str:...>` or `<slug:...>`, e.g. a verification
        code): letters, digits and hyphens are joined in as they are, as reverse() writes them; anything else
        goes through reverse() itself."""
        if _PLAIN.fullmatch(value):
            return f"{self.prefix}{value}{self.suffix}"
        return reverse(self.viewname, args=[*self.args, value])

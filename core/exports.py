"""Spreadsheet downloads shared by every room: cells a spreadsheet would run as formulas are kept as text
(CSV/formula injection). CSV streams from the request; XLSX workbooks are built by an export job
(core/export_jobs.py) into a temporary file and stored for their owner to download."""

import csv

from django.http import StreamingHttpResponse
from django.utils import translation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text that would start a formula is prefixed with an apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(safe_text(value) if isinstance(value, str) else value)


def write_only_sheet(workbook, title: str, header: list, widths: list[int] | None = None):
    """A write-only sheet with a bold header row and column widths."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(str(title)[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def text_row(sheet, values: list, number_formats: dict[int, str] | None = None) -> None:
    """Append one row; strings are stored as text cells, never as formulas, whatever the user typed.

    Plain values are appended as they are (openpyxl's write-only sheet reuses one cell object for them): a
    cell object per value made a 30,000-row score sheet spend most of its time building cells (issue 12).
    Only a string openpyxl would store as a formula (it starts with "=") and a value with a number format get
    a cell of their own."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for index, value in enumerate(values):
        number_format = number_formats.get(index) if number_formats else None
        if number_format is None and not (isinstance(value, str) and value.startswith("=")):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if number_format is not None:
            cell.number_format = number_format
        cells.append(cell)
    sheet.append(cells)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_response(header: list, rows, filename: str) -> StreamingHttpResponse:
    """Stream a CSV download: UTF-8 with a byte-order mark (so Excel reads Korean correctly), every cell
    through csv_cell. `rows` may be a generator; it runs after the view returns, in the request's language."""
    language = translation.get_language()

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(label) for label in header])
        with translation.override(language):
            for row in rows:
                yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Spreadsheet downloads (core/exports.py): a cell a spreadsheet would run as a formula is kept as text."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import exports


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_escaped(start):
    value = start + 'HYPERLINK("http://x")'
    assert exports.safe_text(value) == "'" + value
    assert exports.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["울산 이차전지", "a=1", "1+1", " =1", "", "'=quoted", "\n=1"])
def test_text_that_does_not_start_a_formula_is_unchanged(value):
    assert exports.safe_text(value) == value
    assert exports.csv_cell(value) == value


@pytest.mark.parametrize("value", [-5, 0, 3.5, True])
def test_numbers_are_not_text_and_pass_unchanged(value):
    assert exports.safe_text(value) == value
    assert exports.csv_cell(value) == str(value)


def test_csv_cells_for_empty_and_dates():
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(datetime.datetime(2026, 2, 27, 17, 59, 59)) == "2026-02-27 17:59"
    assert exports.csv_cell(datetime.date(2026, 2, 27)) == "2026-02-27 00:00"


def _body(response) -> str:
    return b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response.streaming_content
    ).decode()


def test_csv_response_streams_a_bom_the_header_and_escaped_rows():
    rows = iter([["=SUM(A1)", 3, None], ["평범한 값", -1, datetime.datetime(2026, 1, 2, 3, 4)]])
    response = exports.csv_response(["이름", "값", "시각"], rows, "export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    body = _body(response)
    assert body.startswith("\ufeff이름,값,시각\r\n")
    assert list(csv.reader(io.StringIO(body.removeprefix("\ufeff")))) == [
        ["이름", "값", "시각"],
        ["'=SUM(A1)", "3", ""],
        ["평범한 값", "-1", "2026-01-02 03:04"],
    ]


def test_csv_rows_are_written_in_the_language_of_the_request():
    from django.utils.translation import gettext as _

    def rows():
        yield [_("Draft")]

    with translation.override("en"):
        response = exports.csv_response(["state"], rows(), "x.csv")
    with translation.override("ko"):  # the stream runs after the view returned, in another language
        body = _body(response)
    assert body.splitlines()[1] == "Draft"


def _saved(workbook):
    """The workbook as the export task writes it (core/export_jobs.py saves it to a temporary file)."""
    spool = io.BytesIO()
    workbook.save(spool)
    spool.seek(0)
    return spool


def test_xlsx_sheets_keep_text_as_text_with_header_and_widths():
    workbook = Workbook(write_only=True)
    sheet = exports.write_only_sheet(workbook, "가" * 40, ["이름", "금액"], widths=[30, 12])
    exports.text_row(sheet, ["=1+1", 1500], number_formats={1: "#,##0"})
    exports.text_row(sheet, ["@SUM(A1)", None])
    loaded = load_workbook(_saved(workbook))
    read = loaded.worksheets[0]
    assert read.title == "가" * 31
    assert read.freeze_panes == "A2"
    assert read.cell(1, 1).value == "이름" and read.cell(1, 1).font.bold
    assert read.column_dimensions["A"].width == 30 and read.column_dimensions["B"].width == 12
    assert read.cell(2, 1).value == "=1+1" and read.cell(2, 1).data_type == "s"  # text, never a formula
    assert read.cell(2, 2).value == 1500 and read.cell(2, 2).number_format == "#,##0"
    assert read.cell(3, 1).data_type == "s"


def test_xlsx_plain_values_next_to_special_cells_keep_their_own_type_and_format():
    """Plain values share openpyxl's reused cell; a text-forced or formatted cell beside them must not leak."""
    workbook = Workbook(write_only=True)
    sheet = exports.write_only_sheet(workbook, "s", ["a", "b", "c", "d"])
    exports.text_row(sheet, ["=A1", 7, "보통 글", 2.5], number_formats={3: "0.00"})
    exports.text_row(sheet, [1, "=B1", 8, "x"])
    read = load_workbook(_saved(workbook)).worksheets[0]
    assert [read.cell(2, c).value for c in range(1, 5)] == ["=A1", 7, "보통 글", 2.5]
    assert read.cell(2, 1).data_type == "s" and read.cell(2, 2).data_type == "n"
    assert read.cell(2, 4).number_format == "0.00" and read.cell(2, 2).number_format == "General"
    assert read.cell(3, 2).value == "=B1" and read.cell(3, 2).data_type == "s"
    assert read.cell(3, 3).data_type == "n" and read.cell(3, 1).number_format == "General"

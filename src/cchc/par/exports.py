"""Files out of the PAR Index: the ranking (XLSX, CSV) and an index set in its import layouts."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from cchc.common.spreadsheets import csv_writer, xlsx_bytes
from cchc.par.importer import XLSX_COLUMNS, XLSX_INFO_SHEET, XLSX_TREE_SHEET
from cchc.par.models import IndexSet
from cchc.par.selectors import RoundResults

RANKING_HEADER = [
    "Hạng",
    "Cơ quan",
    "Mã cơ quan",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm tối đa",
    "Chỉ số (%)",
    "Xếp loại",
    "Trạng thái",
]


def _ranking_rows(results: RoundResults) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for r in [*results.ranked, *results.not_submitted]:
        rows.append(
            [
                r.rank if r.rank is not None else "",
                r.agency_name,
                r.assessment.agency.code,
                r.self_total if r.submitted else "",
                r.final_total if r.submitted else "",
                r.max_points,
                r.percent if r.submitted else "",
                r.grade.label if r.grade else "Không nộp tự đánh giá",
                r.assessment.get_status_display() + (" (tạm tính)" if r.submitted and r.provisional else ""),
            ]
            + [f.final_points if r.submitted else "" for f in r.fields]
        )
    return rows


def _header(results: RoundResults) -> list[str]:
    return RANKING_HEADER + [f"LV {f.code}: {f.name} (tối đa {f.max_points})" for f in results.fields]


def ranking_csv(results: RoundResults) -> str:
    """The ranking as CSV (UTF-8 with BOM so spreadsheet programs read the diacritics)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow(_header(results))
    for row in _ranking_rows(results):
        writer.writerow([str(v) if isinstance(v, Decimal) else v for v in row])
    return out.getvalue()


def ranking_xlsx(results: RoundResults) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Xếp hạng"
    sheet.append([results.round.name])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Bộ chỉ số: {results.round.index_set.name}"])
    sheet.append([])
    sheet.append(_header(results))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in _ranking_rows(results):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.column_dimensions["B"].width = 48
    return xlsx_bytes(book)


def index_set_json(data: dict[str, Any]) -> str:
    return json.dumps(
        data, ensure_ascii=False, indent=1, default=lambda v: float(v) if isinstance(v, Decimal) else str(v)
    )


def index_set_xlsx(index_set: IndexSet) -> bytes:
    """The index set in the XLSX import layout (sheets "Thông tin" and "Tiêu chí")."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    info = book.active
    assert info is not None
    info.title = XLSX_INFO_SHEET
    for key, value in [
        ("format", "cchc-par-index"),
        ("format_version", 1),
        ("code", index_set.code),
        ("name", index_set.name),
        ("year", index_set.year),
        ("audience", index_set.audience),
        ("legal_basis", index_set.legal_basis),
        ("demo", "true" if index_set.is_demo else "false"),
        ("note", index_set.note),
        ("grade_tot", float(index_set.grade_excellent_min)),
        ("grade_kha", float(index_set.grade_good_min)),
        ("grade_trung_binh", float(index_set.grade_average_min)),
        ("max_points", float(index_set.max_points)),
    ]:
        info.append([key, value])
    tree = book.create_sheet(XLSX_TREE_SHEET)
    tree.append(list(XLSX_COLUMNS))
    for cell in tree[1]:
        cell.font = Font(bold=True)
    for node in index_set.nodes.order_by("position"):
        tree.append(
            [
                node.code,
                node.name,
                float(node.max_points),
                node.method if node.is_leaf else "",
                node.indicator_code,
                node.guidance,
            ]
        )
    tree.column_dimensions["B"].width = 70
    return xlsx_bytes(book)

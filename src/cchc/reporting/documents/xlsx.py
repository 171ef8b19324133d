"""The annex of figures as XLSX (openpyxl): one row per unit (the province, then each reporting agency) and
one column per QĐ 766 indicator; a sheet of the dossier figures; a sheet of who reported on time.

Ratios are written as numbers (percent, 2 decimals; days for the average processing time) so the sheet
can be sorted and summed; an indicator without a figure holds its status text ("N/A", "Chưa có dữ liệu").
"""

from __future__ import annotations

from typing import Any

from cchc.common.spreadsheets import xlsx_bytes
from cchc.indicators.definitions import INDICATORS
from cchc.indicators.periods import VN_TZ
from cchc.reporting.documents.content import ProvinceDocument
from cchc.reporting.selectors import Compliance

STATUS_TEXT = {"no_data": "Chưa có dữ liệu", "empty": "N/A", "not_applicable": "Không áp dụng"}
HEADER_FILL = "1F4E79"
LEVEL_TEXT = {"province": "Cấp tỉnh", "commune": "Cấp xã", "district": "Cấp huyện", "central": "Trung ương"}


def _by_code(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for group in unit["groups"] for item in group["indicators"]}


def _value(item: dict[str, Any] | None) -> Any:
    if item is None:
        return ""
    if item.get("ratio") is None:
        return STATUS_TEXT.get(item["status"], "N/A")
    return item["ratio"]


def _style_header(sheet: Any, row: int, columns: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(name="Times New Roman", bold=True, color="FFFFFF", size=11)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def _title(sheet: Any, title: str, subtitle: str, columns: int, note: str = "") -> None:
    """Rows 1-3: the annex's title, "(Kèm theo Báo cáo số … ngày … của …)" in italics (NĐ 30/2020 Phụ lục I,
    the heading of an appendix), and the period with the time the figures were computed."""
    from openpyxl.styles import Alignment, Font

    sheet.cell(row=1, column=1, value=title).font = Font(name="Times New Roman", bold=True, size=13)
    sheet.cell(row=2, column=1, value=subtitle).font = Font(name="Times New Roman", italic=True, size=13)
    sheet.cell(row=3, column=1, value=note or None).font = Font(name="Times New Roman", size=11)
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(columns, 2))
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")


HEADER_ROW = 4


def province_xlsx(doc: ProvinceDocument, compliance: Compliance | None = None) -> bytes:
    """The XLSX bytes of the annex (sheets ``Chỉ số 766``, ``Hồ sơ``, ``Tình hình báo cáo``)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    units: list[dict[str, Any]] = doc.figures.get("units") or []
    subtitle = f"({doc.annex_line})"
    note = f"{doc.period_label}; số liệu tính đến {doc.figures_at[:16].replace('T', ' ')}"
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ số 766"
    headers = ["STT", "Cơ quan, đơn vị", "Mã", "Tổng điểm", "Điểm tối đa đo được"]
    headers += [f"{i.formula} {i.name} ({i.unit if i.code == 'PROCESSING_TIME_AVG' else '%'})" for i in INDICATORS]
    _title(
        sheet,
        "PHỤ LỤC: SỐ LIỆU BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766/QĐ-TTg)",
        subtitle,
        len(headers),
        note,
    )
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=HEADER_ROW, column=column, value=header)
    _style_header(sheet, HEADER_ROW, len(headers))
    for index, unit in enumerate(units, start=1):
        by_code = _by_code(unit)
        row = [index, unit["scope_label"], unit["scope"].get("agency", "56"), unit["total"], unit["measured_max"]]
        row += [_value(by_code.get(i.code)) for i in INDICATORS]
        sheet.append(row)
        for column in range(6, len(headers) + 1):
            cell = sheet.cell(row=HEADER_ROW + index, column=column)
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    sheet.column_dimensions["B"].width = 42
    sheet.column_dimensions["C"].width = 22
    for column in range(4, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.row_dimensions[HEADER_ROW].height = 90

    dossiers = book.create_sheet("Hồ sơ")
    dheaders = [
        "STT",
        "Cơ quan, đơn vị",
        "Hồ sơ tiếp nhận trong kỳ",
        "Trong đó nộp trực tuyến",
        "Tỷ lệ nộp trực tuyến (%)",
        "Hồ sơ thuộc diện đánh giá tiến độ",
        "Giải quyết trước hạn, đúng hạn",
        "Quá hạn",
        "Tỷ lệ đúng hạn (%)",
    ]
    _title(dossiers, "SỐ LIỆU TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH", subtitle, len(dheaders), note)
    for column, header in enumerate(dheaders, start=1):
        dossiers.cell(row=HEADER_ROW, column=column, value=header)
    _style_header(dossiers, HEADER_ROW, len(dheaders))
    for index, unit in enumerate(units, start=1):
        by_code = _by_code(unit)
        online, progress = by_code.get("ONLINE_SUBMISSION", {}), by_code.get("PROGRESS_ON_TIME", {})
        received, online_n = online.get("denominator") or 0, online.get("numerator") or 0
        assessed, on_time = progress.get("denominator") or 0, progress.get("numerator") or 0
        dossiers.append(
            [
                index,
                unit["scope_label"],
                received,
                online_n,
                _value(online),
                assessed,
                on_time,
                assessed - on_time,
                _value(progress),
            ]
        )
    dossiers.freeze_panes = dossiers.cell(row=HEADER_ROW + 1, column=3)
    dossiers.column_dimensions["B"].width = 42
    for column in range(3, len(dheaders) + 1):
        dossiers.column_dimensions[get_column_letter(column)].width = 16
    dossiers.row_dimensions[HEADER_ROW].height = 48

    if compliance is not None:
        sent = book.create_sheet("Tình hình báo cáo")
        cheaders = ["STT", "Cơ quan, đơn vị", "Cấp", "Tình hình gửi", "Gửi lần đầu lúc", "Trạng thái báo cáo"]
        title = f"TÌNH HÌNH GỬI BÁO CÁO CCHC {doc.period_label.upper()} (hạn {compliance.period.due_on:%d/%m/%Y})"
        _title(sent, title, subtitle, len(cheaders), note)
        for column, header in enumerate(cheaders, start=1):
            sent.cell(row=HEADER_ROW, column=column, value=header)
        _style_header(sent, HEADER_ROW, len(cheaders))
        for index, item in enumerate(compliance.rows, start=1):
            report = item.report
            first = None if report is None else report.first_submitted_at
            sent.append(
                [
                    index,
                    item.agency.name,
                    LEVEL_TEXT.get(item.agency.level, item.agency.level),
                    item.timeliness.label,
                    "" if first is None else first.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y"),
                    "" if report is None else report.get_status_display(),
                ]
            )
        sent.column_dimensions["B"].width = 42
        for letter in "CDEF":
            sent.column_dimensions[letter].width = 20
    return xlsx_bytes(book)

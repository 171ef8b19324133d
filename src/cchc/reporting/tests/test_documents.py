"""The consolidated report's files read back: DOCX with python-docx (NĐ 30/2020 layout), the XLSX annex
with openpyxl (figures equal the indicators engine), the PDF's text with pypdf, and one PNG render."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Length, Pt
from openpyxl import load_workbook
from pypdf import PdfReader

from cchc.indicators.compute import indicators_compute
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope
from cchc.reporting import services as s
from cchc.reporting.documents.generate import province_report_file
from cchc.reporting.models import ProvinceReport, ReportPeriod
from cchc.reporting.tests.conftest import AFTER_DUE, KEY, RWorld, sent_report

SHOTS = Path("/tmp/cchc-screens")
AREAS = (
    "1. Cải cách thể chế",
    "2. Cải cách thủ tục hành chính",
    "3. Cải cách tổ chức bộ máy hành chính nhà nước",
    "4. Cải cách chế độ công vụ",
    "5. Cải cách tài chính công",
    "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
)


@pytest.fixture
def issued(rw: RWorld, period: ReportPeriod) -> ProvinceReport:
    s.agency_report_accept(report=sent_report(rw, period), actor=rw.reviewer, at=AFTER_DUE)
    report = s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    report.signer_name = "Trần Hòa Nam"
    report.save(update_fields=["signer_name"])
    return s.province_report_issue(report=report, actor=rw.reviewer, at=AFTER_DUE)


def _texts(document: Document) -> list[str]:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return lines


def test_docx_has_the_nd30_layout(issued: ProvinceReport, rw: RWorld) -> None:
    # when
    generated = province_report_file(report=issued, ext="docx")
    document = Document(io.BytesIO(generated.content))
    # then: A4 with the decree's margins
    section = document.sections[0]

    def mm(length: Length | None) -> float:  # stored in twips: compare to a tenth of a millimetre
        assert length is not None
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)) == (
        20,
        20,
        30,
        15,
    )
    assert generated.filename == "bao-cao-cchc-2025-Q4-01-BC-UBND.docx"
    # the two-column header: issuing body + number on the left, national title + date on the right
    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).paragraphs[0].text == "Số: 01/BC-UBND"
    date_par = header.cell(1, 1).paragraphs[0]
    assert date_par.text == "Khánh Hòa, ngày 20 tháng 12 năm 2025"
    assert date_par.runs[0].font.italic
    assert date_par.runs[0].font.size == Pt(14)
    issuer_run = header.cell(0, 0).paragraphs[0].runs[0]
    assert issuer_run.font.bold
    assert issuer_run.font.size == Pt(13)
    assert issuer_run.font.name == "Times New Roman"
    # title and subject, numbered headings, one per reform area
    body = [p for p in document.paragraphs if p.text]
    title = next(p for p in body if p.text == "BÁO CÁO")
    assert title.runs[0].font.bold
    assert title.runs[0].font.size == Pt(14)
    texts = [p.text for p in body]
    assert texts[texts.index("BÁO CÁO") + 1] == "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025"
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH" in texts
    assert "II. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG CẢI CÁCH HÀNH CHÍNH" in texts
    for area in AREAS:
        assert area in texts
    assert any(t.startswith(f"- {rw.justice.name}: Triển khai cải cách thể chế") for t in texts)
    body_par = next(p for p in body if p.text.startswith("Thực hiện Chương trình"))
    assert body_par.runs[0].font.size == Pt(14)
    # recipients and signature
    everything = _texts(document)
    assert "Nơi nhận:" in everything
    assert "- Bộ Nội vụ;" in everything
    assert "- Lưu: VT, SNV." in everything
    sign = document.tables[-1].cell(0, 1)
    assert [p.text for p in sign.paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Hòa Nam",
    ]
    label = document.tables[-1].cell(0, 0).paragraphs[0].runs[0]
    assert label.font.bold
    assert label.font.italic
    assert label.font.size == Pt(12)


def test_draft_docx_has_blank_number_and_date(rw: RWorld, period: ReportPeriod) -> None:
    draft = s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    generated = province_report_file(report=draft, ext="docx")
    header = Document(io.BytesIO(generated.content)).tables[0]
    assert header.cell(1, 0).paragraphs[0].text.replace(" ", "") == "Số:/BC-UBND"
    assert "DỰ THẢO" in [p.text for p in header.cell(1, 0).paragraphs]
    assert generated.filename.endswith("-du-thao.docx")


def test_xlsx_figures_equal_the_indicators_engine(issued: ProvinceReport, rw: RWorld) -> None:
    # when
    generated = province_report_file(report=issued, ext="xlsx")
    book = load_workbook(io.BytesIO(generated.content))
    sheet = book["Chỉ số 766"]
    headers = [c.value for c in sheet[4]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    # then: the annex names the report it goes with (NĐ 30/2020 Phụ lục I: "Kèm theo văn bản số … ngày … của …")
    for name in ("Chỉ số 766", "Hồ sơ", "Tình hình báo cáo"):
        assert book[name]["A2"].value == (
            "(Kèm theo Báo cáo số 01/BC-UBND ngày 20 tháng 12 năm 2025 của Ủy ban nhân dân tỉnh Khánh Hòa)"
        )
    # the header is styled, the province and Sở Tư pháp equal a direct computation
    assert sheet["A4"].font.bold
    assert sheet["A4"].fill.fgColor.rgb.endswith("1F4E79")
    at = issued.figures_at
    for label, scope in (("Toàn tỉnh", Scope()), (rw.justice.name, Scope(agency=rw.justice.code))):
        report = indicators_compute(period=period_parse(KEY), scope=scope, at=at)
        row = rows[label]
        for code in ("PROGRESS_ON_TIME", "ONLINE_SUBMISSION"):
            result = report.results[code]
            column = next(i for i, h in enumerate(headers) if h.startswith(f"{result.indicator.formula} "))
            assert row[column] == float(result.percent)
        assert (row[3], row[4]) == (report.as_dict()["total"], report.measured_max)
    dossiers = {r[1]: r for r in book["Hồ sơ"].iter_rows(min_row=5, values_only=True)}
    progress = indicators_compute(period=period_parse(KEY), scope=Scope(agency=rw.justice.code), at=at).results[
        "PROGRESS_ON_TIME"
    ]
    assert dossiers[rw.justice.name][5:8] == (
        progress.denominator,
        progress.numerator,
        progress.denominator - progress.numerator,
    )
    compliance = {r[1]: r for r in book["Tình hình báo cáo"].iter_rows(min_row=5, values_only=True)}
    assert compliance[rw.justice.name][3] == "Đúng hạn"
    assert compliance[rw.commune.name][3] == "Chưa gửi"


def test_pdf_text_has_the_key_lines_and_figures(issued: ProvinceReport, rw: RWorld) -> None:
    # when
    generated = province_report_file(report=issued, ext="pdf")
    reader = PdfReader(io.BytesIO(generated.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    # then
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "Số: 01/BC-UBND",
        "Khánh Hòa, ngày 20 tháng 12 năm 2025",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025",
        "II. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG CẢI CÁCH HÀNH CHÍNH",
        "2. Cải cách thủ tục hành chính",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "PHÓ CHỦ TỊCH",
        "Trần Hòa Nam",
    ):
        assert line in flat, line
    progress = indicators_compute(period=period_parse(KEY), scope=Scope(), at=issued.figures_at).results[
        "PROGRESS_ON_TIME"
    ]
    percent = f"{progress.percent:.2f}".replace(".", ",")
    assert f"{progress.numerator} hồ sơ giải quyết trước hạn, đúng hạn (đạt {percent}%)" in flat
    if shutil.which("pdftoppm"):
        SHOTS.mkdir(exist_ok=True)
        pdf = SHOTS / "reporting-province.pdf"
        pdf.write_bytes(generated.content)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "reporting-province")],
            check=True,
        )
        assert (SHOTS / "reporting-province-1.png").stat().st_size > 10_000

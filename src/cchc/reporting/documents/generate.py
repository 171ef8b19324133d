"""The three files of a consolidated report (DOCX, XLSX annex, PDF), for the pages and the command line."""

from __future__ import annotations

from dataclasses import dataclass

from cchc.reporting.documents.content import province_document
from cchc.reporting.models import ProvinceReport
from cchc.reporting.selectors import compliance_for_period

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class GeneratedFile:
    content: bytes
    content_type: str
    filename: str


def province_report_file(*, report: ProvinceReport, ext: str) -> GeneratedFile:
    """``ext`` one of docx, xlsx (the annex of figures), pdf. The file name carries the period and the
    number (``bao-cao-cchc-2025-Q4-05-BC-UBND.docx``; a draft: ``...-du-thao.docx``)."""
    from cchc.reporting.documents.docx import province_docx
    from cchc.reporting.documents.pdf import province_pdf
    from cchc.reporting.documents.xlsx import province_xlsx

    doc = province_document(report=report)
    if ext == "docx":
        content = province_docx(doc)
    elif ext == "xlsx":
        content = province_xlsx(doc, compliance_for_period(period=report.period, at=report.figures_at))
    elif ext == "pdf":
        content = province_pdf(doc)
    else:
        raise ValueError(f"Định dạng «{ext}» không hỗ trợ; dùng một trong: {', '.join(FORMATS)}.")
    suffix = f"{report.number:02d}-BC-UBND" if report.is_issued and report.number else "du-thao"
    stem = f"bao-cao-cchc-{report.period.key}-{suffix}"
    if ext == "xlsx":
        stem += "-phu-luc-so-lieu"
    return GeneratedFile(content, CONTENT_TYPES[ext], f"{stem}.{ext}")

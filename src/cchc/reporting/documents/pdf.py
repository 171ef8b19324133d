"""The consolidated report as PDF: WeasyPrint over an HTML rendering of the same document model, with the
shipped Liberation Serif fonts (metrics of Times New Roman, full Vietnamese coverage) that the one-stop-shop
forms use too (:mod:`cchc.common.pdf`). Layout per Nghị định 30/2020/NĐ-CP Phụ lục I: A4,
margins 20/15/20/30 mm (top/right/bottom/left), body 14 pt, page numbers from page 2.
"""

from __future__ import annotations

from cchc.common.pdf import render_pdf
from cchc.reporting.documents.content import ProvinceDocument

TEMPLATE = "reporting/documents/province_report.html"


def province_pdf(doc: ProvinceDocument) -> bytes:
    """The PDF bytes of the consolidated report."""
    return render_pdf(TEMPLATE, {"doc": doc, "title": f"{doc.title} {doc.subject}"})

"""The consolidated report as DOCX (python-docx), in the layout of Nghị định 30/2020/NĐ-CP Phụ lục I.

legal (vn-data §1.1-1.2): A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman; issuing body 13 bold upper case with a short rule under it; "Số: …" 13; national title 13 bold and
motto 14 bold with a rule as long as the motto; place and date 14 italic; "BÁO CÁO" 14 bold and the subject
14 bold, centred, with a short rule; body 14, justified, first-line indent 1.27 cm, 6 pt between
paragraphs; "Nơi nhận:" 12 bold italic and the list 11; signature block 14 bold; page numbers centred
in the top margin from page 2.
"""

from __future__ import annotations

import io
from typing import Any

from cchc.reporting.documents.content import Block, ProvinceDocument

FONT = "Times New Roman"
BODY_PT = 14
HEAD_PT = 13


def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    container: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    indent: bool = False,
    after: float = 0,
    before: float = 0,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _rule(container: Any, width_mm: float, total_mm: float) -> None:
    """A solid horizontal line of ``width_mm``, centred in a column ``total_mm`` wide (a paragraph border)."""
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    side = max((total_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
    fmt.space_after = Pt(2)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(2)
    p_pr = paragraph._element.get_or_add_pPr()
    border = p_pr.makeelement(qn("w:pBdr"), {})
    top = border.makeelement(
        qn("w:top"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "000000"}
    )
    border.append(top)
    p_pr.append(border)


def _no_borders(table: Any) -> None:
    from docx.oxml.ns import qn

    tbl_pr = table._element.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def _clear(cell: Any) -> Any:
    """A table cell starts with one empty paragraph: remove it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return cell


def _page_number_header(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            element = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            element.text = text
        run._element.append(element)


def _header(document: Any, doc: ProvinceDocument) -> None:
    from docx.shared import Mm

    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    table.autofit = False
    widths = (Mm(62), Mm(103))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = _clear(table.cell(0, 0)), _clear(table.cell(0, 1))
    for line in doc.issuer_lines:
        _para(left, line, HEAD_PT, bold=True)
    _rule(left, 22, 62)
    _para(right, doc.nation, 12.5, bold=True)
    _para(right, doc.motto, BODY_PT, bold=True)
    _rule(right, 62, 103)
    number, place = _clear(table.cell(1, 0)), _clear(table.cell(1, 1))
    _para(number, doc.number_line, HEAD_PT, before=4)
    if doc.draft:
        _para(number, "DỰ THẢO", 11, bold=True, before=2)
    _para(place, doc.date_line, BODY_PT, italic=True, before=4)


def _table(document: Any, block: Block) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = "Table Grid"
    for index, header in enumerate(block.headers):
        cell = _clear(table.cell(0, index))
        _para(cell, header, 12, bold=True)
    for r, row in enumerate(block.rows, start=1):
        for c, value in enumerate(row):
            cell = _clear(table.cell(r, c))
            _para(cell, value, 12, align="left" if c == 1 else "center")
    _para(document, "", 6).paragraph_format.space_after = Pt(0)


def _signature(document: Any, doc: ProvinceDocument) -> None:
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, (Mm(85), Mm(80)), strict=True):
        cell.width = width
    left, right = _clear(table.cell(0, 0)), _clear(table.cell(0, 1))
    _para(left, "Nơi nhận:", 12, bold=True, italic=True, align="left")
    for line in doc.recipients:
        _para(left, line, 11, align="left")
    for line in (doc.signing_authority, doc.signer_prefix, doc.signer_title):
        if line:
            _para(right, line, BODY_PT, bold=True)
    for _ in range(4):
        _para(right, "", BODY_PT)
    _para(right, doc.signer_name, BODY_PT, bold=True)


def province_docx(doc: ProvinceDocument) -> bytes:
    """The DOCX bytes of the consolidated report."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _page_number_header(section)
    _header(document, doc)
    _para(document, doc.title, BODY_PT, bold=True, before=12)
    _para(document, doc.subject, BODY_PT, bold=True)
    _rule(document, 50, 165)
    for block in doc.body:
        if block.kind == "heading":
            _para(document, block.text, BODY_PT, bold=True, align="justify", indent=True, after=6, before=3)
        elif block.kind == "table":
            _table(document, block)
        else:
            _para(document, block.text, BODY_PT, align="justify", indent=True, after=6)
    _para(document, doc.closing, BODY_PT, align="justify", indent=True, after=12)
    _signature(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

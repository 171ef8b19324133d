"""Electronic certified copies (chứng thực bản sao điện tử từ bản chính; issue 16 item 6).

The citizen brings the original paper to the commune's one-stop desk (or files the request online and
shows the original there); the desk digitises it (``digitise_document``, TT 01/2023/TT-VPCP Điều 4-5); the
competent agency then produces the copy with the same ``attach_result`` action as any electronic result,
given the digitised component instead of a file (``cchc.dossiers.services.dossier_certify_copy``): the
scanned pages followed by a page carrying the certification statement (lời chứng), the number in the
agency's certification register (số chứng thực) and the date. The outbox subscriber
``dossiers.results.sign`` signs it with the agency's certificate, keeps it in the applicant's data store
(document type ``ban-sao-dien-tu-chung-thuc``) and the public page ``/xac-minh/<token>/`` verifies it.

legal:
- Nghị định 23/2015/NĐ-CP (as amended) on certification: a copy certified from the original has the value
  of the original in transactions (Điều 3); the certification is recorded in the certification register
  with its number (số chứng thực), the date and the person certifying; the time limit is the same working
  day (Điều 7 khoản 1, cut-off 15:00).
- Nghị định 45/2020/NĐ-CP (administrative procedures in electronic form): chứng thực bản sao điện tử từ
  bản chính: the competent body certifies, from the original, that an electronic copy is true to it; the
  electronic copy so certified has the value of the original in administrative procedures.
- Thông tư 01/2020/TT-BTP: the forms of the certification statements. The statement printed here follows
  the form for a copy certified from the original («Chứng thực bản sao đúng với bản chính», số chứng thực,
  ngày tháng năm, người thực hiện chứng thực), worded for an electronic copy. The circular's exact wording
  for an electronic copy was not found in the project's sources (domain-vn, vn-data): change the template
  ``dossiers/certified/statement.html`` when it is.
- Who certifies since 1/7/2025 (no district level; Luật Tổ chức chính quyền địa phương 2025): the commune's
  People's Committee (UBND cấp xã), whose justice-civil status officer (công chức tư pháp - hộ tịch)
  performs the certification; NĐ 23/2015 Điều 5 khoản 2 has the Chairman or a Vice-Chairman sign with the
  Committee's seal. Chosen here: the copy is issued in the name of the competent agency of the dossier
  (the catalogue gives the commune's UBND), signed with that agency's digital certificate (the electronic
  equivalent of its seal, Luật Giao dịch điện tử 2023 Điều 22-23), by an officer holding the specialist or
  leader role there (the ``attach_result`` grant), whose name is printed under «Người thực hiện chứng
  thực». To require the Chairman's own signature, restrict the grant to the leader role in
  ``dossiers/transitions.py``; to print «TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH», change the template.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.models import CertificationSequence, Dossier

# The name of the register printed on the statement (one register per agency per year, CertificationSequence).
REGISTER_NAME = "SCT/BSĐT"
TITLE = "Bản sao điện tử được chứng thực từ bản chính"
SCAN_DPI = 150  # the resolution assumed for a scanned image without one (A4 at 150 dpi: 1240 x 1754)

_NEXT_SQL = (
    f"INSERT INTO {CertificationSequence._meta.db_table} (agency_id, year, last_value) VALUES (%s, %s, 1) "
    f"ON CONFLICT (agency_id, year) DO UPDATE SET last_value = {CertificationSequence._meta.db_table}.last_value + 1 "
    "RETURNING last_value"
)


def certification_number_next(*, agency_id: int, at: datetime) -> tuple[int, int]:
    """Take the next number of the agency's certification register of the year of ``at`` (Vietnam time):
    ``(number, year)``. See :class:`cchc.dossiers.models.CertificationSequence` (legal basis, concurrency:
    one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, gapless; run inside the certifying transaction)."""
    year = at.astimezone(VN_TZ).year
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL, [agency_id, year])
        row = cursor.fetchone()
    return int(row[0]), year


def scan_pages(data: bytes, content_type: str) -> list[bytes]:
    """The scan as one PDF (a list of one item), converted from JPEG/PNG when needed. Raises ``ValueError``
    when it cannot be read (an encrypted or broken PDF, an unreadable image)."""
    if content_type == "application/pdf":
        from cchc.signing.constants import SigningError
        from cchc.signing.pdfcheck import pdf_check

        try:
            pdf_check(data)
        except SigningError as exc:
            raise ValueError(exc.message) from exc
        return [data]
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            dpi = image.info.get("dpi", (SCAN_DPI, SCAN_DPI))[0] or SCAN_DPI
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PDF", resolution=float(dpi))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError("Không đọc được ảnh quét của bản chính.") from exc
    return [out.getvalue()]


@dataclass(frozen=True)
class Statement:
    """What the certification page states."""

    number: int
    year: int
    at: datetime
    document: str
    officer: str


def certified_copy_pdf(*, dossier: Dossier, scan: bytes, content_type: str, statement: Statement) -> bytes:
    """The electronic certified copy before its signature: the scanned pages, then the page of the
    certification statement (TT 01/2020/TT-BTP form, see the module), in one PDF."""
    from pypdf import PdfReader, PdfWriter

    from cchc.common.pdf import render_pdf
    from cchc.dossiers.documents.text import agency_header
    from cchc.org.selectors import agency_name_on

    agency = dossier.competent_agency
    local = statement.at.astimezone(VN_TZ)
    header = agency_header(agency, desk=False, on=local.date())
    writer = PdfWriter()
    scanned = 0
    for part in scan_pages(scan, content_type):
        reader = PdfReader(io.BytesIO(part))
        for page in reader.pages:
            writer.add_page(page)
            scanned += 1
    statement_pdf = render_pdf(
        "dossiers/certified/statement.html",
        {
            "parent": header.parent,
            "agency": header.issuer,
            "agency_name": agency_name_on(agency, on=local.date()),
            "document": statement.document,
            "pages": scanned + 1,
            "number": statement.number,
            "year": statement.year,
            "register": REGISTER_NAME,
            "dossier_code": dossier.code,
            "day": f"{local.day:02d}",
            "month": f"{local.month:02d}",
            "officer": statement.officer,
        },
    )
    for statement_page in PdfReader(io.BytesIO(statement_pdf)).pages:
        writer.add_page(statement_page)
    writer.add_metadata({"/Title": f"{TITLE}: {statement.document}"[:300]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certification_text(number: int | None, year: int | None) -> str:
    """«12/2026» as pages show the register number; empty for a result that is not a certified copy."""
    return f"{number}/{year}" if number is not None and year is not None else ""

"""Results generated from a template instead of an uploaded PDF (issue 16 item 1): a licence (giấy phép),
a certificate (giấy chứng nhận) or a written answer (văn bản trả lời, a công văn), laid out as an
administrative document of Nghị định 30/2020/NĐ-CP Phụ lục I, rendered by WeasyPrint with the project's
fonts (``cchc.common.pdf``). The PDF goes through the same action ``attach_result`` and the same signing
as an uploaded one; this module only decides the template and lays the document out.

legal: NĐ 30/2020/NĐ-CP Điều 8 (the elements of an administrative document: national motto, issuing
body, number and symbol, place and date, type and subject, content, the signer's position and name, the
seal or digital signature), Điều 15 (a body's documents are numbered in one series per year), Phụ lục I
(layout, A4, fonts), Phụ lục III (type abbreviations: Giấy phép "GP", Giấy chứng nhận "GCN"; a công văn
has none). The document is issued by the competent agency (``ResultDocument.agency``) and numbered in its
register of outgoing documents (``cchc.org.services.document_register_issue``); the signer is the
agency's signatory in force (``cchc.org.selectors.signatory_for``), whose position the block shows
(ô số 7a-7c), while the digital signature itself is the agency's certificate (NĐ 23/2025/NĐ-CP).

Which template fits a procedure: :func:`template_for` reads the catalogue's name of the result
(``ProcedureVersion.result_document_name``, "Kết quả thực hiện" of the national catalogue): a name
starting with "Giấy phép" is a licence, "Giấy chứng nhận" (or "Chứng nhận") a certificate, anything else
a written answer. It is only the suggestion the console preselects; the officer chooses (the national
catalogue has no structured result type to decide it for good). To add a template: a value of
``ResultTemplate``, its type code in :data:`TYPE_CODES`, its heading in :data:`HEADINGS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc.common.pdf import render_pdf
from cchc.dossiers.constants import ResultTemplate
from cchc.dossiers.documents.text import agency_header, date_line, date_words, local, procedure_phrase
from cchc.dossiers.models import Dossier
from cchc.org.selectors import agency_name_on

T = ResultTemplate

# NĐ 30/2020 Phụ lục III: the abbreviation of the document's type in its number ("12/GP-STP")
TYPE_CODES: dict[ResultTemplate, str] = {T.LICENCE: "GP", T.CERTIFICATE: "GCN", T.ANSWER: ""}
# the document's type name (ô số 5a) in capitals; a công văn has none, only its subject under the number
HEADINGS: dict[ResultTemplate, str] = {T.LICENCE: "GIẤY PHÉP", T.CERTIFICATE: "GIẤY CHỨNG NHẬN", T.ANSWER: ""}

TEMPLATE = "dossiers/results/generated.html"


def template_for(result_name: str) -> ResultTemplate:
    """The template suggested for a procedure whose result is named ``result_name`` (see the module)."""
    name = " ".join(result_name.split()).lower()
    if name.startswith("giấy phép"):
        return T.LICENCE
    if name.startswith(("giấy chứng nhận", "chứng nhận")):
        return T.CERTIFICATE
    return T.ANSWER


@dataclass(frozen=True)
class Draft:
    """What the officer writes: the template, the result's title, its content (paragraphs separated by
    blank lines) and, for a licence or a certificate, its validity."""

    template: ResultTemplate
    title: str
    content: str
    valid_until: date | None = None


def result_render(
    *, dossier: Dossier, draft: Draft, number: str, on: date, signer_lines: list[str], signer_name: str
) -> bytes:
    """The PDF of ``draft`` for ``dossier``, numbered ``number`` ("12/GP-STP") and dated ``on``."""
    agency = dossier.competent_agency
    header = agency_header(agency, desk=False, on=on, number=number)
    version = dossier.procedure_version
    paragraphs = [" ".join(block.split()) for block in draft.content.replace("\r\n", "\n").split("\n\n")]
    context = {
        "title": draft.title,
        "paper": "A4",
        "header": header,
        "show_number": True,
        "date_line": date_line(header.place, on),
        "heading": HEADINGS[draft.template],
        "template": draft.template.value,
        "result_title": draft.title,
        "dossier": dossier,
        "procedure_name": procedure_phrase(version.name),
        "received_words": date_words(local(dossier.received_at).date()) if dossier.received_at else "",
        "agency_name": agency_name_on(agency, on=on),
        # a công văn's subject under its number (ô số 5b): "V/v trả lời ..."
        "subject_line": f"V/v {draft.title[:1].lower()}{draft.title[1:]}" if draft.template == T.ANSWER else "",
        "paragraphs": [p for p in paragraphs if p],
        "valid_until_words": date_words(draft.valid_until) if draft.valid_until else "",
        "signature": {"lines": signer_lines, "name": signer_name},
        "recipients": [f"- {dossier.applicant_name};", "- Lưu: VT."],
    }
    return render_pdf(TEMPLATE, context)

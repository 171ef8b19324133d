"""Writes of the documents: the number a letter (Mẫu 04, 05) takes in its issuing body's register.

legal: NĐ 30/2020/NĐ-CP Điều 15: a document sent out takes the next number of the issuing body's
register for the year (``cchc.org.services.document_register_issue``), never the dossier code.
Mẫu 04 (văn bản xin lỗi và đề nghị gia hạn) has no type name among the 29 kinds of Điều 7, so it is
numbered as a công văn (no type abbreviation: "Số: 05/STP"); Mẫu 05 is a Thông báo ("Số: 05/TB-STP").
What a body's abbreviation is: ``cchc.org.selectors.agency_symbol``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from cchc.dossiers.documents.constants import DocumentError, DocumentErrorCode
from cchc.org.constants import RegisterError
from cchc.org.models import Agency, DocumentRegisterEntry
from cchc.org.selectors import signatory_for, signature_lines
from cchc.org.services import document_register_issue

LETTER_TYPES: dict[int, str] = {4: "", 5: "TB"}


@dataclass(frozen=True)
class Signature:
    """The signature block of a letter (NĐ 30/2020 ô số 7a-7c): authority and position lines, name."""

    lines: list[str]
    name: str


@transaction.atomic
def dossier_letter_issue(
    *,
    issuer: Agency,
    form: int,
    on: date,
    subject: str,
    reference: str,
    actor: AbstractBaseUser | None,
    at: datetime,
) -> tuple[DocumentRegisterEntry, Signature]:
    """Register letter ``form`` (4 or 5) of ``issuer`` dated ``on`` and return its entry and signature.

    The signer is the issuer's signatory valid on ``on`` (its head, else a deputy signing "KT."), a
    real officer recorded in the agency registry; without one the letter is refused
    (``document.signer_missing``) rather than printed with a placeholder. Idempotent on ``reference``:
    printing the letter again gives the same number and signer.
    """
    signatory = signatory_for(issuer, on=on)
    if signatory is None:
        raise DocumentError(
            DocumentErrorCode.SIGNER_MISSING,
            f"Chưa khai báo người ký văn bản của {issuer.name} (Quản trị > Cơ quan > Người ký văn bản): "
            "văn bản gửi người nộp phải ghi chức vụ, họ tên người có thẩm quyền ký "
            "(Nghị định 30/2020/NĐ-CP, Điều 8).",
        )
    lines = signature_lines(agency=issuer, position=signatory.position, head_position=signatory.head_position)
    try:
        entry = document_register_issue(
            agency=issuer,
            on=on,
            type_code=LETTER_TYPES[form],
            subject=subject,
            signer_name=signatory.full_name,
            signer_title="\n".join(lines),
            reference=reference,
            actor=actor,
            at=at,
        )
    except RegisterError as error:
        raise DocumentError(DocumentErrorCode.SIGNER_MISSING, error.message) from error
    # printed again later: the signer recorded in the register, even if the signatory has changed since
    return entry, Signature(lines=entry.signer_title.splitlines(), name=entry.signer_name)

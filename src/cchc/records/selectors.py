"""Reads of the data store (no writes): the once-only look-up and a citizen's own list.

legal: Thông tư 01/2023/TT-VPCP Điều 24; Nghị định 45/2020/NĐ-CP Điều 25.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from cchc.records.models import StoredDocument


def usable(*, on: date) -> Q:
    """A stored document that may be reused on ``on``: not withdrawn, not superseded, not expired."""
    return Q(withdrawn_at__isnull=True, superseded_by__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def reusable_for(*, owner_id_number: str, type_codes: Iterable[str], on: date) -> dict[str, StoredDocument]:
    """The document the owner may reuse for each of ``type_codes`` (the newest usable copy), keyed by type.

    legal: TT 01/2023/TT-VPCP Điều 24: a component already in the store and still valid is not asked for
    again. performance: one query on the partial index ``records_reuse_idx`` (owner, type) of the rows not
    withdrawn nor superseded (benchmarks/records.py)."""
    codes = sorted({c for c in type_codes if c})
    if not owner_id_number or not codes:
        return {}
    rows = (
        StoredDocument.objects.filter(usable(on=on), owner_id_number=owner_id_number, document_type_code__in=codes)
        .order_by("document_type_code", "-created_at", "-id")
        .only(
            "id",
            "owner_id_number",
            "document_type_code",
            "name",
            "issuing_body",
            "issued_on",
            "valid_until",
            "source",
            "created_at",
        )
    )
    found: dict[str, StoredDocument] = {}
    for row in rows:
        found.setdefault(row.document_type_code, row)
    return found


def _shown_to_owner() -> Q:
    """Not deleted by the owner: still held, or marked not acceptable by staff (the owner sees why)."""
    return Q(withdrawn_at__isnull=True) | Q(rejected_by__isnull=False)


def owned_by(owner_id_number: str) -> QuerySet[StoredDocument]:
    """The owner's documents not deleted, newest first (superseded, expired and not accepted ones included,
    marked)."""
    return StoredDocument.objects.filter(_shown_to_owner(), owner_id_number=owner_id_number).order_by(
        "-created_at", "-id"
    )


def owned_document(pk: int, *, owner_id_number: str) -> StoredDocument:
    """The stored document ``pk`` if it concerns ``owner_id_number`` (the signed-in citizen), else
    ``records.not_found`` (a document of another person is not revealed to exist).

    legal: NĐ 45/2020/NĐ-CP Điều 25, TT 01/2023/TT-VPCP Điều 24; Luật Bảo vệ dữ liệu cá nhân 2025 (a person
    sees their own data). Officers open a stored document only through a dossier they may see
    (``cchc.dossiers``), never here."""
    from cchc.records.constants import RecordsError, RecordsErrorCode

    document = StoredDocument.objects.filter(_shown_to_owner(), pk=pk, owner_id_number=owner_id_number).first()
    if document is None or not owner_id_number:
        raise RecordsError(RecordsErrorCode.NOT_FOUND, "Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.")
    return document

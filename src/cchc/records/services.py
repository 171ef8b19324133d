"""Writes of the data store: store a document, issue a digitisation code, withdraw or mark not acceptable,
log an access.

legal: Nghị định 45/2020/NĐ-CP Điều 25; Thông tư 01/2023/TT-VPCP Điều 4-5 and Điều 24 (see ``constants``).
Each write runs inside its caller's transaction (the one-stop-shop's executor, or its own block).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection, transaction

from cchc.audit.services import audit_record
from cchc.records.constants import OwnerKind, RecordsError, RecordsErrorCode, StoredSource
from cchc.records.models import DigitisationSequence, StoredDocument, StoredDocumentAccess

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_CITIZEN = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")

_NEXT_SQL = (
    f"INSERT INTO {DigitisationSequence._meta.db_table} (prefix, day, last_value) VALUES (%s, %s, 1) "
    f"ON CONFLICT (prefix, day) DO UPDATE SET last_value = {DigitisationSequence._meta.db_table}.last_value + 1 "
    "RETURNING last_value"
)


def owner_kind_of(id_number: str) -> OwnerKind:
    """A 12-digit personal identification number (Luật Căn cước 2023 Điều 12) is a citizen; a 10-digit tax
    code, or 10 digits, a hyphen and 3 for a branch (Thông tư 86/2024/TT-BTC Điều 5), an organisation.
    Anything else: ``records.invalid_owner``."""
    value = (id_number or "").strip()
    if _CITIZEN.match(value):
        return OwnerKind.CITIZEN
    if _TAX_CODE.match(value):
        return OwnerKind.ORGANISATION
    raise RecordsError(
        RecordsErrorCode.INVALID_OWNER,
        "Số định danh cá nhân (12 chữ số) hoặc mã số thuế của tổ chức (10 chữ số) không hợp lệ.",
    )


def digitisation_code(*, prefix: str, day: date, number: int) -> str:
    """The digitisation result code (mã kết quả số hóa) of the ``number``-th document digitised under
    ``prefix`` on ``day``: ``<prefix>.<yyMMdd>.<6-digit number>``."""
    return f"{prefix}.{day:%y%m%d}.{int(number):06d}"


def digitisation_code_next(*, prefix: str, at: datetime) -> str:
    """Take the next digitisation number of ``prefix`` on the day of ``at`` (Vietnam time); return the code.

    legal: Thông tư 01/2023/TT-VPCP Điều 4-5: the digitisation at reception copies the paper, extracts its
    data, issues a digitisation result code and stores the result. The circular's exact structure of the
    code was not found (domain-vn §7 item 8): the structure chosen here is ``<prefix>.<yyMMdd>.<NNNNNN>``,
    ``prefix`` being the receiving agency's unit code (the dossier code's own prefix, the same agency), the
    day of reception, and a 6-digit number per prefix per day from 000001. To change it (e.g. to the
    agency's electronic identifier of QĐ 20/2020/QĐ-TTg), change :func:`digitisation_code` and the prefix the
    caller passes; the stored codes already issued stay as they were.

    concurrency: one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on the unique ``(prefix, day)``; the
    row stays locked until the caller's transaction ends, so a second desk waits, and a rolled-back
    digitisation gives its number back: the numbers stay gapless.
    """
    day = at.astimezone(VN_TZ).date()
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL, [prefix, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return digitisation_code(prefix=prefix, day=day, number=int(row[0]))


def stored_document_store(
    *,
    owner_id_number: str,
    document_type_code: str,
    name: str,
    data: bytes,
    content_type: str,
    extension: str,
    source: StoredSource,
    at: datetime,
    actor: AbstractBaseUser | None = None,
    issuing_body: str = "",
    issued_on: date | None = None,
    valid_until: date | None = None,
    digitisation_code: str = "",
    source_dossier_id: int | None = None,
    source_dossier_code: str = "",
    supersedes: bool = True,
) -> StoredDocument:
    """Store one document for its owner (the file through Django's storage API) and return it.

    The valid copies the owner already has of the same ``document_type_code`` are superseded by it (the
    newest copy is the one offered for reuse: TT 01/2023/TT-VPCP Điều 24), unless ``supersedes`` is False:
    documents of one type that do not replace each other (electronic certified copies of different
    originals, ``cchc.dossiers.results.certified``). Call it inside the caller's
    transaction; the caller deletes the stored file (``document.file.name``) if that transaction fails.
    Refusals (nothing written): an owner that is no id number nor tax code, no document type, no name,
    an empty file, a validity ending before the issue date.
    """
    kind = owner_kind_of(owner_id_number)
    type_code = (document_type_code or "").strip()
    title = (name or "").strip()
    if not type_code or not title:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Cần ghi loại giấy tờ và tên giấy tờ.")
    if not data:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Tệp giấy tờ rỗng.")
    if issued_on is not None and valid_until is not None and valid_until < issued_on:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Ngày hết hiệu lực không được trước ngày cấp.")
    document = StoredDocument(
        owner_id_number=owner_id_number.strip(),
        owner_kind=kind,
        document_type_code=type_code[:80],
        name=title[:500],
        issuing_body=issuing_body.strip()[:300],
        issued_on=issued_on,
        valid_until=valid_until,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        source=source,
        digitisation_code=digitisation_code,
        source_dossier_id=source_dossier_id,
        source_dossier_code=source_dossier_code,
        created_at=at,
        created_by_id=getattr(actor, "pk", None),
    )
    document.file.save(f"{document.sha256[:20]}.{extension or 'bin'}", ContentFile(data), save=False)
    try:
        _insert(document, supersedes=supersedes)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _insert(document: StoredDocument, *, supersedes: bool = True) -> None:
    with transaction.atomic():
        document.save()
        if not supersedes:
            return
        StoredDocument.objects.filter(
            owner_id_number=document.owner_id_number,
            document_type_code=document.document_type_code,
            withdrawn_at__isnull=True,
            superseded_by__isnull=True,
        ).exclude(pk=document.pk).update(superseded_by=document)


def stored_document_withdraw(
    document: StoredDocument,
    *,
    at: datetime,
    reason: str,
    actor: AbstractBaseUser | None = None,
    by_owner: str = "",
    audited_by_caller: bool = False,
) -> StoredDocument:
    """Withdraw ``document`` from reuse: its owner deletes their copy (``by_owner``: the signed-in citizen's
    id number), or an administrative withdrawal (``actor``, a reason required). Staff marking a document not
    acceptable use :func:`stored_document_reject` (the owner then sees it, with the reason).

    legal: TT 01/2023/TT-VPCP Điều 24 and NĐ 45/2020/NĐ-CP Điều 25: the results issued by the state
    (source ``result``) and the papers digitised by the agency (``digitised``) are kept by the agency and
    cannot be deleted by the citizen (``records.not_deletable``); the citizen's own uploaded copies
    (``uploaded``) can. A document of another person: ``records.other_owner``. The file is kept (the
    dossiers that used it still point to it); the row is no longer offered. Audited (``records.withdraw``),
    unless ``audited_by_caller``: the caller's own audit event records it (a dossier transition revoking
    the result the document is a copy of: ``dossier.revoke_result``).
    """
    text = (reason or "").strip()
    if by_owner:
        if document.owner_id_number != by_owner:
            raise RecordsError(RecordsErrorCode.OTHER_OWNER, "Giấy tờ này không thuộc kho dữ liệu của bạn.")
        if document.source != StoredSource.UPLOADED:
            raise RecordsError(
                RecordsErrorCode.NOT_DELETABLE,
                "Giấy tờ do cơ quan nhà nước cấp hoặc số hóa được cơ quan lưu giữ; bạn không xóa được bản này.",
            )
        text = text or "Công dân xóa bản lưu của mình."
    elif not text:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Cần ghi lý do giấy tờ không được chấp nhận.")
    with transaction.atomic():
        locked = StoredDocument.objects.select_for_update().get(pk=document.pk)
        if locked.withdrawn_at is not None:
            return locked
        locked.withdrawn_at, locked.withdrawn_reason = at, text[:500]
        locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        if audited_by_caller:
            return locked
        audit_record(
            actor=actor,
            action="records.withdraw",
            target=locked,
            before={"withdrawn_at": None},
            after={"withdrawn_at": at, "reason": locked.withdrawn_reason, "by_owner": bool(by_owner)},
            at=at,
        )
    return locked


def stored_document_reject(
    document: StoredDocument, *, actor: AbstractBaseUser, at: datetime, reason: str, dossier_code: str = ""
) -> StoredDocument:
    """An officer marks a held document not acceptable, with a reason (issue 16 item 5): it is no longer
    offered for reuse (``selectors.usable``) and its owner sees it in «Kho dữ liệu của tôi» marked «Không
    được chấp nhận» with the reason. Who may is the caller's policy (``cchc.dossiers.policies``: an officer
    acting on a dossier that uses it).

    legal: TT 01/2023/TT-VPCP Điều 24 (a document in the store is reused only while valid: the agency that
    finds it not acceptable — wrong person, illegible, forged — asks for the paper again) and NĐ 45/2020/
    NĐ-CP Điều 25. The reason is required (``records.invalid_input``); a document already withdrawn or
    rejected: ``records.not_usable``; the file is kept (dossiers that used it still point to it). Audited
    (``records.reject``).
    """
    text = " ".join((reason or "").split())
    if not text:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Cần ghi lý do giấy tờ không được chấp nhận.")
    if len(text) > 500:
        raise RecordsError(RecordsErrorCode.INVALID_INPUT, "Lý do tối đa 500 ký tự.")
    with transaction.atomic():
        locked = StoredDocument.objects.select_for_update().get(pk=document.pk)
        if locked.withdrawn_at is not None:
            raise RecordsError(
                RecordsErrorCode.NOT_USABLE, "Giấy tờ này đã bị thu hồi hoặc đã được đánh dấu không được chấp nhận."
            )
        locked.withdrawn_at, locked.withdrawn_reason, locked.rejected_by_id = at, text, actor.pk
        locked.save(update_fields=["withdrawn_at", "withdrawn_reason", "rejected_by"])
        audit_record(
            actor=actor,
            action="records.reject",
            target=locked,
            before={"withdrawn_at": None},
            after={"withdrawn_at": at, "reason": text, "dossier": dossier_code},
            at=at,
        )
    return locked


def stored_document_access_log(
    document: StoredDocument,
    *,
    at: datetime,
    user: AbstractBaseUser | None = None,
    citizen_id_number: str = "",
    dossier_id: int | None = None,
) -> StoredDocumentAccess:
    """Log one opening or download of ``document`` (who, when, for which dossier)."""
    return StoredDocumentAccess.objects.create(
        document=document,
        at=at,
        user_id=getattr(user, "pk", None),
        citizen_id_number=citizen_id_number,
        dossier_id=dossier_id,
    )

"""The signing of attached results, after the commit of the attach: the outbox subscriber
``dossiers.results.sign``.

Legal basis: Nghị định 23/2025/NĐ-CP (the competent agency signs the electronic result with its
specialised public-service digital signature); Luật Giao dịch điện tử 2023 Điều 22-23; the block: Nghị
định 30/2020/NĐ-CP Phụ lục I (``cchc.signing.stamp``).

A signer that cannot answer (a token or a remote service down: ``signing.signer_unavailable``, or no
certificate loaded yet: ``signing.no_certificate``) fails the delivery: the outbox retries with backoff and
the result stays «Đang chờ ký số», which blocks returning the result (``dossier.result_not_signed``). A
document or a certificate the signer refuses for good (an expired certificate, one not for signing) marks
the result «Ký số không thành công» with the reason; the agency attaches it again once fixed.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.constants import ResultStatus
from cchc.dossiers.events import DossierEvent, dossier_event
from cchc.dossiers.models import ResultDocument
from cchc.signing.constants import SigningError, SigningErrorCode
from cchc.signing.signers import SignRequest, signer_get

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent
    from cchc.records.models import StoredDocument

logger = logging.getLogger(__name__)

SUBSCRIBER = "dossiers.results.sign"
TOPICS = {DossierEvent.RESULT_ATTACHED.value}
SIGN_ACTION = "sign_result"  # the ``action`` of ``dossier.result_signed`` (not a transition of the table)
# temporary faults: the delivery fails and is retried
RETRY_CODES = {SigningErrorCode.SIGNER_UNAVAILABLE, SigningErrorCode.NO_CERTIFICATE, SigningErrorCode.NOT_CONFIGURED}


def result_verify_url(token: str) -> str:
    """The public verification page of a result (printed in its QR code), absolute from ``CCHC_SITE_URL``."""
    base = str(getattr(settings, "CCHC_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("results:verify", kwargs={"token": token})


def result_sign(*, result: ResultDocument) -> ResultDocument:
    """Sign one pending result with its agency's certificate and store the signed PDF (Django's storage
    API) with its SHA-256. idempotency: a result no longer pending is returned unchanged.

    Raises :class:`SigningError` for a temporary fault (nothing changed); records a permanent one on the
    result (status «Ký số không thành công»)."""
    with transaction.atomic():
        locked = ResultDocument.objects.select_for_update().select_related("agency").get(pk=result.pk)
        if locked.status != ResultStatus.PENDING:
            return locked
        with locked.original.open("rb") as handle:
            data = handle.read()
        request = SignRequest(
            pdf=data,
            agency_code=locked.agency.code,
            agency_name=locked.agency.name,
            verify_url=result_verify_url(locked.token),
            reason=locked.title,
        )
        try:
            signed = signer_get().sign(request)
        except SigningError as exc:
            if exc.code in RETRY_CODES:
                raise
            locked.status = ResultStatus.FAILED
            locked.failure = exc.message[:500]
            locked.save(update_fields=["status", "failure"])
            logger.warning("Ký số kết quả %s của hồ sơ %s không thành công: %s", locked.pk, locked.dossier_id, exc)
            return locked
        locked.signed.save(f"{locked.token}-ky-so.pdf", ContentFile(signed), save=False)
        kept: StoredDocument | None = None
        try:
            locked.signed_sha256 = hashlib.sha256(signed).hexdigest()
            locked.signed_at = timezone.now()
            locked.signer_name = locked.agency.name
            locked.status = ResultStatus.SIGNED
            locked.save(update_fields=["signed", "signed_sha256", "signed_at", "signer_name", "status"])
            kept = _result_keep(locked, signed)
            _result_signed_event(locked)
        except BaseException:
            default_storage.delete(locked.signed.name)
            if kept is not None:
                default_storage.delete(kept.file.name)
            raise
    return locked


def _result_signed_event(result: ResultDocument) -> None:
    """Write ``dossier.result_signed`` on the dossier's stream in the signing's transaction: the indicator
    rollups (QĐ 766 4.1 and 4.2 count a dossier once its result is signed) and the national portal's sync
    (the result's file link, ``DuongDanTepTinKetQua``) follow it. The dossier's status does not change."""
    dossier = result.dossier
    assert result.signed_at is not None
    dossier_event(
        DossierEvent.RESULT_SIGNED,
        dossier,
        action=SIGN_ACTION,
        status_before=dossier.status,
        at=result.signed_at,
        actor_id=None,
        details={"title": result.title, "signer": result.signer_name},
    ).save()


def _result_keep(result: ResultDocument, signed: bytes) -> StoredDocument | None:
    """Keep the signed result in the applicant's data store too (source ``result``), so that a later dossier
    can reuse it. legal: Nghị định 45/2020/NĐ-CP Điều 25 and Thông tư 01/2023/TT-VPCP Điều 24 (the results of
    administrative procedures in electronic form are kept in the store of the person or organisation and
    reused). Its document type is the procedure's result type (the catalogue's ``result_document_type``);
    its validity ends ``result_valid_months`` after the day it is signed when the catalogue says it (e.g.
    the Phiếu lý lịch tư pháp: 6 months, :func:`months_after`), else it is kept without an end. An applicant
    whose id is neither a personal identification number nor a tax code (a foreigner's passport) has no
    store: nothing is kept."""
    from cchc.records.constants import RecordsError, StoredSource
    from cchc.records.services import owner_kind_of, stored_document_store

    dossier = result.dossier
    try:
        owner_kind_of(dossier.applicant_id_number)
    except RecordsError:
        return None
    version = dossier.procedure_version
    issued_on = timezone.localdate(result.signed_at or timezone.now())
    return stored_document_store(
        owner_id_number=dossier.applicant_id_number,
        document_type_code=version.result_document_type or "ket-qua-giai-quyet",
        name=result.title,
        data=signed,
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.RESULT,
        at=result.signed_at or timezone.now(),
        issuing_body=result.agency.name,
        issued_on=issued_on,
        valid_until=months_after(issued_on, version.result_valid_months) if version.result_valid_months else None,
        source_dossier_id=dossier.pk,
        source_dossier_code=dossier.code,
        # an electronic certified copy does not replace the owner's other certified copies (each is of its
        # own original; cchc.dossiers.results.certified)
        supersedes=result.certification_number is None,
    )


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day: 31/08 + 6 = 28/02).

    legal: the catalogue states a result's period of use in months counted from its issue (the Phiếu lý
    lịch tư pháp of the demo catalogue: 6 months, our choice after the procedures that accept one "cấp
    không quá 06 tháng", e.g. Nghị định 152/2020/NĐ-CP Điều 9 for work permits; the Luật Lý lịch tư pháp
    2009 itself sets none). Change ``valid_months`` in the catalogue to change it."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def result_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``dossiers.results.sign``: sign every pending result of the event's dossier
    (normally the one just attached). idempotency: :func:`result_sign` skips a result already signed."""
    dossier_id = event.payload.get("dossier_id")
    for result in ResultDocument.objects.filter(dossier_id=dossier_id, status=ResultStatus.PENDING).order_by("pk"):
        result_sign(result=result)

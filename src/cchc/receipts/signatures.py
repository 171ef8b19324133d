"""Signing the electronic receipts: the outbox subscriber ``receipts.sign`` (issue 16 item 2).

Each receipt issued (``receipt.issued``, written with the receipt by :func:`cchc.receipts.services.receipt_issue`)
is rendered as a PDF (``cchc.receipts.documents``) and signed by its collecting agency with the same
interface the results use (``cchc.signing.signers.signer_get``: PAdES, the visible block with the QR code of
the verification page, B-T when ``CCHC_TSA_URL`` is set, pyHanko run through ``cchc.signing.asyncsafe``).
The signed PDF is kept through Django's storage API with its SHA-256, which the verification page compares.

Why a second subscriber and not the issuing one: the issuing delivery commits the receipt (its number is
taken, the payment is never left without its receipt) whatever the signer does. A signer that cannot
answer (``signing.signer_unavailable``: a token or a remote service down, the time-stamping authority
not answering; or no certificate loaded yet) fails only this delivery: the outbox retries it with backoff
and meanwhile the receipt is «Đang chờ ký số» (its download says so; its verification page says it is
not signed yet). A refusal for good (an expired certificate, one not for signing) is retried the same way
(``SIGN_MAX_ATTEMPTS``), so that once the agency's certificate is replaced the receipt is signed without
anyone re-entering it; the reason is the delivery's last error in the outbox's admin, and a dead delivery
is replayed there (docs/digital.md).

What is signed: the receipt as issued (never the «ĐÃ HỦY» mark: a signed document is not changed
afterwards; a cancellation is shown by the verification page, which the QR code opens).

legal: Nghị định 123/2020/NĐ-CP Điều 32 (an electronic receipt carries the digital signature of the
collecting organisation; the article was not checked against the published 2025 wording, see
docs/digital.md); Nghị định 23/2025/NĐ-CP (chữ ký số chuyên dùng công vụ of the agency, valid when it signs)
and Luật Giao dịch điện tử 2023 Điều 22-23.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cchc.receipts.documents import receipt_pdf
from cchc.receipts.models import Receipt
from cchc.receipts.services import receipt_verify_url
from cchc.signing.constants import SigningError
from cchc.signing.signers import SignRequest, signer_get

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

logger = logging.getLogger("cchc.receipts")


def receipt_sign(*, receipt: Receipt) -> Receipt:
    """Sign ``receipt`` with its collecting agency's certificate and store the signed PDF with its SHA-256.

    idempotency: a receipt already signed is returned unchanged (a second delivery signs nothing twice).
    concurrency: the receipt's row is locked while it is signed, so two deliveries at once sign it once.
    Raises :class:`~cchc.signing.constants.SigningError` when the signer refuses or cannot answer: nothing
    is written, the receipt stays «Đang chờ ký số» and the caller (the outbox) retries."""
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().select_related("series__agency").get(pk=receipt.pk)
        if locked.signed_at is not None:
            return locked
        request = SignRequest(
            pdf=receipt_pdf(locked, for_signing=True),
            agency_code=locked.series.agency.code,
            agency_name=locked.agency_name,
            verify_url=receipt_verify_url(locked),
            reason=f"Biên lai thu phí, lệ phí {locked.series.symbol} số {locked.number_text}",
        )
        try:
            signed = signer_get().sign(request)
        except SigningError as exc:
            logger.warning("Chưa ký số được biên lai %s (sẽ thử lại): %s %s", locked, exc.code, exc.message)
            raise
        locked.signed.save(f"{locked.code}-ky-so.pdf", ContentFile(signed), save=False)
        try:
            locked.signed_sha256 = hashlib.sha256(signed).hexdigest()
            locked.signed_at = timezone.now()
            locked.signer_name = locked.agency_name
            locked.save(update_fields=["signed", "signed_sha256", "signed_at", "signer_name"])
        except BaseException:
            default_storage.delete(locked.signed.name)
            raise
    return locked


def receipt_sign_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``receipts.sign``: sign the receipt ``receipt.issued`` names (see the module)."""
    receipt_id = ((event.payload or {}).get("details") or {}).get("receipt_id")
    receipt = Receipt.objects.filter(pk=int(receipt_id)).first() if receipt_id is not None else None
    if receipt is None:  # an event without its receipt cannot happen (written together); nothing to sign
        logger.error("Sự kiện %s: không có biên lai %s để ký số.", event.pk, receipt_id)
        return
    receipt_sign(receipt=receipt)

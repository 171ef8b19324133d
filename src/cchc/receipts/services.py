"""Issuing the electronic receipts (biên lai điện tử) of the fees and charges paid on a dossier.

Where: the outbox subscriber ``receipts`` (:func:`receipt_handle_event`) on ``dossier.payment_recorded``,
after the payment's transaction committed: the transition executor keeps its shape, and every payment
(counter, bank transfer, online gateway) gets its receipt, whoever recorded it.

Numbers (legal: NĐ 123/2020/NĐ-CP Điều 32; TT 32/2025/TT-BTC): consecutive Arabic numbers from 1 in each
series, never skipped. concurrency: :func:`receipt_number_next` adds one to the series row with one
``UPDATE … RETURNING`` in the transaction that inserts the receipt: the row stays locked until that
transaction ends, so a second issuer waits and takes the next number; a rolled-back issue gives its
number back, so numbers stay gapless (the same technique as the dossier code, ``dossiers/codes.py``).

Idempotency: one receipt per payment (``Receipt.payment`` is unique); a second delivery of the event
finds it and does nothing. With the receipt the subscriber writes the event ``receipt.issued`` (stream
``receipt:<dossier id>``), which the notifications send to the applicant with the link to the receipt:
the message therefore only ever names a receipt that was committed.

Cancellation (:func:`receipt_cancel`, on ``payments.refund_done``): the receipt of a refunded payment is
marked cancelled (đã hủy) with the reason and the time; its number stays used. See the function.

No audit event on issue: the receipt is derived from the payment (audited as ``dossier.record_payment``) and is
itself an immutable record; taking the global audit-chain lock in the dispatcher's batch would make the
transitions wait (docs/receipts.md).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cchc.audit.services import audit_record
from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.constants import PaymentChannel
from cchc.dossiers.models import Payment
from cchc.org.models import Agency
from cchc.org.selectors import agency_name_on
from cchc.outbox.services import outbox_emit
from cchc.receipts.constants import (
    CANCELLED_TOPIC,
    ISSUED_TOPIC,
    NUMBER_DIGITS,
    REFUND_DONE_TOPIC,
    SCHEMA_VERSION,
    ReceiptError,
    ReceiptErrorCode,
)
from cchc.receipts.models import Receipt, ReceiptSeries

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

logger = logging.getLogger("cchc.receipts")

ONLINE_COLLECTOR = "Thu qua cổng thanh toán trực tuyến"
_SIGNING_SALT = "cchc.receipts.download"


def collecting_agency(payment: Payment) -> Agency:
    """The organisation that collects the fee: the dossier's competent agency (the one that provides
    the service, Luật Phí và lệ phí 2015 Điều 6), else its receiving agency. Inferred: the one-stop
    desk collects at the counter on behalf of the competent agency, which issues the receipt."""
    dossier = payment.dossier
    return dossier.competent_agency or dossier.receiving_agency


def receipt_series_for(*, agency: Agency, year: int) -> ReceiptSeries:
    """The agency's series of ``year``; when none was entered and ``CCHC_RECEIPTS_AUTO_SERIES`` is on
    (development, tests, the demo), one is created with the placeholder symbols of the settings.

    Production turns it off and enters the symbols the agency registered with the tax authority; a
    payment of an agency without a series then stays without receipt (``receipts.no_series``, the
    outbox retries and dead-letters it) until the series is entered and the delivery replayed.
    """
    series = ReceiptSeries.objects.filter(agency=agency, year=year).first()
    if series is not None:
        return series
    if not getattr(settings, "CCHC_RECEIPTS_AUTO_SERIES", False):
        raise ReceiptError(
            ReceiptErrorCode.NO_SERIES,
            f"Cơ quan «{agency.name}» chưa có ký hiệu biên lai năm {year}: nhập ký hiệu trong trang quản trị "
            "(Biên lai thu phí, lệ phí điện tử → Ký hiệu biên lai) rồi gửi lại sự kiện.",
        )
    try:
        with transaction.atomic():  # concurrency: two first receipts of the year: one insert wins
            return ReceiptSeries.objects.create(
                agency=agency,
                year=year,
                form_symbol=settings.CCHC_RECEIPTS_FORM_SYMBOL,
                symbol=settings.CCHC_RECEIPTS_SYMBOL.format(yy=f"{year % 100:02d}"),
            )
    except IntegrityError:
        return ReceiptSeries.objects.get(agency=agency, year=year)


def receipt_number_next(series: ReceiptSeries) -> int:
    """Take the next number of ``series`` (call it inside the issuing transaction; see the module)."""
    table = ReceiptSeries._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE id = %s RETURNING last_number", [series.pk]
        )
        row = cursor.fetchone()
    number = int(row[0])
    if number >= 10**NUMBER_DIGITS:
        raise ReceiptError(
            ReceiptErrorCode.SERIES_FULL,
            f"Ký hiệu biên lai {series.symbol} đã dùng hết {10**NUMBER_DIGITS - 1} số: nhập ký hiệu mới.",
        )
    return number


def _collector_name(payment: Payment) -> str:
    user: Any = payment.recorded_by
    if user is None:
        return ONLINE_COLLECTOR
    return (user.get_full_name() or user.get_username()).strip()


def _event_payload(receipt: Receipt, payment: Payment) -> dict[str, Any]:
    dossier = payment.dossier
    return {
        "dossier_id": dossier.pk,
        "code": dossier.code or "",
        "at": receipt.issued_at.astimezone(VN_TZ).isoformat(),
        "due_at": dossier.due_at.astimezone(VN_TZ).isoformat() if dossier.due_at else None,
        "details": {
            "receipt_id": receipt.pk,
            "form_symbol": receipt.series.form_symbol,
            "symbol": receipt.series.symbol,
            "number": receipt.number_text,
            "amount": str(receipt.amount),
            "payment_reference": payment.receipt_number,
            "verify_url": receipt_verify_url(receipt),
            "download_url": receipt_download_url(receipt),
        },
    }


@transaction.atomic
def receipt_issue(*, payment: Payment) -> tuple[Receipt, bool]:
    """The receipt of ``payment``: issued now with the next number of its agency's series, or the one
    issued before (idempotent). Returns ``(receipt, created)``; a new receipt writes ``receipt.issued``.

    legal: NĐ 123/2020/NĐ-CP Điều 32 (content of a receipt): the collecting organisation and its tax
    code, the series symbols, the number, the date, the fee or charge and the amount, the collector;
    the payer's name and address are those the dossier records.
    """
    existing = Receipt.objects.select_related("series").filter(payment=payment).first()
    if existing is not None:
        return existing, False
    payment = Payment.objects.select_related(
        "dossier__competent_agency", "dossier__receiving_agency", "recorded_by"
    ).get(pk=payment.pk)
    dossier = payment.dossier
    paid_on = payment.paid_at.astimezone(VN_TZ).date()
    agency = collecting_agency(payment)
    series = receipt_series_for(agency=agency, year=paid_on.year)
    number = receipt_number_next(series)
    fee_names = (
        "; ".join(name for name in dossier.fee_lines.order_by("order").values_list("name", flat=True) if name)
        or "Phí, lệ phí giải quyết thủ tục hành chính"
    )
    series.last_number = number
    receipt = Receipt.objects.create(
        series=series,
        number=number,
        code=secrets.token_hex(10),  # 80 random bits: the verification page cannot be enumerated
        payment=payment,
        dossier=dossier,
        issued_at=payment.paid_at,
        agency_name=agency_name_on(agency, on=paid_on),
        tax_code=series.tax_code,
        payer_name=dossier.applicant_name,
        payer_address=dossier.applicant_address,
        dossier_code=dossier.code or "",
        fee_names=fee_names,
        amount=Decimal(payment.amount),
        channel=payment.channel,
        collector_name=_collector_name(payment),
        collector=payment.recorded_by,
    )
    outbox_emit(
        topic=ISSUED_TOPIC,
        stream=f"receipt:{dossier.pk}",
        payload=_event_payload(receipt, payment),
        occurred_at=receipt.issued_at,
        schema_version=SCHEMA_VERSION,
    )
    return receipt, True


@transaction.atomic
def receipt_cancel(*, receipt: Receipt, reason: str, at: datetime) -> tuple[Receipt, bool]:
    """Mark ``receipt`` cancelled (đã hủy) because its payment was refunded. Returns ``(receipt, cancelled
    now)``; a receipt cancelled before is returned unchanged (idempotency: a second refund notification
    cancels nothing twice, writes no second event).

    legal: Nghị định 123/2020/NĐ-CP, Chương IV (chứng từ, biên lai), as amended by Nghị định
    70/2025/NĐ-CP, and Thông tư 32/2025/TT-BTC (biên lai thu phí, lệ phí): a receipt once issued is a
    document of the series, never deleted, and its number is never given again (numbers run without a
    gap, Điều 32). What was chosen, and why: the money it acknowledges went back to the payer, so the
    receipt is kept and marked cancelled with the reason and the time, printed «ĐÃ HỦY» on its PDF and on
    the verification page. The article that governs cancelling a biên lai điện tử, and whether the agency
    must also issue a document (biên bản) for it, was **not checked against the published text** (no copy
    at hand, as for the symbols in ``constants``): an agency that needs another form records it beside.

    Writes: the two cancellation fields, the outbox event ``receipt.cancelled`` (stream
    ``receipt:<dossier id>``, like ``receipt.issued``) and the audit event ``receipt.cancel`` (unlike
    issuing, cancelling changes a document already issued; refunds are rare, so the audit-chain lock in
    the dispatcher's batch costs nothing measurable).
    concurrency: the receipt row is locked (``select_for_update``) before it is read: of two cancellations
    at once (a redelivered refund event, a replay), the second waits, then finds it cancelled.
    """
    reason = reason.strip() or "Đã hoàn trả tiền cho người nộp."
    receipt = Receipt.objects.select_for_update().select_related("series", "payment__dossier").get(pk=receipt.pk)
    if receipt.cancelled_at is not None:
        return receipt, False
    receipt.cancelled_at, receipt.cancel_reason = at, reason[:500]
    receipt.save(update_fields=["cancelled_at", "cancel_reason"])
    payload = _event_payload(receipt, receipt.payment)
    payload["at"] = at.astimezone(VN_TZ).isoformat()
    payload["details"]["reason"] = receipt.cancel_reason
    outbox_emit(
        topic=CANCELLED_TOPIC,
        stream=f"receipt:{receipt.dossier_id}",
        payload=payload,
        occurred_at=at,
        schema_version=SCHEMA_VERSION,
    )
    audit_record(
        actor=None,
        action="receipt.cancel",
        target=receipt,
        before={"cancelled_at": None},
        after={
            "symbol": receipt.series.symbol,
            "number": receipt.number_text,
            "cancelled_at": at,
            "cancel_reason": receipt.cancel_reason,
        },
        at=at,
    )
    return receipt, True


def _handle_refund_done(event: OutboxEvent) -> None:
    """A refund done: cancel the receipt of the payment the order recorded on the dossier. An order that
    recorded no payment (money taken that the dossier could not take) has no receipt: nothing to do. A
    payment whose receipt is not issued yet raises ``receipts.not_issued_yet``: the outbox retries (the
    two events travel on different streams), so the receipt is issued first, then cancelled."""
    payload = event.payload or {}
    details = payload.get("details") or {}
    dossier_id, reference = payload.get("dossier_id"), details.get("payment_reference")
    if dossier_id is None or not reference:
        return
    payment = Payment.objects.filter(dossier_id=dossier_id, receipt_number=reference).order_by("pk").first()
    if payment is None:
        return
    receipt = Receipt.objects.filter(payment=payment).first()
    if receipt is None:
        raise ReceiptError(
            ReceiptErrorCode.NOT_ISSUED_YET,
            f"Khoản thanh toán «{payment.receipt_number}» đã hoàn tiền nhưng chưa có biên lai để hủy: "
            "thử lại sau khi biên lai được cấp.",
        )
    moment = payload.get("at")
    at = datetime.fromisoformat(moment) if moment else event.occurred_at
    receipt, cancelled = receipt_cancel(receipt=receipt, reason=str(details.get("reason") or ""), at=at)
    if cancelled:
        logger.info("Hủy biên lai %s số %s (hoàn tiền).", receipt.series.symbol, receipt.number_text)


def receipt_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``receipts``: issue the receipt of the payment ``event`` records, or cancel
    the receipt of a payment refunded (``payments.refund_done``).

    idempotency: :func:`receipt_issue` returns the receipt issued by an earlier delivery. The payment is
    found by the dossier and the reference the event carries (unique per dossier).
    """
    if event.topic == REFUND_DONE_TOPIC:
        _handle_refund_done(event)
        return
    payload = event.payload
    details = payload.get("details") or {}
    payment = (
        Payment.objects.filter(dossier_id=payload.get("dossier_id"), receipt_number=details.get("receipt_number"))
        .order_by("pk")
        .first()
    )
    if payment is None:
        raise ReceiptError(
            ReceiptErrorCode.PAYMENT_NOT_FOUND,
            f"Sự kiện {event.pk}: không tìm thấy khoản thanh toán «{details.get('receipt_number')}» "
            f"của hồ sơ {payload.get('dossier_id')}.",
        )
    receipt, created = receipt_issue(payment=payment)
    if created:
        logger.info(
            "Cấp biên lai %s số %s cho hồ sơ %s.", receipt.series.symbol, receipt.number_text, payment.dossier_id
        )


# --- links ----------------------------------------------------------------------------------------------


def _site(path: str) -> str:
    base = str(getattr(settings, "CCHC_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + path


def receipt_verify_url(receipt: Receipt) -> str:
    """The public verification page (printed in the QR code), absolute from ``CCHC_SITE_URL``."""
    return _site(reverse("receipts:verify", kwargs={"code": receipt.code}))


def receipt_download_token(code: str) -> str:
    """The signature that lets the link sent to the payer download the PDF (the QR code does not)."""
    return signing.Signer(salt=_SIGNING_SALT).signature(code)


def receipt_download_token_valid(code: str, token: str) -> bool:
    return secrets.compare_digest(receipt_download_token(code), token or "")


def receipt_download_path(receipt: Receipt) -> str:
    """The PDF's address on this site (``/bien-lai/<code>/tai-ve/?k=…``), for the payer's own pages."""
    path = reverse("receipts:download", kwargs={"code": receipt.code})
    return f"{path}?k={receipt_download_token(receipt.code)}"


def receipt_download_url(receipt: Receipt) -> str:
    """The PDF, for the payer (sent in the notification): the verification code and its signature."""
    return _site(receipt_download_path(receipt))


def channel_label(value: str) -> str:
    try:
        return str(PaymentChannel(value).label)
    except ValueError:
        return value


def issued_on_text(moment: datetime) -> str:
    day = moment.astimezone(VN_TZ)
    return f"Ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def time_text(moment: datetime) -> str:
    """``14:05 ngày 07/12/2026`` (Vietnam time)."""
    return f"{moment.astimezone(VN_TZ):%H:%M} ngày {moment.astimezone(VN_TZ):%d/%m/%Y}"

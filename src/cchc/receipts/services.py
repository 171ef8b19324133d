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

No audit event: the receipt is derived from the payment (audited as ``dossier.record_payment``) and is
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

from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.constants import PaymentChannel
from cchc.dossiers.models import Payment
from cchc.org.models import Agency
from cchc.org.selectors import agency_name_on
from cchc.outbox.services import outbox_emit
from cchc.receipts.constants import (
    ISSUED_TOPIC,
    NUMBER_DIGITS,
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


def receipt_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``receipts``: issue the receipt of the payment ``event`` records.

    idempotency: :func:`receipt_issue` returns the receipt issued by an earlier delivery. The payment is
    found by the dossier and the reference the event carries (unique per dossier).
    """
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


def receipt_download_url(receipt: Receipt) -> str:
    """The PDF, for the payer (sent in the notification): the verification code and its signature."""
    path = reverse("receipts:download", kwargs={"code": receipt.code})
    return _site(f"{path}?k={receipt_download_token(receipt.code)}")


def channel_label(value: str) -> str:
    try:
        return str(PaymentChannel(value).label)
    except ValueError:
        return value


def issued_on_text(moment: datetime) -> str:
    day = moment.astimezone(VN_TZ)
    return f"Ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"

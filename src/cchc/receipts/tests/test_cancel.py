"""A refunded payment's receipt is cancelled (đã hủy): marked with the reason and the time, its number
stays used (the next receipt takes the next number), the verification page says «ĐÃ HỦY» (the signed PDF
stays the receipt as issued: a signed document is never changed),
``receipt.cancelled`` and the audit event are written once however often the refund is notified."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cchc.audit.models import AuditEvent
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import AT, to_status
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.outbox.registry import subscriber
from cchc.outbox.services import outbox_emit
from cchc.receipts.constants import CANCELLED_TOPIC, REFUND_DONE_TOPIC, ReceiptError, ReceiptErrorCode
from cchc.receipts.documents import receipt_pdf
from cchc.receipts.models import Receipt, ReceiptSeries
from cchc.receipts.services import receipt_cancel, receipt_download_url, receipt_handle_event
from cchc.receipts.tests.conftest import PAID_AT, SITE, World, issue_and_sign, pay

pytestmark = pytest.mark.django_db

REFUNDED_AT = PAID_AT + timedelta(days=1)
REASON = "Đã hoàn trả 200.000 đồng cho người nộp: Hồ sơ bị từ chối hoặc dừng xử lý sau khi đã nộp phí"


def _refund_done(dossier_id: int, reference: str) -> OutboxEvent:
    """The event ``cchc.payments`` writes when the gateway returned the money (same shape)."""
    return outbox_emit(
        topic=REFUND_DONE_TOPIC,
        stream="payment:1",
        payload={
            "dossier_id": dossier_id,
            "at": REFUNDED_AT.isoformat(),
            "details": {"refund_id": 1, "payment_reference": reference, "amount": "200000", "reason": REASON},
        },
        occurred_at=REFUNDED_AT,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_subscriber_listens_to_refunds_done() -> None:
    registered = subscriber("receipts")
    assert registered is not None
    assert registered.wants(REFUND_DONE_TOPIC)


def test_a_refund_cancels_the_receipt_once_and_its_number_is_never_taken_again(world: World) -> None:
    payment = pay(world, online=True, reference="TXN0001")
    _refund_done(payment.dossier_id, "TXN0001")
    outbox_drain(only=["receipts"])  # issued (payment event first), then cancelled

    receipt = Receipt.objects.select_related("series").get()
    assert receipt.number == 1
    assert receipt.cancelled
    assert receipt.cancelled_at == REFUNDED_AT
    assert receipt.cancel_reason == REASON
    events = OutboxEvent.objects.filter(topic=CANCELLED_TOPIC)
    assert events.count() == 1
    payload = events.get().payload
    assert payload["dossier_id"] == payment.dossier_id
    assert payload["details"]["number"] == "0000001"
    assert payload["details"]["reason"] == REASON
    audit = AuditEvent.objects.get(action="receipt.cancel")
    assert audit.after["number"] == "0000001"

    # a second refund notification (redelivery, replay) cancels nothing twice
    _refund_done(payment.dossier_id, "TXN0001")
    outbox_drain(only=["receipts"])
    again, cancelled = receipt_cancel(receipt=receipt, reason="lần hai", at=REFUNDED_AT + timedelta(hours=1))
    assert not cancelled
    assert (again.cancelled_at, again.cancel_reason) == (REFUNDED_AT, REASON)
    assert OutboxEvent.objects.filter(topic=CANCELLED_TOPIC).count() == 1
    assert AuditEvent.objects.filter(action="receipt.cancel").count() == 1

    # gapless series: the number stays used, the next payment takes 2
    other = to_status(world, DossierStatus.PROCESSED, at=AT + timedelta(minutes=5))
    pay(world, dossier=other, reference="BL-0002")
    outbox_drain(only=["receipts"])
    assert list(Receipt.objects.order_by("number").values_list("number", "cancelled_at")) == [
        (1, REFUNDED_AT),
        (2, None),
    ]
    assert ReceiptSeries.objects.get().last_number == 2


def test_a_refund_notified_before_the_receipt_is_issued_waits_for_it(world: World) -> None:
    payment = pay(world, online=True, reference="TXN0002")
    early = _refund_done(payment.dossier_id, "TXN0002")

    with pytest.raises(ReceiptError) as raised:
        receipt_handle_event(early)
    assert raised.value.code == ReceiptErrorCode.NOT_ISSUED_YET

    outbox_drain(only=["receipts"])
    assert Receipt.objects.get().cancelled


def test_money_that_never_reached_the_dossier_has_no_receipt_to_cancel(world: World) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    receipt_handle_event(_refund_done(dossier.pk, "TXN-NOT-APPLIED"))  # no payment: nothing to do, no error
    assert not Receipt.objects.exists()
    assert not OutboxEvent.objects.filter(topic=CANCELLED_TOPIC).exists()


def test_the_verification_page_says_cancelled_and_the_download_stays_the_signed_receipt(
    world: World, client: Client
) -> None:
    payment = pay(world, online=True, reference="TXN0003")
    issue_and_sign()
    receipt = Receipt.objects.select_related("series").get()
    signed = receipt.signed.read()
    page = client.get(reverse("receipts:verify", kwargs={"code": receipt.code})).content.decode()
    assert "ĐÃ HỦY" not in page
    assert "ĐÃ HỦY" not in _text(receipt_pdf(receipt))

    _refund_done(payment.dossier_id, "TXN0003")
    outbox_drain(only=["receipts"])
    receipt.refresh_from_db()

    response = client.get(reverse("receipts:verify", kwargs={"code": receipt.code}))
    page = response.content.decode()
    assert 'data-state="cancelled"' in page
    assert "ĐÃ HỦY:" in page
    assert "Đã hủy lúc 11:00 ngày 06/01/2026" in page  # the date of the refund, Vietnam time
    assert "không còn hiệu lực" in page
    assert "đang có hiệu lực" not in page
    assert REASON in page
    assert 'data-signature="valid"' in page  # the signature is still right for what was issued
    # the unsigned rendering (kept for the record) marks it too
    text = _text(receipt_pdf(receipt))
    assert "ĐÃ HỦY" in text
    assert "Biên lai đã hủy lúc" in text
    assert "Số: 0000001" in text  # the number is still printed: the receipt is kept, not deleted
    download = client.get(receipt_download_url(receipt).removeprefix(SITE))
    assert download.status_code == 200
    assert download.content == signed  # the signed receipt as issued, never re-rendered

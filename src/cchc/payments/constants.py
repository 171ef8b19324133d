"""Statuses, outcomes and error codes of online payment (thanh toán trực tuyến)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from django.db import models

from cchc.common.errors import DomainError


class OrderStatus(models.TextChoices):
    """Where an online payment order stands. Only the IPN (or the gateway's transaction query) moves an
    order to ``paid``; the return URL never does."""

    PENDING = "pending", "Chờ thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Không thành công"
    EXPIRED = "expired", "Hết hạn"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "Chờ hoàn tiền"
    DONE = "done", "Đã hoàn tiền"
    FAILED = "failed", "Hoàn tiền không thành công"


class RefundReason(models.TextChoices):
    DOSSIER_ENDED = "dossier_ended", "Hồ sơ bị từ chối hoặc dừng xử lý sau khi đã nộp phí"
    NOT_APPLICABLE = "not_applicable", "Hồ sơ không còn khoản phải nộp khi cổng báo đã thanh toán"


class CallbackSource(models.TextChoices):
    IPN = "ipn", "IPN (máy chủ cổng thanh toán gọi)"
    RETURN = "return", "Trình duyệt quay lại (Return URL)"
    QUERY = "query", "Truy vấn giao dịch (querydr)"


class RspCode(StrEnum):
    """The merchant's answer to an IPN (VNPay 2.1.0; docs/payments.md)."""

    CONFIRMED = "00"
    ORDER_NOT_FOUND = "01"
    ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_SIGNATURE = "97"
    UNKNOWN_ERROR = "99"


RSP_MESSAGES = {
    RspCode.CONFIRMED: "Confirm Success",
    RspCode.ORDER_NOT_FOUND: "Order not found",
    RspCode.ALREADY_CONFIRMED: "Order already confirmed",
    RspCode.INVALID_AMOUNT: "Invalid amount",
    RspCode.INVALID_SIGNATURE: "Invalid signature",
    RspCode.UNKNOWN_ERROR: "Unknown error",
}


class MismatchKind(StrEnum):
    """A difference the daily reconciliation lists (local record against the gateway's query)."""

    GATEWAY_PAID_LOCAL_NOT = "gateway_paid_local_not"
    LOCAL_PAID_GATEWAY_NOT = "local_paid_gateway_not"
    REFUND = "refund"
    AMOUNT = "amount"
    UNKNOWN_AT_GATEWAY = "unknown_at_gateway"
    QUERY_FAILED = "query_failed"


class PaymentErrorCode(StrEnum):
    NOT_PAYABLE = "payment.not_payable"
    NOTHING_DUE = "payment.nothing_due"
    AMOUNT_UNDETERMINED = "payment.amount_undetermined"
    ORDER_NOT_FOUND = "payment.order_not_found"
    INVALID_SIGNATURE = "payment.invalid_signature"


class PaymentError(DomainError[PaymentErrorCode]):
    """A refused payment operation (a dossier with nothing to pay, a forged return URL); nothing changed."""

    codes = PaymentErrorCode
    statuses: ClassVar[dict[str, int]] = {
        PaymentErrorCode.NOT_PAYABLE: 409,
        PaymentErrorCode.NOTHING_DUE: 409,
        PaymentErrorCode.AMOUNT_UNDETERMINED: 409,
        PaymentErrorCode.ORDER_NOT_FOUND: 404,
        PaymentErrorCode.INVALID_SIGNATURE: 400,
    }


# The outbox topic a refund request travels on (delivered by the "payments-refunds" subscriber).
REFUND_TOPIC = "payments.refund_requested"
REFUND_SUBSCRIBER = "payments-refunds"
# Written when the gateway returned a payment's money; the subscriber ``receipts`` cancels its receipt.
REFUND_DONE_TOPIC = "payments.refund_done"  # = cchc.receipts.constants.REFUND_DONE_TOPIC

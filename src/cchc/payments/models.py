"""Online payment of a dossier's fees: the order (created before the browser goes to the gateway), every
callback received (the IPN log), the refunds, and the daily reconciliation's findings."""

from __future__ import annotations

from django.db import models

from cchc.dossiers.models import Payment
from cchc.payments.constants import CallbackSource, OrderStatus, RefundReason, RefundStatus


class PaymentOrder(models.Model):
    """Giao dịch thanh toán trực tuyến: one attempt to pay what a dossier owes through a gateway.

    ``txn_ref`` is the merchant's reference the gateway echoes (``vnp_TxnRef``); ``amount`` is fixed when
    the order is created (what the dossier owed then). At most one order of a dossier is pending at a
    time (``payments_order_one_pending``: two tabs share it, they never make two).
    """

    txn_ref = models.CharField("mã giao dịch (TxnRef)", max_length=40, unique=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name="hồ sơ", on_delete=models.PROTECT, related_name="payment_orders"
    )
    gateway = models.CharField("cổng thanh toán", max_length=20)
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    order_info = models.CharField("nội dung thanh toán", max_length=255)
    status = models.CharField("trạng thái", max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    client_ip = models.CharField("địa chỉ IP người nộp", max_length=45)
    created_at = models.DateTimeField("tạo lúc")
    expires_at = models.DateTimeField("hết hạn lúc")
    # what the gateway reported (IPN or transaction query)
    response_code = models.CharField("mã phản hồi của cổng", max_length=4, blank=True)
    transaction_no = models.CharField("mã giao dịch tại cổng", max_length=40, blank=True)
    bank_code = models.CharField("ngân hàng", max_length=20, blank=True)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    settled_at = models.DateTimeField("cập nhật trạng thái lúc", null=True, blank=True)
    settled_by = models.CharField("cập nhật theo", max_length=10, choices=CallbackSource.choices, blank=True)
    # the payment is on the dossier (``dossiers.Payment`` with receipt number ``txn_ref``); False for a
    # paid order whose money the dossier could not take (refunded)
    applied = models.BooleanField("đã ghi vào hồ sơ", default=False)

    class Meta:
        verbose_name = "giao dịch thanh toán trực tuyến"
        verbose_name_plural = "giao dịch thanh toán trực tuyến"
        ordering = ["-created_at", "-id"]
        constraints = [
            # concurrency: two tabs starting a payment at once share one pending order
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(status="pending"), name="payments_order_one_pending"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_order_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="payments_order_status_expiry")]

    def __str__(self) -> str:
        return self.txn_ref

    def dossier_payment(self) -> Payment | None:
        """The payment this order recorded on the dossier (its receipt number is the order's reference,
        recorded once per dossier)."""
        if not self.applied:
            return None
        return Payment.objects.filter(dossier_id=self.dossier_id, receipt_number=self.txn_ref).first()


class CallbackLog(models.Model):
    """Nhật ký IPN: every callback received (IPN, return URL) and every transaction query answer, with
    what it carried and what we answered, kept also when refused (forged, unknown, duplicate)."""

    source = models.CharField("nguồn", max_length=10, choices=CallbackSource.choices)
    received_at = models.DateTimeField("nhận lúc", db_index=True)
    remote_addr = models.CharField("địa chỉ gửi", max_length=45, blank=True)
    txn_ref = models.CharField("mã giao dịch (TxnRef)", max_length=60, blank=True, db_index=True)
    order = models.ForeignKey(
        PaymentOrder, verbose_name="giao dịch", on_delete=models.PROTECT, null=True, blank=True, related_name="log"
    )
    params = models.JSONField("tham số nhận được", default=dict)
    rsp_code = models.CharField("mã trả lời", max_length=4, blank=True)
    outcome = models.CharField("kết quả xử lý", max_length=40)
    detail = models.CharField("chi tiết", max_length=500, blank=True)

    class Meta:
        verbose_name = "nhật ký thông báo từ cổng thanh toán"
        verbose_name_plural = "nhật ký thông báo từ cổng thanh toán"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.txn_ref} → {self.rsp_code or self.outcome}"


class Refund(models.Model):
    """Hoàn tiền: money the gateway took that the dossier keeps no longer (stopped or refused after
    payment) or never could take (nothing left to pay when the IPN came). One per order."""

    order = models.OneToOneField(
        PaymentOrder, verbose_name="giao dịch", on_delete=models.PROTECT, related_name="refund"
    )
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    reason = models.CharField("lý do", max_length=20, choices=RefundReason.choices)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    requested_at = models.DateTimeField("yêu cầu lúc")
    completed_at = models.DateTimeField("hoàn tất lúc", null=True, blank=True)
    response_code = models.CharField("mã phản hồi của cổng", max_length=4, blank=True)
    gateway_message = models.CharField("thông điệp của cổng", max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)

    class Meta:
        verbose_name = "hoàn tiền"
        verbose_name_plural = "hoàn tiền"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Hoàn {self.amount} đồng — {self.order}"


class Reconciliation(models.Model):
    """Đối soát: one day's orders checked against the gateway's transaction query; ``mismatches`` lists
    each difference (``{"txn_ref", "kind", "local", "gateway"}``). Lists only: nothing is changed."""

    day = models.DateField("ngày giao dịch")
    ran_at = models.DateTimeField("đối soát lúc")
    checked = models.PositiveIntegerField("số giao dịch đã đối soát", default=0)
    mismatches = models.JSONField("chênh lệch", default=list)

    class Meta:
        verbose_name = "đối soát giao dịch"
        verbose_name_plural = "đối soát giao dịch"
        ordering = ["-day", "-ran_at"]

    def __str__(self) -> str:
        return f"Đối soát {self.day:%d/%m/%Y}: {len(self.mismatches)} chênh lệch"

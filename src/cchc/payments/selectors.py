"""Reads of online payment: what a dossier owes online now, an order by its reference."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from cchc.dossiers.constants import Action
from cchc.dossiers.models import Dossier
from cchc.dossiers.transitions import TABLE
from cchc.payments.constants import PaymentError, PaymentErrorCode
from cchc.payments.models import PaymentOrder


def dossier_amount_unpaid(dossier: Dossier) -> Decimal | None:
    """The fees fixed on the dossier minus what was paid; None while a fee line is undetermined."""
    amounts: list[Decimal | None] = list(dossier.fee_lines.order_by().values_list("amount", flat=True))
    fixed = [a for a in amounts if a is not None]
    if len(fixed) != len(amounts):
        return None
    paid: Decimal = dossier.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return sum(fixed, Decimal(0)) - paid


def dossier_payable_online(dossier: Dossier) -> Decimal:
    """What the applicant can pay online now, or a ``PaymentError`` saying why not.

    The transition table decides whether the applicant may record a payment from the dossier's status
    (``record_payment``: received, in process, obligation requested, processed); the amount is every fee
    line fixed on the dossier minus what was paid (Luật Phí và lệ phí 2015: the amounts of the fee
    tables; an undetermined line is announced by the agency first).
    """
    if not TABLE[Action.RECORD_PAYMENT].allowed_from(dossier.status, received=dossier.received_at is not None):
        raise PaymentError(
            PaymentErrorCode.NOT_PAYABLE,
            "Hồ sơ ở trạng thái hiện tại không thể nộp phí, lệ phí trực tuyến "
            "(chỉ sau khi hồ sơ được tiếp nhận và trước khi kết thúc).",
        )
    unpaid = dossier_amount_unpaid(dossier)
    if unpaid is None:
        raise PaymentError(
            PaymentErrorCode.AMOUNT_UNDETERMINED,
            "Cơ quan giải quyết chưa thông báo đủ số tiền phí, lệ phí của hồ sơ; vui lòng chờ thông báo.",
        )
    if unpaid <= 0:
        raise PaymentError(PaymentErrorCode.NOTHING_DUE, "Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    return unpaid


def order_get(*, txn_ref: str) -> PaymentOrder:
    """The order of ``txn_ref`` with its dossier (``PaymentError`` 404 when there is none)."""
    order = PaymentOrder.objects.select_related("dossier").filter(txn_ref=txn_ref).first()
    if order is None:
        raise PaymentError(PaymentErrorCode.ORDER_NOT_FOUND, "Không tìm thấy giao dịch thanh toán.")
    return order

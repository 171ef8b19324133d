"""What "Hồ sơ của tôi" shows: the signed-in person's (or organisation's) dossiers, matched by the
personal identification number (the organisation's tax code) given when filing, and their feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers import policies
from cchc.dossiers.constants import Channel, DossierStatus, PaymentChannel, ResultStatus
from cchc.dossiers.models import Dossier, DossierRating, Payment, ResultDocument
from cchc.dossiers.selectors import dossier_public_queryset, dossier_submission_reference
from cchc.feedback.models import Feedback
from cchc.identity.models import Citizen
from cchc.receipts.models import Receipt
from cchc.receipts.services import receipt_download_path, time_text

ENDED = {DossierStatus.RETURNED, DossierStatus.WITHDRAWN, DossierStatus.REFUSED, DossierStatus.STOPPED}


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else ""


def _money(amount: Decimal) -> str:
    return f"{amount:,.0f}".replace(",", ".")


@dataclass
class MyPayment:
    """A payment on the dossier and its electronic receipt (none yet: issued shortly after the payment)."""

    text: str
    status: str
    receipt: str = ""
    receipt_url: str = ""
    receipt_cancelled: str = ""  # "Đã hủy lúc …: <reason>" for the receipt of a refunded payment


def _reference_label(payment: Payment) -> str:
    """What the number recorded with a payment is: the gateway's transaction for an online payment, the
    receipt the desk wrote for a payment at the counter or by bank transfer."""
    return "mã giao dịch" if payment.channel == PaymentChannel.ONLINE_GATEWAY else "số biên lai"


def _my_payment(payment: Payment) -> MyPayment:
    row = MyPayment(
        text=f"{_money(payment.amount)} đồng ngày {timezone.localtime(payment.paid_at):%d/%m/%Y}"
        + (f", {_reference_label(payment)} {payment.receipt_number}" if payment.receipt_number else ""),
        status="Đã thanh toán",
    )
    try:
        receipt: Receipt | None = payment.receipt  # type: ignore[attr-defined]
    except Receipt.DoesNotExist:
        receipt = None
    if receipt is not None:
        row.receipt = f"Biên lai {receipt.series.symbol} số {receipt.number_text}"
        row.receipt_url = receipt_download_path(receipt)
        if receipt.cancelled_at is not None:
            row.status = "Đã hoàn tiền"
            row.receipt_cancelled = f"Đã hủy lúc {time_text(receipt.cancelled_at)}: {receipt.cancel_reason}"
    return row


@dataclass
class MyDossier:
    dossier: Dossier
    reference: str
    status_label: str
    submitted_at: str
    due_at: str
    overdue: bool
    asked: list[str] = field(default_factory=list)
    payments: list[MyPayment] = field(default_factory=list)
    result: str = ""
    result_url: str = ""  # the signed electronic result, once the applicant may download it
    rating: str = ""


def citizen_dossiers_queryset(citizen: Citizen) -> QuerySet[Dossier]:
    return (
        dossier_public_queryset()
        .filter(applicant_kind=citizen.applicant_kind, applicant_id_number=citizen.applicant_id_number)
        .prefetch_related(
            "payments__receipt__series",
            Prefetch("results", ResultDocument.objects.filter(status=ResultStatus.SIGNED).only("pk", "dossier_id")),
        )
        .order_by("-submitted_at", "-pk")
    )


def citizen_dossiers(citizen: Citizen, *, limit: int = 200) -> list[MyDossier]:
    """The account's dossiers, newest first, with what is asked of the applicant now."""
    now = timezone.now()
    rows = []
    for d in citizen_dossiers_queryset(citizen)[:limit]:
        status = DossierStatus(d.status)
        ended = d.ended_at is not None or status in ENDED
        row = MyDossier(
            dossier=d,
            reference=d.code or (dossier_submission_reference(d) if d.channel == Channel.ONLINE else ""),
            status_label=status.label,
            submitted_at=_when(d.submitted_at),
            due_at=_when(d.due_at),
            overdue=bool(d.due_at and not ended and d.processed_at is None and d.due_at < now),
        )
        pending = [s for s in d.supplements.all() if s.resumed_at is None]
        if pending and not ended:
            row.asked.append(f"Nộp bổ sung hồ sơ: {pending[0].reason}")
        due = sum((line.amount for line in d.fee_lines.all() if line.amount is not None), Decimal(0))
        paid = sum((p.amount for p in d.payments.all()), Decimal(0))
        if due > paid and not ended:
            row.asked.append(f"Nộp phí, lệ phí còn thiếu: {_money(due - paid)} đồng")
        row.payments = [_my_payment(p) for p in d.payments.all()]
        try:
            rating: DossierRating | None = d.rating
        except DossierRating.DoesNotExist:
            rating = None
        if d.returned_at is not None:
            row.result = f"Đã trả kết quả {_when(d.returned_at)}"
            if d.results.all() and policies.applicant_may_download_result(d):
                row.result_url = reverse("portal:result", args=[d.pk])
        elif d.processed_at is not None:
            row.result = f"Đã có kết quả {_when(d.processed_at)}, chờ nhận"
            row.asked.append("Nhận kết quả giải quyết")
        if rating is not None:
            row.rating = rating.get_level_display()
        elif status == DossierStatus.RETURNED:
            row.asked.append("Đánh giá mức độ hài lòng")
        rows.append(row)
    return rows


def citizen_feedback(citizen: Citizen, *, limit: int = 100) -> QuerySet[Feedback]:
    """Feedback (phản ánh, kiến nghị) sent with the person's identification number."""
    return Feedback.objects.filter(submitter_id_number=citizen.id_number).order_by("-submitted_at", "-pk")[:limit]

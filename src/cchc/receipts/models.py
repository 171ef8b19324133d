"""Receipt series (ký hiệu mẫu, ký hiệu biên lai) of each collecting agency and the receipts issued.

Rows are written only by ``cchc.receipts.services`` (a series may also be entered in the admin). A
receipt keeps a copy of what it printed (the agency's name and tax code, the payer, the fees, the
collector): it is a document issued once, later changes of the registry do not rewrite it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.receipts.constants import NUMBER_DIGITS


class ReceiptSeries(models.Model):
    """Ký hiệu biên lai của một cơ quan thu trong một năm: the symbols the agency registered for its
    electronic receipts and the last number taken (numbers restart at 1 in each series).

    One series per agency and year: the receipt symbol carries the year's two last digits, so a new
    year is a new series (``docs/receipts.md``).
    """

    agency = models.ForeignKey(
        "org.Agency", verbose_name="cơ quan thu", on_delete=models.PROTECT, related_name="receipt_series"
    )
    year = models.PositiveSmallIntegerField("năm")
    form_symbol = models.CharField("ký hiệu mẫu biên lai", max_length=20)
    symbol = models.CharField("ký hiệu biên lai", max_length=20)
    tax_code = models.CharField("mã số thuế của cơ quan thu", max_length=14, blank=True)
    last_number = models.PositiveIntegerField("số biên lai đã cấp đến", default=0)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "ký hiệu biên lai"
        verbose_name_plural = "ký hiệu biên lai"
        ordering = ["agency", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipts_series_agency_year_uniq"),
            models.CheckConstraint(
                condition=Q(last_number__lt=10**NUMBER_DIGITS), name="receipts_series_number_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_symbol} / {self.symbol} ({self.year})"


def _receipt_path(instance: Receipt, filename: str) -> str:
    # never a name from outside: the year of the series, then the receipt's random code (+ "-ky-so")
    return f"receipts/{instance.issued_at:%Y}/{filename}"


class Receipt(models.Model):
    """Biên lai thu phí, lệ phí điện tử: one per payment recorded on a dossier.

    ``code`` is the public, unguessable reference of the verification page (``/bien-lai/<code>/``)
    printed in the QR code; the legal identity of the receipt is ``(series, number)``.
    """

    series = models.ForeignKey(
        ReceiptSeries, verbose_name="ký hiệu biên lai", on_delete=models.PROTECT, related_name="receipts"
    )
    number = models.PositiveIntegerField("số biên lai")
    code = models.CharField("mã tra cứu", max_length=32, unique=True)
    payment = models.OneToOneField(
        "dossiers.Payment", verbose_name="khoản thanh toán", on_delete=models.PROTECT, related_name="receipt"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name="hồ sơ", on_delete=models.PROTECT, related_name="receipts"
    )
    issued_at = models.DateTimeField("ngày lập biên lai")
    agency_name = models.CharField("tên cơ quan thu", max_length=300)
    tax_code = models.CharField("mã số thuế của cơ quan thu", max_length=14, blank=True)
    payer_name = models.CharField("người nộp", max_length=300)
    payer_address = models.CharField("địa chỉ người nộp", max_length=500, blank=True)
    dossier_code = models.CharField("mã hồ sơ", max_length=60, blank=True)
    fee_names = models.TextField("tên loại phí, lệ phí")
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    channel = models.CharField("hình thức nộp", max_length=20)
    collector_name = models.CharField("người thu tiền", max_length=300)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản người thu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Đã hủy: the payment was refunded (``services.receipt_cancel``). The row and its number stay (the
    # series is gapless: a number is never taken again); only these two fields are ever written later.
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    cancel_reason = models.CharField("lý do hủy", max_length=500, blank=True)
    # Ký số (issue 16 item 2): the receipt's PDF as issued, signed by the collecting agency (PAdES, through
    # ``cchc.signing``) by the outbox subscriber ``receipts.sign``, kept through Django's storage API with
    # its SHA-256 (what the verification page compares). Empty while «Đang chờ ký số»; written once.
    signed = models.FileField("tệp biên lai đã ký số", upload_to=_receipt_path, max_length=200, blank=True)
    signed_sha256 = models.CharField("mã băm SHA-256 tệp đã ký", max_length=64, blank=True)
    signed_at = models.DateTimeField("ký số lúc", null=True, blank=True)
    signer_name = models.CharField("ký bởi", max_length=300, blank=True)

    class Meta:
        verbose_name = "biên lai điện tử"
        verbose_name_plural = "biên lai điện tử"
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="receipts_receipt_series_number_uniq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipts_receipt_positive"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="receipts_receipt_cancel_reason"
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(signed_sha256="") & ~Q(signed="")),
                name="receipts_receipt_signed_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.symbol} số {self.number_text}"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_signed(self) -> bool:
        """Signed and stored; False while «Đang chờ ký số» (the signer was unavailable: retried)."""
        return self.signed_at is not None

    @property
    def number_text(self) -> str:
        """The number as printed: seven digits (``0000001``)."""
        return f"{self.number:0{NUMBER_DIGITS}d}"

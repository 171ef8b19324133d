from django.contrib import admin

from cchc.receipts.models import Receipt, ReceiptSeries
from cchc.receipts.services import time_text


@admin.register(ReceiptSeries)
class ReceiptSeriesAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "form_symbol", "symbol", "tax_code", "last_number")
    list_filter = ("year",)
    search_fields = ("agency__name", "symbol")
    raw_id_fields = ("agency",)
    readonly_fields = ("last_number", "created_at")  # numbers are taken only by the issuing service


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Read-only: a receipt is issued once by the service and never edited (cancelled only by the
    service, when its payment is refunded: shown in «tình trạng»)."""

    list_display = (
        "series",
        "number",
        "issued_at",
        "dossier_code",
        "payer_name",
        "amount",
        "collector_name",
        "state",
    )
    list_filter = ("series__year", ("cancelled_at", admin.EmptyFieldListFilter))
    search_fields = ("dossier_code", "payer_name", "code")

    @admin.display(description="tình trạng", ordering="cancelled_at")
    def state(self, obj: Receipt) -> str:
        """«Đã hủy» (with the time) for the receipt of a refunded payment, else «Có hiệu lực»; «đang chờ ký số»
        added while the collecting agency's signature is missing (``receipts.sign`` retried by the outbox)."""
        waiting = "" if obj.is_signed else " — đang chờ ký số"
        if obj.cancelled_at is None:
            return "Có hiệu lực" + waiting
        return f"Đã hủy ({time_text(obj.cancelled_at)})" + waiting

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

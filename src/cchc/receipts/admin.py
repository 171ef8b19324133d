from django.contrib import admin

from cchc.receipts.models import Receipt, ReceiptSeries


@admin.register(ReceiptSeries)
class ReceiptSeriesAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "form_symbol", "symbol", "tax_code", "last_number")
    list_filter = ("year",)
    search_fields = ("agency__name", "symbol")
    raw_id_fields = ("agency",)
    readonly_fields = ("last_number", "created_at")  # numbers are taken only by the issuing service


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Read-only: a receipt is issued once by the service and never edited."""

    list_display = ("series", "number", "issued_at", "dossier_code", "payer_name", "amount", "collector_name")
    list_filter = ("series__year",)
    search_fields = ("dossier_code", "payer_name", "code")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

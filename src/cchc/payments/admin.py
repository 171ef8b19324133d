"""Read-only administration pages: the orders, the callback log, the refunds (a refund the gateway
refused is followed up by staff here) and the reconciliations' findings. Records change only through
the services (the IPN, the expiry, the refunds), never by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.payments.models import CallbackLog, PaymentOrder, Reconciliation, Refund


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(_ReadOnly):
    list_display = ["txn_ref", "dossier", "amount", "status", "applied", "created_at", "paid_at", "response_code"]
    list_filter = ["status", "gateway"]
    search_fields = ["txn_ref", "dossier__code", "transaction_no"]
    list_select_related = ["dossier"]


@admin.register(CallbackLog)
class CallbackLogAdmin(_ReadOnly):
    list_display = ["received_at", "source", "txn_ref", "rsp_code", "outcome", "remote_addr"]
    list_filter = ["source", "rsp_code", "outcome"]
    search_fields = ["txn_ref"]


@admin.register(Refund)
class RefundAdmin(_ReadOnly):
    list_display = ["order", "amount", "reason", "status", "requested_at", "completed_at", "response_code"]
    list_filter = ["status", "reason"]
    list_select_related = ["order"]


@admin.register(Reconciliation)
class ReconciliationAdmin(_ReadOnly):
    list_display = ["day", "ran_at", "checked"]

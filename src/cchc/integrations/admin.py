"""Admin of the connections: the attempt log and what the national portal acknowledged, read-only
(they are written by the partner client and the adapters; a correction is a new call, never an edit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.integrations.models import Attempt, DossierSync


class _ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(_ReadOnly):
    list_display = ["id", "started_at", "partner", "operation", "outcome", "status_code", "duration_ms", "error_code"]
    list_filter = ["partner", "outcome", "operation"]
    search_fields = ["=subject", "=idempotency_key", "=error_code", "=event_id"]
    date_hierarchy = "started_at"
    ordering = ["-started_at", "-id"]
    readonly_fields = [f.name for f in Attempt._meta.fields]


@admin.register(DossierSync)
class DossierSyncAdmin(_ReadOnly):
    list_display = ["dossier", "status_code", "first_synced_at", "synced_at", "sent", "last_event_id"]
    search_fields = ["=dossier__code", "=dossier__id"]
    ordering = ["-synced_at"]
    list_select_related = ["dossier"]
    raw_id_fields = ["dossier"]
    readonly_fields = [f.name for f in DossierSync._meta.fields]

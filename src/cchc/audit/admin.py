"""Read-only admin for the audit trail: events can be searched and viewed, never added, edited or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["sequence", "at", "actor_label", "action", "target_label", "request_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "actor_label", "target_label", "target_id", "request_id", "hash"]
    date_hierarchy = "at"
    ordering = ["-sequence"]
    list_select_related = ["target_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields] + ["changed_fields"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

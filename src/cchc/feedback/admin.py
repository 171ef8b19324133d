"""Admin for feedback: read-only. Every change goes through ``cchc.feedback.services`` (each one is
audited and checked against the transition table)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["code", "subject", "agency", "status", "classification", "submitted_at", "published_at", "rating"]
    list_filter = ["status", "classification", "rating"]
    search_fields = ["code", "national_id", "subject", "submitter_name", "submitter_phone"]
    list_select_related = ["agency"]
    exclude = ["lookup_key_hash", "search_key"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

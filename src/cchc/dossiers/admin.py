"""Admin for dossiers: read-only. Every change goes through ``cchc.dossiers.services`` (each one is
audited and checked against the transition table), so the admin only shows what was recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRating,
    DossierSequence,
    DossierStep,
    Extension,
    FeeLine,
    Handover,
    Payment,
    ResultDocument,
    SupplementRequest,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierStep
    fields = ["order", "name", "agency", "staff_role", "duration_hours", "deadline", "status", "assignee"]
    extra = 0


class HandoverInline(ReadOnlyMixin, admin.TabularInline):
    model = Handover
    fields = ["step", "giver", "giver_agency", "receiver", "receiver_agency", "at", "deadline", "outcome"]
    extra = 0


class SupplementInline(ReadOnlyMixin, admin.TabularInline):
    model = SupplementRequest
    fields = ["requested_at", "requested_by", "reason", "resumed_at", "paused_seconds"]
    extra = 0


class ExtensionInline(ReadOnlyMixin, admin.TabularInline):
    model = Extension
    fields = ["at", "actor", "previous_due_at", "new_due_at", "reason"]
    extra = 0


class FeeLineInline(ReadOnlyMixin, admin.TabularInline):
    model = FeeLine
    fields = ["order", "kind", "name", "amount"]
    extra = 0


class PaymentInline(ReadOnlyMixin, admin.TabularInline):
    model = Payment
    fields = ["amount", "channel", "paid_at", "receipt_number", "recorded_by"]
    extra = 0


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierDocument
    fields = ["order", "name", "source", "copies", "content_type", "size", "sha256", "recorded_at"]
    extra = 0


class RatingInline(ReadOnlyMixin, admin.StackedInline):
    model = DossierRating
    fields = ["level", "criteria", "comment", "rated_at"]
    extra = 0


@admin.register(DossierRating)
class DossierRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "level", "rated_at"]
    list_filter = ["level"]
    list_select_related = ["dossier"]
    date_hierarchy = "rated_at"


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Electronic results (issue 16): read-only; they change only through the lifecycle and the signer."""

    list_display = ["dossier", "title", "status", "agency", "attached_at", "signed_at"]
    list_filter = ["status"]
    list_select_related = ["dossier", "agency"]
    search_fields = ["dossier__code", "title"]
    date_hierarchy = "attached_at"


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "applicant_name", "status", "channel", "receiving_agency", "due_at", "is_late"]
    list_filter = ["status", "channel", "is_late", "applicant_address_status"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["receiving_agency"]
    date_hierarchy = "submitted_at"
    inlines = [
        DocumentInline,
        StepInline,
        HandoverInline,
        SupplementInline,
        ExtensionInline,
        FeeLineInline,
        PaymentInline,
        RatingInline,
    ]


@admin.register(DossierSequence)
class DossierSequenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["unit_code", "day", "last_value"]
    list_filter = ["unit_code"]

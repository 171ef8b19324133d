"""Admin for the unit and agency registry: validity, succession and review flags.

Records whose confidence is not "confirmed" (or that carry a review note) are flagged in the lists
so an editor can check them against the source decision.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cchc.common.admin import HistoryAdmin
from cchc.org.constants import Confidence
from cchc.org.identifiers import identifiers_flush
from cchc.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyGroup,
    AgencyIdentifier,
    AgencyName,
    AgencySuccession,
    DocumentRegisterEntry,
    Signatory,
    UnitSuccession,
)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "cần rà soát"
    parameter_name = "can_ra_soat"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("1", "Cần rà soát"), ("0", "Đã xác nhận")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        flagged = ~Q(confidence=Confidence.CONFIRMED)
        if hasattr(queryset.model, "review_note"):
            flagged |= ~Q(review_note="")
        if self.value() == "1":
            return queryset.filter(flagged)
        if self.value() == "0":
            return queryset.exclude(flagged)
        return queryset


@admin.display(boolean=True, description="cần rà soát")
def needs_review(obj: Agency | UnitSuccession | AgencySuccession) -> bool:
    """True when the record is not confirmed from a text (the list shows a warning icon)."""
    return obj.confidence != Confidence.CONFIRMED or bool(getattr(obj, "review_note", ""))


class UnitSuccessionOutInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "kind", "partial", "effective_date", "legal_basis", "confidence", "note"]
    verbose_name = "đơn vị kế thừa"
    verbose_name_plural = "đơn vị kế thừa (đơn vị này chuyển thành)"


class UnitSuccessionInInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    fields = ["predecessor", "kind", "partial", "effective_date", "legal_basis", "confidence", "note"]
    verbose_name = "đơn vị trước"
    verbose_name_plural = "đơn vị trước (hình thành từ)"


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(HistoryAdmin):
    list_display = ["name", "code", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "valid_to"]
    search_fields = ["name", "code", "search_key"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["search_key"]
    inlines = [UnitSuccessionInInline, UnitSuccessionOutInline]
    date_hierarchy = "valid_from"


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(HistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "partial", "effective_date", "confidence", needs_review]
    list_filter = [NeedsReviewFilter, "kind", "confidence", "effective_date"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis", "note"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


class AgencySuccessionOutInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "kind", "partial", "functions", "effective_date", "legal_basis", "confidence", "note"]
    verbose_name = "cơ quan kế thừa"
    verbose_name_plural = "cơ quan kế thừa (chức năng chuyển sang)"


class AgencySuccessionInInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    fields = ["predecessor", "kind", "partial", "functions", "effective_date", "legal_basis", "confidence", "note"]
    verbose_name = "cơ quan trước"
    verbose_name_plural = "cơ quan trước (hình thành từ)"


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    fields = ["name", "valid_from", "valid_to", "legal_basis", "confidence", "review_note", "source"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["full_name", "position", "head_position", "valid_from", "valid_to", "note"]


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ["name", "code", "kind", "level", "unit", "valid_from", "valid_to", "confidence", needs_review]
    list_filter = [NeedsReviewFilter, "level", "kind", "confidence", "valid_to"]
    search_fields = ["name", "short_name", "code", "search_key"]
    autocomplete_fields = ["unit", "parent"]
    list_select_related = ["unit"]
    readonly_fields = ["search_key"]
    inlines = [AgencyNameInline, SignatoryInline, AgencySuccessionInInline, AgencySuccessionOutInline]
    fieldsets = [
        (
            None,
            {"fields": ["code", "name", "short_name", "aliases", "document_symbol", "kind", "level", "unit", "parent"]},
        ),
        ("Hiệu lực", {"fields": ["valid_from", "valid_to", "legal_basis", "source"]}),
        ("Rà soát", {"fields": ["confidence", "review_note", "search_key"]}),
    ]


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(HistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "partial", "effective_date", "confidence", needs_review]
    list_filter = [NeedsReviewFilter, "kind", "partial", "confidence", "effective_date"]
    search_fields = ["predecessor__name", "successor__name", "functions", "legal_basis", "note"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(AgencyGroup)
class AgencyGroupAdmin(HistoryAdmin):
    list_display = ["name", "code", "kinds", "levels", "scope_unit_code"]
    search_fields = ["name", "code", "search_key"]
    readonly_fields = ["search_key"]


@admin.register(AgencyName)
class AgencyNameAdmin(HistoryAdmin):
    """Names by period (also edited inline on the agency)."""

    list_display = ["name", "agency", "valid_from", "valid_to", "confidence", needs_review]
    list_filter = [NeedsReviewFilter, "confidence"]
    search_fields = ["name", "agency__name", "legal_basis"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]


@admin.register(AgencyIdentifier)
class AgencyIdentifierAdmin(HistoryAdmin):
    """Electronic identifiers by period (QĐ 20/2020/QĐ-TTg); a file of them: ``cchc org identifiers import``.

    The model's validator refuses an identifier not of the QCVN 102:2016 shape; the periods of one
    agency must not overlap (checked by the import; here the unique start and the order of the dates)."""

    list_display = ["identifier", "agency", "valid_from", "valid_to", "decision"]
    search_fields = ["identifier", "agency__name", "agency__code", "decision"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(identifiers_flush)  # the dossier code's in-memory copy (cchc.org.identifiers)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(identifiers_flush)


@admin.register(Signatory)
class SignatoryAdmin(HistoryAdmin):
    """Who signs an agency's letters (also edited inline on the agency; NĐ 30/2020 Điều 8)."""

    list_display = ["full_name", "position", "head_position", "agency", "valid_from", "valid_to"]
    search_fields = ["full_name", "position", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]


@admin.register(DocumentRegisterEntry)
class DocumentRegisterEntryAdmin(admin.ModelAdmin):
    """The register of outgoing documents is written by the services only (read-only here)."""

    list_display = ["__str__", "agency", "year", "issued_on", "subject", "signer_name"]
    list_filter = ["year"]
    search_fields = ["subject", "symbol", "signer_name", "reference", "agency__name"]
    list_select_related = ["agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

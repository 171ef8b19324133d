from django.contrib import admin

from cchc.publicapi.models import PartnerClient


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ["organisation", "application", "scopes", "created_at", "revoked_at"]
    readonly_fields = ["application", "created_at"]
    search_fields = ["organisation", "application__client_id"]

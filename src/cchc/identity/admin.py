from django.contrib import admin

from cchc.identity.models import Citizen, SignInAttempt


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ["full_name", "id_number", "kind", "level", "tax_code", "last_signed_in_at"]
    list_filter = ["kind", "level"]
    search_fields = ["id_number", "tax_code", "full_name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "outcome", "citizen", "ip_address"]
    list_filter = ["outcome"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

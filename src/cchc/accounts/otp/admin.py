from typing import Any

from django.contrib import admin

from cchc.accounts.otp.models import RecoveryCodeDevice


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """An administrator can see how many codes are left and delete a set (the user makes a new one after
    the next verification); the codes themselves are never shown (only their hashes are stored)."""

    list_display = ("user", "name", "remaining_codes")
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed")
    readonly_fields = ("user",)

    @admin.display(description="mã chưa dùng")
    def remaining_codes(self, obj: RecoveryCodeDevice) -> int:
        return obj.remaining()

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

from django.contrib import admin
from oauth2_provider import models as oauth

from cchc.publicapi.models import PartnerClient

# The platform issues client-credentials tokens only: no authorization grants, ID tokens, refresh tokens or
# device codes exist, so their (English) admin pages are not shown. Applications and access tokens stay.
for model_name in ("Grant", "IDToken", "RefreshToken", "DeviceGrant"):
    model = getattr(oauth, model_name, None)
    if model is not None and admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ["organisation", "application", "scopes", "created_at", "revoked_at"]
    readonly_fields = ["application", "created_at"]
    search_fields = ["organisation", "application__client_id"]

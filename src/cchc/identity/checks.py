"""System check: outside development, the relying party must not point at the development provider."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

DEV_SECRET = "cchc-mo-phong-bi-mat"  # noqa: S105 - the development provider's published client secret


@register()
def identity_provider_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    issuer = urlsplit(str(getattr(settings, "OIDC_OP_ISSUER", "")))
    if settings.OIDC_RP_CLIENT_SECRET == DEV_SECRET or issuer.scheme != "https":
        return [
            Warning(
                "Đăng nhập định danh điện tử đang trỏ tới hệ thống mô phỏng (hoặc không dùng HTTPS).",
                hint="Đặt CCHC_OIDC_ISSUER (https), CCHC_OIDC_CLIENT_ID, CCHC_OIDC_CLIENT_SECRET: docs/identity.md.",
                id="cchc.identity.W001",
            )
        ]
    return []

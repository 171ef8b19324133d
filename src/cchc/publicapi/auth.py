"""Who calls the public API: a partner system with an OAuth2 access token (client-credentials grant,
RFC 6749 §4.4; bearer token, RFC 6750), and what its token lets it read (the scopes).

Every refusal is a :class:`~cchc.publicapi.constants.PublicApiError` (the one error base): 401 with
``WWW-Authenticate: Bearer`` for a missing, unknown, expired or revoked token, 403 for a token without
the scope the operation needs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cchc.publicapi.constants import PublicApiError, PublicApiErrorCode, Scope


class PartnerTokenAuthentication(OAuth2Authentication):
    """django-oauth-toolkit's bearer-token check; a partner's token belongs to no user (the
    client-credentials grant), so the request's user is the anonymous user, never ``None``."""

    www_authenticate_realm = "cchc-public-api"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        _, token = found
        return AnonymousUser(), token


def _bearer_sent(request: Request) -> bool:
    return str(request.META.get("HTTP_AUTHORIZATION", "")).strip().lower().startswith("bearer")


class HasScope(BasePermission):
    """The view's ``required_scope`` is among the token's scopes (and the token is valid)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token: Any = request.auth
        if token is None:
            if _bearer_sent(request):
                raise PublicApiError(
                    PublicApiErrorCode.TOKEN_INVALID,
                    "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi. Vui lòng lấy mã truy cập mới.",
                )
            raise PublicApiError(
                PublicApiErrorCode.TOKEN_MISSING,
                "Thiếu mã truy cập. Gửi tiêu đề «Authorization: Bearer <mã truy cập>» lấy từ "
                "/api/public/v1/oauth/token/.",
            )
        scope: Scope = view.required_scope
        from cchc.publicapi.selectors import partner_granted

        # the scope was granted when the token was issued, and is still granted (a revoked scope or client
        # stops working at once, not when the token expires); the partner record came joined with the token
        # (cchc.publicapi.validator.PartnerValidator)
        partner = getattr(token.application, "partner", None)
        if not token.allow_scopes([str(scope)]) or str(scope) not in partner_granted(partner):
            raise PublicApiError(
                PublicApiErrorCode.INSUFFICIENT_SCOPE,
                f"Mã truy cập không có phạm vi «{scope}» ({scope.label.lower()}) mà thao tác này cần.",
            )
        return True

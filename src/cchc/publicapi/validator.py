"""django-oauth-toolkit's request validator for the partners' tokens (``OAUTH2_VALIDATOR_CLASS``)."""

from __future__ import annotations

import hashlib
from typing import Any

from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator


class PartnerValidator(OAuth2Validator):
    """A token always carries at least one scope: a client granted none (an application that is not a
    partner's) is refused ``invalid_scope`` instead of getting a token good for nothing. A bearer token is
    read with its application's partner record joined (the scope check needs it: one query per request)."""

    def _load_access_token(self, token: str) -> Any:
        return (
            AccessToken.objects.select_related("application__partner", "user")
            .filter(token_checksum=hashlib.sha256(token.encode("utf-8")).hexdigest())
            .first()
        )

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return bool(scopes) and bool(super().validate_scopes(client_id, scopes, client, request, *args, **kwargs))

"""django-oauth-toolkit's scopes backend (``OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]``): a partner client
may ask only for the scopes it was granted; asking for none gives all of them."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from cchc.publicapi.constants import SCOPE_LABELS


class PartnerScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {str(scope): label for scope, label in SCOPE_LABELS.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        from cchc.publicapi.selectors import partner_scopes

        return partner_scopes(application=application) if application is not None else []

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request)

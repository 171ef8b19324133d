"""The lockout check of django-axes as the first authentication backend (issue 12 item 3)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """axes' check, for the logins that come with a request (the login pages, the admin, the API): every
    web login does. A call without a request (``Client.login`` in tests, a shell) is no web login and
    cannot be counted per address; axes' own backend refuses it with an exception, this one lets the
    next backends decide."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

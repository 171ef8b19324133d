"""``request.citizen``: the citizen account signed in through the identity provider in this session, or
None. Independent of ``request.user`` (the staff login)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cchc.identity.constants import SESSION_KEY
from cchc.identity.models import Citizen


def current_citizen(request: HttpRequest) -> Citizen | None:
    pk = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(pk, int):
        return None
    return Citizen.objects.filter(pk=pk).first()


class CitizenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.citizen = current_citizen(request)  # type: ignore[attr-defined]
        return self.get_response(request)

"""Request ids: one id per HTTP request, taken from ``X-Request-ID`` or made up, echoed back.

The id is kept in a context variable for the duration of the request, so ``audit_record`` (and
logs) can tie every write to the request that caused it without passing the request around.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
# A client-supplied id is kept only when it is short and plain; anything else gets a fresh uuid4,
# so a header cannot smuggle line breaks or markup into logs and the audit trail.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request_id: ContextVar[str] = ContextVar("cchc_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served, or ``""`` outside a request (commands, jobs)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Reads ``X-Request-ID`` (or makes a uuid4), exposes it as ``request.request_id`` and
    ``current_request_id()``, and returns it in the response's ``X-Request-ID`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        supplied = request.headers.get(HEADER, "")
        request_id = supplied if _VALID.match(supplied) else str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response

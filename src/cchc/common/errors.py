"""One error base for every refusal a person or an API client can meet.

A refusal (a wrong state, a missing role, bad input) is a :class:`DomainError`: a stable ``code`` that
reaches clients, a Vietnamese ``message``, and the HTTP status it answers with. Each app declares its
codes once (a ``StrEnum`` in its ``constants.py``) and, next to them, the status of every code in its
error class's ``statuses``; a caller may override the status for one raise (``http_status=``) when the
same refusal means something else where it is raised (an agency named in the page's own address that
does not exist is 404; named in a filter it is 400).

The statuses, by HTTP semantics: 400 malformed or invalid input, 403 not permitted, 404 not found,
409 the current state refuses it, 413 an upload too large, 415 an upload of a type not accepted,
429 too many attempts; 502 a partner system (a national system) failed or answered outside its
protocol, 503 it is not configured.

Two handlers render them, and no view keeps its own code -> status table:

- the API: :func:`cchc.common.api.exception_handler` (DRF's ``EXCEPTION_HANDLER``) answers with the
  envelope ``{"code", "message"}`` and ``exc.http_status``;
- pages: a view that shows the refusal next to its form renders with ``status=exc.http_status``;
  a refusal no view catches reaches :class:`DomainErrorMiddleware`, which renders
  ``common/refusal.html`` with the message and the code (never a 500); so does a file store that does not
  answer (``cchc.common.uploads.StorageError``, 503).

Exceptions that are not refusals stay plain exceptions (an attempt to rewrite the audit trail, data
shipped inconsistent, a database the simulator cannot use): they are defects or set-up faults, and
their docstrings say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

Code = TypeVar("Code", bound=str)
logger = logging.getLogger(__name__)


class DomainError(Exception, Generic[Code]):
    """A refused operation: a stable ``code``, a Vietnamese ``message``, its ``http_status``; nothing
    was changed.

    Subclasses set ``codes`` (the enum of the codes they raise), ``statuses`` (the status of each
    of them: every member, checked by ``common/tests/test_errors.py``) and, for codes outside the
    enum, ``default_status``. ``code`` is typed by the subclass (``DomainError[DossierErrorCode]``).
    """

    codes: ClassVar[type[Enum] | None] = None
    statuses: ClassVar[Mapping[str, int]] = {}
    default_status: ClassVar[int] = 400

    def __init__(self, code: Code, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = self.status_for(code) if http_status is None else http_status

    @classmethod
    def status_for(cls, code: str) -> int:
        """The HTTP status of ``code`` as this class declares it."""
        return cls.statuses.get(code, cls.default_status)

    def __str__(self) -> str:
        return self.message


class DomainErrorMiddleware:
    """The pages' one handler: a :class:`DomainError` no view caught is a page with its message and
    code and ``exc.http_status``, not a server error. Views that re-show a form catch the refusal
    themselves (to keep what was typed) and render with ``exc.http_status``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return refusal_response(request, exception)
        from cchc.common.uploads import storage_failure

        unavailable = storage_failure(exception)
        if unavailable is None:
            return None
        logger.error("file storage unavailable: %s", exception, exc_info=exception)
        return refusal_response(request, unavailable)


def refusal_response(request: HttpRequest, error: DomainError[Any], **context: Any) -> HttpResponse:
    """The page of a refusal: ``common/refusal.html`` with the message, the code and the status."""
    return render(
        request,
        "common/refusal.html",
        {"message": error.message, "code": str(error.code), "status": error.http_status, **context},
        status=error.http_status,
    )

"""API error envelope: every error carries a stable ``code`` and a Vietnamese ``message``.

The one API handler of refusals: a :class:`cchc.common.errors.DomainError` raised anywhere under an
API view answers ``{"code", "message"}`` with the status its class declares for the code
(``exc.http_status``); no API view maps codes to statuses itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser as BaseJSONParser
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from cchc.common.errors import DomainError
from cchc.common.numbers import vi_number

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from cchc.common.uploads import storage_failure

    unavailable = storage_failure(exc)
    if unavailable is not None:
        logger.error("file storage unavailable: %s", exc, exc_info=exc)
        exc = unavailable
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"code": str(exc.code), "message": exc.message}, status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    if detail is not None:
        code = getattr(detail, "code", code)
        response.data = {"code": str(code), "message": str(detail)}
    else:
        response.data = {"code": "invalid", "message": "Dữ liệu không hợp lệ.", "errors": response.data}
    return response


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "Dữ liệu gửi lên quá lớn."


class JSONParser(BaseJSONParser):
    """DRF's JSON parser with the limits a form has: at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes are
    read (Django applies the limit to ``request.body`` and forms; DRF reads the stream and would read
    a 30 MB body whole), and a body nested too deeply for the decoder is a 400, not a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = context.get("request")
        meta = getattr(request, "META", {})
        declared = meta.get("CONTENT_LENGTH") or "0"
        too_large = RequestTooLarge(f"Dữ liệu gửi lên quá lớn (tối đa {vi_number(limit)} byte).")
        if limit is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise too_large
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise too_large
        try:
            text = raw.decode(context.get("encoding", settings.DEFAULT_CHARSET))
            return json.loads(text, parse_constant=strict_constant)
        except (ValueError, RecursionError):
            raise ParseError("Nội dung JSON không hợp lệ.", code="parse_error") from None

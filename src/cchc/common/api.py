"""API error envelope: every error carries a stable ``code`` and a Vietnamese ``message``."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
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

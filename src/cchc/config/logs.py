"""Structured logs (issue 17 item 1): one JSON object per line, with the request id.

``LOG_FORMAT=json`` (the production default) selects :class:`JsonFormatter` for every log record of the
application, Django and gunicorn's error log; gunicorn's access log is JSON too (``cchc.config.gunicorn``).
Each line carries ``request_id``: the id of the request being served (``cchc.audit.middleware``, taken
from ``X-Request-ID`` or made up and echoed back), the same id the audit events record, so a log line, the
response a user reports and the audit trail meet on one value. Outside a request (commands, workers) the
field is empty.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# the attributes every LogRecord has; anything else a caller passed with extra= is copied into the line
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's id, or ``""``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from cchc.audit.middleware import current_request_id

        if not getattr(record, "request_id", ""):
            # django.request logs a response after the middleware let the id go: take it from the request
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", …extra, "exception"}`` on one line, UTF-8
    (Vietnamese as written, not escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

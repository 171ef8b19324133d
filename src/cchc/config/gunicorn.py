"""gunicorn's configuration (issue 17 item 1; ``gunicorn -c python:cchc.config.gunicorn cchc.config.wsgi``).

Every value comes from the environment, with defaults sized for this project's reference machine (2 cores):

- ``GUNICORN_BIND`` (``127.0.0.1:8000``): behind nginx on the same machine; ``0.0.0.0:8000`` behind a
  load balancer on another one.
- ``WEB_CONCURRENCY`` (2 × cores + 1): worker processes. ``GUNICORN_THREADS`` (1): threads per worker
  (``gthread`` when > 1). The platform's views are database-bound and short; processes use both cores.
- ``GUNICORN_TIMEOUT`` (60 s): a worker silent longer is killed and replaced (PDF exports are the longest
  requests). ``GUNICORN_MAX_REQUESTS`` (2000, with jitter): workers are recycled, bounding memory growth.
- ``GUNICORN_ACCESS_LOG`` (``-``: standard output; empty: none): one JSON object per request with the
  request id the application echoes in ``X-Request-ID`` (``cchc.config.logs``).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "cchc-web"
# gunicorn 27's control socket (one path per user: two instances on a machine would share it) is not used:
# workers are managed by signals (HUP reloads, TERM stops) from systemd or cchc serve
control_socket_disable = True
logger_class = "cchc.config.gunicorn.JsonAccessLogger"

# the access log's fields and the gunicorn atom each is taken from (JsonAccessLogger)
ACCESS_FIELDS = {
    "request_id": "{x-request-id}o",
    "remote": "h",
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "user_agent": "a",
}


def _logger_base() -> type:
    from gunicorn.glogging import Logger

    return Logger


class JsonAccessLogger(_logger_base()):  # type: ignore[misc]
    """gunicorn's logger, with each access line a JSON object (quotes in a user agent or a path escaped
    properly, which gunicorn's printf-style format cannot do)."""

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        line: dict[str, object] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
        }
        for field, atom in ACCESS_FIELDS.items():
            line[field] = atoms[atom]
        for field in ("status", "bytes", "duration_ms"):
            try:
                line[field] = int(str(line[field]))
            except ValueError:
                pass
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # gunicorn's own rule: a log line never fails a request
            self.exception("access log")


# the application is imported once in the arbiter and the workers forked from it: they share its memory
# (the URLconf and models frozen out of the collector by cchc.config.startup), and a broken deployment
# fails at start, not in each worker
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# gunicorn's own messages (start, workers, errors) as JSON lines too; the access lines are JSON already
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cchc.config.logs.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "console": {"class": "logging.StreamHandler", "formatter": "raw", "stream": "ext://sys.stdout"},
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

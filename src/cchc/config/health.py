"""Health and readiness endpoints for load balancers and process managers (issue 17 item 1).

- ``/healthz`` (liveness): the process answers; touches nothing else, so a slow database never makes a
  supervisor restart healthy web workers.
- ``/readyz`` (readiness): the database answers ``SELECT 1``, the cache stores and returns a value, and the
  file storage is reachable (read-only: ``exists`` of a probe name, plus write permission on a local
  directory). Any failure → HTTP 503, so a load balancer stops sending traffic to this machine. The
  body also reports the background work's lag — the age of the oldest outbox event not yet fanned out
  (the dispatcher) and of the oldest background task due to run (``cchc db_worker``) — with
  ``"lagging": true`` past ``CCHC_READY_MAX_LAG_S`` seconds (default 300). A lagging worker does not
  make the web tier unready (it can still accept dossiers: the outbox keeps them); it is for monitoring.

Both answer JSON, never a 500, never write to the database (the cache check writes one short-lived key,
which is what a cache check is), need no session and are exempt from the HTTPS redirect's host checks
only in the sense that they are plain GETs: deploy them behind the same proxy as the site.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _timed(check: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        extra = check() or {}
        result: dict[str, Any] = {"ok": True, **extra}
    except Exception as exc:  # a readiness probe reports every failure; it never raises
        logger.warning("readiness check failed: %s", exc)
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> dict[str, Any]:
    key, value = f"cchc:readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)
    return {"backend": type(cache).__name__}


def _storage() -> dict[str, Any]:
    default_storage.exists("readyz-probe")  # a read: reaches the bucket or the directory
    if isinstance(default_storage, FileSystemStorage):
        # the directory is made on the first save: before that, the nearest existing parent must be writable
        location = existing = os.path.abspath(default_storage.location)
        while not os.path.exists(existing) and os.path.dirname(existing) != existing:
            existing = os.path.dirname(existing)
        if not (os.path.isdir(existing) and os.access(existing, os.W_OK)):
            raise RuntimeError(f"the upload directory {location} is not writable")
    return {"backend": type(default_storage).__name__}


def _lag() -> dict[str, Any]:
    """Seconds since the oldest outbox event waiting for fan-out, and since the oldest task due to run."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cchc.outbox.models import OutboxEvent

    now = timezone.now()
    oldest_event = OutboxEvent.objects.filter(fanned_out=False).aggregate(at=Min("created_at"))["at"]
    oldest_task = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .exclude(run_after__gt=now)
        .aggregate(at=Min("enqueued_at"))["at"]
    )
    outbox_s = round((now - oldest_event).total_seconds(), 1) if oldest_event else 0.0
    tasks_s = round((now - oldest_task).total_seconds(), 1) if oldest_task else 0.0
    limit = float(getattr(settings, "CCHC_READY_MAX_LAG_S", 300))
    return {"outbox_s": outbox_s, "tasks_s": tasks_s, "limit_s": limit, "lagging": max(outbox_s, tasks_s) > limit}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database), "cache": _timed(_cache), "storage": _timed(_storage)}
    ready = all(check["ok"] for check in checks.values())
    checks["worker"] = _timed(_lag) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    body = {"status": "ready" if ready else "unready", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)

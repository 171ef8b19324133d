"""A subscriber for the kill -9 test (imported by the dispatcher subprocess before the command runs):
slow (``CCHC_TEST_OUTBOX_SLEEP`` seconds per event), idempotent by its key, writing through its own autocommit
connection so that what it did survives the dispatcher.

``outbox_test_calls``: every call (a redelivery shows as a second row); ``outbox_test_keys`` (unique):
the effect, applied once per key; ``outbox_test_dupes``: calls that found their key already applied.
"""

from __future__ import annotations

import os
import time
from typing import Any

from cchc.outbox.registry import register

_conn: Any = None


def _db() -> Any:
    global _conn
    if _conn is None:
        import psycopg

        _conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _conn


@register("kill-test", topics={"test.kill"})
def record(event: Any) -> None:
    key = event.idempotency_key
    db = _db()
    db.execute("INSERT INTO outbox_test_calls (key) VALUES (%s)", [key])
    time.sleep(float(os.environ.get("CCHC_TEST_OUTBOX_SLEEP", "0.05")))
    # idempotency: the effect is applied once per key; a redelivery finds it and does nothing
    applied = db.execute(
        "INSERT INTO outbox_test_keys (key) VALUES (%s) ON CONFLICT (key) DO NOTHING RETURNING key", [key]
    ).fetchone()
    if applied is None:
        db.execute("INSERT INTO outbox_test_dupes (key) VALUES (%s)", [key])

"""Background tasks of the outbox (django-tasks): thin wrappers over the dispatcher."""

from __future__ import annotations

import time

from django.db import transaction
from django_tasks import task

from cchc.outbox.dispatch import DispatchResult, dispatch_once


@task()
def dispatch_outbox(max_seconds: float = 50.0, batch: int | None = None) -> dict[str, int]:
    """Deliver what is ready, for up to ``max_seconds`` (``cchc db_worker`` runs it; the long-running
    ``cchc outbox dispatch`` loop is the usual way, this is for installations that only run task workers,
    e.g. enqueued every minute by a scheduler).

    # idempotency: deliveries are claimed with SKIP LOCKED and marked in the same transaction as the
    # handlers' own writes, so two runs at once share the work and a re-run delivers only what is left.
    """
    total = DispatchResult()
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        result = dispatch_once(batch=batch)
        total.add(result)
        if not result.busy:
            break
    return {"fanned_out": total.fanned_out, "delivered": total.delivered, "failed": total.failed, "dead": total.dead}


def enqueue_outbox_dispatch() -> None:
    """Enqueue ``dispatch_outbox`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: dispatch_outbox.enqueue())

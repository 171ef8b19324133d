"""Writing events to the outbox (the dispatcher is ``cchc.outbox.dispatch``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cchc.outbox.models import OutboxEvent


def outbox_event_new(
    *, topic: str, stream: str, payload: dict[str, Any], occurred_at: datetime, schema_version: int = 1
) -> OutboxEvent:
    """An event to insert in the caller's transaction, with its other writes (not saved here: the
    dossier executor inserts it in its batch; other callers use :func:`outbox_emit`)."""
    return OutboxEvent(
        topic=topic, stream=stream, payload=payload, occurred_at=occurred_at, schema_version=schema_version
    )


def outbox_emit(
    *, topic: str, stream: str, payload: dict[str, Any], occurred_at: datetime, schema_version: int = 1
) -> OutboxEvent:
    """Write one event now, in the caller's transaction (call it inside the transaction of the change)."""
    event = outbox_event_new(
        topic=topic, stream=stream, payload=payload, occurred_at=occurred_at, schema_version=schema_version
    )
    event.save()
    return event

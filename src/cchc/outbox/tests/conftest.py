"""Fixtures of the outbox's tests: a registry of the test's own subscribers only, events to deliver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cchc.outbox import registry
from cchc.outbox.models import OutboxEvent
from cchc.outbox.services import outbox_emit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=VN)


@pytest.fixture(autouse=True)
def isolated_registry() -> Iterator[None]:
    """Only the subscribers a test registers (the apps' own ones would act on the test's events)."""
    saved = dict(registry._subscribers)
    registry._subscribers.clear()
    yield
    registry._subscribers.clear()
    registry._subscribers.update(saved)


def emit(stream: str, topic: str = "test.happened", n: int = 0) -> OutboxEvent:
    return outbox_emit(topic=topic, stream=stream, payload={"n": n}, occurred_at=T0)

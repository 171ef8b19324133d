"""Error codes of the outbox's operations (replay, discard) and its settings with their defaults."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings

from cchc.common.errors import DomainError


class OutboxErrorCode(StrEnum):
    """Stable error codes of refused outbox operations (they reach the admin, the CLI and API clients)."""

    DELIVERY_NOT_FOUND = "outbox.delivery_not_found"
    ALREADY_DELIVERED = "outbox.already_delivered"
    NOT_DEAD = "outbox.not_dead"
    UNKNOWN_SUBSCRIBER = "outbox.unknown_subscriber"
    INVALID_INPUT = "outbox.invalid_input"


class OutboxError(DomainError[OutboxErrorCode]):
    """A refused outbox operation: a stable ``code``, a Vietnamese ``message``; nothing was changed."""

    codes = OutboxErrorCode
    statuses = {
        OutboxErrorCode.DELIVERY_NOT_FOUND: 404,
        OutboxErrorCode.ALREADY_DELIVERED: 409,
        OutboxErrorCode.NOT_DEAD: 409,
        OutboxErrorCode.UNKNOWN_SUBSCRIBER: 400,
        OutboxErrorCode.INVALID_INPUT: 400,
    }


def backoff_base_s() -> float:
    """First retry delay in seconds (``CCHC_OUTBOX_BACKOFF_BASE_S``, default 2)."""
    return float(getattr(settings, "CCHC_OUTBOX_BACKOFF_BASE_S", 2.0))


def backoff_cap_s() -> float:
    """Longest retry delay in seconds (``CCHC_OUTBOX_BACKOFF_CAP_S``, default 3600)."""
    return float(getattr(settings, "CCHC_OUTBOX_BACKOFF_CAP_S", 3600.0))


def max_attempts() -> int:
    """Attempts before a delivery is dead (``CCHC_OUTBOX_MAX_ATTEMPTS``, default 8)."""
    return int(getattr(settings, "CCHC_OUTBOX_MAX_ATTEMPTS", 8))


def handler_timeout_s() -> float:
    """Time limit of one handler call in seconds (``CCHC_OUTBOX_HANDLER_TIMEOUT_S``, default 30)."""
    return float(getattr(settings, "CCHC_OUTBOX_HANDLER_TIMEOUT_S", 30.0))


def batch_size() -> int:
    """Deliveries claimed per batch and subscriber (``CCHC_OUTBOX_BATCH``, default 500)."""
    return int(getattr(settings, "CCHC_OUTBOX_BATCH", 500))


def idle_sleep_s() -> float:
    """Pause of the dispatch loop when nothing is ready (``CCHC_OUTBOX_IDLE_SLEEP_S``, default 1)."""
    return float(getattr(settings, "CCHC_OUTBOX_IDLE_SLEEP_S", 1.0))


LAST_ERROR_MAX = 2000  # characters of a handler's error kept on the delivery

"""Reads of the outbox: where the deliveries stand (``cchc outbox status``, the admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, Sum

from cchc.outbox import registry
from cchc.outbox.models import Delivery, DeliveryStatus, DispatchMinute, OutboxEvent


@dataclass(frozen=True)
class SubscriberStatus:
    name: str
    registered: bool
    topics: frozenset[str] | None
    pending: int  # waiting, including retries
    retrying: int  # pending after at least one failed attempt
    dead: int
    oldest_undelivered_s: float | None  # age of the oldest pending or dead delivery's event
    delivered_last_hour: int
    failed_last_hour: int

    @property
    def error_rate(self) -> float | None:
        """Failed attempts over all attempts in the last hour; None without attempts."""
        attempts = self.delivered_last_hour + self.failed_last_hour
        return self.failed_last_hour / attempts if attempts else None


@dataclass(frozen=True)
class OutboxStatus:
    at: datetime
    waiting_events: int  # committed, not fanned out yet
    oldest_waiting_s: float | None
    subscribers: list[SubscriberStatus]


def outbox_status(*, at: datetime) -> OutboxStatus:
    """The backlog per subscriber (registered ones, and any other name that has undelivered deliveries),
    the oldest undelivered event's age, the dead letters and the last hour's error rate. Four queries."""
    waiting = OutboxEvent.objects.filter(fanned_out=False).aggregate(n=Count("id"), oldest=Min("created_at"))
    undelivered = {
        row["subscriber"]: row
        for row in Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD])
        .values("subscriber")
        .annotate(
            pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
            retrying=Count("id", filter=Q(status=DeliveryStatus.PENDING, attempts__gt=0)),
            dead=Count("id", filter=Q(status=DeliveryStatus.DEAD)),
            oldest=Min("event__created_at"),
        )
    }
    hour = {
        row["subscriber"]: row
        for row in DispatchMinute.objects.filter(minute__gte=at - timedelta(hours=1))
        .values("subscriber")
        .annotate(delivered=Sum("delivered"), failed=Sum("failed"))
    }
    names = sorted({s.name for s in registry.subscribers()} | set(undelivered) | set(hour))
    rows = []
    for name in names:
        sub = registry.subscriber(name)
        u = undelivered.get(name, {})
        h = hour.get(name, {})
        oldest = u.get("oldest")
        rows.append(
            SubscriberStatus(
                name=name,
                registered=sub is not None,
                topics=sub.topics if sub else None,
                pending=u.get("pending", 0),
                retrying=u.get("retrying", 0),
                dead=u.get("dead", 0),
                oldest_undelivered_s=max(0.0, (at - oldest).total_seconds()) if oldest else None,
                delivered_last_hour=h.get("delivered") or 0,
                failed_last_hour=h.get("failed") or 0,
            )
        )
    oldest_waiting = waiting["oldest"]
    return OutboxStatus(
        at=at,
        waiting_events=waiting["n"],
        oldest_waiting_s=max(0.0, (at - oldest_waiting).total_seconds()) if oldest_waiting else None,
        subscribers=rows,
    )

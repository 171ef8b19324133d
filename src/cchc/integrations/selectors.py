"""Reads of the connections: where each partner stands (the monitoring page, ``cchc integrations
status``). Reads never write.

Per partner (:class:`~cchc.integrations.constants.Partner`): the backlog of its outbox subscribers
(pending deliveries, those retrying, dead letters, the oldest undelivered event's age), the error rate
of its calls over the last hour and the last 24 hours (``Attempt`` rows: outcome other than "ok" over
all), its dead letters and its latest calls with their errors. A partner fed by no subscriber (the
national procedure database: the platform pulls from it on command) has no backlog, only calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from cchc.integrations.constants import Outcome, Partner
from cchc.integrations.models import Attempt
from cchc.outbox.models import Delivery, DeliveryStatus

# The outbox subscribers of each partner (each partner's adapter registers its own under these names).
SUBSCRIBERS: dict[Partner, tuple[str, ...]] = {
    Partner.DVCQG: ("integrations.dvcqg",),
    Partner.CSDL_TTHC: (),
    Partner.PAKN: ("integrations.pakn",),
}
DEAD_LETTERS_SHOWN = 20
ATTEMPTS_SHOWN = 10


def partner_of_subscriber(name: str) -> Partner | None:
    for partner, names in SUBSCRIBERS.items():
        if name in names:
            return partner
    return None


def integration_subscribers(partner: Partner | None = None) -> tuple[str, ...]:
    """The subscriber names of ``partner`` (every partner's when ``None``)."""
    partners = [partner] if partner is not None else list(Partner)
    return tuple(name for p in partners for name in SUBSCRIBERS[p])


@dataclass(frozen=True)
class PartnerStatus:
    partner: Partner
    subscribers: tuple[str, ...]
    pending: int
    retrying: int
    dead: int
    oldest_undelivered_s: float | None
    calls_hour: int
    failed_hour: int
    calls_day: int
    failed_day: int
    dead_letters: list[Delivery]
    attempts: list[Attempt]

    @property
    def label(self) -> str:
        return str(self.partner.label)

    @property
    def has_outbox(self) -> bool:
        return bool(self.subscribers)

    @property
    def error_rate_hour(self) -> float | None:
        return self.failed_hour / self.calls_hour if self.calls_hour else None

    @property
    def error_rate_day(self) -> float | None:
        return self.failed_day / self.calls_day if self.calls_day else None


@dataclass(frozen=True)
class IntegrationsStatus:
    at: datetime
    partners: list[PartnerStatus]


def integrations_status(*, at: datetime) -> IntegrationsStatus:
    """Every partner's status at ``at`` (see the module doc). A fixed number of queries whatever the
    volume: the backlog (1), the call counts (1), the dead letters (1), the latest calls (1 per partner)."""
    names = integration_subscribers()
    backlog = {
        row["subscriber"]: row
        for row in Delivery.objects.filter(
            subscriber__in=names, status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD]
        )
        .values("subscriber")
        .annotate(
            pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
            retrying=Count("id", filter=Q(status=DeliveryStatus.PENDING, attempts__gt=0)),
            dead=Count("id", filter=Q(status=DeliveryStatus.DEAD)),
            oldest=Min("event__created_at"),
        )
        .order_by()
    }
    hour, day = at - timedelta(hours=1), at - timedelta(hours=24)
    failed = ~Q(outcome=Outcome.OK)
    calls = {
        row["partner"]: row
        for row in Attempt.objects.filter(started_at__gte=day, started_at__lte=at)
        .values("partner")
        .annotate(
            calls_day=Count("id"),
            failed_day=Count("id", filter=failed),
            calls_hour=Count("id", filter=Q(started_at__gte=hour)),
            failed_hour=Count("id", filter=failed & Q(started_at__gte=hour)),
        )
        .order_by()
    }
    dead_by: dict[str, list[Delivery]] = {}
    for delivery in (
        Delivery.objects.filter(subscriber__in=names, status=DeliveryStatus.DEAD)
        .select_related("event")
        .order_by("event_id")[: DEAD_LETTERS_SHOWN * max(1, len(names))]
    ):
        dead_by.setdefault(delivery.subscriber, []).append(delivery)
    partners = []
    for partner in Partner:
        subs = SUBSCRIBERS[partner]
        rows = [backlog[name] for name in subs if name in backlog]
        oldest = min((r["oldest"] for r in rows if r["oldest"] is not None), default=None)
        latest = list(
            Attempt.objects.filter(partner=partner, started_at__lte=at)
            .defer("request_body", "response_body")
            .order_by("-started_at", "-id")[:ATTEMPTS_SHOWN]
        )
        c = calls.get(partner.value, {})
        partners.append(
            PartnerStatus(
                partner=partner,
                subscribers=subs,
                pending=sum(r["pending"] for r in rows),
                retrying=sum(r["retrying"] for r in rows),
                dead=sum(r["dead"] for r in rows),
                oldest_undelivered_s=max(0.0, (at - oldest).total_seconds()) if oldest else None,
                calls_hour=c.get("calls_hour", 0),
                failed_hour=c.get("failed_hour", 0),
                calls_day=c.get("calls_day", 0),
                failed_day=c.get("failed_day", 0),
                dead_letters=[d for name in subs for d in dead_by.get(name, [])][:DEAD_LETTERS_SHOWN],
                attempts=latest,
            )
        )
    return IntegrationsStatus(at=at, partners=partners)

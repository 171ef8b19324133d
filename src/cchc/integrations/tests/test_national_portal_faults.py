"""The dossier sync's fault test at small scale (issue 14, "Speed and faults"): 300 transitions of 50
dossiers, interleaved, with the dispatcher running between them, while the simulator answers HTTP 500 to
10 % of the calls in the first and last thirds and is down for the middle third; once it recovers every
event is stored by the portal exactly once, in order per dossier, none lost, and the reconciliation
reports 0 differences. (The kill -9 of the dispatcher and the 10,000-transition run are the benchmark's.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from cchc.dossiers import services as s
from cchc.dossiers.constants import PaymentChannel
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests import conftest as dossier_fixtures
from cchc.dossiers.tests.conftest import AT, World, receive
from cchc.integrations.national_portal.payload import SUBSCRIBER, SYNCED_TOPIC
from cchc.integrations.national_portal.reconciliation import dossiers_reconcile
from cchc.integrations.national_portal.subscriber import subscriber_register
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.outbox.dispatch import dispatch_once, outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.registry import unregister

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fault test runs on PostgreSQL (SKIP LOCKED)"),
]

world_module = dossier_fixtures.world_module
world = dossier_fixtures.world

DOSSIERS = 50
Step = Callable[[World, Dossier, datetime], Any]

LIFECYCLE: list[Step] = [
    lambda w, d, at: s.dossier_complete_step(dossier=d, actor=w.reception, at=at, receiver=w.specialist),
    lambda w, d, at: s.dossier_complete_step(dossier=d, actor=w.specialist, at=at, receiver=w.leader),
    lambda w, d, at: s.dossier_mark_processed(dossier=d, actor=w.leader, at=at, receiver=w.reception),
    lambda w, d, at: s.dossier_record_payment(
        dossier=d,
        actor=w.reception,
        at=at,
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-0001",
    ),
    lambda w, d, at: s.dossier_return_result(dossier=d, actor=w.reception, at=at),
]


@pytest.fixture
def portal(national_simulator: NationalSimulator, settings: Any) -> Iterator[NationalSimulator]:
    # the test drains with the clock moved on; the subscriber's own limit (CCHC_NATIONAL_MAX_ATTEMPTS)
    # is raised so that the drain loop, not the limit, decides when the outage ends
    settings.CCHC_NATIONAL_MAX_ATTEMPTS = 40
    subscriber_register()
    try:
        yield national_simulator
    finally:
        unregister(SUBSCRIBER)


def test_an_outage_and_5xx_during_300_transitions_lose_nothing_and_duplicate_nothing(
    world: World, portal: NationalSimulator
) -> None:
    clock = AT
    transitions = 0
    dossier_ids: list[int] = []

    def tick() -> datetime:
        nonlocal clock, transitions
        transitions += 1
        clock += timedelta(minutes=1)
        if transitions == 1:
            portal.control(mode="error", rate=0.1, seed=14)
        elif transitions == 101:
            portal.control(mode="down")
        elif transitions == 201:
            portal.control(mode="error", rate=0.1, seed=41)
        if transitions % 2 == 0:
            dispatch_once(at=clock, only=[SUBSCRIBER])  # the dispatcher runs beside the transitions
        return clock

    for _ in range(DOSSIERS):  # receptions at the counter
        dossier_ids.append(receive(world, at=tick()).pk)
    for step in LIFECYCLE:  # then each step of every dossier in turn: the streams interleave
        for pk in dossier_ids:
            step(world, Dossier.objects.get(pk=pk), tick())
    assert transitions == 300
    injected = portal.stats()["injected"]
    assert injected.get("error", 0) > 0
    assert injected.get("down", 0) > 0

    portal.heal()
    for _ in range(60):
        outbox_drain(at=clock, only=[SUBSCRIBER])
        if not Delivery.objects.filter(subscriber=SUBSCRIBER, status=DeliveryStatus.PENDING).exists():
            break
        clock += timedelta(minutes=30)
    assert not Delivery.objects.filter(subscriber=SUBSCRIBER).exclude(status=DeliveryStatus.DELIVERED).exists()

    ours: dict[str, list[int]] = defaultdict(list)
    codes = dict(Dossier.objects.filter(pk__in=dossier_ids).values_list("pk", "code"))
    for event_id, stream in (
        OutboxEvent.objects.filter(stream__startswith="dossier:")
        .exclude(topic=SYNCED_TOPIC)  # the adapter's own announcement of a first sync, not sent to the portal
        .order_by("id")
        .values_list("id", "stream")
    ):
        pk = int(stream.split(":")[1])
        if pk in codes:
            ours[codes[pk]].append(event_id)
    stored: dict[str, list[int]] = defaultdict(list)
    for row in portal.data("dossier_events"):  # in the order the portal received them
        stored[row["MaHoSo"]].append(row["SoThuTu"])
    assert sum(len(ids) for ids in ours.values()) == 300
    assert stored == ours  # every event once, in order per dossier, none lost
    assert portal.data("dossier_stats") == {
        "dossiers": DOSSIERS,
        "events": 300,
        "duplicates": 0,
        "out_of_order": 0,
        "rejected": 0,
    }
    assert {row["TrangThaiHoSo"] for row in portal.data("dossiers")} == {10}

    report = dossiers_reconcile(start=AT.date(), end=AT.date(), at=clock)
    assert (report.ours, report.portal) == (DOSSIERS, DOSSIERS)
    assert report.lines()[-1] == "Kết quả: 0 khác biệt."

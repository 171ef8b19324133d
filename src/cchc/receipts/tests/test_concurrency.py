"""Receipt numbers under concurrency (PostgreSQL): many issuers at once on one series take 1..N without a
gap or a duplicate, and an issue rolled back gives its number back. SQLite has no row locks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from cchc.common.tests.concurrency import run_together
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel
from cchc.dossiers.models import Payment
from cchc.dossiers.tests.conftest import AT, build_world, to_status
from cchc.receipts.models import Receipt, ReceiptSeries
from cchc.receipts.services import receipt_issue

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 8


class Rollback(Exception):
    pass


def test_numbers_stay_gapless_when_issuers_race_and_some_roll_back() -> None:
    world = build_world()
    payments: list[Payment] = []
    for index in range(WORKERS):
        dossier = to_status(world, DossierStatus.PROCESSED, at=AT + timedelta(minutes=index))
        payments.append(
            s.dossier_record_payment(
                dossier=dossier,
                actor=world.reception,
                at=AT + timedelta(hours=4, minutes=index),
                amount=Decimal(200000),
                channel=PaymentChannel.COUNTER,
                receipt_number=f"BL-{index}",
            )
        )
    ReceiptSeries.objects.create(agency=world.justice, year=2026, form_symbol="01BLP0-001", symbol="TP-26E")

    def issue(payment: Payment, *, fail: bool) -> int:
        with transaction.atomic():
            receipt, _ = receipt_issue(payment=payment)
            if fail:  # the issuing transaction fails after taking its number (the dispatcher's batch rolls back)
                raise Rollback(receipt.number)
            return receipt.number

    failing = {1, 4, 6}
    results = run_together(
        [lambda p=p, i=i: issue(p, fail=i in failing) for i, p in enumerate(payments)]  # type: ignore[misc]
    )

    issued = sorted(r for r in results if isinstance(r, int))
    assert len(issued) == WORKERS - len(failing), results
    assert all(isinstance(results[i], Rollback) for i in failing), results
    assert issued == list(range(1, WORKERS - len(failing) + 1))  # no gap, no duplicate
    assert ReceiptSeries.objects.get(symbol="TP-26E").last_number == len(issued)

    again = run_together([lambda p=payments[i]: issue(p, fail=False) for i in sorted(failing)])  # type: ignore[misc]
    assert sorted(again) == list(range(len(issued) + 1, WORKERS + 1))
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(range(1, WORKERS + 1))


def test_two_cancellations_at_once_cancel_once() -> None:
    """A refund notified twice at the same moment (a redelivery racing a replay): the receipt row is
    locked, the second waits and finds it cancelled; one event, the first reason kept."""
    from cchc.outbox.models import OutboxEvent
    from cchc.receipts.constants import CANCELLED_TOPIC
    from cchc.receipts.services import receipt_cancel

    world = build_world()
    dossier = to_status(world, DossierStatus.PROCESSED)
    payment = s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=AT + timedelta(hours=3),
        amount=Decimal(200000),
        channel=PaymentChannel.ONLINE_GATEWAY,
        receipt_number="TXN-RACE",
    )
    receipt, _ = receipt_issue(payment=payment)
    at = AT + timedelta(days=1)

    def cancel(reason: str):  # type: ignore[no-untyped-def]
        def call():  # type: ignore[no-untyped-def]
            with transaction.atomic():
                return receipt_cancel(receipt=receipt, reason=reason, at=at)[1]

        return call

    results = run_together([cancel("hoàn tiền A"), cancel("hoàn tiền B")])

    assert sorted(results) == [False, True], results
    receipt.refresh_from_db()
    assert receipt.cancel_reason in {"hoàn tiền A", "hoàn tiền B"}
    assert OutboxEvent.objects.filter(topic=CANCELLED_TOPIC).count() == 1
    assert ReceiptSeries.objects.get().last_number == 1

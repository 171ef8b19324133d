"""Issuing receipts from the outbox: one per payment, numbers from 1 per agency series and year,
idempotent, the ``receipt.issued`` event written with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from cchc.dossiers.codes import VN_TZ
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.outbox.registry import subscriber
from cchc.receipts.constants import ISSUED_TOPIC, ReceiptError, ReceiptErrorCode
from cchc.receipts.models import Receipt, ReceiptSeries
from cchc.receipts.services import ONLINE_COLLECTOR, receipt_handle_event, receipt_issue
from cchc.receipts.tests.conftest import PAID_AT, World, pay

pytestmark = pytest.mark.django_db


def test_the_subscriber_listens_to_payments_only() -> None:
    registered = subscriber("receipts")
    assert registered is not None
    assert registered.handle is receipt_handle_event
    assert registered.wants("dossier.payment_recorded")
    assert not registered.wants("dossier.received")


def test_a_counter_payment_gets_receipt_number_one_of_the_agency_series(world: World) -> None:
    payment = pay(world)
    outbox_drain(only=["receipts"])

    receipt = Receipt.objects.select_related("series").get()
    assert receipt.payment == payment
    assert (receipt.number, receipt.number_text) == (1, "0000001")
    series = receipt.series
    assert (series.agency, series.year, series.form_symbol, series.symbol) == (
        world.justice,
        2026,
        "01BLP0-001",
        "CC-26E",
    )
    assert series.last_number == 1
    assert receipt.agency_name == "Sở Tư pháp"  # its official name on the day paid
    assert (receipt.payer_name, receipt.payer_address) == ("Nguyễn Thị Lan", "Phường Nha Trang, Khánh Hòa")
    assert receipt.fee_names == "Phí cung cấp thông tin lý lịch tư pháp"
    assert receipt.amount == 200000
    assert receipt.collector == world.reception
    assert receipt.collector_name == "tiepnhan"
    assert receipt.issued_at == PAID_AT
    assert len(receipt.code) == 20


def test_each_payment_takes_the_next_number_and_the_event_follows(world: World) -> None:
    first = pay(world)
    second = pay(world, online=True, reference="VNP-42")
    outbox_drain(only=["receipts"])

    numbers = dict(Receipt.objects.values_list("payment_id", "number"))
    assert numbers == {first.pk: 1, second.pk: 2}
    online = Receipt.objects.get(payment=second)
    assert (online.collector, online.collector_name) == (None, ONLINE_COLLECTOR)
    events = OutboxEvent.objects.filter(topic=ISSUED_TOPIC).order_by("pk")
    assert [e.payload["details"]["number"] for e in events] == ["0000001", "0000002"]
    assert events[0].stream == f"receipt:{first.dossier_id}"
    assert events[0].payload["details"]["verify_url"].startswith("https://dichvucong.khanhhoa.example/bien-lai/")


def test_a_second_delivery_issues_nothing_twice(world: World) -> None:
    payment = pay(world)
    outbox_drain(only=["receipts"])
    event = OutboxEvent.objects.get(topic="dossier.payment_recorded")

    receipt_handle_event(event)  # at least once: the event comes again
    receipt, created = receipt_issue(payment=payment)

    assert not created
    assert Receipt.objects.count() == 1
    assert ReceiptSeries.objects.get().last_number == 1
    assert OutboxEvent.objects.filter(topic=ISSUED_TOPIC).count() == 1


def test_a_new_year_starts_a_new_series_at_one(world: World) -> None:
    pay(world)
    pay(world, at=datetime(2027, 1, 4, 9, 0, tzinfo=VN_TZ), reference="BL-2027-1")
    outbox_drain(only=["receipts"])

    assert sorted(Receipt.objects.values_list("series__year", "series__symbol", "number")) == [
        (2026, "CC-26E", 1),
        (2027, "CC-27E", 1),
    ]


def test_an_entered_series_is_used_with_its_tax_code(world: World) -> None:
    ReceiptSeries.objects.create(
        agency=world.justice, year=2026, form_symbol="01BLP0-002", symbol="TP-26E", tax_code="4200123456"
    )
    pay(world)
    outbox_drain(only=["receipts"])
    receipt = Receipt.objects.get()
    assert (receipt.series.symbol, receipt.tax_code) == ("TP-26E", "4200123456")


def test_without_a_series_nothing_is_issued_and_the_delivery_fails(world: World, settings: Any) -> None:
    settings.CCHC_RECEIPTS_AUTO_SERIES = False
    payment = pay(world)
    event = OutboxEvent.objects.get(topic="dossier.payment_recorded")

    with pytest.raises(ReceiptError) as refused:
        receipt_handle_event(event)

    assert refused.value.code == ReceiptErrorCode.NO_SERIES
    assert "chưa có ký hiệu biên lai năm 2026" in refused.value.message
    assert not Receipt.objects.filter(payment=payment).exists()
    assert not OutboxEvent.objects.filter(topic=ISSUED_TOPIC).exists()
    result = outbox_drain(only=["receipts"])
    assert result is not None
    assert not Receipt.objects.exists()  # retried later (backoff), still nothing

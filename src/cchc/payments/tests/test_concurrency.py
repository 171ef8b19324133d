"""Two tabs paying the same fee at once end with one payment (PostgreSQL: row locks and the partial
unique index; SQLite has a single writer and cannot show it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from cchc.common.tests.concurrency import run_together
from cchc.dossiers.models import Payment
from cchc.dossiers.tests.conftest import build_world, receive
from cchc.payments import services
from cchc.payments.constants import OrderStatus, RefundReason
from cchc.payments.models import PaymentOrder, Refund
from cchc.payments.tests.conftest import SUCCESS, browser, start

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]


def _ref(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"]


def test_two_tabs_paying_the_same_fee_at_once_end_with_one_payment(gateway_sim):
    world = build_world()
    dossier = receive(world)
    tabs = [browser(dossier.pk), browser(dossier.pk)]

    # both tabs press the button at the same moment: one order, shared
    urls = run_together([lambda c=c: start(c, dossier.pk) for c in tabs])
    assert all(isinstance(u, str) for u in urls), urls
    assert _ref(urls[0]) == _ref(urls[1])
    assert PaymentOrder.objects.count() == 1

    # both pay at the gateway at once: it takes the reference once
    for url in urls:
        assert gateway_sim.http("GET", url).status == 200
    form = {"txn_ref": _ref(urls[0]), "card": SUCCESS, "action": "pay"}
    pages = run_together([lambda: gateway_sim.http("POST", gateway_sim.base + "/paymentv2/pay", form)] * 2)
    assert sorted(page.status for page in pages) == [302, 400]

    # its IPN arrives twice at once (the gateway's retry racing the first): one confirmation
    (query,) = gateway_sim.ipns()
    answers = run_together([lambda c=c: c.get("/thanh-toan/vnpay/ipn/?" + query).json()["RspCode"] for c in tabs])
    assert sorted(answers) == ["00", "02"]
    assert list(Payment.objects.filter(dossier=dossier).values_list("amount", flat=True)) == [Decimal(200000)]


def test_two_orders_both_paid_at_the_gateway_end_with_one_payment_and_one_refund(gateway_sim):
    world = build_world()
    dossier = receive(world)
    now = timezone.now()
    first = services.order_start(dossier=dossier, client_ip="127.0.0.1", at=now - timedelta(minutes=14))
    PaymentOrder.objects.filter(pk=first.pk).update(status=OrderStatus.EXPIRED)  # closed here, still open there
    second = services.order_start(dossier=dossier, client_ip="127.0.0.1", at=now)
    client = browser(dossier.pk)
    for order in (first, second):
        url = services.order_payment_url(order=order, return_url="http://testserver/thanh-toan/vnpay/ket-qua/")
        assert gateway_sim.http("GET", url).status == 200
        paid = gateway_sim.http(
            "POST", gateway_sim.base + "/paymentv2/pay", {"txn_ref": order.txn_ref, "card": SUCCESS}
        )
        assert paid.status == 302
    queries = gateway_sim.ipns()

    answers = run_together([lambda q=q: client.get("/thanh-toan/vnpay/ipn/?" + q).json()["RspCode"] for q in queries])

    assert answers == ["00", "00"]
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert PaymentOrder.objects.filter(dossier=dossier, status=OrderStatus.PAID).count() == 2
    refund = Refund.objects.get()
    assert refund.reason == RefundReason.NOT_APPLICABLE
    assert refund.order.applied is False

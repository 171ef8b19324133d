"""The shipped simulator speaks the protocol: it refuses what the real gateway refuses, signs its merchant
API answers, and delivers the IPN itself over HTTP to the site (``--ipn-url``, as ``make run`` starts it)."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from cchc.dossiers.models import Payment
from cchc.dossiers.tests.conftest import build_world, receive
from cchc.payments import vnpay_protocol as p
from cchc.payments.gateways import gateway
from cchc.payments.gateways.base import GatewayError, PaymentRequest
from cchc.payments.tests.conftest import SECRET, TMN_CODE, browser, pay


def _url(**changes: Any) -> str:
    at = timezone.now()
    request = PaymentRequest(
        txn_ref="SIM1",
        amount=Decimal(50000),
        order_info="Thu",
        client_ip="127.0.0.1",
        created_at=at,
        expires_at=at + timedelta(minutes=15),
        return_url="http://testserver/ve/",
    )
    url = gateway().payment_url(request)
    if not changes:
        return url
    params = dict(parse_qsl(urlsplit(url).query))
    params.pop("vnp_SecureHash")
    params.update(changes)
    return url.split("?")[0] + "?" + p.signed_query(params, SECRET)


def test_the_payment_page_refuses_what_the_gateway_refuses(gateway_sim):
    good = gateway_sim.http("GET", _url())
    assert good.status == 200
    assert "50.000" in good.body

    forged = gateway_sim.http("GET", _url().replace("vnp_Amount=5000000", "vnp_Amount=500"))
    other_merchant = gateway_sim.http("GET", _url(vnp_TmnCode="KHAC"))
    expired = gateway_sim.http("GET", _url(vnp_ExpireDate="20200101000000"))
    no_amount = gateway_sim.http("GET", _url(vnp_Amount="abc"))

    assert [page.status for page in (forged, other_merchant, expired, no_amount)] == [400] * 4
    assert 'data-code="70"' in forged.body
    assert 'data-code="02"' in other_merchant.body
    assert 'data-code="11"' in expired.body
    assert 'data-code="03"' in no_amount.body


def test_the_merchant_api_checks_signatures_and_signs_its_answers(gateway_sim):
    unknown = gateway().query(txn_ref="KHONGCO", order_info="x", created_at=timezone.now(), at=timezone.now())
    assert (unknown.found, unknown.response_code) == (False, "91")

    forged = {"vnp_Command": "querydr", "vnp_TmnCode": TMN_CODE, "vnp_SecureHash": "00"}
    request = urllib.request.Request(
        gateway_sim.base + "/merchant_webapi/api/transaction", data=json.dumps(forged).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["vnp_ResponseCode"] == "97"


def test_the_gateway_slow_or_down_is_a_retryable_gateway_error(gateway_sim, settings):
    settings.CCHC_PAYMENTS["vnpay"]["timeout_s"] = 0.5
    gateway_sim.control(mode="slow", delay=2, times=1)

    with pytest.raises(GatewayError) as slow:
        gateway().query(txn_ref="X", order_info="x", created_at=timezone.now(), at=timezone.now())

    gateway_sim.control(mode="down")
    with pytest.raises(GatewayError) as down:
        gateway().query(txn_ref="X", order_info="x", created_at=timezone.now(), at=timezone.now())
    assert slow.value.retryable
    assert down.value.retryable


@pytest.mark.django_db(transaction=True)
def test_the_simulator_delivers_the_ipn_over_http_to_the_site(gateway_sim, live_server):
    world = build_world()
    dossier = receive(world)
    gateway_sim.control(mode=None, ipn_url=live_server.url + "/thanh-toan/vnpay/ipn/")
    try:
        pay(browser(dossier.pk), gateway_sim, dossier.pk, ipn=False)
        for _ in range(100):
            sent = gateway_sim.data()["ipn_sent"]
            if sent:
                break
            time.sleep(0.1)
    finally:
        gateway_sim.control(mode=None, ipn_url="")

    assert [item["answer"] for item in sent] == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert Payment.objects.filter(dossier=dossier, channel="online_gateway").count() == 1

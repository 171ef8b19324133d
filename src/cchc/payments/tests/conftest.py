"""Fixtures of the payment tests: the dossier tests' world, the shipped gateway simulator as a real
subprocess (``cchc payments gateway-simulator``), and a driver that pays a dossier through it."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.payments.web.views import PORTAL_SEEN

TMN_CODE, SECRET = "KIEMTHU1", "bi-mat-kiem-thu-vnpay"
SUCCESS, FAIL, TIMEOUT, CANCEL = "9704000000000018", "9704000000000026", "9704000000000034", "9704000000000042"


@dataclass
class Page:
    status: int
    body: str
    location: str = ""


class GatewaySimulator:
    """The shipped simulator, running as a subprocess."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host, self.port = urlsplit(base).hostname or "", urlsplit(base).port or 80

    def _call(self, method: str, path: str, data: Any = None) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def http(self, method: str, url: str, form: dict[str, str] | None = None) -> Page:
        """One request to the simulator, redirects not followed (the browser's view)."""
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=10)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = urlencode(form).encode() if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            return Page(response.status, response.read().decode("utf-8"), response.getheader("Location") or "")
        finally:
            connection.close()

    def control(self, **data: Any) -> Any:
        return self._call("POST", "/_control", data)

    def ipns(self) -> list[str]:
        """The IPN query strings produced since the last call."""
        return [item["query"] for item in self._call("GET", "/_ipn")]

    def data(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_data"))

    def reset(self) -> None:
        self.control(mode=None)
        self._call("DELETE", "/_data")


@pytest.fixture(scope="session")
def gateway_process() -> Iterator[GatewaySimulator]:
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "cchc", "payments", "gateway-simulator", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--tmn-code", TMN_CODE, "--secret", SECRET], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "http://" in line, f"the simulator did not start: {line!r}"
        yield GatewaySimulator(line.strip().rsplit(" ", 1)[1].rstrip("/"))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def gateway_sim(gateway_process: GatewaySimulator, settings: Any) -> GatewaySimulator:
    """The simulator, reset, with ``settings.CCHC_PAYMENTS`` pointing at it."""
    gateway_process.reset()
    settings.CCHC_PAYMENTS = {
        "gateway": "vnpay",
        "order_minutes": 15,
        "expiry_grace_minutes": 5,
        "vnpay": {
            "pay_url": gateway_process.base + "/paymentv2/vpcpay.html",
            "api_url": gateway_process.base + "/merchant_webapi/api/transaction",
            "tmn_code": TMN_CODE,
            "hash_secret": SECRET,
            "timeout_s": 3.0,
        },
    }
    return gateway_process


def browser(*pks: int) -> Client:
    """A browser that looked the dossiers up in the portal."""
    client = Client()
    session = client.session
    session[PORTAL_SEEN] = list(pks)
    session.save()
    return client


@dataclass
class Journey:
    gateway_url: str = ""
    gateway_page: Page | None = None
    paid_page: Page | None = None
    ipn_answers: list[dict[str, Any]] | None = None
    return_page: Any = None


def start(client: Client, pk: int) -> str:
    """POST the portal's button; the gateway address the page sends the browser to (its link and its
    meta refresh say the same)."""
    response = client.post(f"/thanh-toan/ho-so/{pk}/")
    assert response.status_code == 200, response.content.decode()[:500]
    body = response.content.decode()
    link = html.unescape(re.search(r'id="cong-thanh-toan" href="([^"]+)"', body).group(1))
    refresh = html.unescape(re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', body).group(1))
    assert link == refresh
    return link


def deliver(client: Client, queries: list[str]) -> list[dict[str, Any]]:
    """The gateway's IPNs delivered to the real view."""
    answers = []
    for query in queries:
        response = client.get("/thanh-toan/vnpay/ipn/?" + query)
        assert response.status_code == 200
        answers.append(response.json())
    return answers


def pay(
    client: Client, sim: GatewaySimulator, pk: int, card: str = SUCCESS, *, action: str = "pay", ipn: bool = True
) -> Journey:
    """The applicant's journey: the button, the gateway's page, the card, the IPN, the return page."""
    journey = Journey(gateway_url=start(client, pk))
    journey.gateway_page = sim.http("GET", journey.gateway_url)
    if journey.gateway_page.status != 200:
        return journey
    txn_ref = dict(p.split("=", 1) for p in urlsplit(journey.gateway_url).query.split("&"))["vnp_TxnRef"]
    journey.paid_page = sim.http(
        "POST", sim.base + "/paymentv2/pay", {"txn_ref": txn_ref, "card": card, "action": action}
    )
    journey.ipn_answers = deliver(client, sim.ipns()) if ipn else []
    if journey.paid_page.status == 302:
        back = urlsplit(journey.paid_page.location)
        journey.return_page = client.get(back.path + "?" + back.query)
    return journey

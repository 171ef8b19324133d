"""The payment in a real Chromium (Playwright, headless), on a phone: the citizen looks the dossier up,
presses "Thanh toán trực tuyến", pays on the simulator's page with a test card; the simulator sends
the IPN itself over HTTP to the live server; the return page shows the state the IPN recorded.
Also: the page's Content-Security-Policy (``form-action 'self'``) must not block the way to the gateway.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cchc.dossiers.models import Payment
from cchc.dossiers.tests.conftest import CITIZEN, build_world, receive
from cchc.payments.tests.conftest import SUCCESS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_citizen_pays_online_in_the_browser(phone: Page, gateway_sim: Any, live_server: Any) -> None:
    dossier = receive(build_world())
    gateway_sim.control(mode=None, ipn_url=live_server.url + "/thanh-toan/vnpay/ipn/")
    try:
        phone.goto(live_server.url + "/dich-vu-cong/tra-cuu/")
        phone.get_by_label("Mã hồ sơ hoặc mã nộp trực tuyến").fill(dossier.code)
        phone.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill(CITIZEN.phone)
        phone.get_by_role("button", name="Tra cứu").click()
        expect(phone.locator("#con-phai-nop")).to_have_text("200.000")

        phone.get_by_role("button", name="Thanh toán trực tuyến").click()
        expect(phone.locator("#amount")).to_have_text("200.000", timeout=15000)  # the gateway's page
        phone.get_by_label("Số thẻ").fill(SUCCESS)
        phone.get_by_role("button", name="Thanh toán", exact=True).click()
        expect(phone.locator("#ket-qua")).to_be_visible()

        for _ in range(100):  # the IPN travels on its own (server to server)
            if Payment.objects.filter(dossier=dossier).exists():
                break
            time.sleep(0.1)
        phone.reload()
        expect(phone.locator("#trang-thai-thanh-toan")).to_have_text("Đã thanh toán")
        phone.get_by_role("link", name="Về trang hồ sơ").click()
        expect(phone.locator(".dossier-timeline")).to_contain_text("Đã nộp phí, lệ phí")
        expect(phone.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
    finally:
        gateway_sim.control(mode=None, ipn_url="")
    assert list(Payment.objects.filter(dossier=dossier).values_list("channel", flat=True)) == ["online_gateway"]

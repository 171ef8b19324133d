"""Issue 18 item 3 in a real Chromium on a phone: typing an old address on the portal's application form shows
the unit it belongs to today (htmx, aria-live) and preselects that commune's people's committee.

Run with ``pytest -m browser``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cchc.dossiers.tests.conftest import AT, build_world
from cchc.org.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_old_address_typed_on_the_portal_shows_the_unit_today(
    phone: Page, live_server: object, transactional_db: None
) -> None:
    build_world()
    van_ninh = Agency.objects.valid_on(AT.date()).get(kind="ubnd", unit__name="Xã Vạn Ninh")
    phone.goto(live_server.url + "/dich-vu-cong/thu-tuc/9.000102/nop-truc-tuyen/")  # type: ignore[attr-defined]
    hint = phone.locator("#dia-chi-don-vi")
    expect(hint).to_have_attribute("aria-live", "polite")

    phone.get_by_label("Địa chỉ liên hệ").fill("Thị trấn Vạn Giã, huyện Vạn Ninh")

    expect(hint).to_contain_text("Thuộc xã Vạn Ninh, tỉnh Khánh Hòa (từ 1/7/2025).")
    expect(hint).to_contain_text("Gợi ý nơi giải quyết theo địa chỉ: Ủy ban nhân dân xã Vạn Ninh")
    expect(phone.get_by_label("Nộp hồ sơ và nhận kết quả tại")).to_have_value(str(van_ninh.pk))
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone

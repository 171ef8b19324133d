"""The dashboards in a real Chromium (Playwright, headless) on simulated traffic: the overview draws
its charts (canvas) and shows the engine's figures, the period picker changes the page, a figure
opens the list of exactly that many dossiers; on a 390 px phone too, without sideways scrolling.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cchc.indicators.compute import indicators_compute
from cchc.indicators.periods import period_parse
from cchc.indicators.tests.web.conftest import build_simulated
from cchc.indicators.web.presenters import vn_decimal, vn_int

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


@pytest.fixture
def committed(transactional_db: None) -> None:
    build_simulated()


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_overview_charts_period_and_drill_down(browser: Browser, live_server, committed: None) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    quarter = indicators_compute(period=period_parse("2025-Q3"), at=timezone.now())
    august = indicators_compute(period=period_parse("2025-08"), at=timezone.now())

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = context.new_page()
    desk.goto(base + "/chi-so/?ky=2025-Q3")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Toàn tỉnh — Quý III/2025")
    expect(desk.locator('[data-chart="chart-groups"] canvas')).to_have_count(1)
    expect(desk.locator('[data-chart="chart-trend"] canvas')).to_have_count(1)
    expect(desk.locator('[data-chart="chart-so-nganh"] canvas')).to_have_count(1)
    expect(desk.get_by_test_id("total")).to_have_text(vn_decimal(quarter.total))
    desk.screenshot(path=str(SHOTS / "chi-so-overview-desk.png"), full_page=True)

    # the period picker
    desk.get_by_label("Kỳ báo cáo", exact=True).select_option("2025-08")
    desk.get_by_role("button", name="Xem số liệu").click()
    expect(desk).to_have_url(re.compile(r"ky=2025-08"))
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Tháng 8/2025")
    expect(desk.get_by_test_id("total")).to_have_text(vn_decimal(august.total))

    # a figure opens its dossiers: the count is the figure
    progress = august.results["PROGRESS_ON_TIME"]
    assert progress.denominator
    row = desk.locator("#table-chi-so tr", has_text="PROGRESS_ON_TIME").first
    row.get_by_role("link", name=vn_int(progress.denominator), exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("đúng hạn")
    expect(desk.get_by_test_id("count")).to_have_text(vn_int(progress.denominator))
    expect(desk.locator("#table-danh-sach tbody tr")).to_have_count(min(progress.denominator, 50))
    desk.screenshot(path=str(SHOTS / "chi-so-drill-desk.png"), full_page=True)
    context.close()

    # a phone: charts drawn, the table rows become cards, nothing scrolls sideways
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN")
    phone = phone_context.new_page()
    phone.goto(base + "/chi-so/?ky=2025-Q3")
    expect(phone.locator('[data-chart="chart-groups"] canvas')).to_have_count(1)
    expect(phone.get_by_test_id("total")).to_have_text(vn_decimal(quarter.total))
    assert page_width(phone) <= 390
    cell = phone.locator("#table-chi-so td[data-label='Tử số']").first
    expect(cell).to_be_visible()
    phone.screenshot(path=str(SHOTS / "chi-so-overview-phone.png"), full_page=True)
    phone.goto(base + "/chi-so/co-quan/so-tu-phap/?ky=2025-Q3")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Sở Tư pháp")
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "chi-so-agency-phone.png"), full_page=True)
    phone_context.close()

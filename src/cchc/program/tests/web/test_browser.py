"""The pages in a real Chromium (Playwright, headless) on the real seed import.

Run with ``pytest -m browser``; screenshots go to /tmp (never into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models import F
from playwright.sync_api import Browser, Page, expect

from cchc.org.models import Agency
from cchc.program.models import AppendixTask, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def task_rows(page: Page) -> list[int]:
    return [int(n) for n in page.locator("li.task-card").evaluate_all("els => els.map(e => e.dataset.task)")]


def page_width(page: Page) -> int:
    """The laid-out width of the page (a mobile browser zooms out rather than scroll, so compare
    with the viewport width we asked for, not with ``innerWidth``)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_overview_to_filtered_task_list_to_task(page: Page, live_server, seeded_committed: Program):
    SHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("Chương trình cải cách hành chính")
    expect(page.get_by_text("4831/QĐ-UBND").first).to_be_visible()
    expect(page.locator("section.area")).to_have_count(6)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)

    page.get_by_role("link", name="Xem danh sách nhiệm vụ trọng tâm").first.click()
    expect(page.locator("h1")).to_have_text("Nhiệm vụ, đề án trọng tâm")
    assert task_rows(page) == list(range(1, 33))
    expect(page.locator(".result-count")).to_contain_text("32 nhiệm vụ")
    page.screenshot(path=str(SHOTS / "task-list.png"), full_page=True)

    # filter by Sở Nội vụ, named directly
    page.get_by_label("Cơ quan", exact=True).select_option(label="Sở Nội vụ")
    page.get_by_label(re.compile("Chỉ nhiệm vụ ghi đích danh")).check()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"co_quan=\d+"))
    page.wait_for_load_state()  # the URL changes when the answer starts: read the rows once the page is loaded
    rows = task_rows(page)
    snv = Agency.objects.filter(code="so-noi-vu").order_by(F("valid_from").asc(nulls_first=True)).first()
    expected = sorted(
        set(
            AppendixTask.objects.filter(program=seeded_committed, agency_refs__agency=snv).values_list(
                "number", flat=True
            )
        )
    )
    assert rows == expected
    assert 0 < len(rows) < 32
    expect(page.locator(".result-count")).to_contain_text(f"{len(rows)} nhiệm vụ")
    for card in page.locator("li.task-card").all():
        expect(card.locator("li.matched").first).to_contain_text("Sở Nội vụ")
    page.screenshot(path=str(SHOTS / "task-list-filtered.png"), full_page=True)

    # the URL is shareable: reloading it gives the same rows
    page.goto(page.url)
    assert task_rows(page) == rows

    # open task 14 and see its lead agency and timeline
    page.locator('li.task-card[data-task="14"] h2 a').click()
    expect(page.locator("h1")).to_contain_text("Hoàn thành việc sắp xếp, tổ chức lại")
    lead = page.locator("ul.refs.lead")
    expect(lead).to_contain_text("Sở Nội vụ")
    expect(page.locator(".timeline-text")).to_have_text("Theo tiến độ Trung ương")
    expect(page.locator(".status").first).to_have_text("Theo lộ trình, tiến độ cấp trên")
    lead.get_by_role("link", name="Sở Nội vụ").first.click()
    expect(page.locator("h1")).to_have_text("Sở Nội vụ")
    expect(page.get_by_text("Cơ quan kế thừa hiện nay", exact=True)).to_be_visible()
    expect(page.locator(".succession")).to_contain_text("Sở Nội vụ (từ 01/07/2025)")


def test_accent_free_search_in_the_browser(page: Page, live_server, seeded_committed: Program):
    page.goto(live_server.url + "/nhiem-vu/")
    page.get_by_label("Tìm kiếm").fill("chuyen doi so")
    page.get_by_label("Tìm kiếm").press("Enter")
    expect(page).to_have_url(re.compile(r"q=chuyen\+doi\+so"))
    # the URL changes when the answer starts, before its rows are parsed (the fresh-clone CI once read none)
    expect(page.locator('li.task-card[data-task="20"]')).to_be_visible()
    page.wait_for_load_state()
    assert 20 in task_rows(page)
    assert len(task_rows(page)) < 32
    page.locator('li.task-card[data-task="20"] h2 a').click()
    expect(page.locator("ul.refs.lead")).to_contain_text("Sở Thông tin và Truyền thông")
    expect(page.locator("ul.refs.lead .successor")).to_contain_text("nay là: Sở Khoa học và Công nghệ")


def test_phone_viewport_has_no_horizontal_scroll(browser: Browser, live_server, seeded_committed: Program):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        snv = Agency.objects.filter(code="so-noi-vu").order_by(F("valid_from").asc(nulls_first=True)).first()
        paths = (
            "/",
            "/nhiem-vu/",
            f"/nhiem-vu/?co_quan={snv.pk}",
            f"/nhiem-vu/{seeded_committed.pk}/23/",
            f"/nhiem-vu/{seeded_committed.pk}/9/",
            "/co-quan/",
            f"/co-quan/{snv.pk}/",
        )
        for path in paths:
            page.goto(live_server.url + path)
            assert page_width(page) <= 390, f"horizontal scroll on {path}"
        page.goto(live_server.url + "/nhiem-vu/")
        page.screenshot(path=str(SHOTS / "task-list-phone.png"), full_page=False)
        page.goto(live_server.url + "/")
        page.screenshot(path=str(SHOTS / "overview-phone.png"), full_page=False)
        # keyboard: the skip link is the first stop and moves focus to the main content
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile("#noi-dung$"))
    finally:
        context.close()

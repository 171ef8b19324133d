"""The login link on public pages and each officer's landing, in a real Chromium (issue 12, item 23)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cchc.dossiers.tests.conftest import World
from cchc.dossiers.tests.web.test_browser import PASSWORD, page, world_committed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["page", "world_committed"]


def open_menu(page: Page) -> None:
    """On narrow screens the navigation folds into "Menu"; on wide ones it is shown as is."""
    summary = page.locator("details.nav-menu > summary")
    if summary.is_visible():
        summary.click()


def test_public_pages_offer_a_login_that_lands_each_officer_on_their_work(
    page: Page, live_server, world_committed: World
):
    base = live_server.url
    # an anonymous visitor on a public page finds "Đăng nhập" in the menu
    page.goto(base + "/chi-tieu/")
    open_menu(page)
    page.get_by_role("link", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    expect(page.get_by_role("link", name="Quên mật khẩu?")).to_be_visible()
    # the reception officer lands on the dossier queue
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + "/mot-cua/")
    expect(page.locator("h1")).to_have_text("Hồ sơ thủ tục hành chính")
    page.get_by_role("button", name="Đăng xuất").click()
    # an account without any duty lands on the public home page, with the staff menu but no login link
    page.get_by_label("Tên đăng nhập").fill("nguoingoai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + "/")
    open_menu(page)
    expect(page.get_by_role("link", name="Đăng nhập")).to_have_count(0)

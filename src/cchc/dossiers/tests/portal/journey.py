"""The pieces of the browser journeys through the one-stop desk, shared by the test modules that walk
them (the demo journey, the e-mail journey of notifications, the citizen's journey of payments): the
citizen's and the desk's pages, the registry and demo catalogue with ``cchc demo_staff``'s printed
accounts, logging in and out of the console, and taking actions on a dossier."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from cchc.accounts.names import person_name
from cchc.accounts.otp.testing import browser_second_factor
from cchc.common.tests.files import pdf_bytes

PROCEDURE = "9.000203"  # Cấp Phiếu lý lịch tư pháp: Công an tỉnh decides, filed at the province's centre
ACCOUNT = re.compile(r"(\S+) / (\S+)  — (.+)$")


@pytest.fixture
def citizen(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    """The registry and the demo catalogue, as ``make run`` loads them."""
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


@pytest.fixture
def printed(catalogue: None, settings: Any) -> tuple[dict[str, str], list[str]]:
    """What ``make run`` prints: the accounts (username → password) and the journey of PROCEDURE."""
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_staff", stdout=out)
    lines = out.getvalue().splitlines()
    accounts = {m.group(1): m.group(2) for m in map(ACCOUNT.search, lines) if m}
    (journey,) = [line for line in lines if line.startswith(f"  {PROCEDURE} ")]
    steps, _, ends = journey.partition("]: ")[2].partition("; ghi nhận xử lý xong: ")
    processed, _, returned = ends.partition("; trả kết quả: ")
    return accounts, [*steps.split(" → "), processed, returned]


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/mot-cua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page, username)  # a leader: the TOTP code (issue 15 item 6)
    expect(page.locator("h1")).not_to_have_text("Đăng nhập")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập")


def act(page: Page, title: str) -> None:
    summary = page.locator("details.action-card > summary", has_text=title)
    if summary.count():
        summary.click()


def label(username: str) -> str:
    """How the console lists an officer in a hand-over choice."""
    return f"{person_name(User.objects.get(username=username))} ({username})"


def hand_over_every_step(desk: Page, base: str, url: str, steps: list[str], accounts: dict[str, str]) -> None:
    """Each step by the account printed for it, handed to the next one (``desk`` logged in as the first)."""
    for index, (giver, receiver) in enumerate(zip(steps[:-1], steps[1:], strict=True)):
        if index:
            log_in(desk, base, giver, accounts[giver])
        desk.goto(url)
        act(desk, "Chuyển bước xử lý")
        desk.get_by_label("Người nhận bàn giao").select_option(label=label(receiver))
        desk.get_by_role("button", name="Chuyển bước xử lý (bàn giao)").click()
        expect(desk.locator(".flash")).to_contain_text("Đã chuyển bước")
        log_out(desk)


def take_action(
    desk: Page, base: str, url: str, username: str, accounts: dict[str, str], title: str, status: str
) -> None:
    """``username`` logs in, opens the dossier at ``url`` and takes the action ``title``; the status shown after."""
    log_in(desk, base, username, accounts[username])
    desk.goto(url)
    act(desk, title)
    desk.get_by_role("button", name=title).click()
    expect(desk.locator("#trang-thai")).to_have_text(status)


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}

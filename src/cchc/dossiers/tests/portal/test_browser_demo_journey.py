"""The demo can be completed with the printed accounts (issue 12, item 17), in a real Chromium: the
registry and the demo catalogue as ``make run`` loads them, ``cchc demo_staff``'s printed accounts
and journey, and one online dossier of a Công an procedure (Cấp Phiếu lý lịch tư pháp) taken from
submission on the portal through reception, every step, the end of processing and the return of the
result to the citizen's rating, logging in only with the printed usernames and passwords.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from cchc.accounts.names import person_name
from cchc.accounts.otp.testing import browser_second_factor
from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier, DossierRating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")
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
def printed(transactional_db: None, settings: Any) -> tuple[dict[str, str], list[str]]:
    """What ``make run`` prints: the accounts (username → password) and the journey of PROCEDURE."""
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
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


def test_an_online_police_dossier_goes_from_submission_to_rating_with_the_printed_accounts(
    citizen: Page, desk: Page, live_server, printed: tuple[dict[str, str], list[str]], media_root
):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    accounts, journey = printed
    *steps, processed_by, returned_by = journey
    assert steps[0] == "tiepnhan.tinh"
    assert {"chuyenvien.congan", "lanhdao.congan"} <= set(steps)
    assert set(journey) <= set(accounts)

    # 1. the citizen files the dossier online at the province's centre
    citizen.goto(base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    citizen.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Thị Hồng")
    citizen.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)").fill("056190004321")
    citizen.get_by_label("Số điện thoại").fill("0905111222")
    citizen.get_by_role("textbox", name="Thư điện tử").fill("hong@example.vn")
    citizen.get_by_label(re.compile("^Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")).set_input_files(pdf("to-khai.pdf"))
    citizen.get_by_label(re.compile("^Giấy tờ tùy thân của người yêu cầu")).set_input_files(pdf("cccd.pdf"))
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    dossier = Dossier.objects.get()
    assert dossier.competent_agency.code == "cong-an-tinh"

    # 2. the centre's reception officer receives it
    log_in(desk, base, steps[0], accounts[steps[0]])
    desk.get_by_role("link", name=re.compile("Chờ tiếp nhận")).click()
    desk.locator(".dossier-card a").first.click()
    act(desk, "Tiếp nhận hồ sơ")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    dossier.refresh_from_db()
    url = base + f"/mot-cua/ho-so/{dossier.code}/"

    # 3. every step, each by the account printed for it, handed to the next one
    hand_over_every_step(desk, base, url, steps, accounts)

    # 4. the competent leader records the end of processing
    take_action(desk, base, url, processed_by, accounts, "Ghi nhận đã xử lý xong", "Đã xử lý xong")
    log_out(desk)

    # 5. the centre's clerk returns the result
    take_action(desk, base, url, returned_by, accounts, "Trả kết quả cho người nộp", "Đã trả kết quả")
    desk.screenshot(path=str(SHOTS / "demo-journey-returned.png"), full_page=True)

    # 6. the citizen looks it up and rates it
    citizen.goto(base + "/dich-vu-cong/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ hoặc mã nộp trực tuyến").fill(dossier.code)
    citizen.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill("0905111222")
    citizen.get_by_role("button", name="Tra cứu").click()
    expect(citizen.locator("#trang-thai")).to_have_text("Đã trả kết quả")
    citizen.get_by_role("group", name="Mức độ hài lòng chung").get_by_label("Rất hài lòng").check()
    for criterion in [
        "Sự thuận tiện khi thực hiện thủ tục",
        "Thời gian giải quyết so với hẹn trả",
        "Thái độ, trách nhiệm của công chức",
        "Công khai thủ tục hành chính",
    ]:
        citizen.get_by_role("group", name=criterion).get_by_label("Hài lòng", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.locator(".flash")).to_contain_text("Cảm ơn bạn đã đánh giá")

    assert Dossier.objects.get().status == DossierStatus.RETURNED
    assert DossierRating.objects.get().level == "very_satisfied"

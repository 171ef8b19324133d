"""The console in a real Chromium (Playwright, headless): a paper dossier from the counter to "returned".

Run with ``pytest -m browser``; screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.accounts.otp.testing import browser_second_factor
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import World, build_world
from cchc.dossiers.tests.portal.journey import act, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")
PASSWORD = "x-Secret-123"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def world_committed(transactional_db: None) -> World:
    world = build_world()
    for user, full_name in {
        world.reception: "Nguyễn Thị Lan",
        world.specialist: "Trần Văn Minh",
        world.leader: "Lê Quốc Hùng",
    }.items():
        user.first_name = full_name  # one field, as written (cchc.accounts.names)
        user.save()
    return world


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/mot-cua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page, username)  # a leader: the TOTP code (issue 15 item 6)
    expect(page.locator("h1")).to_have_text("Hồ sơ thủ tục hành chính")


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_counter_to_returned(page: Page, live_server, world_committed: World, browser: Browser):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url

    # 1. the reception officer receives a paper dossier at the counter
    log_in(page, base, "tiepnhan")
    page.get_by_role("link", name="+ Tiếp nhận hồ sơ tại quầy").click()
    page.get_by_role("searchbox", name="Tìm thủ tục").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp").click()
    expect(page.locator("h1")).to_contain_text("Tiếp nhận hồ sơ: Cấp Phiếu lý lịch tư pháp")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Thị Hồng")
    page.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)").fill("056190004321")
    page.get_by_label("Số điện thoại").fill("0905111222")
    # forgetting the mandatory form: a clear error, linked to the checkbox, nothing created
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Thiếu giấy tờ bắt buộc")
    assert Dossier.objects.count() == 0
    page.screenshot(path=str(SHOTS / "console-reception-error.png"), full_page=True)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(re.compile("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"))).to_be_focused()
    page.get_by_label(re.compile("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")).check()
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    dossier = Dossier.objects.get()
    expect(page.locator(".flash")).to_contain_text(f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả:")
    expect(page.locator("#trang-thai")).to_have_text("Được tiếp nhận")

    # hand step 1 over to the specialist
    act(page, "Chuyển bước xử lý")
    page.get_by_label("Người nhận bàn giao").select_option(label="Trần Văn Minh (chuyenvien)")
    page.screenshot(path=str(SHOTS / "console-dossier-actions.png"), full_page=False)
    page.get_by_role("button", name="Chuyển bước xử lý (bàn giao)").click()
    expect(page.locator(".flash")).to_contain_text("Đã chuyển bước «Tiếp nhận hồ sơ»")
    log_out(page)

    # 2. the specialist finds it in "my work" and hands it to the leader
    log_in(page, base, "chuyenvien")
    expect(page.locator(".queue-tabs a[aria-current=page]")).to_contain_text("Việc của tôi 1")
    expect(page.locator(".dossier-card")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "console-queue.png"), full_page=True)
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Chuyển bước xử lý")
    page.get_by_label("Người nhận bàn giao").select_option(label="Lê Quốc Hùng (lanhdao)")
    page.get_by_role("button", name="Chuyển bước xử lý (bàn giao)").click()
    expect(page.locator(".flash")).to_contain_text("Đã chuyển bước «Thẩm định, tra cứu»")
    log_out(page)

    # 3. the leader approves: processed, result handed to the desk
    log_in(page, base, "lanhdao")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Ghi nhận đã xử lý xong")
    page.get_by_label("Chuyển kết quả cho (người trả kết quả)").select_option(label="Nguyễn Thị Lan (tiepnhan)")
    page.get_by_role("button", name="Ghi nhận đã xử lý xong").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    log_out(page)

    # 4. the desk tries to return before payment (refused, 409), records the fee, returns the result
    log_in(page, base, "tiepnhan")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Trả kết quả cho người nộp")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.get_by_role("button", name="Trả kết quả cho người nộp").click()
    response = info.value
    assert response.status == 409
    expect(page.locator(".error-summary")).to_contain_text("còn phải nộp 200.000 đồng")
    expect(page.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    act(page, "Ghi nhận thanh toán phí, lệ phí")
    page.get_by_label("Số tiền (đồng)").fill("200000")
    page.get_by_label("Số biên lai").fill("BL-2026-001")
    page.get_by_role("button", name="Ghi nhận thanh toán phí, lệ phí").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận biên lai số BL-2026-001")
    act(page, "Trả kết quả cho người nộp")
    page.get_by_role("button", name="Trả kết quả cho người nộp").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã trả kết quả")
    expect(page.locator(".dossier-timeline > li")).to_have_count(6)
    page.screenshot(path=str(SHOTS / "console-dossier.png"), full_page=True)
    assert Dossier.objects.get().status == DossierStatus.RETURNED

    # the same pages on a phone: no horizontal scroll
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    try:
        log_in(phone, base, "tiepnhan")
        phone.goto(base + "/mot-cua/?hang-doi=co-quan")
        assert page_width(phone) <= 390
        phone.goto(base + f"/mot-cua/ho-so/{dossier.code}/")
        assert page_width(phone) <= 390
        phone.screenshot(path=str(SHOTS / "console-dossier-phone.png"), full_page=True)
        phone.goto(base + "/mot-cua/tiep-nhan/?thu-tuc=9.000101")
        assert page_width(phone) <= 390
        phone.screenshot(path=str(SHOTS / "console-reception-phone.png"), full_page=True)
    finally:
        context.close()


def test_the_desk_is_told_why_it_cannot_return_the_result_until_the_leader_acts(
    page: Page, live_server, world_committed: World
):
    """Issue 12, item 18: "Trả kết quả" was hidden without a word until the leader marked processed."""
    from datetime import timedelta

    from django.utils import timezone

    from cchc.dossiers import services as s
    from cchc.dossiers.tests.conftest import receive

    base = live_server.url
    world = world_committed
    start = timezone.now() - timedelta(hours=2)
    dossier = receive(world, start)
    s.dossier_complete_step(
        dossier=dossier, actor=world.reception, at=start + timedelta(minutes=10), receiver=world.specialist
    )
    s.dossier_complete_step(
        dossier=dossier, actor=world.specialist, at=start + timedelta(minutes=20), receiver=world.leader
    )

    # the desk: no button, but the reason and who can unblock it
    log_in(page, base, "tiepnhan")
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    waiting = page.locator(".action-waiting")
    expect(waiting).to_contain_text("Trả kết quả cho người nộp")
    expect(waiting).to_contain_text("Chờ lãnh đạo Lê Quốc Hùng (Sở Tư pháp) ghi nhận đã xử lý xong.")
    expect(page.get_by_role("button", name="Trả kết quả cho người nộp")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "console-why-blocked.png"), full_page=True)
    log_out(page)

    # the leader marks it processed
    log_in(page, base, "lanhdao")
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(page, "Ghi nhận đã xử lý xong")
    page.get_by_label("Chuyển kết quả cho (người trả kết quả)").select_option(label="Nguyễn Thị Lan (tiepnhan)")
    page.get_by_role("button", name="Ghi nhận đã xử lý xong").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    log_out(page)

    # the desk now has the button, and is told about the unpaid fee before pressing it
    log_in(page, base, "tiepnhan")
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    expect(page.locator(".action-waiting")).to_have_count(0)
    act(page, "Trả kết quả cho người nộp")
    expect(page.get_by_role("button", name="Trả kết quả cho người nộp")).to_be_visible()
    expect(page.locator(".action-warning")).to_contain_text("còn phải nộp 200.000 đồng")

"""In a real Chromium (Playwright, headless): on a 390 px phone, Sở Tư pháp's officer records progress
on an assignment, attaches a PDF (a disguised file is refused first) and reports it done; at a desk,
Sở Nội vụ accepts it. The year page draws the status donut with the vendored ECharts.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.plans.constants import AssignmentStatus
from cchc.plans.models import AssignmentEvidence
from cchc.plans.tests.conftest import PASSWORD, PlanWorld, build_plans, pdf_bytes, task_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def world(transactional_db: None) -> PlanWorld:
    return build_plans()


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/mot-cua/dang-nhap/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_officer_reports_done_and_so_noi_vu_accepts(world: PlanWorld, live_server, phone: Page, desk: Page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    a = task_item(world, 13)
    path = f"/ke-hoach/nhiem-vu/{a.pk}/"

    # the officer of Sở Tư pháp, on a phone
    login(phone, live_server.url, "canbo.stp", path)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("NV 13")
    phone.get_by_label("Tiến độ (%)").fill("60")
    phone.get_by_label("Kết quả thực hiện đến nay").fill("Đã kết nối dữ liệu dân cư với hệ thống một cửa")
    phone.get_by_role("button", name="Lưu tiến độ").click()
    expect(phone.get_by_text("Đã cập nhật tiến độ.")).to_be_visible()
    expect(phone.locator(".assignment-state")).to_contain_text("60 %")

    # a web page renamed .pdf is refused, nothing stored
    phone.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": b"<html><body>x</body></html>"}
    )
    phone.get_by_role("button", name="Tải lên").click()
    expect(phone.get_by_role("alert")).to_contain_text("không phải tệp PDF, JPEG, PNG hoặc Word (.docx) hợp lệ")
    assert not AssignmentEvidence.objects.filter(assignment=a).exists()

    # the real PDF is accepted
    phone.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "bao-cao-ket-qua.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    phone.get_by_label("Mô tả tài liệu").fill("Báo cáo kết quả")
    phone.get_by_role("button", name="Tải lên").click()
    expect(phone.get_by_text("Đã đính kèm tài liệu minh chứng.")).to_be_visible()
    expect(phone.get_by_role("link", name="bao-cao-ket-qua.pdf")).to_be_visible()

    phone.get_by_label("Kết quả thực hiện", exact=True).fill("Đã hoàn thành kết nối, chia sẻ dữ liệu")
    phone.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(phone.get_by_text("Đã báo cáo hoàn thành; chờ Sở Nội vụ xác nhận.")).to_be_visible()
    expect(phone.locator(".assignment-state .pst")).to_have_text("Chờ xác nhận hoàn thành")
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "plans-officer-phone.png"), full_page=True)

    # Sở Nội vụ, at a desk, accepts
    login(desk, live_server.url, "canbo.snv", path)
    desk.get_by_label("Ý kiến (không bắt buộc)").fill("Đạt yêu cầu")
    desk.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(desk.get_by_text("Đã xác nhận hoàn thành nhiệm vụ.")).to_be_visible()
    expect(desk.locator(".assignment-state .pst")).to_have_text("Hoàn thành")
    expect(desk.locator(".thread")).to_contain_text("Sở Nội vụ xác nhận hoàn thành")

    a.refresh_from_db()
    assert (a.status, a.percent) == (AssignmentStatus.DONE, 100)

    # the year page draws the donut (ECharts loaded from the vendored file)
    desk.goto(f"{live_server.url}/ke-hoach/?nam=2026")
    expect(desk.locator("#bieu-do-tinh-trang[data-ready='1'] svg")).to_have_count(1)
    expect(desk.locator("tr[data-status='done'] td.value")).to_have_text("1")
    desk.screenshot(path=str(SHOTS / "plans-year.png"), full_page=True)

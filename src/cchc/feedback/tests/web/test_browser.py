"""Citizen feedback in a real Chromium (Playwright, headless): a citizen files feedback on a 390 px phone
→ the Sở Tư pháp officer classifies, answers and publishes it in the console → the citizen looks it up,
reads the published answer and rates it; the answer is in the public list, found without diacritics.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.tests.conftest import FeedbackWorld, build_feedback_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")
PASSWORD = "x-Secret-123"
ANSWER = (
    "Sở Tư pháp đã kiểm tra hồ sơ của bà: việc xác minh tại cơ quan công an làm chậm 2 ngày làm việc. "
    "Kết quả đã được trả; Sở xin lỗi và sẽ nhắn tin cho người nộp khi hồ sơ cần xác minh thêm."
)


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def fw_committed(transactional_db: None, settings: Any, tmp_path: Path) -> FeedbackWorld:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_feedback_world()


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"feedback-{name}.png"), full_page=True)


def test_file_answer_publish_look_up_and_rate(
    phone: Page, desk: Page, live_server: Any, fw_committed: FeedbackWorld
) -> None:
    base = live_server.url
    fw = fw_committed

    # 1. the citizen files feedback on the phone; a too short content is refused first
    phone.goto(base + "/phan-anh/gui/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gửi phản ánh, kiến nghị")
    phone.get_by_label("Họ và tên").fill("Phạm Thị Hồng")
    phone.get_by_label("Số điện thoại").fill("0905 111 222")
    phone.get_by_label("Cơ quan bị phản ánh, kiến nghị").select_option(label=fw.justice.name)
    phone.get_by_label("Tiêu đề").fill("Cấp Phiếu lý lịch tư pháp chậm hẹn")
    phone.get_by_label("Nội dung phản ánh, kiến nghị").fill("Chậm quá")
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone.get_by_role("alert")).to_contain_text("Nội dung cần ít nhất 20 ký tự")
    assert Feedback.objects.count() == 0
    expect(phone.get_by_label("Họ và tên")).to_have_value("Phạm Thị Hồng")
    phone.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Tôi nộp hồ sơ cấp Phiếu lý lịch tư pháp, đã quá ngày hẹn trả 3 ngày nhưng chưa nhận được kết quả."
    )
    assert page_width(phone) <= 390
    shot(phone, "1-form")
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh thành công")
    code = phone.locator("#ma-phan-anh").inner_text().strip()
    lookup_code = phone.locator("#ma-tra-cuu").inner_text().strip()
    assert re.fullmatch(r"PA-\d{6}-0001", code)
    assert len(lookup_code) == 8
    assert page_width(phone) <= 390
    shot(phone, "2-confirmation")

    # 2. the Sở Tư pháp officer classifies, answers and publishes it
    desk.goto(base + "/phan-anh/can-bo/")
    desk.get_by_label("Tên đăng nhập").fill(fw.officer.username)
    desk.get_by_label("Mật khẩu").fill(PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Phản ánh, kiến nghị cần xử lý")
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("#trang-thai")).to_have_text("Đã tiếp nhận")
    desk.get_by_role("group", name="Phân loại").get_by_label("Về quy định, thủ tục hành chính").check()
    desk.get_by_role("button", name="Phân loại và giao xử lý").click()
    expect(desk.locator("#trang-thai")).to_have_text("Đang xử lý")
    desk.get_by_label("Nội dung trả lời (sẽ được công khai)").fill(ANSWER)
    desk.get_by_role("button", name="Ghi nhận kết quả trả lời").click()
    expect(desk.locator("#trang-thai")).to_have_text("Đã có kết quả xử lý")
    desk.get_by_role("button", name="Công khai kết quả trả lời").click()
    expect(desk.locator("#trang-thai")).to_have_text("Đã công khai kết quả")
    shot(desk, "3-console")
    feedback = Feedback.objects.get(code=code)
    assert feedback.status == FeedbackStatus.PUBLISHED
    assert feedback.classification == "regulation"

    # 3. the citizen looks it up (a wrong phone first), reads the answer and rates it
    phone.goto(base + "/phan-anh/tra-cuu/")
    phone.get_by_label("Mã phản ánh").fill(code)
    phone.get_by_label("Số điện thoại hoặc mã tra cứu").fill("0905111223")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.get_by_role("alert")).to_contain_text("Không tìm thấy phản ánh")
    phone.get_by_label("Số điện thoại hoặc mã tra cứu").fill(lookup_code)
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator("#trang-thai")).to_have_text("Đã công khai kết quả")
    expect(phone.locator("#tra-loi")).to_contain_text("Sở xin lỗi")
    phone.get_by_role("group", name="Bạn có hài lòng với kết quả xử lý?").get_by_label("Hài lòng", exact=True).check()
    phone.get_by_label("Ý kiến (không bắt buộc)").fill("Cảm ơn Sở đã trả lời rõ ràng.")
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#muc-danh-gia")).to_contain_text("Hài lòng")
    assert page_width(phone) <= 390
    shot(phone, "4-rated")
    feedback.refresh_from_db()
    assert feedback.rating == "satisfied"

    # 4. the answer is public, found without diacritics
    phone.goto(base + "/phan-anh/")
    phone.get_by_role("searchbox", name="Tìm trong các kết quả đã công khai").fill("ly lich tu phap")
    phone.get_by_role("button", name="Tìm").click()
    phone.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp chậm hẹn").click()
    expect(phone.locator("#tra-loi")).to_contain_text("Sở xin lỗi")
    assert page_width(phone) <= 390
    shot(phone, "5-public")

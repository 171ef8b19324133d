"""The citizen portal in a real Chromium (Playwright, headless), on a 390 px phone: search → submit online
with a real PDF → the commune officer receives and processes it in the staff console → the citizen looks
it up, sees "Đã trả kết quả" and rates. Disguised uploads are refused on the way, with nothing stored.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.accounts.otp.testing import browser_second_factor
from cchc.common.tests.files import EXE_AS_PDF, HTML_AS_PDF, pdf_bytes, stored_files
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating
from cchc.dossiers.tests.conftest import World, build_world
from cchc.dossiers.tests.portal.conftest import import_building_permit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")
PASSWORD = "x-Secret-123"
PERMIT = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def world_committed(transactional_db: None) -> World:
    world = build_world()
    import_building_permit()
    world.commune_officer.first_name = "Võ Thị Mai"
    world.commune_officer.save()
    return world


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def pdf_file(name: str, content: bytes | None = None) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": content if content is not None else pdf_bytes()}


def attach(page: Page, first: dict[str, object]) -> None:
    page.get_by_label("Đơn đề nghị cấp giấy phép xây dựng").set_input_files(first)
    page.get_by_label("Giấy tờ chứng minh quyền sử dụng đất").set_input_files(pdf_file("so-do.pdf"))
    page.get_by_label(re.compile("^Bản vẽ thiết kế xây dựng")).set_input_files(pdf_file("ban-ve.pdf"))


def console_act(page: Page, title: str, button: str | None = None) -> None:
    summary = page.locator("details.action-card > summary", has_text=title)
    if summary.count():
        summary.click()
    page.get_by_role("button", name=button or title, exact=True).click()


def test_search_submit_process_return_rate(phone: Page, desk: Page, live_server, world_committed: World, media_root):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    commune = world_committed.nha_trang

    # 1. the citizen finds the procedure without typing diacritics
    phone.goto(base + "/")
    phone.get_by_text("Menu", exact=True).click()  # on a phone the main nav is a disclosure menu
    phone.get_by_role("link", name="Dịch vụ công").click()
    phone.get_by_role("searchbox", name="Tìm thủ tục hành chính").fill("giay phep xay dung")
    phone.get_by_role("button", name="Tìm").click()
    phone.get_by_role("link", name=PERMIT).click()
    expect(phone.locator("h1")).to_have_text(PERMIT)
    expect(phone.locator("#thanh-phan + ol")).to_contain_text("Bản vẽ thiết kế xây dựng")
    expect(phone.locator("#phi + ul")).to_contain_text("75.000 đồng")
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "portal-procedure-phone.png"), full_page=True)
    phone.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()

    # 2. fills the form; a web page renamed .pdf is refused, next to its field, and nothing is stored
    phone.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Thị Hồng")
    phone.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)").fill("056190004321")
    phone.get_by_label("Số điện thoại").fill("0905 111 222")
    phone.get_by_role("textbox", name="Thư điện tử").fill("hong@example.vn")
    phone.get_by_label("Nộp hồ sơ và nhận kết quả tại").select_option(label=commune.name)
    attach(phone, pdf_file("don.pdf", HTML_AS_PDF))
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("Tệp «don.pdf» (Đơn đề nghị cấp giấy phép xây dựng) không phải tệp PDF")
    expect(phone.locator("#doc_1-loi")).to_contain_text("không phải tệp PDF, JPEG, PNG hoặc Word")
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert stored_files(media_root) == []
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "portal-apply-error-phone.png"), full_page=True)
    # the typed fields are kept; the files must be chosen again (an executable this time: refused too)
    expect(phone.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value("Phạm Thị Hồng")
    attach(phone, pdf_file("don.pdf", EXE_AS_PDF))
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    expect(phone.locator("#doc_1-loi")).to_contain_text("không phải tệp PDF")
    assert Dossier.objects.count() == 0
    assert stored_files(media_root) == []
    # now the real PDFs
    attach(phone, pdf_file("don.pdf"))
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    expect(phone.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    dossier = Dossier.objects.get()
    reference = f"TT-{dossier.pk:06d}"
    expect(phone.locator("#ma-nop")).to_have_text(reference)
    assert dossier.documents.count() == 3
    assert len(stored_files(media_root)) == 3
    phone.screenshot(path=str(SHOTS / "portal-submitted-phone.png"), full_page=True)

    # 3. the commune's officer receives it in the console and processes it to the returned result
    desk.goto(base + "/mot-cua/dang-nhap/")
    desk.get_by_label("Tên đăng nhập").fill("canboxa")
    desk.get_by_label("Mật khẩu").fill(PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(desk, "canboxa")  # a leader too: the TOTP code (issue 15 item 6)
    desk.get_by_role("link", name=re.compile("Chờ tiếp nhận")).click()
    desk.locator(".dossier-card a").first.click()
    expect(desk.locator("main")).to_contain_text("Đơn đề nghị cấp giấy phép xây dựng")
    console_act(desk, "Tiếp nhận hồ sơ")
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    dossier.refresh_from_db()
    for _ in range(3):  # reception -> appraisal -> approval -> issuing
        console_act(desk, "Chuyển bước xử lý (bàn giao)")
        expect(desk.locator(".flash")).to_contain_text("Đã chuyển bước")
    console_act(desk, "Ghi nhận đã xử lý xong")
    expect(desk.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    desk.locator("details.action-card > summary", has_text="Ghi nhận thanh toán phí, lệ phí").click()
    desk.get_by_label("Số tiền (đồng)").fill("75000")
    desk.get_by_label("Số biên lai").fill("BL-XD-001")
    desk.get_by_role("button", name="Ghi nhận thanh toán phí, lệ phí").click()
    expect(desk.locator(".flash")).to_contain_text("Đã ghi nhận biên lai số BL-XD-001")
    console_act(desk, "Trả kết quả cho người nộp")
    expect(desk.locator("#trang-thai")).to_have_text("Đã trả kết quả")

    # 4. the citizen looks it up: a wrong phone first (not found), then the right one
    phone.goto(base + "/dich-vu-cong/tra-cuu/")
    phone.get_by_label("Mã hồ sơ hoặc mã nộp trực tuyến").fill(dossier.code)
    phone.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill("0905111223")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator(".error-summary")).to_contain_text("Không tìm thấy hồ sơ với mã và thông tin xác thực")
    phone.get_by_label("Mã hồ sơ hoặc mã nộp trực tuyến").fill(reference)
    phone.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill("0905111222")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator("#trang-thai")).to_have_text("Đã trả kết quả")
    expect(phone.locator(".dossier-timeline")).to_contain_text("Đã nộp phí, lệ phí")
    assert page_width(phone) <= 390

    # 5. and rates it
    phone.get_by_role("group", name="Mức độ hài lòng chung").get_by_label("Rất hài lòng").check()
    for criterion in [
        "Sự thuận tiện khi thực hiện thủ tục",
        "Thời gian giải quyết so với hẹn trả",
        "Thái độ, trách nhiệm của công chức",
        "Công khai thủ tục hành chính",
    ]:
        phone.get_by_role("group", name=criterion).get_by_label("Hài lòng", exact=True).check()
    phone.get_by_label("Ý kiến góp ý (không bắt buộc)").fill("Nhanh, đúng hẹn.")
    phone.screenshot(path=str(SHOTS / "portal-status-phone.png"), full_page=True)
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator(".flash")).to_contain_text("Cảm ơn bạn đã đánh giá")
    expect(phone.locator("main")).to_contain_text("Mức độ hài lòng chung: Rất hài lòng")
    rating = DossierRating.objects.get()
    assert rating.level == "very_satisfied"
    assert rating.criteria == {
        "convenience": "satisfied",
        "timeliness": "satisfied",
        "staff_attitude": "satisfied",
        "publicity": "satisfied",
    }
    assert Dossier.objects.get().status == DossierStatus.RETURNED

"""The periodic report in a real Chromium (Playwright, headless): Sở Tư pháp's officer writes and sends the
quarterly report on a 390 px phone; Sở Nội vụ sees it in the compliance view, accepts it, drafts the
consolidated report and downloads its DOCX and PDF.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from cchc.reporting import services as s
from cchc.reporting.constants import ReportStatus
from cchc.reporting.models import AgencyReport
from cchc.reporting.tests.conftest import PASSWORD, RWorld, build_reporting_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    yield context.new_page()
    context.close()


def login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/mot-cua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_agency_submits_and_noi_vu_accepts_and_downloads(
    phone: Page, desk: Page, live_server: object, transactional_db: None
) -> None:
    SHOTS.mkdir(exist_ok=True)
    rw: RWorld = build_reporting_world()
    today = timezone.localdate()
    key = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    period = s.report_period_open(key=key, actor=rw.reviewer, at=timezone.now())
    base = live_server.url  # type: ignore[attr-defined]

    # 1. the officer of Sở Tư pháp opens the period and starts the report on a phone
    login(phone, base, rw.officer.username)
    phone.goto(base + "/bao-cao/")
    phone.get_by_role("link", name=period.label).click()
    phone.get_by_role("link", name=rw.justice.name).click()
    phone.get_by_role("button", name=f"Lập báo cáo {period.label}").click()
    expect(phone.locator(".flash")).to_contain_text("Đã lập dự thảo báo cáo")
    # sending with empty areas is refused with the list of areas
    phone.get_by_role("button", name="Gửi báo cáo đến Sở Nội vụ").click()
    expect(phone.locator(".refusal")).to_contain_text("Chưa nhập công việc đã triển khai và kết quả đạt được của: 1.")
    works, results = phone.locator('textarea[name$="-work_done"]'), phone.locator('textarea[name$="-results"]')
    for index in range(works.count()):
        works.nth(index).fill(f"Triển khai nhiệm vụ nội dung {index + 1} theo kế hoạch")
        results.nth(index).fill(f"Hoàn thành {index + 1}/{index + 1} nhiệm vụ")
    phone.locator('textarea[name$="-difficulties"]').nth(1).fill("Hồ sơ liên thông còn chậm")
    phone.get_by_label("Tử số").first.fill("8")
    phone.get_by_label("Mẫu số").first.fill("9")
    phone.get_by_role("button", name="Gửi báo cáo đến Sở Nội vụ").click()
    expect(phone.locator("#trang-thai")).to_have_text("Đã gửi")
    expect(phone.locator("#dung-han")).to_have_text("Đúng hạn")
    expect(phone.locator(".rp-figures")).to_contain_text("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn")
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "reporting-agency-phone.png"), full_page=True)

    # 2. Sở Nội vụ sees it in the compliance view (with the chart) and accepts it
    login(desk, base, rw.reviewer.username)
    desk.goto(base + f"/bao-cao/{period.key}/")
    expect(desk.locator("#bieu-do-tinh-hinh svg")).to_be_visible()
    row = desk.locator("#bang-tinh-hinh tr", has_text=rw.justice.name)
    expect(row).to_contain_text("Đúng hạn")
    desk.screenshot(path=str(SHOTS / "reporting-compliance.png"), full_page=False)
    row.get_by_role("link", name=rw.justice.name).click()
    desk.get_by_role("button", name="Tiếp nhận báo cáo").click()
    expect(desk.locator("#trang-thai")).to_have_text("Đã tiếp nhận")
    assert AgencyReport.objects.get().status == ReportStatus.ACCEPTED

    # 3. the consolidated report: drafted from the accepted report, then downloaded
    desk.goto(base + f"/bao-cao/{period.key}/tong-hop/")
    desk.get_by_role("button", name="Lập dự thảo từ các báo cáo đã tiếp nhận").click()
    expect(desk.locator("#trang-thai")).to_have_text("Dự thảo")
    expect(desk.locator("textarea[name$='-results']").nth(1)).to_have_value(
        f"- {rw.justice.name}: Triển khai nhiệm vụ nội dung 2 theo kế hoạch. Hoàn thành 2/2 nhiệm vụ."
    )
    with desk.expect_download() as docx_info:
        desk.locator("#tai-docx").click()
    docx_path = docx_info.value.path()
    assert docx_info.value.suggested_filename == f"bao-cao-cchc-{period.key}-du-thao.docx"
    texts = [p.text for p in Document(str(docx_path)).paragraphs]
    assert "2. Cải cách thủ tục hành chính" in texts
    with desk.expect_download() as pdf_info:
        desk.locator("#tai-pdf").click()
    pdf = Path(pdf_info.value.path()).read_bytes()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hồ sơ liên thông còn chậm" in text

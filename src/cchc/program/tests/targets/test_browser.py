"""The target pages in a real Chromium (Playwright, headless) on a 390 px phone: the list, a target with
its chart and figures, then a Sở Nội vụ officer enters a manual value with a PDF as evidence.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import build_world, to_status
from cchc.indicators.tests.conftest import apply_events
from cchc.program.models import TargetValue
from cchc.program.tests.targets.conftest import build_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


def page_width(page: Page) -> int:
    return int(page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"))


def test_list_target_chart_and_a_manual_value(phone: Page, live_server, transactional_db: None, media_root: Path):
    world = build_world()
    build_program(world)
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url

    # the list, by reform area, fits the phone
    phone.goto(base + "/chi-tieu/")
    expect(phone.locator("h1")).to_have_text("Chỉ tiêu của Chương trình")
    expect(phone.locator("li.target-card")).to_have_count(24)
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "targets-list.png"), full_page=True)

    # a target measured from dossiers: its chart is drawn, its figures are in the table
    phone.get_by_role("link", name="Tỷ lệ giao dịch thanh toán trực tuyến").last.click()
    expect(phone.locator("h1")).to_have_text("Tỷ lệ giao dịch thanh toán trực tuyến")
    expect(phone.locator("#target-chart[data-ready='1'] svg")).to_have_count(1)
    expect(phone.locator("table.trend tbody tr")).to_have_count(6)
    expect(phone.locator("table.trend tbody tr").last).to_contain_text("0%")
    expect(phone.locator("table.trend tbody tr").first).to_contain_text("Chưa có dữ liệu")
    expect(phone.get_by_text("2030: ≥ 50%")).to_be_visible()
    assert page_width(phone) <= 390
    phone.screenshot(path=str(SHOTS / "target-detail.png"), full_page=True)

    # a Sở Nội vụ officer signs in and enters the SIPAS figure of 2025 with a PDF
    phone.goto(base + "/mot-cua/dang-nhap/?next=/chi-tieu/a3-2030-2/")
    phone.get_by_label("Tên đăng nhập").fill("chuyenvien.snv")
    phone.get_by_label("Mật khẩu").fill("x-Secret-123")
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.goto(base + "/chi-tieu/a3-2030-2/")
    phone.get_by_label("Kỳ số liệu").fill("2025")
    phone.get_by_label("Giá trị (%)").fill("91,2")
    phone.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "ket-qua-sipas-2025.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    phone.get_by_label("Ghi chú").fill("Kết quả khảo sát SIPAS năm 2025")
    phone.get_by_role("button", name="Lưu số liệu").click()
    expect(phone.get_by_text("Đã lưu số liệu.")).to_be_visible()
    expect(phone.locator("table.history")).to_contain_text("ket-qua-sipas-2025.pdf")
    expect(phone.locator("table.trend")).to_contain_text("91,2")
    expect(phone.locator("#target-chart[data-ready='1'] svg")).to_have_count(1)
    phone.screenshot(path=str(SHOTS / "target-manual.png"), full_page=True)
    value = TargetValue.objects.get()
    assert (str(value.value), value.evidence_type) == ("91.20", "application/pdf")


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    yield context.new_page()
    context.close()


def test_list_reason_period_and_export(desktop: Page, live_server, transactional_db: None):
    """Issue 12, item 22: each status with its reason, the figures at the end of a chosen year, the export."""
    world = build_world()
    build_program(world)
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    base = live_server.url
    page = desktop
    page.goto(base + "/chi-tieu/")
    card = page.locator("li.target-card", has=page.locator('a[href="/chi-tieu/a2-2025-2/"]'))
    expect(card.locator(".target-reason")).to_have_text("Không có số liệu năm 2025 (năm mốc) để đánh giá.")
    # the period: the end of 2025
    page.get_by_label("Số liệu tính đến hết năm").select_option("2025")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(base + "/chi-tieu/?nam=2025")
    expect(page.get_by_text("Số liệu như tại cuối năm 2025.")).to_be_visible()
    # the export of what is shown
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename == "chi-tieu-chi-tieu-2025.xlsx"
    path = download.path()
    assert path is not None
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(path).read_bytes())).active
    assert sheet is not None
    assert sheet.max_row == 25
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    assert info.value.suggested_filename == "chi-tieu-chi-tieu-2025.csv"

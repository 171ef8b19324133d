"""The PAR Index in a real Chromium (Playwright, headless): an agency officer self-scores with
evidence and submits; the Sở Nội vụ officer adjusts one score with a reason and publishes; the
ranking shows the grade. Screenshots go to /tmp/cchc-screens (never into the repository)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cchc.par.models import Evidence
from cchc.par.tests.conftest import PDF, ParWorld, build_par_world

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
def world_now(transactional_db: None) -> ParWorld:
    now = timezone.now()
    today = timezone.localdate(now)
    world = build_par_world(
        at=now, opened=today, deadline=today + timedelta(days=20), appraisal=today + timedelta(days=40)
    )
    world.officer.first_name = "Trần Văn Minh"
    world.officer.save()
    return world


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/mot-cua/dang-nhap/?next=/par-index/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Đánh giá, xếp hạng cải cách hành chính")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập")


def save(page: Page, code: str, flash: str) -> None:
    page.get_by_role("button", name=f"Lưu điểm tiêu chí {code}").click()
    expect(page.locator(".flash")).to_contain_text(flash)


def test_self_assessment_appraisal_and_ranking(page: Page, live_server, world_now: ParWorld, tmp_path: Path):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    evidence = tmp_path / "ke-hoach-cchc-2026.pdf"
    evidence.write_bytes(PDF)
    disguised = tmp_path / "bao-cao.pdf"
    disguised.write_bytes(b"MZ\x90\x00 this is an executable")

    # 1. the Sở Tư pháp officer self-scores with evidence
    log_in(page, base, "chuyenvien")
    page.get_by_role("link", name=re.compile("^Sở Tư pháp — Chỉ số CCHC năm")).click()
    expect(page.locator("h1")).to_have_text("Sở Tư pháp")
    page.get_by_label("Điểm tự đánh giá tiêu chí 1.1.1").fill("1,5")
    page.get_by_label("Giải trình tiêu chí 1.1.1").fill("Kế hoạch ban hành ngày 20/12")
    page.get_by_label("Tài liệu kiểm chứng tiêu chí 1.1.1").set_input_files(str(evidence))
    save(page, "1.1.1", "Đã lưu điểm tự đánh giá tiêu chí 1.1.1.")
    expect(page.get_by_role("link", name="ke-hoach-cchc-2026.pdf")).to_be_visible()

    # a score above the maximum: a clear message, nothing saved
    page.get_by_label("Điểm tự đánh giá tiêu chí 1.1.2").fill("3")
    save_button = page.get_by_role("button", name="Lưu điểm tiêu chí 1.1.2")
    save_button.click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Điểm tiêu chí 1.1.2 phải từ 0 đến 2,5 (điểm tối đa); đã nhập 3."
    )
    expect(page.get_by_label("Điểm tự đánh giá tiêu chí 1.1.2")).to_have_attribute("aria-invalid", "true")
    assert world_now.score(world_now.justice, "1.1.2").self_points is None
    page.get_by_label("Điểm tự đánh giá tiêu chí 1.1.2").fill("2,5")
    save(page, "1.1.2", "Đã lưu điểm tự đánh giá tiêu chí 1.1.2.")

    # a file of the wrong type (named .pdf): refused by content
    page.get_by_label("Điểm tự đánh giá tiêu chí 1.2").fill("2")
    page.get_by_label("Tài liệu kiểm chứng tiêu chí 1.2").set_input_files(str(disguised))
    page.get_by_role("button", name="Lưu điểm tiêu chí 1.2").click()
    expect(page.locator(".error-summary")).to_contain_text("Tệp «bao-cao.pdf» không phải tệp PDF")
    assert Evidence.objects.count() == 1
    page.get_by_label("Tài liệu kiểm chứng tiêu chí 1.2").set_input_files([])
    save(page, "1.2", "Đã lưu điểm tự đánh giá tiêu chí 1.2.")
    page.screenshot(path=str(SHOTS / "par-self-assessment.png"), full_page=True)

    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    expect(page.locator(".flash")).to_contain_text("Đã nộp bản tự đánh giá cho cơ quan thẩm định.")
    expect(page.locator("#trang-thai")).to_have_text("Đã nộp, chờ thẩm định")
    expect(page.get_by_label("Điểm tự đánh giá tiêu chí 1.2")).to_have_count(0)
    log_out(page)

    # 2. the Sở Nội vụ officer appraises: one score lowered with a reason, the survey, the computed leaf
    log_in(page, base, "noivu")
    page.get_by_role("link", name=re.compile("^Chỉ số CCHC năm")).click()
    page.get_by_role("link", name="Sở Tư pháp").click()
    page.get_by_label("Điểm thẩm định tiêu chí 1.2").fill("1")
    page.get_by_role("button", name="Lưu thẩm định tiêu chí 1.2").click()
    expect(page.locator(".error-summary")).to_contain_text("Tiêu chí 1.2: cần ghi lý do điều chỉnh.")
    page.get_by_label("Lý do điều chỉnh tiêu chí 1.2").fill("Báo cáo quý III nộp chậm 5 ngày")
    page.get_by_role("button", name="Lưu thẩm định tiêu chí 1.2").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu điểm thẩm định tiêu chí 1.2.")
    expect(page.locator("#tc-1-2")).to_contain_text("Đã điều chỉnh")
    expect(page.locator("#tc-1-2")).to_contain_text("Báo cáo quý III nộp chậm 5 ngày")
    page.get_by_label("Tỷ lệ hài lòng (%) tiêu chí 2.1").fill("90")
    page.get_by_label("Nguồn (cuộc điều tra) tiêu chí 2.1").fill("Khảo sát SIPAS của tỉnh")
    page.get_by_role("button", name="Ghi kết quả điều tra tiêu chí 2.1").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi kết quả điều tra xã hội học tiêu chí 2.1.")
    page.get_by_label("Điểm thẩm định tiêu chí 2.2").fill("2")
    page.get_by_label("Ghi chú, nguồn số liệu tiêu chí 2.2").fill("Theo sổ theo dõi hồ sơ của Sở")
    page.get_by_role("button", name="Lưu thẩm định tiêu chí 2.2").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu điểm thẩm định tiêu chí 2.2.")
    page.get_by_role("button", name="Kết thúc thẩm định").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã thẩm định xong")
    # 1,5 + 2,5 + 1 + 1,8 + 2 = 8,8 of 10
    expect(page.locator("#tong-tham-dinh")).to_have_text("8,8")
    # the self-assessment stays as submitted (1,5 + 2,5 + 2): the appraisal never changes it
    expect(page.locator("#tong-tu-danh-gia")).to_have_text("6")
    page.screenshot(path=str(SHOTS / "par-appraisal.png"), full_page=True)

    # 3. close, publish, and the ranking shows the grade
    page.get_by_role("link", name=re.compile("^Chỉ số CCHC năm")).first.click()
    page.get_by_role("button", name="Đóng phần tự đánh giá").click()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator(".flash")).to_contain_text("Đã công bố kết quả đợt đánh giá.")
    page.get_by_role("link", name="Xem kết quả, xếp hạng").click()
    row = page.locator("#bang-xep-hang tbody tr").first
    expect(row).to_contain_text("Sở Tư pháp")
    expect(row).to_contain_text("88,00 %")
    expect(row).to_contain_text("Khá")
    expect(page.locator("#bang-xep-hang tbody tr").nth(1)).to_contain_text("Không nộp bản tự đánh giá")
    expect(page.locator("#bieu-do-xep-hang svg")).to_have_count(1)  # ECharts drew the chart
    page.screenshot(path=str(SHOTS / "par-results.png"), full_page=True)

    # on a 390 px phone the page does not scroll sideways (the wide table scrolls in its box)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert width <= 390
    page.screenshot(path=str(SHOTS / "par-results-phone.png"), full_page=True)

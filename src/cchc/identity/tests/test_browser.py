"""In a real Chromium: a citizen signs in through the development provider's redirect login (its own
page, its own process), files a dossier with the details prefilled and locked, and finds it in
"Hồ sơ của tôi"; the dossier records the identification level."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cchc.dossiers.constants import IdentityLevel
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.portal.journey import PROCEDURE, catalogue, pdf  # noqa: F401 (fixture)
from cchc.dossiers.tests.portal.journey import citizen as page  # noqa: F401 (fixture: the citizen's page)
from cchc.identity.models import Citizen
from cchc.identity.provider.citizens import PASSWORD
from cchc.identity.tests.conftest import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


def test_a_citizen_signs_in_files_with_locked_details_and_sees_it_in_my_dossiers(
    page: Page,  # noqa: F811
    live_server: Any,
    provider: Provider,
    catalogue: None,  # noqa: F811
):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url

    # 1. on the application form, the citizen chooses to sign in with the electronic identity
    page.goto(base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop-truc-tuyen/")
    page.locator("#dinh-danh").get_by_role("link", name="Đăng nhập").click()

    # 2. the provider's own login page (another origin), then back to the form
    expect(page.locator("h1")).to_have_text("Đăng nhập tài khoản định danh điện tử")
    assert page.url.startswith(provider.base + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế tổ chức").fill("056190004321")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#dinh-danh")).to_contain_text("Bạn đang đăng nhập bằng tài khoản định danh điện tử")
    assert page.url == base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop-truc-tuyen/"

    # 3. name and number prefilled and locked; the rest typed
    name = page.get_by_label("Họ và tên (hoặc tên tổ chức)")
    number = page.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)")
    expect(name).to_have_value("Phạm Thị Hồng")
    expect(name).to_be_disabled()
    expect(number).to_have_value("056190004321")
    expect(number).to_be_disabled()
    page.get_by_label("Số điện thoại").fill("0905111222")
    page.get_by_role("textbox", name="Thư điện tử").fill("hong@example.vn")
    page.get_by_label(re.compile("^Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")).set_input_files(pdf("to-khai.pdf"))
    page.get_by_label(re.compile("^Giấy tờ tùy thân của người yêu cầu")).set_input_files(pdf("cccd.pdf"))
    page.screenshot(path=str(SHOTS / "identity-apply-locked.png"), full_page=True)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    dossier = Dossier.objects.get()
    assert dossier.applicant_identity == IdentityLevel.VNEID_2
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Phạm Thị Hồng", "056190004321")

    # 4. "Hồ sơ của tôi" from the navigation lists it, and its status page opens from there
    page.get_by_role("navigation").get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi")
    row = page.locator("tr.my-dossier")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Cấp Phiếu lý lịch tư pháp")
    expect(row).to_contain_text("Mới đăng ký")
    page.screenshot(path=str(SHOTS / "identity-my-dossiers.png"), full_page=True)
    row.get_by_role("link").first.click()
    expect(page.locator("#trang-thai")).to_have_text("Mới đăng ký")
    assert Citizen.objects.get().level == IdentityLevel.VNEID_2

    # 5. signing out leaves the portal usable anonymously
    page.goto(base + "/dich-vu-cong/ho-so-cua-toi/")
    page.get_by_role("button", name="Đăng xuất tài khoản định danh").click()
    page.goto(base + "/dich-vu-cong/ho-so-cua-toi/")
    expect(page.locator("h1")).to_have_text("Đăng nhập bằng tài khoản định danh điện tử")

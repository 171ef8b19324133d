"""The demo can be completed with the printed accounts (issue 12, item 17), in a real Chromium: the
registry and the demo catalogue as ``make run`` loads them, ``cchc demo_staff``'s printed accounts
and journey, and one online dossier of a Công an procedure (Cấp Phiếu lý lịch tư pháp) taken from
submission on the portal through reception, every step, the end of processing and the return of the
result to the citizen's rating, logging in only with the printed usernames and passwords.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier, DossierRating
from cchc.dossiers.tests.portal.journey import (  # noqa: F401 (fixtures)
    PROCEDURE,
    act,
    catalogue,
    citizen,
    desk,
    hand_over_every_step,
    label,
    log_in,
    log_out,
    pdf,
    printed,
    take_action,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")


def test_an_online_police_dossier_goes_from_submission_to_rating_with_the_printed_accounts(
    citizen: Page,  # noqa: F811
    desk: Page,  # noqa: F811
    live_server,
    printed: tuple[dict[str, str], list[str]],  # noqa: F811
    media_root,
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

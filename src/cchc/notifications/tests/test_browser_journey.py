"""An applicant who gives an e-mail address is told of each step of their dossier (issue 13, "Done when"):
in a real Chromium, the citizen files a dossier online, the desk receives it and asks for a supplement,
the citizen hands the supplement in on the portal, the officers process it, and the desk returns the
result — and the messages are read from a real SMTP server (aiosmtpd) that the outbox's dispatcher
sends to, in the order the dossier moved, each naming the dossier's code and the tracking link.

The dispatcher is the real one (``cchc.outbox.dispatch.outbox_drain``, every registered subscriber),
run in the test's process after each step, as ``cchc outbox dispatch`` does in a deployment.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cchc.common.tests.files import media_root  # noqa: F401 (fixture)
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.portal.journey import (  # noqa: F401 (fixtures)
    PROCEDURE,
    act,
    catalogue,
    citizen,
    desk,
    hand_over_every_step,
    log_in,
    log_out,
    pdf,
    printed,
    take_action,
)
from cchc.notifications.models import Notification
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "hong@example.vn"


def delivered(smtp_server: Any, count: int) -> list[Any]:
    """Run the dispatcher, then the messages once ``count`` have reached the SMTP server."""
    outbox_drain()
    return smtp_server.wait_for(count)


def test_the_applicant_receives_an_email_at_each_step_of_the_dossier(
    citizen: Page,  # noqa: F811
    desk: Page,  # noqa: F811
    live_server: Any,
    printed: tuple[dict[str, str], list[str]],  # noqa: F811
    media_root: Any,  # noqa: F811
    smtp_server: Any,
    settings: Any,
) -> None:
    base = live_server.url
    settings.CCHC_SITE_URL = base + "/"
    accounts, journey = printed
    *steps, processed_by, returned_by = journey

    # 1. the citizen files the dossier online, giving an e-mail address (thư điện tử is ticked by default)
    citizen.goto(base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    citizen.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Thị Hồng")
    citizen.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)").fill("056190004321")
    citizen.get_by_label("Số điện thoại").fill("0905111222")
    citizen.get_by_role("textbox", name="Thư điện tử").fill(EMAIL)
    expect(citizen.get_by_role("checkbox", name="Thư điện tử")).to_be_checked()
    citizen.get_by_label(re.compile("^Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")).set_input_files(pdf("to-khai.pdf"))
    citizen.get_by_label(re.compile("^Giấy tờ tùy thân của người yêu cầu")).set_input_files(pdf("cccd.pdf"))
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    dossier = Dossier.objects.get()
    assert dossier.notify_channels == ["email"]
    submitted = delivered(smtp_server, 1)[-1]
    assert submitted["To"] == EMAIL
    assert str(submitted["Subject"]).startswith("Đã nhận hồ sơ nộp trực tuyến")

    # 2. the centre's desk receives it: the receipt gives the code and the appointment
    log_in(desk, base, steps[0], accounts[steps[0]])
    desk.get_by_role("link", name=re.compile("Chờ tiếp nhận")).click()
    desk.locator(".dossier-card a").first.click()
    act(desk, "Tiếp nhận hồ sơ")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    dossier.refresh_from_db()
    url = base + f"/mot-cua/ho-so/{dossier.code}/"
    receipt = delivered(smtp_server, 2)[-1]
    assert str(receipt["Subject"]).startswith(f"Tiếp nhận hồ sơ {dossier.code}: hẹn trả kết quả ")
    body = receipt.get_content()
    assert f"Mã hồ sơ: {dossier.code}" in body
    assert base + "/dich-vu-cong/tra-cuu/" in body

    # 3. the desk asks for a supplement: the message says what is missing
    act(desk, "Yêu cầu bổ sung, hoàn thiện hồ sơ")
    desk.get_by_label("Giấy tờ, nội dung cần bổ sung và lý do").fill("Bổ sung bản chụp giấy khai sinh rõ nét.")
    desk.get_by_role("button", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    expect(desk.locator("#trang-thai")).to_have_text("Yêu cầu bổ sung giấy tờ")
    log_out(desk)
    supplement = delivered(smtp_server, 3)[-1]
    assert str(supplement["Subject"]) == f"Hồ sơ {dossier.code} cần bổ sung"
    assert "Nội dung cần bổ sung: Bổ sung bản chụp giấy khai sinh rõ nét." in supplement.get_content()

    # 4. the citizen follows the link, looks the dossier up and hands the supplement in
    citizen.goto(base + "/dich-vu-cong/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ hoặc mã nộp trực tuyến").fill(dossier.code)
    citizen.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill("0905111222")
    citizen.get_by_role("button", name="Tra cứu").click()
    expect(citizen.locator("#noi-dung-bo-sung")).to_contain_text("giấy khai sinh")
    citizen.get_by_label(re.compile("^Giấy tờ tùy thân của người yêu cầu")).set_input_files(pdf("khai-sinh.pdf"))
    citizen.get_by_role("button", name="Nộp bổ sung").click()
    expect(citizen.locator("#trang-thai")).to_have_text("Được tiếp nhận")

    # 5. every step by the account printed for it, then the competent leader records the result
    log_in(desk, base, steps[0], accounts[steps[0]])
    hand_over_every_step(desk, base, url, steps, accounts)
    take_action(desk, base, url, processed_by, accounts, "Ghi nhận đã xử lý xong", "Đã xử lý xong")
    log_out(desk)
    ready = delivered(smtp_server, 4)[-1]
    assert str(ready["Subject"]) == f"Hồ sơ {dossier.code} đã có kết quả"

    # 6. the centre's clerk returns the result
    take_action(desk, base, url, returned_by, accounts, "Trả kết quả cho người nộp", "Đã trả kết quả")
    messages = delivered(smtp_server, 5)
    returned = messages[-1]
    assert dossier.code in str(returned["Subject"])

    # one message per step, in the order the dossier moved, all to the applicant, each recorded against it
    assert len(messages) == 5
    assert {m["To"] for m in messages} == {EMAIL}
    assert all(dossier.code in m.get_content() for m in messages[1:])
    sent = list(Notification.objects.filter(dossier=dossier).order_by("pk").values_list("topic", "channel", "status"))
    assert [channel for _, channel, _ in sent] == ["email"] * 5
    assert {status for _, _, status in sent} == {"sent"}
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert Dossier.objects.get().status == DossierStatus.RETURNED

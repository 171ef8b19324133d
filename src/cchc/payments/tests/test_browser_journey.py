"""The citizen's whole journey of issue 15 ("Done when"), in a real Chromium against the real processes:
the citizen signs in through the development identity provider's redirect login (its own process and
page), files a dossier of a procedure with a fee with the details prefilled and locked from the
identity, the centre's desk receives it and asks for the fee (the financial obligation, the amount
chosen from the fee table), the citizen pays online on the gateway simulator's page (its own process,
whose IPN is delivered to the platform's IPN view), the outbox's real dispatcher issues the receipt and
sends the e-mail to a real SMTP server (aiosmtpd), and the link in that e-mail opens «Hồ sơ của tôi»,
where the signed-in citizen sees the dossier, the payment's status and the receipt, whose link
downloads the PDF.

Fixtures come from where they live: the identity provider (``identity/tests/conftest.py``), the gateway
simulator (``payments/tests/conftest.py``), the SMTP server (``notifications/tests/smtp.py``), the
registry, demo catalogue and printed accounts and the console helpers (``dossiers/tests/portal/journey.py``).
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cchc.common.tests.files import media_root  # noqa: F401 (fixture)
from cchc.dossiers.constants import DossierStatus, IdentityLevel
from cchc.dossiers.models import Dossier, Payment
from cchc.dossiers.tests.portal.journey import (  # noqa: F401 (fixtures)
    PROCEDURE,
    act,
    catalogue,
    citizen,
    desk,
    log_in,
    log_out,
    pdf,
    printed,
)
from cchc.identity.provider.citizens import PASSWORD
from cchc.identity.tests.conftest import Provider, provider, provider_process  # noqa: F401 (fixtures)
from cchc.outbox.dispatch import outbox_drain
from cchc.payments.models import PaymentOrder
from cchc.payments.tests.conftest import SUCCESS, GatewaySimulator, deliver
from cchc.receipts.models import Receipt
from cchc.signing import pki

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONG = "056190004321"  # a test citizen of the development provider (mức 2)
EMAIL = "hong@example.vn"
FEE = "Phí cung cấp thông tin lý lịch tư pháp"  # the demo catalogue's fee of PROCEDURE (a table: 200.000 …)


def _text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_a_citizen_signs_in_files_pays_online_gets_the_receipt_by_email_and_sees_it_in_my_dossiers(
    citizen: Page,  # noqa: F811
    desk: Page,  # noqa: F811
    live_server: Any,
    printed: tuple[dict[str, str], list[str]],  # noqa: F811
    media_root: Any,  # noqa: F811
    provider: Provider,  # noqa: F811
    gateway_sim: GatewaySimulator,
    smtp_server: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    base = live_server.url
    settings.CCHC_SITE_URL = base + "/"
    accounts, journey = printed
    reception = journey[0]
    # 1. on the application form the citizen signs in at the provider (another origin) and comes back
    citizen.goto(base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop-truc-tuyen/")
    citizen.locator("#dinh-danh").get_by_role("link", name="Đăng nhập").click()
    expect(citizen.locator("h1")).to_have_text("Đăng nhập tài khoản định danh điện tử")
    assert citizen.url.startswith(provider.base + "/dang-nhap/")
    citizen.get_by_label("Số định danh cá nhân hoặc mã số thuế tổ chức").fill(HONG)
    citizen.get_by_label("Mật khẩu").fill(PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    expect(citizen.locator("#dinh-danh")).to_contain_text("Bạn đang đăng nhập bằng tài khoản định danh điện tử")
    assert citizen.url == base + f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop-truc-tuyen/"

    # 2. name and number come from the identity and are locked; the rest is typed; filed
    name = citizen.get_by_label("Họ và tên (hoặc tên tổ chức)")
    number = citizen.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)")
    expect(name).to_have_value("Phạm Thị Hồng")
    expect(name).to_be_disabled()
    expect(number).to_have_value(HONG)
    expect(number).to_be_disabled()
    citizen.get_by_label("Số điện thoại").fill("0905111222")
    citizen.get_by_role("textbox", name="Thư điện tử").fill(EMAIL)
    citizen.get_by_label(re.compile("^Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")).set_input_files(pdf("to-khai.pdf"))
    citizen.get_by_label(re.compile("^Giấy tờ tùy thân của người yêu cầu")).set_input_files(pdf("cccd.pdf"))
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    dossier = Dossier.objects.get()
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Phạm Thị Hồng", HONG)
    assert dossier.applicant_identity == IdentityLevel.VNEID_2

    # 3. the centre's desk receives it, then asks for the fee (the amount chosen from the fee table)
    log_in(desk, base, reception, accounts[reception])
    desk.get_by_role("link", name=re.compile("Chờ tiếp nhận")).click()
    desk.locator(".dossier-card a").first.click()
    act(desk, "Tiếp nhận hồ sơ")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    act(desk, "Yêu cầu thực hiện nghĩa vụ tài chính")
    desk.get_by_label(f"Số tiền: {FEE} (đồng)").fill("200000")
    desk.get_by_role("button", name="Yêu cầu thực hiện nghĩa vụ tài chính").click()
    expect(desk.locator("#trang-thai")).to_have_text("Yêu cầu thực hiện nghĩa vụ tài chính")
    log_out(desk)
    dossier.refresh_from_db()
    assert dossier.code
    assert dossier.status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED

    # 4. the citizen pays online: the status page, the gateway simulator's page, a test card
    citizen.goto(base + f"/dich-vu-cong/ho-so/{dossier.pk}/")
    expect(citizen.locator("#con-phai-nop")).to_have_text("200.000")
    citizen.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(citizen.locator("#amount")).to_have_text("200.000", timeout=15000)  # the gateway's page
    assert citizen.url.startswith(gateway_sim.base + "/")
    citizen.get_by_label("Số thẻ").fill(SUCCESS)
    citizen.get_by_role("button", name="Thanh toán", exact=True).click()
    # the return page only shows the state: nothing is recorded before the gateway's IPN
    expect(citizen.locator("#trang-thai-thanh-toan")).to_have_text("Chờ thanh toán")
    assert not Payment.objects.filter(dossier=dossier).exists()

    # 5. the gateway's IPN (server to server) is the source of truth; then the page says paid
    # (delivered after the return page, not by the simulator's own thread: the in-memory SQLite test
    # database refuses two writers at once — "database table is locked" — where a deployment waits)
    assert [a["RspCode"] for a in deliver(Client(), gateway_sim.ipns())] == ["00"]
    citizen.reload()
    expect(citizen.locator("#trang-thai-thanh-toan")).to_have_text("Đã thanh toán")
    order = PaymentOrder.objects.get(dossier=dossier)
    assert (order.status, order.applied, order.amount) == ("paid", True, 200000)

    # 6. the outbox's dispatcher issues the receipt, signs it with the collecting agency's development
    # certificate (issue 16 item 2: receipts.sign) and sends its e-mail (after the receipt committed)
    collecting = dossier.competent_agency or dossier.receiving_agency
    settings.CCHC_SIGNING_DIR = tmp_path / "signing"
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_TSA_URL = ""
    identity = pki.AgencyIdentity(code=collecting.code, name=collecting.name)
    pki.pki_setup(tmp_path / "signing", [identity], with_tsa=False)
    outbox_drain()
    receipt = Receipt.objects.select_related("series").get()
    subject = f"Đã nhận 200.000 đồng phí, lệ phí của hồ sơ {dossier.code}: biên lai điện tử số 0000001"
    for _ in range(50):
        mails = [m for m in smtp_server.to(EMAIL) if str(m["Subject"]) == subject]
        if mails:
            break
        time.sleep(0.1)
    assert len(mails) == 1, smtp_server.subjects()
    body = mails[0].get_content()
    assert f"đã nhận 200.000 đồng phí, lệ phí của hồ sơ {dossier.code}" in body
    assert f"Biên lai điện tử: ký hiệu {receipt.series.symbol}, số 0000001." in body
    mine = re.search(r"(\S+/dich-vu-cong/ho-so-cua-toi/)", body)
    assert mine is not None
    assert mine.group(1) == base + "/dich-vu-cong/ho-so-cua-toi/"

    # 7. the link opens «Hồ sơ của tôi» for the signed-in citizen: the dossier, its payment and receipt
    citizen.goto(mine.group(1))
    expect(citizen.locator("h1")).to_have_text("Hồ sơ của tôi")
    row = citizen.locator("tr.my-dossier")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(dossier.code)
    expect(row).to_contain_text("Cấp Phiếu lý lịch tư pháp")
    expect(row.locator(".my-payment")).to_contain_text("200.000 đồng ngày")
    expect(row.locator(".payment-status")).to_have_text("Đã thanh toán")
    link = row.get_by_role("link", name=f"Biên lai {receipt.series.symbol} số 0000001 (PDF)")
    expect(link).to_be_visible()
    expect(row.locator(".receipt-cancelled")).to_have_count(0)
    Path("/tmp/cchc-screens").mkdir(exist_ok=True)
    citizen.screenshot(path="/tmp/cchc-screens/journey-my-dossiers-receipt.png", full_page=True)
    with citizen.expect_response(re.compile(r"/bien-lai/[0-9a-f]+/tai-ve/\?k=")) as answer:
        link.click()  # the browser opens the PDF (inline: Chromium's viewer, no download event)
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert citizen.url == response.url  # the browser shows it (Chromium's viewer wraps the bytes it got)
    document = citizen.request.get(response.url).body()  # the same bytes, with the browser's cookies
    assert document.startswith(b"%PDF")
    text = _text(document)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "Số: 0000001" in text
    assert dossier.code in text
    assert "200.000 đồng" in text
    assert "Phạm Thị Hồng" in text

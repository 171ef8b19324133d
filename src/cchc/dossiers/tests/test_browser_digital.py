"""Issue 16's "Done when", in a real Chromium against the real processes: a citizen signs in with the
development identity provider and files a dossier online; at the centre's counter the desk receives it
and digitises a paper handed in at the counter; the competent agency attaches the result PDF, the
outbox's signing subscriber signs it, the desk collects the fee and returns the result; the signed-in
citizen downloads the signed result and sees both documents in «Kho dữ liệu của tôi»; a stranger reads
the QR code of the signed PDF and opens the public verification page; a second dossier of the same
person reuses the stored document instead of an upload.

The paper is digitised on a counter dossier of the same person, not on the online one: an online dossier
has no paper component in main (every component is uploaded or reused; ``DocumentSource.PAPER`` is only
written by the counter reception's checklist), so the desk has nothing to digitise on it.

Fixtures come from where they live: the identity provider (``identity/tests/conftest.py``), the registry,
demo catalogue, printed accounts and console helpers (``dossiers/tests/portal/journey.py``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cchc.common.tests.files import media_root  # noqa: F401 (fixture)
from cchc.dossiers.constants import DocumentSource, DossierStatus, ResultStatus
from cchc.dossiers.models import Dossier, DossierDocument, ResultDocument
from cchc.dossiers.results.services import SUBSCRIBER
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
from cchc.identity.provider.citizens import PASSWORD
from cchc.identity.tests.conftest import Provider, provider, provider_process  # noqa: F401 (fixtures)
from cchc.outbox.dispatch import outbox_drain
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument
from cchc.signing import pki
from cchc.signing.tests.pdfs import result_pdf
from cchc.signing.verify import verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONG = "056190004321"  # a test citizen of the development provider (mức 2)
APPLY = f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop-truc-tuyen/"
FORM = re.compile("^Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
ID_PAPER = "Giấy tờ tùy thân của người yêu cầu"  # document type giay-to-tuy-than
ID_PAPER_FULL = f"{ID_PAPER} (hộ chiếu, thẻ căn cước hoặc tài khoản định danh điện tử mức 2)"
FEE = "Phí cung cấp thông tin lý lịch tư pháp"
RESULT = "Phiếu lý lịch tư pháp số 1"
SHOTS = Path("/tmp/cchc-screens")


@pytest.fixture
def certificates(catalogue: None, tmp_path: Path, settings: Any) -> Path:  # noqa: F811
    """``cchc signing setup``'s development CA and the competent agency's certificate, in a temporary
    CCHC_SIGNING_DIR."""
    from django.utils import timezone

    from cchc.org.models import Agency

    directory = tmp_path / "signing"
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_SIGNER = "local"
    police = Agency.objects.valid_on(timezone.localdate()).get(code="cong-an-tinh")
    pki.pki_setup(directory, [pki.AgencyIdentity(code=police.code, name=police.name)])
    return directory


def sign_in(page: Page, base: str, provider: Provider) -> None:  # noqa: F811
    """On the application form: «Đăng nhập» at the provider (another origin), back to the form."""
    page.goto(base + APPLY)
    page.locator("#dinh-danh").get_by_role("link", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập tài khoản định danh điện tử")
    assert page.url.startswith(provider.base + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế tổ chức").fill(HONG)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#dinh-danh")).to_contain_text("Bạn đang đăng nhập bằng tài khoản định danh điện tử")
    assert page.url == base + APPLY


def qr_url(signed: bytes, tmp_path: Path) -> str:
    """The address in the QR code of the signed PDF, read as a phone's camera would: the lowest fifth of
    the last page (where the signature block is, NĐ 30/2020 Phụ lục I) rendered by pdftoppm at 300 dpi,
    the symbol decoded from its pixels (``cchc.signing.tests.qrread``; the PDF has no link annotation)."""
    from pypdf import PdfReader

    from cchc.signing.tests.qrread import read_qr

    path = tmp_path / "ket-qua-da-ky.pdf"
    path.write_bytes(signed)
    pages = PdfReader(io.BytesIO(signed)).pages
    box = pages[-1].mediabox
    width, height = round(float(box.width) * 300 / 72), round(float(box.height) * 300 / 72)
    crop = (0, height * 4 // 5, width, height - height * 4 // 5)
    return read_qr(path, page=len(pages), dpi=300, crop=crop)


def test_a_dossier_filed_online_gets_a_signed_result_verified_by_its_qr_and_its_papers_are_reused(
    citizen: Page,  # noqa: F811
    desk: Page,  # noqa: F811
    browser: Any,
    live_server: Any,
    printed: tuple[dict[str, str], list[str]],  # noqa: F811
    certificates: Path,
    media_root: Any,  # noqa: F811
    provider: Provider,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    settings.CCHC_SITE_URL = base + "/"
    accounts, journey = printed
    *steps, processed_by, returned_by = journey
    reception = steps[0]

    # 1. the citizen signs in with the electronic identity and files the dossier online
    sign_in(citizen, base, provider)
    citizen.get_by_label("Số điện thoại").fill("0905111222")
    citizen.get_by_role("textbox", name="Thư điện tử").fill("hong@example.vn")
    citizen.get_by_label(FORM).set_input_files(pdf("to-khai.pdf"))
    citizen.get_by_label(re.compile(f"^{ID_PAPER}")).set_input_files(pdf("cccd.pdf"))
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    online = Dossier.objects.get()

    # 2. the centre's desk receives it and asks for the fee, which the citizen pays at the counter
    log_in(desk, base, reception, accounts[reception])
    desk.get_by_role("link", name=re.compile("Chờ tiếp nhận")).click()
    desk.locator(".dossier-card a").first.click()
    act(desk, "Tiếp nhận hồ sơ")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    online.refresh_from_db()
    url = base + f"/mot-cua/ho-so/{online.code}/"
    act(desk, "Yêu cầu thực hiện nghĩa vụ tài chính")
    desk.get_by_label(f"Số tiền: {FEE} (đồng)").fill("200000")
    desk.get_by_role("button", name="Yêu cầu thực hiện nghĩa vụ tài chính").click()
    expect(desk.locator("#trang-thai")).to_have_text("Yêu cầu thực hiện nghĩa vụ tài chính")
    act(desk, "Ghi nhận thanh toán phí, lệ phí")
    desk.get_by_label("Số tiền (đồng)").fill("200000")
    desk.get_by_label("Hình thức nộp").select_option(label="Nộp tại quầy")
    desk.get_by_label("Số biên lai").fill("BL-0001")
    desk.get_by_role("button", name="Ghi nhận thanh toán phí, lệ phí").click()
    expect(desk.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    desk.screenshot(path=str(SHOTS / "digital-online-received.png"), full_page=True)
    # nothing of the online dossier is on paper: "Số hóa" says why instead of offering an empty list
    expect(desk.locator("details.action-card > summary", has_text="Số hóa thành phần hồ sơ giấy")).to_have_count(0)
    expect(desk.get_by_text("Hồ sơ không có thành phần bản giấy nào chưa số hóa")).to_have_count(1)

    #    the paper identity document the citizen shows at the counter: recorded on the online dossier
    #    itself (RECORD_PAPER) and digitised there (DIGITISE_DOCUMENT), into the citizen's data store
    act(desk, "Ghi nhận bản giấy người nộp đưa tại quầy")
    desk.get_by_label("Thành phần theo danh mục", exact=True).select_option(label=ID_PAPER_FULL)
    desk.get_by_role("button", name="Ghi nhận bản giấy người nộp đưa tại quầy").click()
    expect(desk.locator(".flash")).to_contain_text("Đã ghi nhận bản giấy")
    act(desk, "Số hóa thành phần hồ sơ giấy")
    desk.get_by_label("Thành phần hồ sơ (bản giấy)").select_option(label=ID_PAPER_FULL)
    desk.get_by_label("Tệp bản quét (PDF, JPEG, PNG)").set_input_files(pdf("cccd-ban-quet.pdf"))
    desk.get_by_label("Cơ quan cấp", exact=True).fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    desk.get_by_label("Ngày cấp", exact=True).fill("2021-04-12")
    desk.get_by_label("Hiệu lực đến (để trống: không thời hạn)").fill("2036-04-12")
    desk.get_by_role("button", name="Số hóa thành phần hồ sơ giấy").click()
    expect(desk.locator(".flash")).to_contain_text("mã kết quả số hóa")
    digitised = StoredDocument.objects.get(source=StoredSource.DIGITISED)
    assert digitised.owner_id_number == HONG
    assert digitised.document_type_code == "giay-to-tuy-than"
    assert digitised.digitisation_code
    expect(desk.locator(".flash")).to_contain_text(digitised.digitisation_code)

    # 3. every step of the online dossier; the competent agency attaches the result, it is signed
    hand_over_every_step(desk, base, url, steps, accounts)
    take_action(desk, base, url, processed_by, accounts, "Ghi nhận đã xử lý xong", "Đã xử lý xong")
    log_out(desk)
    specialist = next(s for s in steps if s.startswith("chuyenvien."))
    log_in(desk, base, specialist, accounts[specialist])
    desk.goto(url)
    act(desk, "Đính kèm kết quả điện tử (ký số)")
    desk.get_by_label("Tên kết quả (ví dụ: Giấy phép xây dựng)").fill(RESULT)
    # the catalogue's result name preselects a template: this result is an uploaded PDF
    desk.get_by_label("Cách tạo kết quả").select_option(label="Tải lên tệp PDF đã soạn")
    desk.get_by_label("Tệp PDF kết quả").set_input_files(
        {"name": "phieu-lltp.pdf", "mimeType": "application/pdf", "buffer": result_pdf()}
    )
    desk.get_by_role("button", name="Đính kèm kết quả điện tử (ký số)").click()
    expect(desk.locator(".flash")).to_contain_text("đang chờ ký số")
    log_out(desk)
    # the signing subscriber, after the attachment committed; called in the test's thread, under the event loop
    # the sync Playwright keeps there (cchc.signing.asyncsafe lets pyHanko run under it): a second thread's
    # connection would find SQLite's tables locked
    outbox_drain(only=[SUBSCRIBER])
    result = ResultDocument.objects.get(dossier=online)
    assert result.status == ResultStatus.SIGNED
    take_action(desk, base, url, returned_by, accounts, "Trả kết quả cho người nộp", "Đã trả kết quả")
    log_out(desk)

    # 4. the citizen downloads the signed result from «Hồ sơ của tôi»; both documents are in the store
    citizen.goto(base + "/dich-vu-cong/ho-so-cua-toi/")
    row = citizen.locator("tr.my-dossier", has_text=online.code)
    expect(row).to_contain_text("Đã trả kết quả")
    expect(row.locator(".my-payment")).to_contain_text("200.000 đồng ngày")
    expect(row.locator(".my-payment")).to_contain_text("số biên lai BL-0001")  # paid at the counter
    with citizen.expect_download() as download:
        row.get_by_role("link", name="Tải kết quả (PDF đã ký số)").click()
    signed = Path(download.value.path()).read_bytes()
    checked = verify(signed)
    assert checked.valid, checked.problem
    assert checked.signer == online.competent_agency.name
    citizen.goto(base + "/dich-vu-cong/ho-so-cua-toi/")
    store = citizen.locator("tr.stored-document")
    # the two files filed online (kept in the store at reception), the digitised paper, the signed result
    expect(store).to_have_count(4)
    expect(store.filter(has_text=f"Mã số hóa {digitised.digitisation_code}")).to_contain_text(ID_PAPER)
    expect(store.filter(has_text=RESULT)).to_contain_text(online.code)
    citizen.screenshot(path=str(SHOTS / "digital-my-store.png"), full_page=True)

    # 5. a stranger (not signed in) reads the QR code of the PDF and opens the verification page
    address = qr_url(signed, tmp_path)
    assert address == base + f"/xac-minh/{result.token}/"
    stranger = browser.new_context(locale="vi-VN")
    try:
        page = stranger.new_page()
        page.goto(address)
        expect(page.locator("[data-state]")).to_have_attribute("data-state", "valid")
        expect(page.locator("[data-state]")).to_contain_text("Kết quả hợp lệ: chữ ký số đúng")
        expect(page.locator("[data-state]")).to_contain_text(online.code)
        expect(page.locator("[data-state]")).not_to_contain_text("Phạm Thị Hồng")
    finally:
        stranger.close()

    # 6. a second dossier of the same person: the stored identity paper is offered and used, no upload
    citizen.goto(base + APPLY)
    citizen.get_by_label("Số điện thoại").fill("0905111222")
    citizen.get_by_role("textbox", name="Thư điện tử").fill("hong@example.vn")
    # the form filed online is in the store too (kept at reception): two offers; the identity paper's is used
    expect(citizen.get_by_label(re.compile("^Dùng giấy tờ đã có trong kho dữ liệu"))).to_have_count(2)
    offer = citizen.get_by_label(re.compile(f"^Dùng giấy tờ đã có trong kho dữ liệu.*{re.escape(ID_PAPER)}"))
    expect(offer).to_have_count(1)
    offer.check()
    citizen.get_by_label(FORM).set_input_files(pdf("to-khai-2.pdf"))
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.locator("h1")).to_have_text("Đã nộp hồ sơ thành công")
    second = Dossier.objects.exclude(pk__in=[online.pk]).filter(channel=online.channel).get()
    reused = DossierDocument.objects.get(dossier=second, document_type_code="giay-to-tuy-than")
    assert reused.source == DocumentSource.REUSED
    assert reused.stored_document_id == digitised.pk
    assert not reused.file
    assert Dossier.objects.get(pk=online.pk).status == DossierStatus.RETURNED

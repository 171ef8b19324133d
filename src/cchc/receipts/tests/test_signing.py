"""Signed receipts (issue 16 item 2): each receipt issued is signed by its collecting agency (PAdES, the
``cchc.signing`` interface the results use), verifies with pyHanko and with poppler's pdfsig, is served as
the stored signed bytes, and its verification page (the QR code's target) checks the signature and the
stored file's SHA-256; a signer that is down leaves the receipt numbered and «Đang chờ ký số», signed on
the outbox's retry."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus
from cchc.outbox.registry import subscriber
from cchc.receipts.constants import ISSUED_TOPIC, SIGN_SUBSCRIBER, SUBSCRIBER
from cchc.receipts.models import Receipt
from cchc.receipts.services import receipt_download_url, receipt_verify_url
from cchc.receipts.signatures import receipt_sign, receipt_sign_handle_event
from cchc.receipts.tests.conftest import SITE, World, issue_and_sign, pay
from cchc.signing.tests.conftest import tsa, tsa_post  # noqa: F401 (tsa: the time-stamping authority's process)
from cchc.signing.tests.pdfs import PDFSIG, pdfsig
from cchc.signing.tsa import FAIL_PATH, RECOVER_PATH
from cchc.signing.verify import verify

pytestmark = pytest.mark.django_db


def _signed(world: World) -> Receipt:
    pay(world)
    issue_and_sign()
    return Receipt.objects.select_related("series__agency").get()


def _page(receipt: Receipt) -> tuple[int, str]:
    response = Client().get(reverse("receipts:verify", kwargs={"code": receipt.code}))
    return response.status_code, response.content.decode()


def test_the_signing_subscriber_listens_to_receipts_issued() -> None:
    registered = subscriber(SIGN_SUBSCRIBER)
    assert registered is not None
    assert registered.handle is receipt_sign_handle_event
    assert registered.wants(ISSUED_TOPIC)
    assert not registered.wants("dossier.payment_recorded")


def test_an_issued_receipt_is_signed_stored_and_verifies_with_pyhanko(world: World) -> None:
    before = timezone.now()
    receipt = _signed(world)

    data = receipt.signed.read()
    assert receipt.signed.name.startswith("receipts/2026/")
    assert receipt.signed.name.endswith("-ky-so.pdf")
    assert receipt.signed_sha256 == hashlib.sha256(data).hexdigest()
    assert receipt.signed_at is not None
    assert receipt.signed_at >= before
    assert receipt.signer_name == receipt.agency_name == "Sở Tư pháp"
    checked = verify(data)
    assert checked.valid, checked.problem
    assert checked.signer == "Sở Tư pháp"  # the collecting agency's certificate (the competent agency)
    assert checked.reason == "Biên lai thu phí, lệ phí CC-26E số 0000001"
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1  # the block has its room at the bottom right (documents.receipt_pdf(for_signing))
    annotations = [a.get_object() for a in pages[-1]["/Annots"]]
    links = [a["/A"]["/URI"] for a in annotations if a["/Subtype"] == "/Link"]
    assert receipt_verify_url(receipt) in links  # the link over the signature block (its QR code), signed too
    # a second delivery signs nothing twice
    assert receipt_sign(receipt=receipt).signed_sha256 == receipt.signed_sha256


@pytest.mark.skipif(not Path(PDFSIG).exists(), reason="poppler-utils (pdfsig) is not installed")
def test_a_signed_receipt_verifies_with_poppler_pdfsig(world: World, tmp_path: Path) -> None:
    out = pdfsig(_signed(world).signed.read(), tmp_path)

    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "Signer Certificate Common Name: Sở Tư pháp" in out, out


def test_the_verification_page_checks_the_signature_and_shows_what_the_receipt_shows(world: World) -> None:
    receipt = _signed(world)

    status, page = _page(receipt)

    assert status == 200
    assert 'data-state="valid"' in page
    assert "Biên lai hợp lệ: chữ ký số đúng, nội dung không bị thay đổi" in page
    assert 'data-signature="valid"' in page
    assert "Hợp lệ — ký bởi Sở Tư pháp" in page
    for shown in ["01BLP0-001", "CC-26E", "0000001", "200.000 đồng", "N. T. Lan", "Ngày 05 tháng 01 năm 2026"]:
        assert shown in page, shown
    assert "Nguyễn Thị Lan" not in page


def test_a_changed_stored_file_gives_a_clear_message_and_no_detail(world: World, client: Client) -> None:
    receipt = _signed(world)
    data = bytearray(receipt.signed.read())
    at = bytes(data).index(b"/Reason")
    data[at + 1] = ord("S")  # one byte of the signed part
    with default_storage.open(receipt.signed.name, "wb") as handle:
        handle.write(bytes(data))

    status, page = _page(receipt)

    assert status == 200
    assert 'data-state="invalid"' in page
    assert "không khớp với mã băm đã ghi khi ký số: nội dung đã bị thay đổi" in page
    for hidden in ["0000001", "200.000", "N. T. Lan"]:
        assert hidden not in page, hidden
    download = client.get(receipt_download_url(receipt).removeprefix(SITE))
    assert download.status_code == 503  # never bytes that are not the ones signed
    assert "không khớp với mã băm" in download.content.decode()


def test_a_changed_file_with_a_matching_hash_fails_on_the_signature(world: World) -> None:
    receipt = _signed(world)
    data = bytearray(receipt.signed.read())
    at = bytes(data).index(b"/Reason")
    data[at + 1] = ord("S")
    with default_storage.open(receipt.signed.name, "wb") as handle:
        handle.write(bytes(data))
    Receipt.objects.filter(pk=receipt.pk).update(signed_sha256=hashlib.sha256(bytes(data)).hexdigest())

    status, page = _page(receipt)

    assert 'data-state="invalid"' in page
    assert "Chữ ký số không hợp lệ" in page
    assert "0000001" not in page


@pytest.mark.parametrize("change", ["first", "last", "long"])
def test_a_tampered_code_in_the_qr_finds_nothing_and_says_so(world: World, change: str) -> None:
    receipt = _signed(world)
    code = {
        "first": ("0" if receipt.code[0] != "0" else "1") + receipt.code[1:],
        "last": receipt.code[:-1] + ("0" if receipt.code[-1] != "0" else "1"),
        "long": receipt.code + "0" * 20,
    }[change]

    response = Client().get(f"/bien-lai/{code}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-state="not-found"' in page
    assert "Mã xác minh không đúng hoặc đã bị sửa đổi" in page
    assert "0000001" not in page
    assert "Sở Tư pháp" not in page


def test_the_download_is_the_stored_signed_file(world: World, client: Client) -> None:
    receipt = _signed(world)

    response = client.get(receipt_download_url(receipt).removeprefix(SITE))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == receipt.signed.read()


def test_the_tsa_down_keeps_the_receipt_waiting_then_the_retry_signs_it(
    world: World,
    client: Client,
    tsa: tuple[Path, str],  # noqa: F811
    settings: Any,
) -> None:
    directory, url = tsa  # its PKI holds the certificate of Sở Tư pháp (code so-tu-phap) and the TSA's
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_TSA_URL = url
    pay(world)
    assert tsa_post(url, FAIL_PATH) == 200
    try:
        issue_and_sign()
    finally:
        assert tsa_post(url, RECOVER_PATH) == 200

    receipt = Receipt.objects.select_related("series").get()  # issued and numbered: the payment has its receipt
    assert receipt.number_text == "0000001"
    assert not receipt.is_signed
    assert not receipt.signed
    assert receipt.signed_sha256 == ""
    delivery = Delivery.objects.get(subscriber=SIGN_SUBSCRIBER)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "Dịch vụ cấp dấu thời gian không phản hồi" in delivery.last_error  # signing.signer_unavailable
    status, page = _page(receipt)
    assert status == 200
    assert 'data-state="pending"' in page
    assert "đang chờ cơ quan thu ký số" in page
    waiting = client.get(receipt_download_url(receipt).removeprefix(SITE))
    assert waiting.status_code == 503
    assert "Biên lai đang chờ ký số" in waiting.content.decode()
    assert "Khoản tiền đã nộp được ghi nhận đầy đủ" in waiting.content.decode()

    outbox_drain(only=[SIGN_SUBSCRIBER], at=timezone.now() + timedelta(hours=2))  # the authority is back

    receipt.refresh_from_db()
    assert receipt.is_signed
    checked = verify(receipt.signed.read())
    assert checked.valid, checked.problem
    assert checked.timestamped  # PAdES B-T: the authority's timestamp on the signature
    status, page = _page(receipt)
    assert 'data-state="valid"' in page
    assert "data-timestamp" in page
    assert Delivery.objects.get(subscriber=SIGN_SUBSCRIBER).status == DeliveryStatus.DELIVERED
    assert Delivery.objects.get(subscriber=SUBSCRIBER).status == DeliveryStatus.DELIVERED


def test_the_admin_says_which_receipts_wait_for_their_signature() -> None:
    from django.contrib import admin

    from cchc.receipts.admin import ReceiptAdmin

    state = ReceiptAdmin(Receipt, admin.site).state
    assert state(Receipt(signed_at=None)) == "Có hiệu lực — đang chờ ký số"
    assert state(Receipt(signed_at=timezone.now())) == "Có hiệu lực"

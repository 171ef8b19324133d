"""The public verification page (the QR code's target) and the PDF download of the payer's link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cchc.receipts.models import Receipt
from cchc.receipts.services import receipt_download_url
from cchc.receipts.tests.conftest import SITE, World, issue_and_sign, pay
from cchc.receipts.web.views import masked_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(world: World) -> Receipt:
    pay(world)
    issue_and_sign()
    return Receipt.objects.select_related("series").get()


def test_the_verification_page_says_the_receipt_is_genuine_with_minimal_personal_data(
    client: Client, receipt: Receipt
) -> None:
    response = client.get(reverse("receipts:verify", kwargs={"code": receipt.code}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Biên lai hợp lệ" in page
    for shown in ["Sở Tư pháp", "01BLP0-001", "CC-26E", "0000001", "200.000 đồng", "N. T. Lan"]:
        assert shown in page, shown
    for hidden in ["Nguyễn Thị Lan", "056190001234", "Phường Nha Trang", "0905123456", "lan@example.vn"]:
        assert hidden not in page, hidden


def test_an_unknown_code_is_not_found(client: Client, receipt: Receipt) -> None:
    response = client.get(reverse("receipts:verify", kwargs={"code": "0" * 20}))
    assert response.status_code == 404
    assert "Không tìm thấy biên lai" in response.content.decode()
    assert "Mã xác minh không đúng hoặc đã bị sửa đổi" in response.content.decode()


def test_the_pdf_needs_the_signed_link(client: Client, receipt: Receipt) -> None:
    path = reverse("receipts:download", kwargs={"code": receipt.code})
    assert client.get(path).status_code == 404
    assert client.get(path + "?k=forged").status_code == 404

    response = client.get(receipt_download_url(receipt).removeprefix(SITE))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.content == receipt.signed.read()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Nguyễn Thị Lan", "N. T. Lan"), ("An", "A."), ("", ""), ("Công ty TNHH Hòa Bình", "C. t. T. H. Bình")],
)
def test_masked_name(name: str, masked: str) -> None:
    assert masked_name(name) == masked

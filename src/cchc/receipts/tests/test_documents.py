"""The receipt's PDF has the content NĐ 123/2020/NĐ-CP Điều 32 asks for, in Vietnamese, and the QR code."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cchc.outbox.dispatch import outbox_drain
from cchc.receipts.documents import receipt_pdf
from cchc.receipts.models import Receipt
from cchc.receipts.tests.conftest import World, pay

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_prints_every_required_field(world: World) -> None:
    pay(world)
    outbox_drain(only=["receipts"])
    receipt = Receipt.objects.select_related("series").get()

    pdf = receipt_pdf(receipt)
    text = _text(pdf)

    assert pdf.startswith(b"%PDF")
    for expected in [
        "BIÊN LAI THU PHÍ, LỆ PHÍ",  # the kind of receipt
        "SỞ TƯ PHÁP",  # the collecting agency (in capitals, as a document's issuer)
        "Mã số thuế",
        "Ký hiệu mẫu: 01BLP0-001",
        "Ký hiệu: CC-26E",
        "Số: 0000001",
        "Ngày 05 tháng 01 năm 2026",  # paid on Monday 5/1/2026, Vietnam time
        "Người nộp: Nguyễn Thị Lan",
        "Phí cung cấp thông tin lý lịch tư pháp",
        "Số tiền: 200.000 đồng",
        "Hai trăm nghìn đồng",
        "Người thu tiền",
        "tiepnhan",
        "/bien-lai/",  # the verification address beside the QR code
        receipt.code,
    ]:
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the QR code

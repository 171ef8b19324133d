"""The payment notification carries the receipt: the applicant's e-mail links to the PDF and to the
verification page, and only after the receipt was committed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cchc.notifications.models import Notification
from cchc.notifications.tests.smtp import SMTPRecorder
from cchc.outbox.dispatch import outbox_drain
from cchc.receipts.models import Receipt

# certificates, media_root: autouse fixtures of the receipts' tests, so that receipts.sign signs (issue 16)
from cchc.receipts.tests.conftest import SITE, World, _signing_dir, certificates, media_root, pay  # noqa: F401
from cchc.receipts.tests.conftest import _site as _receipts_site  # noqa: F401  (the site URL the links start with)

pytestmark = pytest.mark.django_db


def test_the_payment_email_links_the_receipt(world: World, smtp_server: SMTPRecorder, client: Client) -> None:
    pay(world)
    outbox_drain(only=["notifications", "receipts", "receipts.sign"])

    receipt = Receipt.objects.select_related("series").get()
    messages = [m for m in smtp_server.wait_for(1) if "biên lai" in str(m["Subject"])]
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "lan@example.vn"
    assert str(message["Subject"]) == (
        f"Đã nhận 200.000 đồng phí, lệ phí của hồ sơ {receipt.dossier_code}: biên lai điện tử số 0000001"
    )
    body = message.get_content()
    assert "Biên lai điện tử: ký hiệu CC-26E, số 0000001." in body
    assert f"Kiểm tra biên lai: {SITE}/bien-lai/{receipt.code}/" in body
    link = re.search(r"Tải biên lai \(PDF\): (\S+)", body)
    assert link is not None
    pdf = client.get(link.group(1).removeprefix(SITE))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content == receipt.signed.read()  # the receipt signed by the collecting agency (issue 16)
    row = Notification.objects.get(topic="payment_receipt")
    assert row.dossier_id == receipt.dossier_id


def test_no_receipt_no_message(world: World, smtp_server: SMTPRecorder, settings: object) -> None:
    settings.CCHC_RECEIPTS_AUTO_SERIES = False  # type: ignore[attr-defined]
    pay(world)
    outbox_drain(only=["notifications", "receipts"])
    assert not Notification.objects.filter(topic="payment_receipt").exists()

"""Once-only at the counter in a real Chromium (issue 16 item 5): typing the applicant's id number brings the
data store's offer in through htmx, receiving with it records the component as reused, and the desk then
marks that document not acceptable with a reason on the dossier's page.

Run with ``pytest -m browser``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401
from cchc.dossiers.constants import DocumentSource
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import build_world
from cchc.dossiers.tests.web.test_browser import log_in
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.services import stored_document_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONG = "056190004321"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def test_the_desk_is_offered_the_store_as_the_id_number_is_typed_and_can_reject_it(
    page: Page,
    live_server: object,
    transactional_db: None,
    media_root: Path,  # noqa: F811
) -> None:
    build_world()
    stored = stored_document_store(
        owner_id_number=HONG,
        document_type_code="to-khai-lltp",
        name="Tờ khai đã số hóa",
        data=pdf_bytes(),
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.DIGITISED,
        at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    base = live_server.url  # type: ignore[attr-defined]
    log_in(page, base, "tiepnhan")
    page.goto(base + "/mot-cua/tiep-nhan/?thu-tuc=9.000101")
    offers = page.locator("#kho-du-lieu")
    expect(offers).to_contain_text("Nhập số định danh cá nhân")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Thị Hồng")
    page.get_by_label("Số định danh cá nhân (hoặc mã số doanh nghiệp)").fill(HONG)  # input: htmx asks the store
    offer = page.get_by_label(
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp — Dùng giấy tờ đã có trong kho dữ liệu", exact=False
    )
    expect(offer).to_be_checked()
    assert StoredDocumentAccess.objects.filter(document=stored).exists()
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()  # no paper ticked: the store fills it
    expect(page.locator(".flash")).to_contain_text("Đã tiếp nhận hồ sơ")
    component = Dossier.objects.get().documents.get()
    assert (component.source, component.stored_document_id) == (DocumentSource.REUSED, stored.pk)

    page.get_by_text("Giấy tờ không được chấp nhận?").click()
    page.get_by_label("Lý do không chấp nhận", exact=False).fill("Tờ khai ký thiếu chữ ký")
    page.get_by_role("button", name="Đánh dấu không được chấp nhận").click()
    expect(page.locator(".flash")).to_contain_text("không còn được đề nghị dùng lại")
    expect(page.locator("[data-rejected]")).to_contain_text("Không được chấp nhận: Tờ khai ký thiếu chữ ký")
    stored.refresh_from_db()
    assert stored.withdrawn_reason == "Tờ khai ký thiếu chữ ký"
    assert StoredDocument.objects.filter(withdrawn_at__isnull=True).count() == 0

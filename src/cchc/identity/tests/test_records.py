"""Once-only and «Kho dữ liệu của tôi» for a citizen signed in with the electronic identity (issue 16 items 5
and 7): the application form offers the citizen's usable stored documents, reusing one files no upload; the
store lists, downloads (logged) and deletes only what the rule allows; another person's document is 404."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.test import Client

from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.constants import DocumentSource
from cchc.dossiers.models import Dossier
from cchc.identity.tests.conftest import Provider, sign_in
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.services import stored_document_store

APPLY = "/dich-vu-cong/thu-tuc/9.000101/nop-truc-tuyen/"
MINE = "/dich-vu-cong/ho-so-cua-toi/"
HONG = "056190004321"
OTHER = "056190009999"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def keep(owner: str = HONG, source: StoredSource = StoredSource.DIGITISED, **kwargs) -> StoredDocument:
    values = {
        "owner_id_number": owner,
        "document_type_code": "to-khai-lltp",
        "name": "Tờ khai đã số hóa",
        "data": pdf_bytes(),
        "content_type": "application/pdf",
        "extension": "pdf",
        "source": source,
        "at": datetime(2025, 12, 1, tzinfo=UTC),
        "issued_on": date(2025, 11, 30),
    }
    values.update(kwargs)
    return stored_document_store(**values)


def test_the_form_offers_the_stored_document_and_reusing_it_files_no_upload(
    provider: Provider, citizen_client: Client, world
):
    stored = keep()
    keep(owner=OTHER, name="Giấy tờ của người khác")
    sign_in(citizen_client, HONG)

    page = text(citizen_client.get(APPLY))
    assert "Dùng giấy tờ đã có trong kho dữ liệu: Tờ khai đã số hóa, cấp ngày 30/11/2025, không thời hạn" in page
    assert "Giấy tờ của người khác" not in page

    response = citizen_client.post(
        APPLY,
        {
            "applicant_phone": "0905 111 222",
            "applicant_email": "hong@example.vn",
            "receiving_agency": str(world.centre.pk),
            "reuse_1": "on",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    document = Dossier.objects.get().documents.get()
    assert document.source == DocumentSource.REUSED
    assert document.stored_document_id == stored.pk


def test_an_applicant_not_signed_in_is_offered_nothing(world, client: Client):
    keep()
    assert "kho dữ liệu" not in text(client.get(APPLY))


def test_my_store_lists_downloads_with_a_log_and_deletes_only_own_uploads(
    provider: Provider, citizen_client: Client, world
):
    digitised = keep()
    uploaded = keep(source=StoredSource.UPLOADED, document_type_code="anh-the", name="Ảnh thẻ")
    other = keep(owner=OTHER, name="Giấy tờ của người khác")
    sign_in(citizen_client, HONG)

    page = text(citizen_client.get(MINE))
    assert "Kho dữ liệu của tôi (2)" in page
    assert "Tờ khai đã số hóa" in page
    assert "Giấy tờ của người khác" not in page

    response = citizen_client.get(f"{MINE}kho-du-lieu/{digitised.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    access = StoredDocumentAccess.objects.get()
    assert (access.document_id, access.citizen_id_number, access.user_id) == (digitised.pk, HONG, None)

    assert citizen_client.get(f"{MINE}kho-du-lieu/{other.pk}/").status_code == 404
    assert citizen_client.post(f"{MINE}kho-du-lieu/{other.pk}/xoa/").status_code == 404
    assert StoredDocumentAccess.objects.count() == 1

    refused = citizen_client.post(f"{MINE}kho-du-lieu/{digitised.pk}/xoa/")
    assert refused.status_code == 409
    assert "cơ quan lưu giữ" in text(refused)
    assert citizen_client.post(f"{MINE}kho-du-lieu/{uploaded.pk}/xoa/").status_code == 302
    uploaded.refresh_from_db()
    digitised.refresh_from_db()
    assert uploaded.withdrawn_at is not None
    assert digitised.withdrawn_at is None


def test_my_store_needs_a_signed_in_identity(client: Client, db):
    document = keep()
    response = client.get(f"{MINE}kho-du-lieu/{document.pk}/")
    assert response.status_code == 302
    assert not StoredDocumentAccess.objects.exists()

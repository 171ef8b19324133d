"""The data store: storing, superseding, the once-only look-up, withdrawing, the digitisation code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes, stored_files
from cchc.records.constants import OwnerKind, RecordsError, RecordsErrorCode, StoredSource
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.selectors import owned_by, reusable_for
from cchc.records.services import (
    digitisation_code_next,
    owner_kind_of,
    stored_document_access_log,
    stored_document_store,
    stored_document_withdraw,
)

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
PERSON = "001089012345"
OTHER = "001089099999"


def store(owner: str = PERSON, type_code: str = "giay-khai-sinh", **kwargs: object) -> StoredDocument:
    values: dict[str, object] = {
        "owner_id_number": owner,
        "document_type_code": type_code,
        "name": "Giấy khai sinh",
        "data": pdf_bytes(),
        "content_type": "application/pdf",
        "extension": "pdf",
        "source": StoredSource.DIGITISED,
        "at": AT,
    }
    values.update(kwargs)
    return stored_document_store(**values)  # type: ignore[arg-type]


def test_owner_kinds_and_a_bad_identifier() -> None:
    assert owner_kind_of("001089012345") == OwnerKind.CITIZEN
    assert owner_kind_of("0101234567") == OwnerKind.ORGANISATION
    assert owner_kind_of("0101234567-001") == OwnerKind.ORGANISATION
    for bad in ("", "12345", "00108901234X", "0010890123456"):
        with pytest.raises(RecordsError) as exc:
            owner_kind_of(bad)
        assert exc.value.code == RecordsErrorCode.INVALID_OWNER


def test_store_keeps_the_file_through_the_storage_api_and_its_hash(media_root: Path) -> None:
    document = store(issued_on=date(2020, 1, 1), issuing_body="UBND xã A")
    assert default_storage.exists(document.file.name)
    assert document.size == len(pdf_bytes())
    assert len(document.sha256) == 64
    assert document.owner_kind == OwnerKind.CITIZEN
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"owner": "123"}, RecordsErrorCode.INVALID_OWNER),
        ({"type_code": ""}, RecordsErrorCode.INVALID_INPUT),
        ({"name": "  "}, RecordsErrorCode.INVALID_INPUT),
        ({"data": b""}, RecordsErrorCode.INVALID_INPUT),
        ({"issued_on": date(2026, 1, 2), "valid_until": date(2026, 1, 1)}, RecordsErrorCode.INVALID_INPUT),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(kwargs: dict[str, object], code: str, media_root: Path) -> None:
    with pytest.raises(RecordsError) as exc:
        store(**kwargs)  # type: ignore[arg-type]
    assert exc.value.code == code
    assert exc.value.message
    assert not StoredDocument.objects.exists()
    assert stored_files(media_root) == []


def test_reuse_lookup_offers_the_newest_valid_copy_only() -> None:
    today = date(2026, 3, 2)
    old = store()
    new = store()
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk  # a newer copy supersedes the old one
    store(type_code="cccd", valid_until=today - timedelta(days=1))  # expired
    withdrawn = store(type_code="so-ho-khau")
    stored_document_withdraw(withdrawn, at=AT, reason="Bản chụp mờ, không đọc được.")
    store(owner=OTHER, type_code="giay-phep")  # another person's
    found = reusable_for(
        owner_id_number=PERSON, type_codes=["giay-khai-sinh", "cccd", "so-ho-khau", "giay-phep"], on=today
    )
    assert list(found) == ["giay-khai-sinh"]
    assert found["giay-khai-sinh"].pk == new.pk
    assert reusable_for(owner_id_number=PERSON, type_codes=["cccd"], on=today - timedelta(days=1)) != {}
    assert reusable_for(owner_id_number="", type_codes=["cccd"], on=today) == {}


def test_staff_withdrawal_needs_a_reason_and_is_audited() -> None:
    document = store()
    with pytest.raises(RecordsError) as exc:
        stored_document_withdraw(document, at=AT, reason=" ")
    assert exc.value.code == RecordsErrorCode.INVALID_INPUT
    document.refresh_from_db()
    assert document.withdrawn_at is None
    stored_document_withdraw(document, at=AT, reason="Không đúng người.")
    document.refresh_from_db()
    assert document.withdrawn_at == AT
    assert document.withdrawn_reason == "Không đúng người."
    assert AuditEvent.objects.filter(action="records.withdraw").count() == 1
    assert list(owned_by(PERSON)) == []


def test_the_citizen_deletes_only_their_own_uploaded_copies() -> None:
    digitised = store()
    result = store(type_code="giay-phep", source=StoredSource.RESULT)
    uploaded = store(type_code="anh-the", source=StoredSource.UPLOADED)
    for document in (digitised, result):
        with pytest.raises(RecordsError) as exc:
            stored_document_withdraw(document, at=AT, reason="", by_owner=PERSON)
        assert exc.value.code == RecordsErrorCode.NOT_DELETABLE
    with pytest.raises(RecordsError) as exc:
        stored_document_withdraw(uploaded, at=AT, reason="", by_owner=OTHER)
    assert exc.value.code == RecordsErrorCode.OTHER_OWNER
    assert StoredDocument.objects.filter(withdrawn_at__isnull=False).count() == 0
    stored_document_withdraw(uploaded, at=AT, reason="", by_owner=PERSON)
    uploaded.refresh_from_db()
    assert uploaded.withdrawn_at == AT


def test_access_is_logged() -> None:
    document = store()
    stored_document_access_log(document, at=AT, citizen_id_number=PERSON)
    row = StoredDocumentAccess.objects.get()
    assert row.document_id == document.pk
    assert row.citizen_id_number == PERSON
    assert row.user_id is None


def test_digitisation_codes_count_per_prefix_and_day() -> None:
    assert digitisation_code_next(prefix="000.00.01.H01", at=AT) == "000.00.01.H01.260302.000001"
    assert digitisation_code_next(prefix="000.00.01.H01", at=AT) == "000.00.01.H01.260302.000002"
    assert digitisation_code_next(prefix="000.00.02.H01", at=AT) == "000.00.02.H01.260302.000001"
    # 23:30 UTC is the next day in Vietnam
    assert digitisation_code_next(prefix="000.00.01.H01", at=AT.replace(hour=23)) == "000.00.01.H01.260303.000001"

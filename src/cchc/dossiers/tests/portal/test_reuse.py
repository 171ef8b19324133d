"""Once-only (TT 01/2023/TT-VPCP Điều 24; issue 16 item 5): a signed-in citizen files online reusing a
document of their data store instead of uploading it; every unusable choice is refused, nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes, stored_files
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, World
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument
from cchc.records.services import stored_document_store, stored_document_withdraw

TYPE = "to-khai-lltp"  # the type of the province procedure's one (mandatory) line, order 1
OTHER_PERSON = "079190005678"


def keep(owner: str = CITIZEN.id_number, type_code: str = TYPE, **kwargs: Any) -> StoredDocument:
    values: dict[str, Any] = {
        "owner_id_number": owner,
        "document_type_code": type_code,
        "name": "Tờ khai đã số hóa",
        "data": pdf_bytes(),
        "content_type": "application/pdf",
        "extension": "pdf",
        "source": StoredSource.DIGITISED,
        "at": datetime(2025, 12, 1, tzinfo=UTC),
    }
    values.update(kwargs)
    return stored_document_store(**values)


def apply(world: World, reused: dict[int, int], reuser: str = CITIZEN.id_number) -> Dossier:
    return s.dossier_apply_online(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        files={},
        reused=reused,
        reuser_id_number=reuser,
        at=AT,
    )


def test_a_signed_in_citizen_reuses_a_stored_document(world: World, media_root: Path) -> None:
    stored = keep()
    files_before = stored_files(media_root)
    dossier = apply(world, {1: stored.pk})
    document = dossier.documents.get()
    assert document.source == DocumentSource.REUSED
    assert document.stored_document_id == stored.pk
    assert document.sha256 == stored.sha256
    assert not document.file  # no file copied
    assert stored_files(media_root) == files_before
    event = AuditEvent.objects.get(action="dossier.submit", target_id=str(dossier.pk))
    assert event.after["details"]["documents"] == [
        {"name": document.name, "reused": stored.pk, "sha256": stored.sha256}
    ]


@pytest.mark.parametrize("case", ["other_person", "withdrawn", "expired", "superseded", "other_type", "unknown"])
def test_an_unusable_stored_document_is_refused_and_nothing_written(world: World, case: str) -> None:
    stored = keep()
    if case == "other_person":
        stored = keep(owner=OTHER_PERSON)
    elif case == "withdrawn":
        stored_document_withdraw(stored, at=AT, reason="Không đọc được.")
    elif case == "expired":
        stored = keep(valid_until=AT.date() - timedelta(days=1))
    elif case == "superseded":
        keep()  # a newer copy
    elif case == "other_type":
        stored = keep(type_code="giay-khai-sinh")
    chosen = stored.pk if case != "unknown" else 10**9
    before = (Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DossierError) as exc:
        apply(world, {1: chosen})
    assert exc.value.code == DossierErrorCode.STORED_DOCUMENT_NOT_USABLE
    assert "kho dữ liệu" in exc.value.message
    assert (Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count()) == before


def test_reuse_needs_a_signed_in_citizen(world: World) -> None:
    stored = keep()
    with pytest.raises(DossierError) as exc:
        apply(world, {1: stored.pk}, reuser="")
    assert exc.value.code == DossierErrorCode.DOCUMENTS_MISSING
    assert not Dossier.objects.exists()


def test_a_line_not_of_the_procedure_is_refused(world: World) -> None:
    stored = keep()
    with pytest.raises(DossierError) as exc:
        apply(world, {9: stored.pk})
    assert exc.value.code == DossierErrorCode.INVALID_INPUT


def test_validity_counts_on_the_day_of_filing(world: World) -> None:
    stored = keep(valid_until=AT.date())
    assert apply(world, {1: stored.pk}).documents.get().stored_document_id == stored.pk
    assert date(2026, 1, 5) == AT.date()

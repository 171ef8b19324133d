"""Digitisation at reception (TT 01/2023/TT-VPCP Điều 4-5; issue 16 item 3): the desk scans a paper
component through the one executor; the scan goes into the applicant's data store with a digitisation code.
Every refusal writes nothing: no stored row, no file, no audit or outbox event, no number taken."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import docx_bytes, media_root, pdf_bytes, png_bytes, stored_files  # noqa: F401
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode, DossierStatus
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, receive_paper, submit, to_status
from cchc.outbox.models import OutboxEvent
from cchc.records.constants import StoredSource
from cchc.records.models import DigitisationSequence, StoredDocument

LATER = AT + timedelta(hours=1)


def counter(w: World) -> Dossier:
    return receive_paper(w)


def scan(data: bytes | None = None, name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data)


def digitise(w: World, dossier: Dossier, document: Any, **kwargs: Any) -> StoredDocument:
    values: dict[str, Any] = {"file": scan(), "issuing_body": "UBND phường Nha Trang"}
    values.update(kwargs)
    return s.dossier_digitise_document(dossier=dossier, actor=w.reception, at=LATER, document=document, **values)


def test_the_desk_digitises_a_paper_component(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = counter(world)
    paper = DossierDocument.objects.get(dossier=dossier)
    stored = digitise(world, dossier, paper.pk, issued_on=date(2020, 5, 1), valid_until=date(2030, 5, 1))
    paper.refresh_from_db()
    assert paper.stored_document_id == stored.pk
    assert stored.owner_id_number == CITIZEN.id_number
    assert stored.source == StoredSource.DIGITISED
    assert stored.document_type_code == paper.document_type_code
    assert stored.source_dossier_code == dossier.code
    prefix = dossier.code.rsplit("-", 2)[0]
    assert stored.digitisation_code == f"{prefix}.{LATER:%y%m%d}.000001"
    assert default_storage.exists(stored.file.name)
    assert AuditEvent.objects.latest("sequence").action == "dossier.digitise_document"
    event = OutboxEvent.objects.filter(topic=DossierEvent.DOCUMENT_DIGITISED.value).get()
    assert event.payload["details"]["digitisation_code"] == stored.digitisation_code
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED  # the status does not change


def _nothing_written(media_root: Path, audits: int) -> None:  # noqa: F811
    assert not StoredDocument.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.count() == audits
    assert not OutboxEvent.objects.filter(topic=DossierEvent.DOCUMENT_DIGITISED.value).exists()
    assert not DigitisationSequence.objects.filter(last_value__gt=0).exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("word", DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED),
        ("text", DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED),
        ("too_large", DossierErrorCode.UPLOAD_TOO_LARGE),
        ("no_file", DossierErrorCode.INVALID_INPUT),
        ("other_dossier", DossierErrorCode.DOCUMENT_NOT_DIGITISABLE),
        ("not_a_number", DossierErrorCode.INVALID_INPUT),
        ("dates", DossierErrorCode.INVALID_INPUT),
        ("bad_owner", DossierErrorCode.INVALID_INPUT),
    ],
)
def test_refusals_write_nothing(
    world: World,
    media_root: Path,  # noqa: F811
    settings: Any,
    case: str,
    code: str,
) -> None:
    dossier = counter(world)
    other = counter(world)
    paper = DossierDocument.objects.get(dossier=dossier)
    audits = AuditEvent.objects.count()
    kwargs: dict[str, Any] = {}
    document: Any = paper.pk
    if case == "word":
        kwargs["file"] = scan(docx_bytes(), "to-khai.docx")
    elif case == "text":
        kwargs["file"] = scan(b"not a pdf at all", "to-khai.pdf")
    elif case == "too_large":
        settings.CCHC_UPLOAD_MAX_BYTES = 100
    elif case == "no_file":
        kwargs["file"] = None
    elif case == "other_dossier":
        document = DossierDocument.objects.get(dossier=other).pk
    elif case == "not_a_number":
        document = "abc"
    elif case == "dates":
        kwargs.update(issued_on=date(2026, 1, 2), valid_until=date(2026, 1, 1))
    elif case == "bad_owner":
        kwargs["owner_id_number"] = "12345"
    with pytest.raises(DossierError) as exc:
        digitise(world, dossier, document, **kwargs)
    assert exc.value.code == code
    assert exc.value.message
    _nothing_written(media_root, audits)


def test_a_component_is_digitised_once_and_only_a_paper_one(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = counter(world)
    paper = DossierDocument.objects.get(dossier=dossier)
    digitise(world, dossier, paper.pk, file=scan(png_bytes(), "anh.png"))
    with pytest.raises(DossierError) as exc:
        digitise(world, dossier, paper.pk)
    assert exc.value.code == DossierErrorCode.DOCUMENT_NOT_DIGITISABLE
    DossierDocument.objects.filter(pk=paper.pk).update(source=DocumentSource.REUSED, stored_document=None)
    with pytest.raises(DossierError) as exc:
        digitise(world, dossier, paper.pk)
    assert exc.value.code == DossierErrorCode.DOCUMENT_NOT_DIGITISABLE
    assert StoredDocument.objects.count() == 1


def test_only_the_receiving_desk_and_only_a_received_dossier(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = counter(world)
    paper = DossierDocument.objects.get(dossier=dossier)
    with pytest.raises(DossierError) as exc:
        s.dossier_digitise_document(dossier=dossier, actor=world.specialist, at=LATER, document=paper.pk, file=scan())
    assert exc.value.code == DossierErrorCode.NOT_PERMITTED
    for status in (DossierStatus.NEW, DossierStatus.PROCESSED):
        other = submit(world) if status == DossierStatus.NEW else to_status(world, status)
        with pytest.raises(DossierError) as exc:
            digitise(world, other, paper.pk)
        assert exc.value.code == DossierErrorCode.INVALID_TRANSITION
    assert not StoredDocument.objects.exists()


def test_officers_who_may_see_the_dossier_open_the_stored_copy_and_each_opening_is_logged(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    """Issue 16 item 7: a stored document is opened by staff only through a dossier they may see that uses it
    (dossiers.policies); everyone else gets the 404 of an unseen dossier and nothing is logged."""
    from django.test import Client

    from cchc.accounts.otp.testing import login_verified
    from cchc.records.models import StoredDocumentAccess

    dossier = counter(world)
    paper = DossierDocument.objects.get(dossier=dossier)
    digitise(world, dossier, paper.pk)
    url = f"/mot-cua/tep/{dossier.pk}/{paper.order}/"
    for officer, status in ((world.outsider, 404), (world.commune_officer, 404), (world.reception, 200)):
        client = login_verified(Client(), officer)
        response = client.get(url)
        assert response.status_code == status, officer
        if status == 200:
            assert b"".join(response.streaming_content) == pdf_bytes()
    access = StoredDocumentAccess.objects.get()
    assert (access.user_id, access.dossier_id, access.citizen_id_number) == (world.reception.pk, dossier.pk, "")

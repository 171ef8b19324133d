"""Issue 16 items 5 and 3: once-only at the counter (the desk is offered the applicant's usable stored
documents and records the chosen ones as ``reused``, through the same check as online), staff mark a stored
document not acceptable with a reason (no longer offered, its owner sees why), and the files an identified
applicant uploaded online go to their data store when the dossier is received (once, in the same transaction).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.catalogue.models import RequiredDocument
from cchc.common.tests.files import media_root, pdf_bytes, stored_files  # noqa: F401
from cchc.common.uploads import StorageError
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode, IdentityLevel
from cchc.dossiers.lifecycle.applicants import PaperDocument
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, World
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.selectors import owned_by, reusable_for
from cchc.records.services import stored_document_store

TYPE = "to-khai-lltp"  # the province procedure's one mandatory line (order 1)
OTHER_PERSON = "079190005678"
RECEPTION = "/mot-cua/tiep-nhan/?thu-tuc=9.000101"


def keep(owner: str = CITIZEN.id_number, **kwargs: Any) -> StoredDocument:
    values: dict[str, Any] = {
        "owner_id_number": owner,
        "document_type_code": TYPE,
        "name": "Tờ khai đã số hóa",
        "data": pdf_bytes(),
        "content_type": "application/pdf",
        "extension": "pdf",
        "source": StoredSource.DIGITISED,
        "at": datetime(2025, 12, 1, tzinfo=UTC),
    }
    values.update(kwargs)
    return stored_document_store(**values)


def counter(w: World, reused: dict[int, int], *, papers: bool = False, at: datetime = AT) -> Dossier:
    line = RequiredDocument.objects.filter(version__procedure=w.province_procedure).order_by("-version_id").first()
    assert line is not None
    return s.dossier_receive_counter(
        procedure=w.province_procedure,
        applicant=CITIZEN,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        actor=w.reception,
        at=at,
        documents=[PaperDocument(required_document_id=line.pk)] if papers else [],
        reused=reused,
    )


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- 1. once-only at the counter ----------------------------------------------------------------------------


def test_the_desk_reuses_a_stored_document_instead_of_the_paper(world: World, media_root: Path) -> None:  # noqa: F811
    stored = keep()
    files_before = stored_files(media_root)
    dossier = counter(world, {1: stored.pk}, papers=True)  # the paper ticked too: the store wins
    document = dossier.documents.get()
    assert (document.source, document.stored_document_id, document.sha256) == (
        DocumentSource.REUSED,
        stored.pk,
        stored.sha256,
    )
    assert not document.file  # no copy
    assert stored_files(media_root) == files_before
    event = AuditEvent.objects.get(action="dossier.receive", target_id=str(dossier.pk))
    assert event.after["details"]["documents"] == [
        {"name": document.name, "reused": stored.pk, "sha256": stored.sha256}
    ]


@pytest.mark.parametrize("case", ["other_person", "withdrawn_by_staff", "expired"])
def test_an_unusable_stored_document_is_refused_at_the_counter_and_nothing_written(world: World, case: str) -> None:
    stored = keep()
    if case == "other_person":
        stored = keep(owner=OTHER_PERSON)
    elif case == "withdrawn_by_staff":
        received = counter(world, {1: stored.pk})
        s.dossier_document_reject(dossier=received, order=1, actor=world.reception, at=AT, reason="Không đọc được.")
    elif case == "expired":
        stored = keep(valid_until=AT.date() - timedelta(days=1))
    dossiers = Dossier.objects.count()
    with pytest.raises(DossierError) as refused:
        counter(world, {1: stored.pk}, at=AT + timedelta(hours=1))
    assert refused.value.code == DossierErrorCode.STORED_DOCUMENT_NOT_USABLE
    assert Dossier.objects.count() == dossiers


def test_the_reception_form_offers_the_store_by_id_number_logs_each_offer_and_records_the_choice(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    stored = keep()
    keep(owner=OTHER_PERSON, name="Giấy tờ của người khác")
    client = login_verified(Client(), world.reception)
    page = text(client.get(RECEPTION))
    assert 'hx-get="/mot-cua/tiep-nhan/kho-du-lieu/?thu-tuc=9.000101"' in page
    assert "Nhập số định danh cá nhân (12 chữ số) hoặc mã số thuế" in page
    assert not StoredDocumentAccess.objects.exists()

    # the htmx fragment for the id number typed: the person's usable document, logged; nobody else's
    fragment = text(
        client.get(f"/mot-cua/tiep-nhan/kho-du-lieu/?thu-tuc=9.000101&applicant_id_number={CITIZEN.id_number}")
    )
    assert "Dùng giấy tờ đã có trong kho dữ liệu: Tờ khai đã số hóa" in fragment
    assert f'name="reuse_pk_1" value="{stored.pk}"' in fragment
    assert "Giấy tờ của người khác" not in fragment
    access = StoredDocumentAccess.objects.get()
    assert (access.document_id, access.user_id, access.dossier_id) == (stored.pk, world.reception.pk, None)
    # an officer of no receiving desk is refused the fragment
    outsider = login_verified(Client(), world.outsider)
    assert (
        outsider.get(
            f"/mot-cua/tiep-nhan/kho-du-lieu/?thu-tuc=9.000101&applicant_id_number={CITIZEN.id_number}"
        ).status_code
        == 403
    )

    body = {
        "receiving_agency": str(world.centre.pk),
        "competent_agency": str(world.justice.pk),
        "applicant_kind": "citizen",
        "applicant_name": CITIZEN.name,
        "applicant_id_number": CITIZEN.id_number,
        "copies_1": "1",
        "reuse_1": "on",
        "reuse_pk_1": str(stored.pk + 999),  # an offer the page did not show (the id number changed)
    }
    refused = client.post(RECEPTION, body)
    assert refused.status_code == 400
    assert "đã thay đổi theo số định danh vừa nhập" in text(refused)
    assert not Dossier.objects.exists()
    response = client.post(RECEPTION, {**body, "reuse_pk_1": str(stored.pk)})  # no paper ticked: the store fills it
    assert response.status_code == 302, text(response)[:2000]
    document = Dossier.objects.get().documents.get()
    assert (document.source, document.stored_document_id) == (DocumentSource.REUSED, stored.pk)


# --- 2. staff mark a stored document not acceptable ---------------------------------------------------------


def test_staff_mark_a_reused_document_not_acceptable_and_its_owner_sees_why(world: World, media_root: Path) -> None:  # noqa: F811
    stored = keep()
    dossier = counter(world, {1: stored.pk})
    for officer in (world.outsider, world.commune_officer):  # sees nothing / not this dossier's
        with pytest.raises(DossierError) as refused:
            s.dossier_document_reject(dossier=dossier, order=1, actor=officer, at=AT, reason="Không hợp lệ")
        assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    with pytest.raises(DossierError) as refused:
        s.dossier_document_reject(dossier=dossier, order=1, actor=world.reception, at=AT, reason="  ")
    assert refused.value.code == DossierErrorCode.INVALID_INPUT
    assert reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[TYPE], on=AT.date()) == {TYPE: stored}

    # through the console, by the competent agency's specialist (who may ask for a supplement)
    client = login_verified(Client(), world.specialist)
    page = text(client.get(f"/mot-cua/ho-so/{dossier.code}/"))
    assert "Đánh dấu không được chấp nhận" in page
    url = f"/mot-cua/tep/{dossier.pk}/1/khong-chap-nhan/"
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Ảnh chụp mờ, không đọc được số định danh"})
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Không được chấp nhận:</strong> Ảnh chụp mờ, không đọc được số định danh" in page
    assert client.post(url, {"reason": "Lần nữa"}).status_code == 409  # already marked
    assert login_verified(Client(), world.outsider).post(url, {"reason": "x"}).status_code == 404

    stored.refresh_from_db()
    assert stored.rejected_by_id == world.specialist.pk
    assert stored.withdrawn_at is not None
    assert reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[TYPE], on=AT.date()) == {}
    event = AuditEvent.objects.get(action="records.reject")
    assert event.after["reason"] == "Ảnh chụp mờ, không đọc được số định danh"
    assert event.after["dossier"] == dossier.code
    assert DossierDocument.objects.get(dossier=dossier).stored_document_id == stored.pk  # what was handed in
    # the owner's store lists it, marked (the page: identity/tests/test_store_rejected.py)
    assert list(owned_by(CITIZEN.id_number)) == [stored]


# --- 3. accepted online uploads go to the applicant's store -----------------------------------------------


def _online(w: World, identity: str) -> Dossier:
    return s.dossier_apply_online(
        procedure=w.province_procedure,
        applicant=dataclasses.replace(CITIZEN, identity=identity),
        receiving_agency=w.centre,
        competent_agency=w.justice,
        files={1: SimpleUploadedFile("to-khai.pdf", pdf_bytes())},
        at=AT,
    )


def test_a_component_file_gone_from_the_store_refuses_the_reception_and_changes_nothing(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    """Found by the load test (issue 17 item 4): the copy to the data store read a missing file and answered 500."""
    dossier = _online(world, IdentityLevel.VNEID_2)
    component = DossierDocument.objects.get(dossier=dossier)
    (media_root / component.file.name).unlink()
    events = AuditEvent.objects.count()

    with pytest.raises(StorageError) as refused, transaction.atomic():  # the request's own transaction
        s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=1))

    assert refused.value.code == "storage.missing"
    assert refused.value.http_status == 503
    assert f"Không đọc được tệp «{component.name}» của hồ sơ trong kho lưu trữ" in refused.value.message
    dossier.refresh_from_db()
    assert (dossier.status, dossier.code) == ("new", "")
    assert not StoredDocument.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_identified_applicants_uploads_go_to_their_store_when_received_once(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    dossier = _online(world, IdentityLevel.VNEID_2)
    assert not StoredDocument.objects.exists()  # not before reception
    received = s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=1))
    stored = StoredDocument.objects.get()
    component = DossierDocument.objects.get(dossier=dossier)
    assert (stored.owner_id_number, stored.document_type_code, stored.source) == (
        CITIZEN.id_number,
        TYPE,
        StoredSource.UPLOADED,
    )
    assert (stored.sha256, stored.source_dossier_code) == (component.sha256, received.code)
    assert component.stored_document_id == stored.pk
    assert component.source == DocumentSource.UPLOAD
    event = AuditEvent.objects.get(action="dossier.receive", target_id=str(dossier.pk))
    assert event.after["details"]["stored"] == [
        {"document": component.name, "stored": stored.pk, "sha256": stored.sha256}
    ]
    assert reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[TYPE], on=AT.date()) == {TYPE: stored}
    with pytest.raises(DossierError):  # received once: never stored twice
        s.dossier_receive(dossier=received, actor=world.reception, at=AT + timedelta(hours=2))
    assert StoredDocument.objects.count() == 1


def test_uploads_of_an_applicant_not_identified_stay_out_of_the_store(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = _online(world, IdentityLevel.NONE)
    s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=1))
    assert not StoredDocument.objects.exists()
    assert DossierDocument.objects.get(dossier=dossier).stored_document_id is None


def test_a_failed_reception_leaves_no_stored_copy(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = _online(world, IdentityLevel.VNEID_2)
    files = stored_files(media_root)
    with pytest.raises(DossierError):  # before the submission: refused, nothing stored
        s.dossier_receive(dossier=dossier, actor=world.reception, at=AT - timedelta(days=1))
    assert not StoredDocument.objects.exists()
    assert stored_files(media_root) == files


# --- 4. files supplied after reception (bổ sung hồ sơ) go to the store as accepted uploads do -----------------


SUPPLEMENT_PDF = pdf_bytes() + b"% bo sung\n"  # another file than the one uploaded at submission


def _supplemented(w: World, dossier: Dossier, *, at: datetime, actor: Any = None) -> Dossier:
    s.dossier_request_supplement(dossier=dossier, actor=w.reception, at=at, reason="Tờ khai mờ, nộp lại")
    return s.dossier_resubmit_supplement(
        dossier=dossier,
        actor=actor,
        at=at + timedelta(hours=1),
        files={1: SimpleUploadedFile("to-khai-moi.pdf", SUPPLEMENT_PDF)},
    )


def test_a_supplement_after_reception_goes_to_the_identified_applicants_store(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    dossier = s.dossier_receive(
        dossier=_online(world, IdentityLevel.VNEID_2), actor=world.reception, at=AT + timedelta(hours=1)
    )
    first = StoredDocument.objects.get()  # the upload accepted at reception

    _supplemented(world, dossier, at=AT + timedelta(hours=2))

    added = DossierDocument.objects.get(dossier=dossier, order=2)
    stored = StoredDocument.objects.exclude(pk=first.pk).get()
    assert added.stored_document_id == stored.pk  # the row was sent with its link
    assert added.source == DocumentSource.UPLOAD
    # the same rules as at reception: owner, document type of the line, source, source dossier, the file itself
    assert (stored.owner_id_number, stored.document_type_code, stored.source, stored.source_dossier_code) == (
        CITIZEN.id_number,
        TYPE,
        StoredSource.UPLOADED,
        dossier.code,
    )
    assert (stored.sha256, stored.size, stored.content_type) == (added.sha256, added.size, added.content_type)
    with stored.file.open("rb") as handle:
        assert handle.read() == SUPPLEMENT_PDF
    first.refresh_from_db()
    assert first.superseded_by_id == stored.pk  # the newer copy is the one offered
    assert reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[TYPE], on=AT.date()) == {TYPE: stored}
    event = AuditEvent.objects.get(action="dossier.resubmit_supplement", target_id=str(dossier.pk))
    assert event.after["details"]["stored"] == [{"document": added.name, "stored": stored.pk, "sha256": stored.sha256}]


def test_a_supplement_before_reception_waits_for_the_reception_and_is_stored_once(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    dossier = _online(world, IdentityLevel.VNEID_2)
    _supplemented(world, dossier, at=AT + timedelta(minutes=30))
    assert not StoredDocument.objects.exists()  # not accepted yet
    s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=3))
    linked = DossierDocument.objects.filter(dossier=dossier).values_list("order", "stored_document__source")
    assert sorted(linked) == [(1, StoredSource.UPLOADED), (2, StoredSource.UPLOADED)]
    assert StoredDocument.objects.count() == 2


def test_a_supplement_of_an_applicant_not_identified_stays_out_of_the_store(
    world: World,
    media_root: Path,  # noqa: F811
) -> None:
    online = s.dossier_receive(
        dossier=_online(world, IdentityLevel.NONE), actor=world.reception, at=AT + timedelta(hours=1)
    )
    _supplemented(world, online, at=AT + timedelta(hours=2))
    paper = counter(world, {}, papers=True)  # at the counter: a typed id number, never proof of identity
    _supplemented(world, paper, at=AT + timedelta(hours=2), actor=world.reception)
    assert not StoredDocument.objects.exists()
    assert DossierDocument.objects.filter(dossier__in=[online, paper], order=2).count() == 2


def test_a_failed_supplement_leaves_no_stored_copy(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = s.dossier_receive(
        dossier=_online(world, IdentityLevel.VNEID_2), actor=world.reception, at=AT + timedelta(hours=1)
    )
    s.dossier_request_supplement(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=2), reason="Mờ")
    files = stored_files(media_root)
    with pytest.raises(DossierError):  # before the request: refused, nothing stored
        s.dossier_resubmit_supplement(
            dossier=dossier,
            actor=None,
            at=AT + timedelta(hours=1, minutes=30),
            files={1: SimpleUploadedFile("to-khai.pdf", SUPPLEMENT_PDF)},
        )
    assert StoredDocument.objects.count() == 1
    assert stored_files(media_root) == files

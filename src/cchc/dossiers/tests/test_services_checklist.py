"""Counter reception with the document checklist (dossier_receive_counter(documents=...))."""

from __future__ import annotations

import pytest

from cchc.audit.models import AuditEvent
from cchc.catalogue.models import RequiredDocument
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, World


def _receive(world: World, documents: list[s.PaperDocument]) -> Dossier:
    return s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=AT,
        documents=documents,
    )


def _form(world: World) -> RequiredDocument:
    return RequiredDocument.objects.get(version__procedure=world.province_procedure, order=1)


def test_the_ticked_checklist_is_stored_with_the_dossier_and_in_the_audit_event(world: World) -> None:
    form = _form(world)
    dossier = _receive(world, [s.PaperDocument(required_document_id=form.pk, copies=2)])
    stored = list(DossierDocument.objects.filter(dossier=dossier))
    assert [(d.name, d.copies, d.source, d.required_document_id) for d in stored] == [
        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 2, DocumentSource.PAPER, form.pk)
    ]
    assert stored[0].document_type_code == "to-khai-lltp"
    assert stored[0].recorded_by == world.reception
    event = AuditEvent.objects.for_target(dossier).get(action="dossier.receive")
    assert event.after["details"]["documents"] == [{"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "copies": 2}]


def test_a_missing_mandatory_document_refuses_reception_and_changes_nothing(world: World) -> None:
    dossiers, events = Dossier.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DossierError) as refused:
        _receive(world, [])
    assert refused.value.code == DossierErrorCode.DOCUMENTS_MISSING
    assert "Thiếu giấy tờ bắt buộc: «Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp»" in refused.value.message
    assert (Dossier.objects.count(), AuditEvent.objects.count(), DossierDocument.objects.count()) == (
        dossiers,
        events,
        0,
    )


@pytest.mark.parametrize("copies", [0, 100])
def test_copies_out_of_range_are_refused(world: World, copies: int) -> None:
    with pytest.raises(DossierError) as refused:
        _receive(world, [s.PaperDocument(required_document_id=_form(world).pk, copies=copies)])
    assert refused.value.code == DossierErrorCode.INVALID_INPUT
    assert not DossierDocument.objects.exists()


def test_a_document_of_another_procedure_is_refused(world: World) -> None:
    other = RequiredDocument.objects.filter(version__procedure=world.commune_procedure).first()
    assert other is not None
    with pytest.raises(DossierError) as refused:
        _receive(world, [s.PaperDocument(required_document_id=_form(world).pk), s.PaperDocument(other.pk)])
    assert refused.value.code == DossierErrorCode.INVALID_INPUT
    assert "không thuộc thành phần hồ sơ" in refused.value.message
    assert not Dossier.objects.filter(applicant_id_number=CITIZEN.id_number).exists()


def test_without_a_checklist_nothing_is_recorded(world: World) -> None:
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=AT,
    )
    assert not DossierDocument.objects.filter(dossier=dossier).exists()

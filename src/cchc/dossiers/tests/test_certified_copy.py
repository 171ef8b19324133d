"""Electronic certified copies (chứng thực bản sao điện tử từ bản chính; issue 16 item 6): the desk digitises
the original, the commune's People's Committee issues the copy through ``attach_result`` (scan + certification
page, numbered in its register of the year), the signing subscriber signs it and keeps it in the applicant's
data store, and anyone verifies it. Refusals write nothing and take no number."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from cchc.catalogue.constants import ELECTRONIC_CERTIFIED_COPY_TYPE
from cchc.catalogue.models import Procedure, RequiredDocument
from cchc.catalogue.services import catalogue_import
from cchc.common.tests.files import media_root, pdf_bytes, png_bytes  # noqa: F401
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, ResultStatus
from cchc.dossiers.lifecycle.applicants import PaperDocument
from cchc.dossiers.models import CertificationSequence, Dossier, DossierDocument, ResultDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, PUBLISHED, World
from cchc.dossiers.tests.test_results import _sign_all, _stored
from cchc.records.models import StoredDocument
from cchc.signing.verify import verify

LATER = AT + timedelta(hours=1)

COPY_PROCEDURE: dict[str, Any] = {
    "code": "9.000003",
    "code_status": "demo",
    "name": "Chứng thực bản sao điện tử từ bản chính",
    "field": "HOTICH",
    "levels": ["commune"],
    "competent_agencies": [{"level": "commune", "kind": "ubnd"}],
    "applicant_types": ["citizen"],
    "service_type": "mot_phan",
    "processing_time": {"value": 1, "unit": "same_day", "cutoff": "15:00"},
    "result": {"document_type": ELECTRONIC_CERTIFIED_COPY_TYPE, "name": "Bản sao điện tử được chứng thực từ bản chính"},
    "legal_basis": ["Nghị định số 23/2015/NĐ-CP", "Nghị định số 45/2020/NĐ-CP"],
    "documents": [{"name": "Bản chính giấy tờ, văn bản", "document_type": "ban-chinh-giay-to"}],
    "fees": [{"kind": "phi", "name": "Phí chứng thực", "table": [{"label": "Mỗi trang", "amount": 2000}]}],
    "steps": [
        {
            "name": "Tiếp nhận, số hóa bản chính",
            "responsible": "receiving",
            "staff_role": "reception",
            "duration_hours": 1,
        },
        {"name": "Chứng thực, ký số", "responsible": "competent", "staff_role": "leader", "duration_hours": 1},
    ],
}


@pytest.fixture
def copy_procedure(world: World) -> Procedure:
    catalogue_import(
        data={
            "format": "cchc-catalogue",
            "format_version": 1,
            "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
            "procedures": [COPY_PROCEDURE],
        },
        at=PUBLISHED,
    )
    return Procedure.objects.get(code="9.000003")


def _request(w: World, procedure: Procedure) -> Dossier:
    """The citizen brings the original to Nha Trang's desk."""
    line = RequiredDocument.objects.filter(version__procedure=procedure).order_by("-version_id", "order").first()
    assert line is not None
    return s.dossier_receive_counter(
        procedure=procedure,
        applicant=CITIZEN,
        receiving_agency=w.nha_trang,
        competent_agency=w.nha_trang,
        actor=w.commune_officer,
        at=AT,
        documents=[PaperDocument(required_document_id=line.pk)],
    )


def _digitise(w: World, dossier: Dossier, data: bytes, name: str) -> DossierDocument:
    paper = DossierDocument.objects.get(dossier=dossier)
    s.dossier_digitise_document(
        dossier=dossier,
        actor=w.commune_officer,
        at=LATER,
        document=paper.pk,
        file=SimpleUploadedFile(name, data),
        issuing_body="Trường Đại học Nha Trang",
    )
    paper.refresh_from_db()
    return paper


def _certify(w: World, dossier: Dossier, document: Any) -> ResultDocument:
    return s.dossier_certify_copy(
        dossier=dossier, actor=w.commune_officer, at=LATER + timedelta(minutes=10), document=document
    )


def test_certified_copy_is_numbered_signed_stored_and_verifiable(
    world: World,
    copy_procedure: Procedure,
    certificates: Path,  # noqa: F811
    media_root: Path,  # noqa: F811
) -> None:
    dossier = _request(world, copy_procedure)
    paper = _digitise(world, dossier, pdf_bytes(), "bang-tot-nghiep.pdf")
    first = _certify(world, dossier, paper.pk)
    assert (first.status, first.certification_number, first.certification_year) == (ResultStatus.PENDING, 1, 2026)
    assert first.title.startswith("Bản sao điện tử được chứng thực từ bản chính")

    other = _request(world, copy_procedure)  # a second copy of the same commune: the next number
    second = _certify(world, other, _digitise(world, other, png_bytes(), "anh.png").pk)
    assert second.certification_number == 2
    # a second copy in the same request (several copies may be asked): number 3, the first one stays valid
    again = s.dossier_certify_copy(
        dossier=dossier, actor=world.commune_officer, at=LATER, document=paper.pk, name="Bằng tốt nghiệp đại học"
    )
    assert again.certification_number == 3
    assert again.title == "Bản sao điện tử được chứng thực từ bản chính: Bằng tốt nghiệp đại học"
    assert CertificationSequence.objects.get(agency=world.nha_trang, year=2026).last_value == 3

    _sign_all()
    first.refresh_from_db()
    assert first.status == ResultStatus.SIGNED, first.failure  # not replaced by the second copy
    assert ResultDocument.objects.filter(dossier=dossier, status=ResultStatus.SIGNED).count() == 2
    signed = _stored(first)
    reader = PdfReader(io.BytesIO(signed))
    scanned = len(PdfReader(io.BytesIO(pdf_bytes())).pages)
    assert len(reader.pages) == scanned + 1  # the scan, then the certification page
    statement = reader.pages[-1].extract_text()
    assert "Chứng thực bản sao điện tử này đúng với bản chính" in statement
    assert "Số chứng thực: 1" in statement
    assert verify(signed).valid

    kept = StoredDocument.objects.filter(
        owner_id_number=CITIZEN.id_number, document_type_code=ELECTRONIC_CERTIFIED_COPY_TYPE
    )
    assert kept.count() == 3  # the three copies, none superseding another (each is of its own original)
    assert not kept.filter(superseded_by__isnull=False).exists()

    page = Client().get(f"/xac-minh/{first.token}/").content.decode()
    assert "Kết quả hợp lệ" in page
    assert "Số chứng thực" in page
    assert world.nha_trang.name in page


@pytest.mark.parametrize("case", ["upload", "not_digitised", "other_dossier", "other_procedure", "not_a_number"])
def test_refusals_take_no_number(
    world: World,
    copy_procedure: Procedure,
    media_root: Path,  # noqa: F811
    case: str,
) -> None:
    dossier = _request(world, copy_procedure)
    paper = DossierDocument.objects.get(dossier=dossier)
    code = DossierErrorCode.COPY_NOT_CERTIFIABLE
    target, document = dossier, paper.pk
    if case == "upload":  # the copy is made from the desk's scan of the original, never from an upload
        document = None
    elif case == "other_dossier":
        other = _request(world, copy_procedure)
        document = _digitise(world, other, pdf_bytes(), "a.pdf").pk
    elif case == "other_procedure":
        target = s.dossier_receive_counter(
            procedure=world.commune_procedure,
            applicant=CITIZEN,
            receiving_agency=world.nha_trang,
            competent_agency=world.nha_trang,
            actor=world.commune_officer,
            at=AT,
        )
    elif case == "not_a_number":
        code, document = DossierErrorCode.INVALID_INPUT, "abc"

    def act() -> object:
        if document is None:
            return s.dossier_attach_result(
                dossier=target, actor=world.commune_officer, at=LATER, title="Bản sao", file=pdf_bytes()
            )
        return _certify(world, target, document)

    with pytest.raises(DossierError) as exc:
        act()
    assert exc.value.code == code
    assert exc.value.message
    assert not ResultDocument.objects.exists()
    assert not CertificationSequence.objects.exists()


def test_the_api_and_console_certify_from_the_digitised_original(
    world: World,
    copy_procedure: Procedure,
    media_root: Path,  # noqa: F811
) -> None:
    import base64

    from rest_framework.test import APIClient

    from cchc.accounts.otp.testing import login_verified

    dossier = _request(world, copy_procedure)
    paper = _digitise(world, dossier, pdf_bytes(), "bang.pdf")
    client = APIClient()
    login_verified(client, world.commune_officer)  # type: ignore[arg-type]
    url = f"/api/dossiers/{dossier.code}/actions/attach_result/"

    upload = client.post(url, {"title": "Bản sao", "pdf_base64": base64.b64encode(pdf_bytes()).decode()}, format="json")
    empty = client.post(url, {}, format="json")
    good = client.post(url, {"document": paper.pk}, format="json")

    assert upload.status_code == 400, upload.content  # such a dossier's form asks for the original, not a file
    assert empty.status_code == 400
    assert good.status_code == 200, good.content
    result = ResultDocument.objects.get(dossier=dossier)
    assert (result.certification_number, result.certification_year) == (1, 2026)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "Bản chính đã số hóa cần chứng thực" in page  # the console's form asks for the original
    assert "Chứng thực bản sao điện tử từ bản chính (ký số)" in page

"""The national sync item tells the portal what QĐ 766 counts for digitisation (issue 16; domain-vn §2.6):
``HoSoCoThanhPhanSoHoa``, per component ``TaiLieuNop[].DuocSoHoa`` / ``DuocTaiSuDung``, and the signed result's
file link ``DanhSachGiayToKetQua[].DuongDanTepTinKetQua`` with ``MaKetQua`` (the results signed by the event;
the components as they stand)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.catalogue.models import RequiredDocument
from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import ResultDocument
from cchc.dossiers.results.services import SUBSCRIBER as SIGNER
from cchc.dossiers.tests import conftest as dossier_fixtures
from cchc.dossiers.tests.conftest import AT, CITIZEN, SITE, World, certificates, first_line, receive_paper  # noqa: F401
from cchc.integrations.national_portal.payload import sync_items
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.records.constants import StoredSource
from cchc.records.services import stored_document_store
from cchc.signing.tests.pdfs import result_pdf

# the dossier tests' world (registry, procedures, officers), loaded once per module
world_module = dossier_fixtures.world_module
world = dossier_fixtures.world


def test_digitised_reused_components_and_the_signed_result_link(
    world: World,
    media_root: Path,  # noqa: F811
    certificates: Path,  # noqa: F811
) -> None:
    # given two counter dossiers with a paper component, one digitised at the desk and its result signed
    line = first_line(world)
    dossier, paper_only = receive_paper(world), receive_paper(world)
    first = dossier.documents.get()
    stored = s.dossier_digitise_document(
        dossier=dossier,
        actor=world.reception,
        at=AT + timedelta(hours=1),
        document=first.pk,
        file=SimpleUploadedFile("giay.pdf", pdf_bytes()),
        issuing_body="UBND phường Nha Trang",
    )
    s.dossier_attach_result(
        dossier=dossier,
        actor=world.specialist,
        at=AT + timedelta(hours=2),
        title="Phiếu lý lịch tư pháp số 1",
        file=result_pdf(),
    )
    outbox_drain(only=[SIGNER])
    result = ResultDocument.objects.get(dossier=dossier)
    events = list(OutboxEvent.objects.filter(stream=f"dossier:{dossier.pk}").order_by("id"))
    assert [e.topic for e in events] == [
        DossierEvent.RECEIVED,
        DossierEvent.DOCUMENT_DIGITISED,
        DossierEvent.RESULT_ATTACHED,
        DossierEvent.RESULT_SIGNED,
    ]

    # when the events become sync items
    items = sync_items(events)

    # then the reception's item has no result yet; the signing's carries the link to the verification page
    received, signed = items[events[0].pk], items[events[-1].pk]
    assert received is not None
    assert signed is not None
    assert received["DanhSachGiayToKetQua"] == []
    assert signed["DanhSachGiayToKetQua"] == [
        {
            "MaKetQua": result.token,
            "MaGiayToKetQua": dossier.procedure_version.result_document_type,
            "TenGiayTo": "Phiếu lý lịch tư pháp số 1",
            "DuongDanTepTinKetQua": f"{SITE}/xac-minh/{result.token}/",
        }
    ]
    assert signed["QuaTrinhXuLyHoSo"][-1]["NoiDungXuLy"] == "Ký số kết quả giải quyết"
    assert signed["QuaTrinhXuLyHoSo"][-1]["NguoiXuLy"] == world.justice.name[:50]
    assert signed["HoSoCoThanhPhanSoHoa"] == 1
    assert [(d["TepDinhKemId"], d["DuocSoHoa"], d["DuocTaiSuDung"]) for d in signed["TaiLieuNop"]] == [(first.pk, 1, 0)]
    assert signed["TaiLieuNop"][0]["MaKetQuaThayThe"] == stored.digitisation_code
    plain = OutboxEvent.objects.get(stream=f"dossier:{paper_only.pk}")
    paper_item = sync_items([plain])[plain.pk]
    assert paper_item is not None
    assert paper_item["HoSoCoThanhPhanSoHoa"] == 0
    assert [(d["DuocSoHoa"], d["MaKetQuaThayThe"]) for d in paper_item["TaiLieuNop"]] == [(0, "")]

    # and a dossier filed online reusing the stored scan says so
    held = stored_document_store(
        owner_id_number=CITIZEN.id_number,
        document_type_code=line.document_type_code,
        name=line.name,
        data=pdf_bytes(),
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.DIGITISED,
        at=AT,
    )
    others = {
        doc.order: SimpleUploadedFile("to-khai.pdf", pdf_bytes())
        for doc in RequiredDocument.objects.filter(version=line.version).exclude(pk=line.pk)
    }
    online = s.dossier_apply_online(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        files=others,
        at=AT + timedelta(days=1),
        reused={line.order: held.pk},
        reuser_id_number=CITIZEN.id_number,
    )
    online = s.dossier_receive(dossier=online, actor=world.reception, at=AT + timedelta(days=1, hours=1))
    event = OutboxEvent.objects.filter(stream=f"dossier:{online.pk}", topic=DossierEvent.RECEIVED).get()
    item = sync_items([event])[event.pk]
    assert item is not None
    reused = online.documents.get(source=DocumentSource.REUSED)
    flags = {d["TepDinhKemId"]: (d["DuocSoHoa"], d["DuocTaiSuDung"]) for d in item["TaiLieuNop"]}
    assert flags[reused.pk] == (1, 1)
    assert all(flag == (1, 0) for pk, flag in flags.items() if pk != reused.pk)  # uploaded files
    assert item["HoSoCoThanhPhanSoHoa"] == 1

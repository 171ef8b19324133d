"""Online application with files and the applicant's rating, through the services."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import EXE_AS_PDF, HTML_AS_PDF, pdf_bytes, png_bytes, stored_files, upload
from cchc.dossiers import executor
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus, RatingLevel
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating
from cchc.dossiers.tests.conftest import AT, CITIZEN, to_status


def apply(world, files, **overrides):
    arguments = {
        "procedure": world.province_procedure,
        "applicant": CITIZEN,
        "receiving_agency": world.centre,
        "competent_agency": world.justice,
        "files": files,
        "at": AT,
        **overrides,
    }
    return s.dossier_apply_online(**arguments)


def counts():
    return Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count()


def test_apply_online_stores_the_files_under_names_of_its_own(world, media_root: Path):
    content = pdf_bytes()

    dossier = apply(world, {1: upload("../../tờ khai\x00.pdf", content)})

    assert dossier.status == DossierStatus.NEW
    assert dossier.code == ""
    document = dossier.documents.get()
    assert document.source == "upload"
    assert document.required_document.name == "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
    assert document.original_name == "tờ khai.pdf"
    assert document.content_type == "application/pdf"
    assert document.extension == ".pdf"
    assert document.size == len(content)
    assert document.file.name == f"dossiers/{dossier.pk}/{document.sha256[:16]}.pdf"
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [document.file.name]
    assert (media_root / document.file.name).read_bytes() == content
    event = AuditEvent.objects.get(action="dossier.submit", target_id=str(dossier.pk))
    assert event.actor is None
    assert event.after["details"]["documents"] == [
        {
            "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
            "file": "tờ khai.pdf",
            "size": len(content),
            "sha256": document.sha256,
            "type": "application/pdf",
        }
    ]


def test_mandatory_documents_must_be_there(world, building, media_root: Path):
    before = counts()
    files = {1: upload("don.pdf", pdf_bytes()), 3: upload("ban-ve.png", png_bytes(), "image/png")}

    with pytest.raises(DossierError) as info:
        apply(world, files, procedure=building, receiving_agency=world.nha_trang, competent_agency=world.nha_trang)

    assert info.value.code == DossierErrorCode.DOCUMENTS_MISSING
    assert info.value.message == "Thiếu thành phần hồ sơ bắt buộc: «Giấy tờ chứng minh quyền sử dụng đất»."
    assert counts() == before
    assert stored_files(media_root) == []


def test_optional_documents_may_be_left_out(world, building):
    files = {order: upload(f"{order}.pdf", pdf_bytes()) for order in (1, 2, 3)}

    dossier = apply(
        world, files, procedure=building, receiving_agency=world.nha_trang, competent_agency=world.nha_trang
    )

    assert list(dossier.documents.values_list("order", "required_document__order")) == [(1, 1), (2, 2), (3, 3)]


@pytest.mark.parametrize("content", [HTML_AS_PDF, EXE_AS_PDF], ids=["html", "exe"])
def test_a_disguised_file_changes_nothing(world, media_root: Path, content):
    before = counts()

    with pytest.raises(DossierError) as info:
        apply(world, {1: upload("to-khai.pdf", content)})

    assert info.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert counts() == before
    assert stored_files(media_root) == []


def test_an_oversized_file_changes_nothing(world, media_root: Path, settings):
    settings.CCHC_UPLOAD_MAX_BYTES = 256
    before = counts()

    with pytest.raises(DossierError) as info:
        apply(world, {1: upload("to-khai.pdf", pdf_bytes())})

    assert info.value.code == DossierErrorCode.UPLOAD_TOO_LARGE
    assert counts() == before
    assert stored_files(media_root) == []


def test_a_file_for_no_document_of_the_procedure_is_refused(world, media_root: Path):
    with pytest.raises(DossierError) as info:
        apply(world, {1: upload("a.pdf", pdf_bytes()), 7: upload("b.pdf", pdf_bytes())})
    assert info.value.code == DossierErrorCode.INVALID_INPUT
    assert stored_files(media_root) == []


def test_too_many_files_are_refused(world, building, settings):
    settings.CCHC_UPLOAD_MAX_FILES = 2
    files = {order: upload(f"{order}.pdf", pdf_bytes()) for order in (1, 2, 3)}
    with pytest.raises(DossierError) as info:
        apply(world, files, procedure=building, receiving_agency=world.nha_trang, competent_agency=world.nha_trang)
    assert info.value.message == "Mỗi hồ sơ đính kèm tối đa 2 tệp."


def test_online_applicants_give_an_email(world):
    applicant = s.Applicant(kind="citizen", name="Lê Văn An", id_number="056190001111", phone="0905000111")
    with pytest.raises(DossierError) as info:
        apply(world, {1: upload("a.pdf", pdf_bytes())}, applicant=applicant)
    assert info.value.code == DossierErrorCode.INVALID_INPUT
    assert "thư điện tử" in info.value.message


def test_files_written_before_a_failure_are_deleted(world, media_root: Path, monkeypatch):
    """Fault injection: the audit append fails after the files were written; rows and files go."""
    before = counts()

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(executor, "audit_event_new", broken)  # the executor builds the audit event last
    with pytest.raises(RuntimeError):
        apply(world, {1: upload("a.pdf", pdf_bytes())})

    assert counts() == before
    assert stored_files(media_root) == []


def test_the_same_file_for_two_documents_is_stored_twice(world, building, media_root: Path):
    same = pdf_bytes()
    files = {order: upload(f"{order}.pdf", same) for order in (1, 2, 3)}

    dossier = apply(
        world, files, procedure=building, receiving_agency=world.nha_trang, competent_agency=world.nha_trang
    )

    names = list(dossier.documents.values_list("file", flat=True))
    assert len(set(names)) == 3
    assert len(stored_files(media_root)) == 3


# --- rating ------------------------------------------------------------------------------------------


CRITERIA = {"convenience": "satisfied", "timeliness": "very_satisfied", "staff_attitude": "satisfied"}


def test_rate_a_returned_dossier_once(world):
    dossier = to_status(world, DossierStatus.RETURNED)
    at = dossier.returned_at + timedelta(hours=1)

    rating = s.dossier_rate(dossier=dossier, level=RatingLevel.SATISFIED, criteria=CRITERIA, comment=" Nhanh. ", at=at)

    assert rating.level == "satisfied"
    assert rating.comment == "Nhanh."
    assert rating.rated_at == at
    assert rating.criteria == CRITERIA
    event = AuditEvent.objects.get(action="dossier.rate", target_id=str(dossier.pk))
    assert event.after["details"]["level"] == "satisfied"

    with pytest.raises(DossierError) as info:
        s.dossier_rate(dossier=dossier, level=RatingLevel.DISSATISFIED, criteria={}, comment="", at=at)
    assert info.value.code == DossierErrorCode.ALREADY_RATED
    assert DossierRating.objects.get(dossier=dossier).level == "satisfied"


@pytest.mark.parametrize("status", [DossierStatus.NEW, DossierStatus.IN_PROCESS, DossierStatus.PROCESSED])
def test_rate_before_the_result_is_returned_is_refused(world, status):
    dossier = to_status(world, status)
    with pytest.raises(DossierError) as info:
        s.dossier_rate(dossier=dossier, level="satisfied", criteria={}, comment="", at=AT + timedelta(days=3))
    assert info.value.code == DossierErrorCode.INVALID_TRANSITION
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize(
    ("level", "criteria"),
    [("tot", {}), ("satisfied", {"price": "satisfied"}), ("satisfied", {"convenience": "5"})],
)
def test_rate_with_unknown_values_is_refused(world, level, criteria):
    dossier = to_status(world, DossierStatus.RETURNED)
    with pytest.raises(DossierError) as info:
        s.dossier_rate(
            dossier=dossier, level=level, criteria=criteria, comment="", at=dossier.returned_at + timedelta(hours=1)
        )
    assert info.value.code == DossierErrorCode.INVALID_INPUT
    assert not DossierRating.objects.exists()

"""Electronic results in the lifecycle (issue 16 items 1-2): the competent agency attaches the result PDF
(the action ``attach_result``, run by the executor), the outbox subscriber ``dossiers.results.sign``
signs it after the commit, returning the result waits for the signature, and anyone verifies it on the
public page its QR code leads to."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus, PaymentChannel, ResultStatus
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, ResultDocument
from cchc.dossiers.results.services import SUBSCRIBER, result_verify_url
from cchc.dossiers.tests.conftest import AT, SITE, World, to_status
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.signing import pki, signers
from cchc.signing.constants import SigningError, SigningErrorCode
from cchc.signing.tests.pdfs import encrypted_pdf, result_pdf
from cchc.signing.verify import verify

LATER = AT + timedelta(hours=3)


def _attach(w: World, dossier: Dossier, *, file: Any = None, title: str = "Giấy xác nhận", at: Any = LATER) -> Any:
    return s.dossier_attach_result(
        dossier=dossier, actor=w.specialist, at=at, title=title, file=result_pdf() if file is None else file
    )


def _pay(w: World, dossier: Dossier) -> None:
    s.dossier_record_payment(
        dossier=dossier,
        actor=w.reception,
        at=LATER - timedelta(minutes=5),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-1",
    )


def _sign_all() -> None:
    outbox_drain(only=[SUBSCRIBER])


def _files(dossier: Dossier) -> list[str]:
    folder = f"results/{dossier.pk}"
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def _stored(result: ResultDocument) -> bytes:
    with default_storage.open(result.signed.name, "rb") as handle:
        return handle.read()


def test_attach_then_signed_by_the_subscriber_then_returned(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    _pay(world, dossier)

    result = _attach(world, dossier)

    result = ResultDocument.objects.get(pk=result.pk)
    assert result.status == ResultStatus.PENDING
    assert result.agency_id == dossier.competent_agency_id
    assert result.original_sha256 == hashlib.sha256(result_pdf()).hexdigest()
    assert default_storage.exists(result.original.name)
    event = OutboxEvent.objects.latest("id")
    assert event.topic == DossierEvent.RESULT_ATTACHED
    assert event.payload["details"] == {"title": "Giấy xác nhận"}
    assert event.payload["status"] == DossierStatus.PROCESSED  # the status does not change
    assert AuditEvent.objects.latest("sequence").action == "dossier.attach_result"

    with pytest.raises(DossierError) as refused:
        s.dossier_return_result(dossier=dossier, actor=world.reception, at=LATER + timedelta(minutes=1))
    assert refused.value.code == DossierErrorCode.RESULT_NOT_SIGNED
    assert "chưa được ký số" in refused.value.message

    _sign_all()

    result.refresh_from_db()
    assert result.status == ResultStatus.SIGNED
    data = _stored(result)
    assert hashlib.sha256(data).hexdigest() == result.signed_sha256
    checked = verify(data)
    assert checked.valid
    assert checked.signer == world.justice.name
    assert checked.reason == "Giấy xác nhận"
    assert result_verify_url(result.token).encode() not in data  # in the QR and the block's glyphs, not as text
    returned = s.dossier_return_result(dossier=dossier, actor=world.reception, at=LATER + timedelta(minutes=2))
    assert returned.status == DossierStatus.RETURNED


def test_a_second_delivery_does_not_sign_again(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    result = _attach(world, dossier)
    _sign_all()
    result.refresh_from_db()
    first = (result.signed.name, result.signed_sha256)

    from cchc.dossiers.results.services import result_sign

    again = result_sign(result=result)

    assert (again.signed.name, again.signed_sha256) == first


@pytest.mark.parametrize(
    ("file", "words"),
    [
        (b"PK\x03\x04 not a pdf at all", "không phải là tệp PDF"),
        ("encrypted", "mã hóa"),
        (result_pdf()[:200], "lỗi cấu trúc"),
    ],
)
def test_a_bad_result_file_is_refused_and_nothing_is_written(
    world: World, certificates: Path, file: Any, words: str
) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = (AuditEvent.objects.count(), OutboxEvent.objects.count(), ResultDocument.objects.count())
    files = _files(dossier)
    if file == "encrypted":
        file = encrypted_pdf()

    with pytest.raises(DossierError) as refused:
        _attach(world, dossier, file=file)

    assert refused.value.code == DossierErrorCode.RESULT_FILE_REJECTED
    assert words in refused.value.message
    assert (AuditEvent.objects.count(), OutboxEvent.objects.count(), ResultDocument.objects.count()) == before
    assert _files(dossier) == files


def test_a_title_is_required(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as refused:
        _attach(world, dossier, title="  ")
    assert refused.value.code == DossierErrorCode.INVALID_INPUT


def test_only_the_competent_agency_attaches_and_only_while_processing(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as role:
        s.dossier_attach_result(dossier=dossier, actor=world.reception, at=LATER, title="X", file=result_pdf())
    assert role.value.code == DossierErrorCode.NOT_PERMITTED
    returned = to_status(world, DossierStatus.RETURNED)
    with pytest.raises(DossierError) as status:
        _attach(world, returned)
    assert status.value.code == DossierErrorCode.INVALID_TRANSITION
    assert ResultDocument.objects.count() == 0


class _Down:
    """A signing service that does not answer (a remote service or token out of reach)."""

    def sign(self, request: signers.SignRequest) -> bytes:
        raise SigningError(SigningErrorCode.SIGNER_UNAVAILABLE, "Dịch vụ ký số không phản hồi.")


def test_a_signer_down_keeps_the_result_waiting_and_retried(
    world: World, certificates: Path, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(signers.SIGNERS, "down", _Down)
    settings.CCHC_SIGNER = "down"
    dossier = to_status(world, DossierStatus.PROCESSED)
    _pay(world, dossier)
    result = _attach(world, dossier)

    outbox_drain(only=[SUBSCRIBER])

    result.refresh_from_db()
    assert result.status == ResultStatus.PENDING
    with pytest.raises(DossierError) as refused:
        s.dossier_return_result(dossier=dossier, actor=world.reception, at=LATER + timedelta(minutes=1))
    assert refused.value.code == DossierErrorCode.RESULT_NOT_SIGNED
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSED

    settings.CCHC_SIGNER = "local"  # the service is back: the retry signs it
    from django.utils import timezone

    outbox_drain(only=[SUBSCRIBER], at=timezone.now() + timedelta(hours=2))

    result.refresh_from_db()
    assert result.status == ResultStatus.SIGNED
    s.dossier_return_result(dossier=dossier, actor=world.reception, at=LATER + timedelta(minutes=2))


def test_an_expired_certificate_fails_the_result_visibly(world: World, certificates: Path) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    root = pki.root_load(certificates)
    assert root is not None
    pki.agency_certificate_issue(
        certificates,
        pki.AgencyIdentity(code=world.justice.code, name=world.justice.name),
        root=root,
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=1),
    )
    dossier = to_status(world, DossierStatus.PROCESSED)
    _pay(world, dossier)
    result = _attach(world, dossier)

    _sign_all()

    result.refresh_from_db()
    assert result.status == ResultStatus.FAILED
    assert "đã hết hạn" in result.failure
    assert not result.signed
    with pytest.raises(DossierError) as refused:
        s.dossier_return_result(dossier=dossier, actor=world.reception, at=LATER + timedelta(minutes=1))
    assert refused.value.code == DossierErrorCode.RESULT_NOT_SIGNED
    assert "ký số không thành công" in refused.value.message


def test_a_new_result_replaces_the_one_before(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    first = _attach(world, dossier, title="Bản 1")
    _sign_all()
    second = _attach(world, dossier, title="Bản 2", at=LATER + timedelta(minutes=5))
    _sign_all()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ResultStatus.REPLACED, ResultStatus.SIGNED)
    page = Client().get(f"/xac-minh/{first.token}/")
    assert page.status_code == 200
    assert "đã được thay thế" in page.content.decode()


# --- the verification page -------------------------------------------------------------------------


def _signed_result(world: World) -> ResultDocument:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    result = _attach(world, dossier, title="Giấy phép xây dựng")
    _sign_all()
    result.refresh_from_db()
    return result


def test_the_verification_page_confirms_a_valid_result(world: World, certificates: Path) -> None:
    result = _signed_result(world)

    page = Client().get(f"/xac-minh/{result.token}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Kết quả hợp lệ: chữ ký số đúng, nội dung không bị thay đổi." in text
    assert "Giấy phép xây dựng" in text
    assert world.justice.name in text
    assert result.dossier.code in text
    assert result.dossier.applicant_name not in text  # only what the result shows
    assert page["Cache-Control"] == "no-store"
    assert result_verify_url(result.token) == f"{SITE}/xac-minh/{result.token}/"


def test_the_verification_page_detects_a_changed_stored_file(world: World, certificates: Path) -> None:
    result = _signed_result(world)
    data = bytearray(_stored(result))
    at = bytes(data).index(b"GIAY PHEP")
    data[at] = ord("X")
    with default_storage.open(result.signed.name, "wb") as handle:
        handle.write(bytes(data))

    page = Client().get(f"/xac-minh/{result.token}/")

    assert page.status_code == 200
    assert "không khớp với mã băm" in page.content.decode()
    assert 'data-state="invalid"' in page.content.decode()


def test_the_verification_page_detects_a_bad_signature_with_a_matching_hash(world: World, certificates: Path) -> None:
    result = _signed_result(world)
    data = bytearray(_stored(result))
    at = bytes(data).index(b"GIAY PHEP")
    data[at] = ord("X")
    ResultDocument.objects.filter(pk=result.pk).update(signed_sha256=hashlib.sha256(bytes(data)).hexdigest())
    with default_storage.open(result.signed.name, "wb") as handle:
        handle.write(bytes(data))

    page = Client().get(f"/xac-minh/{result.token}/")

    assert "Chữ ký số không hợp lệ: Nội dung văn bản đã bị thay đổi sau khi ký số." in page.content.decode()


@pytest.mark.parametrize("token", ["khong-co-ma-nay", "x" * 60, "%3Cscript%3E"])
def test_an_unknown_or_altered_token_is_a_vietnamese_404(world: World, certificates: Path, token: str) -> None:
    page = Client().get(f"/xac-minh/{token}/")

    assert page.status_code == 404
    assert "Không tìm thấy kết quả" in page.content.decode()


def test_a_pending_result_is_not_valid_yet(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    result = _attach(world, dossier)
    reads = OutboxEvent.objects.count()

    page = Client().get(f"/xac-minh/{result.token}/")

    assert "đang chờ cơ quan có thẩm quyền ký số" in page.content.decode()
    assert OutboxEvent.objects.count() == reads  # reads never write


# --- downloads: staff who may see the dossier; the applicant once the result is returned ------------


def _returned_with_result(w: World) -> tuple[Dossier, ResultDocument]:
    dossier = to_status(w, DossierStatus.PROCESSED)
    _pay(w, dossier)
    result = _attach(w, dossier, title="Giấy phép xây dựng")
    _sign_all()
    s.dossier_return_result(dossier=dossier, actor=w.reception, at=LATER + timedelta(minutes=2))
    result.refresh_from_db()
    return dossier, result


def _staff(user: Any) -> Client:
    from cchc.accounts.otp.testing import login_verified

    client = Client()
    login_verified(client, user)
    return client


def test_staff_who_see_the_dossier_download_the_signed_result(world: World, certificates: Path) -> None:
    dossier, result = _returned_with_result(world)
    url = f"/mot-cua/ket-qua/{dossier.pk}/{result.pk}/"

    page = _staff(world.specialist).get(f"/mot-cua/ho-so/{dossier.code}/")
    got = _staff(world.reception).get(url)
    original = _staff(world.reception).get(url + "?ban=goc")
    stranger = _staff(world.outsider).get(url)

    assert "Kết quả giải quyết điện tử" in page.content.decode()
    assert "Đã ký số" in page.content.decode()
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == _stored(result)
    assert b"".join(original.streaming_content) == result_pdf()
    assert stranger.status_code == 404


def test_the_applicant_downloads_the_signed_result_once_returned(world: World, certificates: Path) -> None:
    from cchc.dossiers.portal.views import SESSION_SEEN

    dossier, result = _returned_with_result(world)
    applicant = Client()
    session = applicant.session
    session[SESSION_SEEN] = [dossier.pk]
    session.save()

    status_page = applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    got = applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua.pdf")
    stranger = Client().get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua.pdf")

    assert "Tải kết quả (PDF đã ký số)" in status_page.content.decode()
    assert f"/xac-minh/{result.token}/" in status_page.content.decode()
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == _stored(result)
    assert stranger.status_code == 302  # to the look-up form


def test_the_applicant_cannot_download_before_the_result_is_returned(world: World, certificates: Path) -> None:
    from cchc.dossiers.portal.views import SESSION_SEEN

    dossier = to_status(world, DossierStatus.PROCESSED)
    _attach(world, dossier)
    _sign_all()
    applicant = Client()
    session = applicant.session
    session[SESSION_SEEN] = [dossier.pk]
    session.save()

    got = applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua.pdf")

    assert got.status_code == 404
    assert "Tải kết quả" not in applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()


def test_the_console_attaches_a_result_through_its_form(world: World, certificates: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = to_status(world, DossierStatus.IN_PROCESS)
    client = _staff(world.specialist)

    bad = client.post(
        f"/mot-cua/ho-so/{dossier.code}/dinh-kem-ket-qua/",
        {
            "dinh-kem-ket-qua-title": "Giấy phép",
            "dinh-kem-ket-qua-file": SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )
    good = client.post(
        f"/mot-cua/ho-so/{dossier.code}/dinh-kem-ket-qua/",
        {
            "dinh-kem-ket-qua-title": "Giấy phép",
            "dinh-kem-ket-qua-file": SimpleUploadedFile("a.pdf", result_pdf(), content_type="application/pdf"),
        },
    )
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/")

    assert bad.status_code == 400
    assert "Tệp kết quả không phải là tệp PDF." in bad.content.decode()
    assert good.status_code == 302
    assert "Đang chờ ký số" in page.content.decode()
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert ResultDocument.objects.filter(dossier=dossier, status=ResultStatus.PENDING).count() == 1


def test_the_api_attaches_a_result_as_base64(world: World, certificates: Path) -> None:
    import base64

    from rest_framework.test import APIClient

    from cchc.accounts.otp.testing import login_verified

    dossier = to_status(world, DossierStatus.IN_PROCESS)
    client = APIClient()
    login_verified(client, world.specialist)  # type: ignore[arg-type]
    url = f"/api/dossiers/{dossier.code}/actions/attach_result/"

    bad = client.post(url, {"title": "Giấy phép", "pdf_base64": "!!!"}, format="json")
    good = client.post(
        url, {"title": "Giấy phép", "pdf_base64": base64.b64encode(result_pdf()).decode()}, format="json"
    )

    assert bad.status_code == 400
    assert good.status_code == 200, good.content
    assert ResultDocument.objects.filter(dossier=dossier).count() == 1


def test_a_signed_result_is_also_kept_in_the_applicants_data_store(world: World, certificates: Path) -> None:
    """Issue 16 item 4 (NĐ 45/2020 Điều 25): the signed PDF goes into the applicant's store (source
    ``result``, the procedure's result type), so that a later dossier can reuse it; an unsigned one does not."""
    from cchc.dossiers.tests.conftest import CITIZEN
    from cchc.records.constants import StoredSource
    from cchc.records.models import StoredDocument
    from cchc.records.selectors import reusable_for

    dossier = to_status(world, DossierStatus.PROCESSED)
    result = _attach(world, dossier)
    assert not StoredDocument.objects.exists()  # not before it is signed
    _sign_all()
    result.refresh_from_db()
    kept = StoredDocument.objects.get()
    assert kept.source == StoredSource.RESULT
    assert kept.owner_id_number == CITIZEN.id_number
    assert kept.document_type_code == dossier.procedure_version.result_document_type
    assert kept.sha256 == result.signed_sha256
    assert kept.source_dossier_code == dossier.code
    assert kept.issuing_body == world.justice.name
    with kept.file.open("rb") as handle:
        assert handle.read() == _stored(result)
    found = reusable_for(
        owner_id_number=CITIZEN.id_number, type_codes=[kept.document_type_code], on=LATER.date() + timedelta(days=1)
    )
    assert found[kept.document_type_code].pk == kept.pk

"""Electronic results generated from a template and revoked (issue 16 items 1-2, "Bad input"): the competent
agency generates a licence, a certificate or a written answer laid out as NĐ 30/2020 Phụ lục I, which goes
through the same action ``attach_result`` and signing as an uploaded PDF; its leader revokes a returned
result (the action ``revoke_result``), the verification page and the applicant's page say so, the copy in
the applicant's data store is withdrawn."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus, ResultStatus, ResultTemplate
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import ResultDocument
from cchc.dossiers.results.drafting import template_for
from cchc.dossiers.results.services import SUBSCRIBER
from cchc.dossiers.tests.conftest import AT, World, returned_with_signed_result, to_status
from cchc.org.models import DocumentRegisterEntry, Signatory
from cchc.org.services import MERGER_DAY
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.records.models import StoredDocument
from cchc.signing.tests.pdfs import result_pdf
from cchc.signing.verify import verify

LATER = AT + timedelta(hours=3)


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture
def signatory(world: World) -> Signatory:
    return Signatory.objects.create(
        agency=world.justice,
        full_name="Trần Văn Bình",
        position="Phó Giám đốc",
        head_position="Giám đốc",
        valid_from=MERGER_DAY,
    )


def test_the_catalogue_result_name_suggests_the_template() -> None:
    assert template_for("Giấy phép xây dựng") == ResultTemplate.LICENCE
    assert template_for("  giấy chứng nhận quyền sử dụng đất") == ResultTemplate.CERTIFICATE
    assert template_for("Chứng nhận đăng ký hộ kinh doanh") == ResultTemplate.CERTIFICATE
    assert template_for("Phiếu lý lịch tư pháp") == ResultTemplate.ANSWER
    assert template_for("") == ResultTemplate.ANSWER


def test_each_template_generates_an_administrative_document_signed_like_an_upload(
    world: World, certificates: Path, signatory: Signatory
) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    made = {}
    for minutes, (template, title) in enumerate(
        [
            (ResultTemplate.LICENCE, "Giấy phép hành nghề luật sư"),
            (ResultTemplate.CERTIFICATE, "Giấy chứng nhận đăng ký hoạt động"),
            (ResultTemplate.ANSWER, "Trả lời đề nghị cấp phiếu lý lịch tư pháp"),
        ]
    ):
        made[template] = s.dossier_attach_result(
            dossier=dossier,
            actor=world.specialist,
            at=LATER + timedelta(minutes=minutes),
            title=title,
            template=template.value,
            content="Được hành nghề tại tỉnh Khánh Hòa.\n\nPhạm vi: tư vấn pháp luật.",
            valid_until=date(2031, 1, 5) if template != ResultTemplate.ANSWER else None,
        )

    licence, certificate, answer = (made[t] for t in ResultTemplate)
    assert (licence.number, certificate.number, answer.number) == ("01/GP-STP", "02/GCN-STP", "03/STP")
    assert DocumentRegisterEntry.objects.filter(agency=world.justice, reference__startswith="ket-qua:").count() == 3
    texts = {t: _text(_read(r.original.name)) for t, r in made.items()}
    for text in texts.values():  # NĐ 30/2020 Phụ lục I: motto, body, date, signer
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "SỞ TƯ PHÁP" in text
        assert "Khánh Hòa, ngày 05 tháng 01 năm 2026" in text
        assert dossier.applicant_name in text
        assert dossier.code in text
        assert "Phạm vi: tư vấn pháp luật." in text
        assert "KT. GIÁM ĐỐC" in text
        assert "PHÓ GIÁM ĐỐC" in text
        assert "Trần Văn Bình" in text
    assert "Số: 01/GP-STP" in texts[ResultTemplate.LICENCE]
    assert "GIẤY PHÉP" in texts[ResultTemplate.LICENCE]
    assert "đến hết ngày 05 tháng 01 năm 2031" in texts[ResultTemplate.LICENCE]
    assert "GIẤY CHỨNG NHẬN" in texts[ResultTemplate.CERTIFICATE]
    assert "V/v trả lời đề nghị cấp phiếu lý lịch tư pháp" in texts[ResultTemplate.ANSWER]
    assert "Kính gửi" in texts[ResultTemplate.ANSWER]
    audit = AuditEvent.objects.filter(action="dossier.attach_result").latest("sequence")
    assert audit.after["details"]["template"] == "van-ban-tra-loi"
    assert audit.after["details"]["number"] == "03/STP"

    outbox_drain(only=[SUBSCRIBER])  # the last one in force is signed the same way as an upload

    answer.refresh_from_db()
    assert answer.status == ResultStatus.SIGNED
    checked = verify(_read(answer.signed.name))
    assert checked.valid
    assert checked.signer == world.justice.name
    assert set(ResultDocument.objects.filter(dossier=dossier).values_list("status", flat=True)) == {
        ResultStatus.REPLACED,
        ResultStatus.SIGNED,
    }


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({"template": "giay-khen"}, DossierErrorCode.INVALID_INPUT, "Mẫu kết quả không hợp lệ"),
        ({"template": "giay-phep", "content": "  "}, DossierErrorCode.INVALID_INPUT, "Cần ghi nội dung"),
        (
            {"template": "giay-phep", "content": "X", "valid_until": date(2025, 1, 1)},
            DossierErrorCode.INVALID_INPUT,
            "không được trước ngày cấp",
        ),
        (
            {"template": "giay-phep", "content": "X", "file": result_pdf()},
            DossierErrorCode.INVALID_INPUT,
            "Chọn một trong hai cách",
        ),
        (
            {"template": "giay-phep", "content": "X", "signer": False},
            DossierErrorCode.RESULT_TEMPLATE_UNAVAILABLE,
            "người ký",
        ),
    ],
)
def test_a_bad_template_request_is_refused_and_nothing_is_numbered(
    world: World, certificates: Path, params: dict, code: DossierErrorCode, words: str
) -> None:
    if params.pop("signer", True):
        Signatory.objects.create(agency=world.justice, full_name="A", position="Giám đốc", valid_from=MERGER_DAY)
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = (AuditEvent.objects.count(), OutboxEvent.objects.count(), DocumentRegisterEntry.objects.count())

    with pytest.raises(DossierError) as refused:
        s.dossier_attach_result(dossier=dossier, actor=world.specialist, at=LATER, title="Giấy phép", **params)

    assert refused.value.code == code
    assert words in refused.value.message
    assert (AuditEvent.objects.count(), OutboxEvent.objects.count(), DocumentRegisterEntry.objects.count()) == before
    assert not ResultDocument.objects.filter(dossier=dossier).exists()


def test_the_console_and_the_api_generate_from_a_template(
    world: World, certificates: Path, signatory: Signatory
) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    console = Client()
    login_verified(console, world.specialist)
    url = f"/mot-cua/ho-so/{dossier.code}/"

    form = console.get(url).content.decode()
    empty = console.post(url + "dinh-kem-ket-qua/", {"dinh-kem-ket-qua-title": "Giấy phép"})
    made = console.post(
        url + "dinh-kem-ket-qua/",
        {
            "dinh-kem-ket-qua-title": "Giấy phép hành nghề",
            "dinh-kem-ket-qua-template": "giay-phep",
            "dinh-kem-ket-qua-content": "Được hành nghề.",
        },
        follow=True,
    )
    api = APIClient()
    login_verified(api, world.specialist)  # type: ignore[arg-type]
    both = api.post(
        f"/api/dossiers/{dossier.code}/actions/attach_result/",
        {"title": "X", "template": "giay-phep", "content": "Y", "pdf_base64": base64.b64encode(result_pdf()).decode()},
        format="json",
    )
    answered = api.post(
        f"/api/dossiers/{dossier.code}/actions/attach_result/",
        {"title": "Trả lời", "template": "van-ban-tra-loi", "content": "Hồ sơ đủ điều kiện."},
        format="json",
    )

    assert "Tạo từ mẫu: Giấy phép" in form
    assert "Tạo từ mẫu: Văn bản trả lời" in form
    assert empty.status_code == 400
    assert "Cần chọn tệp PDF kết quả, hoặc chọn một mẫu để tạo kết quả." in empty.content.decode()
    assert "Đã tạo kết quả «Giấy phép hành nghề» số 01/GP-STP" in made.content.decode()
    assert both.status_code == 400
    assert answered.status_code == 200, answered.content
    assert list(ResultDocument.objects.filter(dossier=dossier).values_list("number", "status")) == [
        ("01/GP-STP", ResultStatus.REPLACED),
        ("02/STP", ResultStatus.PENDING),
    ]


# --- revocation --------------------------------------------------------------------------------------


def test_the_leader_revokes_a_returned_result_everywhere_it_shows(world: World, certificates: Path) -> None:
    from cchc.dossiers.portal.views import SESSION_SEEN

    dossier = returned_with_signed_result(world, LATER)
    result = ResultDocument.objects.get(dossier=dossier)
    kept = StoredDocument.objects.get(source_dossier_id=dossier.pk)
    leader = Client()
    login_verified(leader, world.leader)
    url = f"/mot-cua/ho-so/{dossier.code}/thu-hoi-ket-qua/"

    no_reason = leader.post(url, {"thu-hoi-ket-qua-reason": " "})
    with pytest.raises(DossierError) as specialist:
        s.dossier_revoke_result(dossier=dossier, actor=world.specialist, at=LATER, reason="Sai")
    revoked = leader.post(url, {"thu-hoi-ket-qua-reason": "Cấp sai đối tượng"}, follow=True)

    assert no_reason.status_code == 400
    assert "lý do thu hồi" in no_reason.content.decode()
    assert specialist.value.code == DossierErrorCode.NOT_PERMITTED  # the leader decides, not the specialist
    assert "Đã thu hồi kết quả «Giấy phép xây dựng»" in revoked.content.decode()
    result.refresh_from_db()
    dossier.refresh_from_db()
    assert (result.status, result.revoked_reason, result.revoked_by_id) == (
        ResultStatus.REVOKED,
        "Cấp sai đối tượng",
        world.leader.pk,
    )
    assert dossier.status == DossierStatus.RETURNED  # the status does not change
    event = OutboxEvent.objects.latest("id")
    assert event.topic == DossierEvent.RESULT_REVOKED
    assert event.payload["details"] == {"title": "Giấy phép xây dựng", "reason": "Cấp sai đối tượng"}
    audit = AuditEvent.objects.latest("sequence")
    assert audit.action == "dossier.revoke_result"
    assert audit.after["details"]["store_withdrawn"] == kept.pk
    kept.refresh_from_db()
    assert kept.withdrawn_at is not None
    assert "Cấp sai đối tượng" in kept.withdrawn_reason

    # the verification page: «Đã thu hồi» with the date and the reason
    page = Client().get(f"/xac-minh/{result.token}/").content.decode()
    assert 'data-state="revoked"' in page
    assert "Đã thu hồi ngày" in page
    assert "Cấp sai đối tượng" in page
    assert "không còn giá trị" in page
    # a tampered token (one character changed) is not found
    tampered = result.token[:-1] + ("A" if result.token[-1] != "A" else "B")
    assert Client().get(f"/xac-minh/{tampered}/").status_code == 404

    # the applicant sees the state and cannot download it as valid
    applicant = Client()
    session = applicant.session
    session[SESSION_SEEN] = [dossier.pk]
    session.save()
    status_page = applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "Đã thu hồi" in status_page
    assert "Cấp sai đối tượng" in status_page
    assert "Tải kết quả (PDF đã ký số)" not in status_page
    assert applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua.pdf").status_code == 404

    # revoked twice: nothing left to revoke, nothing written
    before = AuditEvent.objects.count()
    with pytest.raises(DossierError) as again:
        s.dossier_revoke_result(dossier=dossier, actor=world.leader, at=LATER + timedelta(minutes=1), reason="Lần 2")
    assert again.value.code == DossierErrorCode.RESULT_NOT_REVOCABLE
    assert again.value.message == "Hồ sơ không có kết quả điện tử đã ký số đang có hiệu lực để thu hồi."
    with pytest.raises(DossierError) as named:
        s.dossier_revoke_result(
            dossier=dossier, actor=world.leader, at=LATER + timedelta(minutes=1), reason="Lần 2", result=result.pk
        )
    assert named.value.code == DossierErrorCode.RESULT_NOT_REVOCABLE
    assert "«Đã thu hồi»" in named.value.message
    assert AuditEvent.objects.count() == before


def test_a_result_not_returned_is_replaced_not_revoked(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    s.dossier_attach_result(dossier=dossier, actor=world.specialist, at=LATER, title="Bản 1", file=result_pdf())
    outbox_drain(only=[SUBSCRIBER])

    with pytest.raises(DossierError) as refused:
        s.dossier_revoke_result(dossier=dossier, actor=world.leader, at=LATER, reason="Sai")

    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION
    assert ResultDocument.objects.get(dossier=dossier).status == ResultStatus.SIGNED


# --- PAdES B-T: the development time-stamping authority down, then back (issue 16, stretch) --------------


def test_a_tsa_down_keeps_the_result_waiting_then_the_retry_timestamps_it(
    world: World, certificates: Path, settings: Any
) -> None:
    """The simulator (its own process, the TSA certificate ``certificates`` issued under the same root) fails
    on command: the signing is ``signing.signer_unavailable``, the result stays «Đang chờ ký số», the outbox
    retries; back, the result is signed with a trusted timestamp the verification page shows."""
    import re
    import subprocess
    import sys
    import urllib.request

    from django.utils import timezone

    from cchc.signing import pki
    from cchc.signing.tsa import FAIL_PATH, RECOVER_PATH

    root = pki.root_load(certificates)
    assert root is not None
    pki.tsa_certificate_issue(certificates, root=root)
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc.signing.tsa", "--dir", str(certificates), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        found = re.search(r"http://\S+", process.stdout.readline())
        assert found
        url = found.group(0)
        settings.CCHC_TSA_URL = url
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + FAIL_PATH, data=b""), timeout=10).close()
        dossier = to_status(world, DossierStatus.IN_PROCESS)
        result = s.dossier_attach_result(
            dossier=dossier, actor=world.specialist, at=LATER, title="Giấy phép", file=result_pdf()
        )

        outbox_drain(only=[SUBSCRIBER])

        result.refresh_from_db()
        assert result.status == ResultStatus.PENDING
        assert "đang chờ cơ quan có thẩm quyền ký số" in Client().get(f"/xac-minh/{result.token}/").content.decode()
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + RECOVER_PATH, data=b""), timeout=10).close()
        outbox_drain(only=[SUBSCRIBER], at=timezone.now() + timedelta(hours=2))
    finally:
        process.terminate()
        process.wait(timeout=10)

    result.refresh_from_db()
    assert result.status == ResultStatus.SIGNED
    checked = verify(_read(result.signed.name))
    assert checked.valid, checked.problem
    assert checked.timestamped
    page = Client().get(f"/xac-minh/{result.token}/").content.decode()
    assert 'data-state="valid"' in page
    assert "Dấu thời gian" in page

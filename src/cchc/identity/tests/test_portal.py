"""The portal with a signed-in identity: the application form prefilled and locked, the dossier recording
how the applicant was identified, and "Hồ sơ của tôi" listing the person's dossiers and feedback."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from cchc.common.tests.files import pdf_bytes, upload
from cchc.dossiers import services as s
from cchc.dossiers.constants import IdentityLevel, PaymentChannel
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import certificates  # noqa: F401 (fixture: the world's signing certificates)
from cchc.identity.tests.conftest import Provider, sign_in
from cchc.outbox.dispatch import outbox_drain
from cchc.receipts.models import Receipt
from cchc.receipts.services import receipt_cancel

APPLY = "/dich-vu-cong/thu-tuc/9.000101/nop-truc-tuyen/"
MINE = "/dich-vu-cong/ho-so-cua-toi/"
HONG = "056190004321"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def form_data(world, **overrides):
    data = {
        "applicant_kind": "citizen",
        "applicant_name": "Phạm Thị Hồng",
        "applicant_id_number": HONG,
        "applicant_phone": "0905 111 222",
        "applicant_email": "hong@example.vn",
        "applicant_address": "Phường Nha Trang",
        "receiving_agency": str(world.centre.pk),
        "doc_1": upload("to-khai.pdf", pdf_bytes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def applicant(id_number: str = HONG, name: str = "Phạm Thị Hồng") -> s.Applicant:
    return s.Applicant(kind="citizen", name=name, id_number=id_number, phone="0905111222", email="", address="")


def test_the_form_is_prefilled_and_locked_from_the_identity(provider: Provider, citizen_client: Client, world):
    sign_in(citizen_client, HONG)

    page = text(citizen_client.get(APPLY))

    assert re.search(r'<input type="text" name="applicant_name" value="Phạm Thị Hồng"[^>]* disabled', page)
    assert re.search(rf'<input type="text" name="applicant_id_number" value="{HONG}"[^>]* disabled', page)
    assert re.search(r'name="applicant_kind" value="citizen"[^>]* disabled', page)
    assert re.search(r'<input type="tel" name="applicant_phone"(?![^>]*disabled)', page)  # still typed
    assert "Bạn đang đăng nhập bằng tài khoản định danh điện tử: <strong>Phạm Thị Hồng</strong>" in page


def test_posted_details_cannot_override_the_identity(provider: Provider, citizen_client: Client, world):
    sign_in(citizen_client, HONG)

    response = citizen_client.post(
        APPLY,
        form_data(
            world, applicant_name="Người Khác", applicant_id_number="056190009999", applicant_kind="organisation"
        ),
    )

    assert response.status_code == 302, text(response)[:3000]
    dossier = Dossier.objects.get()
    assert (dossier.applicant_kind, dossier.applicant_name, dossier.applicant_id_number) == (
        "citizen",
        "Phạm Thị Hồng",
        HONG,
    )
    assert dossier.applicant_identity == IdentityLevel.VNEID_2
    assert dossier.applicant_phone == "0905111222"


def test_an_organisation_files_under_its_tax_code(provider: Provider, citizen_client: Client, world):
    sign_in(citizen_client, "4201234567")

    response = citizen_client.post(APPLY, form_data(world, applicant_kind="citizen", applicant_id_number=HONG))

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.applicant_kind, dossier.applicant_id_number) == ("organisation", "4201234567")
    assert dossier.applicant_name == "Công ty TNHH Thương mại Hòn Chồng"
    assert dossier.applicant_identity == IdentityLevel.VNEID_ORGANISATION


def test_anonymous_online_submission_stays_possible(client: Client, world):
    page = text(client.get(APPLY))
    assert "Bạn vẫn có thể nộp mà không cần đăng nhập" in page
    assert not re.search(r'name="applicant_name"[^>]* disabled', page)

    response = client.post(APPLY, form_data(world))

    assert response.status_code == 302
    assert Dossier.objects.get().applicant_identity == IdentityLevel.NONE


def test_my_dossiers_lists_the_persons_dossiers_with_what_is_asked_now(
    provider: Provider, citizen_client: Client, world
):
    now = timezone.now()
    typed = s.dossier_submit_online(  # filed without signing in, with the same number
        procedure=world.province_procedure,
        applicant=applicant(),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        at=now - timedelta(days=2),
    )
    s.dossier_request_supplement(
        dossier=typed, actor=world.reception, at=now - timedelta(days=1), reason="Bổ sung bản chụp căn cước"
    )
    counter = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=applicant(),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=now - timedelta(hours=3),
    )
    other = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=applicant("056190001111", "Người Khác"),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=now - timedelta(hours=2),
    )
    sign_in(citizen_client, HONG)

    page = text(citizen_client.get(MINE))

    assert "Hồ sơ thủ tục hành chính (2)" in page
    assert f'href="/dich-vu-cong/ho-so/{counter.pk}/">{counter.code}</a>' in page
    assert f'href="/dich-vu-cong/ho-so/{typed.pk}/"' in page
    assert "Nộp bổ sung hồ sơ: Bổ sung bản chụp căn cước" in page
    assert "Yêu cầu bổ sung giấy tờ" in page or "Mới đăng ký" in page
    assert "Được tiếp nhận" in page
    assert other.code not in page
    # the status page of an own dossier opens without looking it up; another person's does not
    assert citizen_client.get(f"/dich-vu-cong/ho-so/{counter.pk}/").status_code == 200
    assert citizen_client.get(f"/dich-vu-cong/ho-so/{other.pk}/")["Location"] == "/dich-vu-cong/tra-cuu/"


def test_my_dossiers_shows_the_persons_feedback(provider: Provider, citizen_client: Client, world):
    from cchc.feedback.services import Submitter, feedback_submit

    def submit(id_number: str, subject: str) -> str:
        person = Submitter(name="Phạm Thị Hồng", phone="0905111222", id_number=id_number)
        content = "Nội dung phản ánh đủ dài để được tiếp nhận theo quy định của hệ thống."
        return str(
            feedback_submit(
                submitter=person, subject=subject, content=content, agency=world.justice, at=timezone.now()
            ).feedback.code
        )

    mine = submit(HONG, "Thời gian trả kết quả chậm")
    theirs = submit("056190001111", "Phản ánh của người khác")
    sign_in(citizen_client, HONG)

    page = text(citizen_client.get(MINE))

    assert "Phản ánh, kiến nghị (1)" in page
    assert f"<strong>{mine}</strong> — Thời gian trả kết quả chậm" in page
    assert theirs not in page


def test_my_dossiers_needs_a_signed_in_identity(client: Client, db):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/dinh-danh/?next=/dich-vu-cong/ho-so-cua-toi/"
    page = text(client.get(response["Location"]))
    assert "Đăng nhập bằng tài khoản định danh điện tử" in page
    assert 'href="/dich-vu-cong/dinh-danh/dang-nhap/?next=/dich-vu-cong/ho-so-cua-toi/"' in page


def test_my_dossiers_shows_each_payment_with_its_receipt_and_a_cancelled_one(
    provider: Provider,
    citizen_client: Client,
    world,
    certificates,  # noqa: F811
):
    now = timezone.now()
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=applicant(),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=now - timedelta(hours=3),
    )
    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=now - timedelta(hours=2),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-0001",
    )
    sign_in(citizen_client, HONG)
    page = text(citizen_client.get(MINE))
    assert "200.000 đồng ngày" in page
    assert "Biên lai điện tử đang được lập" in page  # the receipt follows the payment through the outbox

    outbox_drain(only=["receipts", "receipts.sign"])  # issued, then signed by Sở Tư pháp (issue 16 item 2)
    receipt = Receipt.objects.select_related("series").get()
    page = text(citizen_client.get(MINE))
    assert '<span class="tag payment-status">Đã thanh toán</span>' in page
    link = re.search(r'<a class="receipt-link" href="([^"]+)">([^<]+)</a>', page)
    assert link is not None
    assert link.group(2) == f"Biên lai {receipt.series.symbol} số 0000001 (PDF)"
    pdf = citizen_client.get(link.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content == receipt.signed.read()
    assert "Biên lai đã hủy" not in page

    receipt_cancel(receipt=receipt, reason="Đã hoàn trả 200.000 đồng cho người nộp", at=now)
    page = text(citizen_client.get(MINE))
    assert '<span class="tag payment-status">Đã hoàn tiền</span>' in page
    assert '<span class="tag receipt-cancelled">Biên lai đã hủy</span>' in page
    assert "Đã hoàn trả 200.000 đồng cho người nộp" in page

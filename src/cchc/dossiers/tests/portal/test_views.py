"""The citizen portal pages: search, procedure, online application, confirmation, lookup, status, rating."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import EXE_AS_PDF, HTML_AS_PDF, pdf_bytes, stored_files, upload
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.lookups import LOOKUP_LIMIT
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating
from cchc.dossiers.portal import views
from cchc.dossiers.selectors import dossier_submission_reference
from cchc.dossiers.tests.conftest import CITIZEN, to_status

APPLY = "/dich-vu-cong/thu-tuc/9.000101/nop-truc-tuyen/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the lookup rate limit lives in the cache
    yield
    cache.clear()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def form_data(world, **overrides):
    data = {
        "applicant_kind": "citizen",
        "applicant_name": "Phạm Thị Hồng",
        "applicant_id_number": "056190004321",
        "applicant_phone": "0905 111 222",
        "applicant_email": "hong@example.vn",
        "applicant_address": "Phường Nha Trang",
        "receiving_agency": str(world.centre.pk),
        "doc_1": upload("to-khai.pdf", pdf_bytes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts():
    return Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count()


# --- search and procedure page ---------------------------------------------------------------------


def test_search_ignores_diacritics_and_case(client: Client, world):
    response = client.get("/dich-vu-cong/", {"q": "LY LICH tu phap"})

    assert response.status_code == 200
    assert "1 thủ tục phù hợp." in text(response)
    assert 'href="/dich-vu-cong/thu-tuc/9.000101/"' in text(response)
    assert "Đăng ký khai sinh" not in text(response)


def test_search_by_code_and_by_field(client: Client, world):
    assert "Đăng ký khai sinh" in text(client.get("/dich-vu-cong/", {"q": "9.000102"}))
    by_field = text(client.get("/dich-vu-cong/", {"linhvuc": "HOTICH"}))
    assert "Đăng ký khai sinh" in by_field
    assert "Cấp Phiếu lý lịch tư pháp" not in by_field
    assert "Lĩnh vực không có trong danh sách." in text(client.get("/dich-vu-cong/", {"linhvuc": "KHONG-CO"}))


def test_search_is_paginated(client: Client, world, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    with django_assert_num_queries(3):  # fields for the filter, the count, the page
        first = client.get("/dich-vu-cong/")
    assert "Trang 1/2" in text(first)
    assert 'href="?trang=2"' in text(first)
    second = text(client.get("/dich-vu-cong/", {"trang": "2"}))
    assert "Trang 2/2" in second
    assert "Trang 1/2" in text(client.get("/dich-vu-cong/", {"trang": "abc"}))


def test_procedure_page_shows_what_the_applicant_needs(client: Client, world):
    page = text(client.get("/dich-vu-cong/thu-tuc/9.000101/"))

    assert "<h1>Cấp Phiếu lý lịch tư pháp</h1>" in page
    assert 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp</strong> <span class="tag">Bắt buộc</span>' in page
    assert "Số lượng: 1 bản" in page
    assert "Phí cung cấp thông tin lý lịch tư pháp</strong> — 200.000 đồng" in page
    assert "5 ngày làm việc" in page
    assert "Sở Tư pháp" in page
    assert "Luật Lý lịch tư pháp số 28/2009/QH12" in page
    assert "Dịch vụ công trực tuyến toàn trình" in page
    assert f'href="{APPLY}"' in page


def test_unknown_procedure_is_404(client: Client, world):
    assert client.get("/dich-vu-cong/thu-tuc/0.000000/").status_code == 404


# --- online application -----------------------------------------------------------------------------


def test_the_form_has_one_file_input_per_document_and_the_desks(client: Client, world):
    page = text(client.get(APPLY))

    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input type="file" name="doc_1" accept="[^"]*application/pdf[^"]*"', page)
    assert '<label for="id_doc_1">Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp <span class="req"' in page
    assert re.search(rf'<select name="receiving_agency"[^>]*> <option value="{world.centre.pk}"', page)  # centre first
    assert 'name="competent_agency"' not in page  # only one competent agency: nothing to choose


def test_commune_procedure_asks_for_the_commune(client: Client, world):
    page = text(client.get("/dich-vu-cong/thu-tuc/9.000102/nop-truc-tuyen/"))
    assert 'name="commune"' in page
    assert 'name="receiving_agency"' not in page


def test_apply_online_then_confirmation(client: Client, world, media_root: Path):
    response = client.post(APPLY, form_data(world))

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dich-vu-cong/da-nop/{dossier.pk}/"
    assert dossier.channel == "online"
    assert dossier.status == DossierStatus.NEW
    assert dossier.applicant_phone == "0905111222"
    assert dossier.receiving_agency == world.centre
    assert dossier.competent_agency == world.justice
    assert len(stored_files(media_root)) == 1
    page = text(client.get(response["Location"]))
    reference = dossier_submission_reference(dossier)
    assert f'<p class="reference" id="ma-nop">{reference}</p>' in page
    assert "Đã nộp hồ sơ thành công" in page
    # another browser cannot see the confirmation
    assert Client().get(response["Location"]).status_code == 404


@pytest.mark.parametrize("content", [HTML_AS_PDF, EXE_AS_PDF], ids=["html", "exe"])
def test_a_disguised_upload_is_refused_next_to_its_field(client: Client, world, media_root: Path, content):
    before = counts()

    response = client.post(APPLY, form_data(world, doc_1=upload("to-khai.pdf", content)))

    assert response.status_code == 400
    page = text(response)
    message = "Tệp «to-khai.pdf» (Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp) không phải tệp PDF, JPEG, PNG hoặc Word"
    assert f'<p class="field-msg" id="doc_1-loi">{message}' in page
    assert f'<a href="#id_doc_1">{message}' in page  # the error summary links to the field
    assert 'aria-invalid="true"' in page
    assert "Hồ sơ chưa được nộp." in page
    assert counts() == before
    assert stored_files(media_root) == []


def test_an_oversized_upload_is_refused(client: Client, world, media_root: Path, settings):
    settings.CCHC_UPLOAD_MAX_BYTES = 300
    before = counts()

    response = client.post(APPLY, form_data(world))

    assert response.status_code == 400
    assert "vượt quá dung lượng cho phép 1 KB" in text(response)
    assert counts() == before
    assert stored_files(media_root) == []


def test_a_missing_mandatory_document_is_refused(client: Client, world, media_root: Path):
    before = counts()

    response = client.post(APPLY, form_data(world, doc_1=None))

    assert response.status_code == 400
    assert "Vui lòng đính kèm «Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp» (thành phần bắt buộc)." in text(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"applicant_kind": "alien"}, "Vui lòng chọn người nộp là công dân hay tổ chức trong danh sách."),
        ({"applicant_name": ""}, "Vui lòng nhập họ và tên."),
        ({"applicant_id_number": "12345"}, "Số định danh cá nhân phải gồm 12 chữ số"),
        ({"applicant_phone": "12ab"}, "Số điện thoại không hợp lệ"),
        ({"applicant_email": "lan@"}, "Địa chỉ thư điện tử không hợp lệ."),
        ({"applicant_email": ""}, "Vui lòng nhập địa chỉ thư điện tử."),
        ({"receiving_agency": "999999"}, "Vui lòng chọn nơi tiếp nhận hồ sơ trong danh sách."),
        ({"receiving_agency": "abc"}, "Vui lòng chọn nơi tiếp nhận hồ sơ trong danh sách."),
    ],
)
def test_a_malformed_form_is_refused_with_a_message(client: Client, world, media_root: Path, overrides, message):
    before = counts()

    response = client.post(APPLY, form_data(world, **overrides))

    assert response.status_code == 400
    assert message in text(response)
    assert counts() == before
    assert stored_files(media_root) == []


def test_a_refusal_by_the_service_is_shown(client: Client, world, media_root: Path, monkeypatch):
    """The desk chosen cannot give a dossier code: the service refuses, the page says why."""
    from cchc.dossiers import codes

    def no_unit(agency):
        raise s.DossierError(s.DossierErrorCode.NO_UNIT_CODE, "Cơ quan chưa gắn với đơn vị hành chính.")

    monkeypatch.setattr(s, "receiving_unit_code", no_unit)
    assert codes.receiving_unit_code is not no_unit
    response = client.post(APPLY, form_data(world))
    assert response.status_code == 409
    assert "Cơ quan chưa gắn với đơn vị hành chính." in text(response)
    assert Dossier.objects.count() == 0
    assert stored_files(media_root) == []


# --- lookup, status and rating ----------------------------------------------------------------------


NOT_FOUND = "Không tìm thấy hồ sơ với mã và thông tin xác thực đã nhập."


def test_lookup_shows_the_status(client: Client, world):
    dossier = to_status(world, DossierStatus.IN_PROCESS)

    response = client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": CITIZEN.phone})

    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert '<span class="status dossier-status-in_process" id="trang-thai">Đang xử lý</span>' in page
    assert f"Mã hồ sơ {dossier.code}; hẹn trả kết quả" in page
    assert 'Thẩm định, tra cứu <span class="muted">— Sở Tư pháp</span> <span class="tag step-active">' in page
    assert "Phí cung cấp thông tin lý lịch tư pháp: 200.000 đồng" in page
    assert "tiepnhan" not in page  # no officer names or user names


def test_the_status_page_shows_the_new_and_the_first_appointment(client: Client, world):
    # given a dossier whose appointment an apology letter (form 04) moved
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    first = dossier.due_at
    new_due = first + timedelta(days=10)
    s.dossier_apologise_extend(
        dossier=dossier, actor=world.leader, at=first - timedelta(days=2), new_due_at=new_due, reason="Chờ xác minh"
    )
    look_up(client, dossier)
    page = text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/"))
    # then both dates are shown
    when = views._when
    assert f'<dd id="hen-tra">{when(new_due)} <span class="muted">(hẹn lại' in page
    assert f'<dd id="hen-tra-ban-dau">{when(first)}</dd>' in page


def test_the_applicant_completes_online_a_dossier_sent_back_before_reception(client: Client, world, media_root: Path):
    # given an online dossier the desk asked to complete before reception (form 02)
    client.post(APPLY, form_data(world))
    dossier = Dossier.objects.get()
    s.dossier_request_supplement(
        dossier=dossier, actor=world.reception, at=timezone.now(), reason="Tờ khai thiếu chữ ký"
    )
    # (this browser filed it, so it sees its status page)
    page = text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/"))
    assert "trước khi tiếp nhận (thời hạn giải quyết chưa bắt đầu tính)" in page
    assert '<p class="supplement-reason" id="noi-dung-bo-sung">Tờ khai thiếu chữ ký</p>' in page
    url = f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/"
    # a disguised file is refused next to its field, nothing changes
    bad = client.post(url, {"bo-sung-doc_1": upload("to-khai.pdf", HTML_AS_PDF)})
    assert bad.status_code == 400
    assert Dossier.objects.get().status == DossierStatus.SUPPLEMENT_REQUESTED
    assert DossierDocument.objects.filter(dossier=dossier).count() == 1
    # when the applicant hands in the signed form
    done = client.post(url, {"bo-sung-doc_1": upload("to-khai-ky.pdf", pdf_bytes())})
    assert done.status_code == 302
    # then the dossier is back at the desk as new, with the new file among its components
    back = Dossier.objects.get()
    assert (back.status, back.due_at, back.supplement_count) == (DossierStatus.NEW, None, 0)
    assert list(DossierDocument.objects.filter(dossier=back).values_list("order", "original_name")) == [
        (1, "to-khai.pdf"),
        (2, "to-khai-ky.pdf"),
    ]
    assert "hồ sơ được chuyển lại bộ phận một cửa để tiếp nhận" in text(client.get(done["Location"]))
    # a second post finds nothing to supplement
    assert client.post(url, {"bo-sung-doc_1": upload("x.pdf", pdf_bytes())}).status_code == 409


def test_wrong_factor_and_unknown_code_look_the_same(client: Client, world):
    dossier = to_status(world, DossierStatus.RECEIVED)

    wrong = client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": "0905000000"})
    unknown = client.post("/dich-vu-cong/tra-cuu/", {"reference": "56-260105-9999", "factor": CITIZEN.phone})

    assert wrong.status_code == unknown.status_code == 404
    assert NOT_FOUND in text(wrong)

    def bare(response, reference, factor):
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))
        return page.replace(reference, "X").replace(factor, "Y")

    assert bare(wrong, dossier.code, "0905000000") == bare(unknown, "56-260105-9999", CITIZEN.phone)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")["Location"] == "/dich-vu-cong/tra-cuu/"


def test_lookup_requires_both_fields(client: Client, world):
    response = client.post("/dich-vu-cong/tra-cuu/", {"reference": "", "factor": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập mã hồ sơ." in text(response)
    assert "Vui lòng nhập số điện thoại hoặc số định danh cá nhân." in text(response)


def test_failed_lookups_are_limited(client: Client, world):
    dossier = to_status(world, DossierStatus.RECEIVED)
    for _ in range(LOOKUP_LIMIT):
        assert client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": "1"}).status_code == 404

    blocked = client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": CITIZEN.phone})

    assert blocked.status_code == 429
    assert "Vui lòng thử lại sau 15 phút." in text(blocked)
    # another address is not affected
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        "/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": CITIZEN.phone}
    )
    assert other.status_code == 302


def look_up(client: Client, dossier: Dossier) -> None:
    response = client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": CITIZEN.id_number})
    assert response.status_code == 302


RATING = {
    "level": "satisfied",
    "criterion_convenience": "very_satisfied",
    "criterion_timeliness": "satisfied",
    "criterion_staff_attitude": "satisfied",
    "criterion_publicity": "acceptable",
    "comment": "Cán bộ hướng dẫn tận tình.",
}


def test_rate_once_the_result_is_returned(client: Client, world, django_assert_max_num_queries):
    dossier = to_status(world, DossierStatus.RETURNED, at=timezone.now() - timedelta(days=2))
    look_up(client, dossier)
    with django_assert_max_num_queries(14):
        page = text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/"))
    assert "Đã trả kết quả</span>" in page
    assert f'action="/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/"' in page

    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", RATING)

    assert response.status_code == 302
    rating = DossierRating.objects.get(dossier=dossier)
    assert rating.level == "satisfied"
    assert rating.criteria["publicity"] == "acceptable"
    page = text(client.get(response["Location"]))
    assert "Cảm ơn bạn đã đánh giá." in page
    assert "Mức độ hài lòng chung: <strong>Hài lòng</strong>" in page
    assert "Gửi đánh giá" not in page

    again = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {**RATING, "level": "dissatisfied"})
    assert again.status_code == 409
    assert "mỗi hồ sơ chỉ đánh giá một lần" in text(again)
    assert DossierRating.objects.get(dossier=dossier).level == "satisfied"


def test_rating_form_errors_are_shown_by_field(client: Client, world):
    dossier = to_status(world, DossierStatus.RETURNED, at=timezone.now() - timedelta(days=2))
    look_up(client, dossier)

    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"level": "rat-tot"})

    assert response.status_code == 400
    page = text(response)
    assert "Vui lòng chọn mức độ hài lòng chung trong danh sách." in page
    assert "Vui lòng chọn mức đánh giá cho tiêu chí «Thái độ, trách nhiệm của công chức»." in page
    assert not DossierRating.objects.exists()


def test_rating_before_return_is_refused(client: Client, world):
    dossier = to_status(world, DossierStatus.PROCESSED, at=timezone.now() - timedelta(days=2))
    look_up(client, dossier)
    assert "Gửi đánh giá" not in text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/"))

    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", RATING)

    assert response.status_code == 409
    assert "Chỉ đánh giá được sau khi hồ sơ đã trả kết quả" in text(response)
    assert not DossierRating.objects.exists()


def test_rating_needs_a_lookup_in_this_browser(client: Client, world):
    dossier = to_status(world, DossierStatus.RETURNED, at=timezone.now() - timedelta(days=2))
    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", RATING)
    assert response["Location"] == reverse("portal:lookup")
    assert not DossierRating.objects.exists()


def test_an_empty_post_gets_messages_not_a_blank_page(client: Client, world):
    apply_page = client.post(APPLY, {})
    assert apply_page.status_code == 400
    assert "Vui lòng nhập họ và tên." in text(apply_page)
    assert "Vui lòng đính kèm «Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp»" in text(apply_page)
    lookup_page = client.post("/dich-vu-cong/tra-cuu/", {})
    assert lookup_page.status_code == 400
    assert "Vui lòng nhập mã hồ sơ." in text(lookup_page)
    assert Dossier.objects.count() == 0


def test_a_procedure_done_only_in_person_has_no_online_form(client: Client, world):
    from cchc.catalogue.models import ProcedureVersion

    ProcedureVersion.objects.filter(procedure=world.province_procedure).update(service_type="truc_tiep")
    page = text(client.get("/dich-vu-cong/thu-tuc/9.000101/"))
    assert "chỉ thực hiện trực tiếp" in page
    assert APPLY not in page
    refused = client.post(APPLY, form_data(world))
    assert refused.status_code == 409
    assert "chưa nộp được trực tuyến" in text(refused)
    assert Dossier.objects.count() == 0

"""Feedback pages: the citizen's (file, confirmation, lookup with rate limit, tracking, adding
information, rating, published answers) and the staff console's (queue, detail, actions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes
from cchc.feedback import services as s
from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.tests.conftest import ANSWER, CONTENT, SUBJECT, FeedbackWorld, dossier_with_code, file

pytestmark = pytest.mark.django_db

FORM = {
    "submitter_name": "Lê Thị Hoa",
    "submitter_phone": "0912 345 678",
    "submitter_email": "",
    "submitter_id_number": "",
    "dossier_code": "",
    "subject": SUBJECT,
    "content": CONTENT,
    "previous_code": "",
}


def _now_file(fw: FeedbackWorld, **kwargs: Any) -> Feedback:
    return file(fw, timezone.now() - timedelta(hours=1), **kwargs)


def _look_up(client: Client, fb: Feedback, factor: str = "0905123456") -> Any:
    return client.post(reverse("feedback_web:lookup"), {"reference": fb.code, "factor": factor})


# --- citizen ------------------------------------------------------------------------------------------


def test_filing_shows_the_code_and_the_lookup_code_once(fw: FeedbackWorld, client: Client) -> None:
    # given
    page = client.get(reverse("feedback_web:submit"))
    assert page.status_code == 200
    assert "Gửi phản ánh, kiến nghị" in page.content.decode()
    # when
    response = client.post(reverse("feedback_web:submit"), {**FORM, "agency": fw.justice.pk})
    # then
    fb = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback_web:submitted", kwargs={"code": fb.code})
    confirmation = client.get(response["Location"]).content.decode()
    assert fb.code in confirmation
    lookup_code = client.session["feedback_filed"][fb.code]
    assert lookup_code in confirmation
    assert fb.agency_id == fw.justice.pk
    assert fb.submitter_phone == "0912345678"
    # and another browser sees nothing
    assert Client().get(response["Location"]).status_code == 404


def test_filing_about_a_dossier_needs_no_agency(fw: FeedbackWorld, client: Client) -> None:
    dossier = dossier_with_code(fw)
    response = client.post(reverse("feedback_web:submit"), {**FORM, "dossier_code": dossier.code, "agency": ""})
    assert response.status_code == 302
    assert Feedback.objects.get().agency_id == dossier.competent_agency_id


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"submitter_phone": "12"}, 400, "Số điện thoại không hợp lệ"),
        ({"content": "ngắn"}, 400, "Nội dung cần ít nhất"),
        ({"agency": ""}, 400, "Vui lòng chọn cơ quan"),
        ({"dossier_code": "56-991231-0001"}, 400, "Không tìm thấy hồ sơ có mã"),
        ({"previous_code": "PA-250101-0009"}, 400, "Không tìm thấy phản ánh"),
    ],
)
def test_bad_filing_is_refused_with_a_message_and_nothing_created(
    fw: FeedbackWorld, client: Client, changes: dict[str, str], status: int, message: str
) -> None:
    data = {**FORM, "agency": fw.justice.pk, **changes}
    response = client.post(reverse("feedback_web:submit"), data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Feedback.objects.count() == 0


def test_guessing_dossier_codes_in_the_form_is_throttled(fw: FeedbackWorld, client: Client) -> None:
    from cchc.dossiers.lookups import LOOKUP_LIMIT

    dossier = dossier_with_code(fw)
    for number in range(LOOKUP_LIMIT):
        guess = {**FORM, "agency": "", "dossier_code": f"56-991231-{number:04d}"}
        assert client.post(reverse("feedback_web:submit"), guess).status_code == 400

    response = client.post(reverse("feedback_web:submit"), {**FORM, "dossier_code": dossier.code, "agency": ""})

    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_lookup_then_track_and_add_information(fw: FeedbackWorld, client: Client) -> None:
    # given a feedback for which the agency asked more information
    fb = _now_file(fw)
    s.feedback_request_info(feedback=fb, actor=fw.officer, request="Cho biết ngày nộp hồ sơ", at=timezone.now())
    # when the citizen looks it up
    response = _look_up(client, fb, factor="0905 123 456")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # then the request and the form show
    assert "Cho biết ngày nộp hồ sơ" in page
    assert "Gửi thông tin bổ sung" in page
    # when an empty answer is sent: refused, nothing changed
    url = reverse("feedback_web:track_resubmit", kwargs={"code": fb.code})
    assert client.post(url, {"information": ""}).status_code == 400
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.INFO_REQUESTED
    # when the information is sent
    assert client.post(url, {"information": "Nộp ngày 5/1/2026 tại Trung tâm"}).status_code == 302
    fb.refresh_from_db()
    assert (fb.status, fb.resubmission) == (FeedbackStatus.RESUBMITTED, "Nộp ngày 5/1/2026 tại Trung tâm")


def test_tracking_needs_a_lookup_first(fw: FeedbackWorld, client: Client) -> None:
    fb = _now_file(fw)
    response = client.get(reverse("feedback_web:track", kwargs={"code": fb.code}))
    assert response["Location"] == reverse("feedback_web:lookup")
    response = client.post(reverse("feedback_web:track_rate", kwargs={"code": fb.code}), {"level": "satisfied"})
    assert response["Location"] == reverse("feedback_web:lookup")


def test_failed_lookups_are_limited_per_client(fw: FeedbackWorld, client: Client) -> None:
    # given
    fb = _now_file(fw)
    # when ten wrong attempts
    for _ in range(10):
        response = _look_up(client, fb, factor="0999999999")
        assert response.status_code == 404
        assert "Không tìm thấy phản ánh" in response.content.decode()
    # then even the right one is held back
    response = _look_up(client, fb)
    assert response.status_code == 429
    assert "15 phút" in response.content.decode()


def test_published_answer_shows_then_the_citizen_rates_once(fw: FeedbackWorld, client: Client) -> None:
    # given a published feedback looked up by its lookup code
    now = timezone.now()
    fb = _now_file(fw)
    fb = s.feedback_assign(feedback=fb, actor=fw.officer, classification="regulation", at=now)
    fb = s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=now)
    fb = s.feedback_publish(feedback=fb, actor=fw.officer, at=now)
    assert _look_up(client, fb).status_code == 302
    track = reverse("feedback_web:track", kwargs={"code": fb.code})
    page = client.get(track).content.decode()
    assert ANSWER in page
    assert "Đánh giá kết quả xử lý" in page
    # when a rating without a choice, then a real one
    rate = reverse("feedback_web:track_rate", kwargs={"code": fb.code})
    assert client.post(rate, {"level": ""}).status_code == 400
    assert client.post(rate, {"level": "dissatisfied", "comment": "Chưa thỏa đáng"}).status_code == 302
    # then
    fb.refresh_from_db()
    assert fb.rating == "dissatisfied"
    page = client.get(track).content.decode()
    assert "Không hài lòng" in page
    assert "Gửi đánh giá" not in page
    # and a second rating is refused with 409
    response = client.post(rate, {"level": "satisfied"})
    assert response.status_code == 409
    assert "đã được đánh giá" in response.content.decode()


def test_published_list_searches_without_diacritics(
    fw: FeedbackWorld, client: Client, django_assert_num_queries: Any
) -> None:
    # given two published and one open
    now = timezone.now()
    for subject in ["Thái độ cán bộ tiếp nhận", "Phí chứng thực quá cao"]:
        fb = _now_file(fw, subject=subject)
        fb = s.feedback_assign(feedback=fb, actor=fw.officer, classification="staff", at=now)
        fb = s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=now)
        s.feedback_publish(feedback=fb, actor=fw.officer, at=now)
    _now_file(fw, subject="Thái độ chưa công khai")
    # when / then: count + page, whatever the number of rows
    with django_assert_num_queries(2):
        page = client.get(reverse("feedback_web:published_list"), {"q": "thai do"}).content.decode()
    assert "Thái độ cán bộ tiếp nhận" in page
    assert "Phí chứng thực" not in page
    assert "chưa công khai" not in page
    code = Feedback.objects.get(subject="Phí chứng thực quá cao").code
    detail = client.get(reverse("feedback_web:published_detail", kwargs={"code": code}))
    assert detail.status_code == 200
    assert ANSWER in detail.content.decode()
    hidden = Feedback.objects.get(subject="Thái độ chưa công khai").code
    assert client.get(reverse("feedback_web:published_detail", kwargs={"code": hidden})).status_code == 404


# --- staff --------------------------------------------------------------------------------------------


def test_staff_pages_need_a_login(fw: FeedbackWorld, client: Client) -> None:
    response = client.get(reverse("feedback_web:staff_queue"))
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"]


def test_queue_shows_own_agencies_in_a_fixed_number_of_queries(
    fw: FeedbackWorld, client: Client, django_assert_num_queries: Any
) -> None:
    # given
    mine = [_now_file(fw) for _ in range(3)]
    other = _now_file(fw, agency=fw.nha_trang)
    client.force_login(fw.officer)
    client.get(reverse("feedback_web:staff_queue"))  # session, user
    # when / then: session, user, memberships, count, page
    with django_assert_num_queries(5):
        page = client.get(reverse("feedback_web:staff_queue")).content.decode()
    assert all(fb.code in page for fb in mine)
    assert other.code not in page
    for _ in range(3):
        _now_file(fw)
    with django_assert_num_queries(5):
        client.get(reverse("feedback_web:staff_queue"))
    # and another agency's feedback is a 404
    assert client.get(reverse("feedback_web:staff_detail", kwargs={"code": other.code})).status_code == 404


def test_officer_assigns_answers_with_a_file_and_publishes(fw: FeedbackWorld, client: Client) -> None:
    # given
    fb = _now_file(fw)
    client.force_login(fw.officer)
    detail = reverse("feedback_web:staff_detail", kwargs={"code": fb.code})
    page = client.get(detail).content.decode()
    assert "Phân loại và giao xử lý" in page
    assert "Không tiếp nhận xử lý" in page

    def act(slug: str, data: dict[str, Any]) -> Any:
        return client.post(reverse("feedback_web:staff_action", kwargs={"code": fb.code, "slug": slug}), data)

    # when a missing classification: 400 with the message, nothing changed
    response = act("giao-xu-ly", {"giao-xu-ly-agency": fw.justice.pk})
    assert response.status_code == 400
    assert "Vui lòng chọn phân loại" in response.content.decode()
    # when assigned, answered with a PDF, published
    assert (
        act("giao-xu-ly", {"giao-xu-ly-classification": "regulation", "giao-xu-ly-agency": fw.justice.pk}).status_code
        == 302
    )
    pdf = SimpleUploadedFile("tra-loi.pdf", pdf_bytes(), content_type="application/pdf")
    assert act("tra-loi", {"tra-loi-answer": ANSWER, "tra-loi-file": pdf}).status_code == 302
    # and a second publication is refused with 409, no audit event
    assert act("cong-khai", {}).status_code == 302
    events = AuditEvent.objects.count()
    response = act("cong-khai", {})
    assert response.status_code == 409
    assert "Không thể công khai" in response.content.decode()
    assert AuditEvent.objects.count() == events
    # then
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.PUBLISHED
    assert fb.answer_file_name == "tra-loi.pdf"
    download = client.get(reverse("feedback_web:published_file", kwargs={"code": fb.code}))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_wrong_file_type_is_415_and_nothing_changes(fw: FeedbackWorld, client: Client) -> None:
    fb = s.feedback_assign(feedback=_now_file(fw), actor=fw.officer, classification="other", at=timezone.now())
    client.force_login(fw.officer)
    html = SimpleUploadedFile("tra-loi.pdf", b"<html><body>x</body></html>", content_type="application/pdf")
    response = client.post(
        reverse("feedback_web:staff_action", kwargs={"code": fb.code, "slug": "tra-loi"}),
        {"tra-loi-answer": ANSWER, "tra-loi-file": html},
    )
    assert response.status_code == 415
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.ASSIGNED
    assert not fb.answer


def test_the_control_unit_sees_and_rejects_any_agencys_feedback(fw: FeedbackWorld, client: Client) -> None:
    fb = _now_file(fw, agency=fw.nha_trang)
    client.force_login(fw.control_officer)
    assert fb.code in client.get(reverse("feedback_web:staff_queue")).content.decode()
    response = client.post(
        reverse("feedback_web:staff_action", kwargs={"code": fb.code, "slug": "tu-choi"}),
        {"tu-choi-reason": "Nội dung không thuộc phạm vi Nghị định 20/2008/NĐ-CP"},
    )
    assert response.status_code == 302
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.REJECTED
    closed = client.get(reverse("feedback_web:staff_queue"), {"loai": "da-xong"}).content.decode()
    assert fb.code in closed

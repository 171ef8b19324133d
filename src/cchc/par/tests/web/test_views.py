"""The PAR pages through the Django test client: who sees what, forms, refusals, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cchc.par import services as s
from cchc.par.models import Evidence
from cchc.par.tests.conftest import AT, ParWorld, fake_pdf, pdf_file, self_score_all

ALL_SELF = {"1.1.1": "1.5", "1.1.2": "2", "1.2": "2"}


def _page(pw: ParWorld, agency=None) -> str:
    agency = agency or pw.justice
    return reverse("par_web:assessment", kwargs={"pk": pw.round.pk, "agency_id": agency.pk})


@pytest.fixture
def as_user(client: Client):
    def do(user) -> Client:
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _now_in_round(monkeypatch):
    """The pages take 'now' from the clock; pin it inside the round's self-assessment period."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: AT)


def test_pages_need_a_login(client: Client, pw: ParWorld):
    response = client.get(reverse("par_web:home"))

    assert response.status_code == 302
    assert "/mot-cua/dang-nhap/" in response["Location"]


def test_an_officer_sees_and_scores_only_their_own_agency(as_user, pw: ParWorld):
    client = as_user(pw.officer)

    home = client.get(reverse("par_web:home"))
    own = client.get(_page(pw))
    other = client.get(_page(pw, pw.finance))
    results = client.get(reverse("par_web:results", kwargs={"pk": pw.round.pk}))

    assert home.status_code == 200
    assert "Sở Tư pháp — Chỉ số CCHC năm 2026" in home.content.decode()
    assert own.status_code == 200
    assert "Điểm tự đánh giá tiêu chí 1.1.1" in own.content.decode()
    assert "Điểm thẩm định tiêu chí" not in own.content.decode()
    assert other.status_code == 404
    assert results.status_code == 404  # not published yet


def test_self_scoring_with_evidence_through_the_form(as_user, pw: ParWorld):
    client = as_user(pw.officer)
    score = pw.score(pw.justice, "1.1.2")

    response = client.post(
        reverse("par_web:score_self", kwargs={"score_id": score.pk}),
        {"points": "2,25", "comment": "Hoàn thành 90 %", "evidence": [pdf_file()]},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#tc-1-1-2")
    score.refresh_from_db()
    assert score.self_points == Decimal("2.25")
    assert Evidence.objects.filter(score=score).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu điểm tự đánh giá tiêu chí 1.1.2." in page
    assert "ke-hoach.pdf" in page
    download = client.get(reverse("par_web:evidence", kwargs={"pk": Evidence.objects.get().pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"points": "3"}, 400, "Điểm tiêu chí 1.1.2 phải từ 0 đến 2,5 (điểm tối đa); đã nhập 3."),
        ({"points": "-1"}, 400, "phải từ 0 đến 2,5"),
        ({"points": "hai"}, 400, "Điểm tiêu chí 1.1.2 «hai» không phải là một số."),
        ({"points": "2", "evidence": "fake"}, 415, "không phải tệp PDF, Word (.docx), Excel (.xlsx)"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(as_user, pw: ParWorld, data, status, message):
    client = as_user(pw.officer)
    score = pw.score(pw.justice, "1.1.2")
    if data.get("evidence") == "fake":
        data = {**data, "evidence": [fake_pdf()]}

    response = client.post(reverse("par_web:score_self", kwargs={"score_id": score.pk}), data)

    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert "Không có dữ liệu nào bị thay đổi." in page
    score.refresh_from_db()
    assert score.self_points is None
    assert not Evidence.objects.exists()


def test_a_submission_after_the_round_is_closed_is_refused(as_user, pw: ParWorld):
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.round_close_self_assessment(round=pw.round, actor=pw.appraiser, at=AT)
    client = as_user(pw.officer)

    response = client.post(reverse("par_web:assessment_submit", kwargs={"pk": pw.round.pk, "agency_id": pw.justice.pk}))

    assert response.status_code == 409
    assert "Đợt đánh giá đã đóng phần tự đánh giá" in response.content.decode()
    assert pw.assessment(pw.justice).status == "draft"


def test_the_appraiser_adjusts_with_a_reason_and_sees_every_agency(as_user, pw: ParWorld):
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=AT)
    client = as_user(pw.appraiser)
    score = pw.score(pw.justice, "1.2")
    url = reverse("par_web:score_appraise", kwargs={"score_id": score.pk})

    round_page = client.get(reverse("par_web:round", kwargs={"pk": pw.round.pk})).content.decode()
    missing_reason = client.post(url, {"points": "1", "reason": ""})
    done = client.post(url, {"points": "1", "reason": "Báo cáo quý III nộp chậm"})

    assert "Sở Tài chính" in round_page
    assert "Sở Tư pháp" in round_page
    assert missing_reason.status_code == 400
    assert "Tiêu chí 1.2: cần ghi lý do điều chỉnh." in missing_reason.content.decode()
    assert done.status_code == 302
    score.refresh_from_db()
    assert (score.appraised_points, score.appraisal_reason) == (Decimal(1), "Báo cáo quý III nộp chậm")
    page = client.get(_page(pw)).content.decode()
    assert "Đã điều chỉnh" in page


def test_results_page_ranking_export_and_constant_queries(as_user, pw: ParWorld, django_assert_max_num_queries):
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=AT)
    client = as_user(pw.appraiser)
    url = reverse("par_web:results", kwargs={"pk": pw.round.pk})
    client.get(url)  # warm the session

    with django_assert_max_num_queries(8) as first:
        response = client.get(url)
    self_score_all(pw, pw.finance, pw.finance_officer, ALL_SELF)
    s.assessment_submit(assessment=pw.assessment(pw.finance), actor=pw.finance_officer, at=AT)
    with django_assert_max_num_queries(len(first.captured_queries)):
        again = client.get(url)

    page = again.content.decode()
    assert response.status_code == again.status_code == 200
    assert "Kết quả tạm tính" in page
    assert 'id="du-lieu-xep-hang"' in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "Trung bình" in page  # 5,5/10 = 55 % each, tie on rank 1
    csv = client.get(reverse("par_web:results_csv", kwargs={"pk": pw.round.pk}))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Hạng,Cơ quan,Mã cơ quan,Điểm tự đánh giá,Điểm thẩm định")
    assert lines[1].startswith("1,Sở Tài chính,so-tai-chinh,5.50,5.50,10.00,55.00,Trung bình")
    assert lines[2].startswith("1,Sở Tư pháp,so-tu-phap,")
    xlsx = client.get(reverse("par_web:results_xlsx", kwargs={"pk": pw.round.pk}))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[5]][:8] == [1, "Sở Tài chính", "so-tai-chinh", 5.5, 5.5, 10, 55, "Trung bình"]


def test_the_assessment_page_runs_a_fixed_number_of_queries(as_user, pw: ParWorld, django_assert_max_num_queries):
    client = as_user(pw.officer)
    client.get(_page(pw))
    with django_assert_max_num_queries(12) as first:
        client.get(_page(pw))
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.score_self(
        score=pw.score(pw.justice, "1.2"), points=Decimal(2), comment="", files=[pdf_file()], actor=pw.officer, at=AT
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(_page(pw))


@pytest.mark.parametrize("points", ["1E+999999999", "NaN", "Infinity", "10^30", "²"])
def test_points_no_decimal_column_holds_are_refused_with_a_message(as_user, pw: ParWorld, points: str):
    client = as_user(pw.officer)
    score = pw.score(pw.justice, "1.1.2")

    response = client.post(reverse("par_web:score_self", kwargs={"score_id": score.pk}), {"points": points})

    assert response.status_code == 400
    assert "Điểm tiêu chí 1.1.2" in response.content.decode()
    score.refresh_from_db()
    assert score.self_points is None

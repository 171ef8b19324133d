"""The report pages through Django's test client: permissions, bad input (400, nothing changed), the
compliance view, the review and the downloads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.otp.testing import login_verified
from cchc.reporting import services as s
from cchc.reporting.constants import ReportStatus
from cchc.reporting.models import AgencyReport, ReportPeriod
from cchc.reporting.tests.conftest import RWorld, sent_report


@pytest.fixture
def open_period(rw: RWorld) -> ReportPeriod:
    """A period open today (deadline in the future), so the pages' ``now`` may submit."""
    today = timezone.localdate()
    key = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return s.report_period_open(key=key, actor=rw.reviewer, at=timezone.now())


def _client(user: User) -> Client:
    return login_verified(Client(), user)  # a leader passes the second factor (issue 15 item 6)


def _url(period: ReportPeriod, agency_id: int) -> str:
    return reverse("reporting_web:agency_report", args=[period.key, agency_id])


def test_pages_need_a_login_and_a_membership(rw: RWorld, period: ReportPeriod) -> None:
    anonymous = Client().get(reverse("reporting_web:periods"))
    assert anonymous.status_code == 302
    assert "/mot-cua/" in anonymous["Location"]
    outsider = _client(rw.outsider)
    assert outsider.get(reverse("reporting_web:period", args=[period.key])).status_code == 404
    assert _client(rw.commune_officer).get(_url(period, rw.justice.pk)).status_code == 404
    assert _client(rw.officer).get(reverse("reporting_web:province_report", args=[period.key])).status_code == 404


def test_officer_starts_and_submits_with_an_empty_area_gets_400_and_nothing_changes(
    rw: RWorld, open_period: ReportPeriod
) -> None:
    client = _client(rw.officer)
    url = _url(open_period, rw.justice.pk)
    assert client.post(url, {"action": "start"}).status_code == 302
    report = AgencyReport.objects.get()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1. Cải cách thể chế" in html
    assert "Tính từ dữ liệu hồ sơ trên hệ thống" in html
    # when: submitted with only the first area written
    data = {"action": "submit", f"a{report.sections.get(area__number=1).area_id}-work_done": "Rà soát văn bản"}
    response = client.post(url, data)
    # then
    assert response.status_code == 400
    assert "Chưa nhập công việc đã triển khai và kết quả đạt được của: 1. Cải cách thể chế" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert not report.sections.exclude(work_done="").exists()


def test_manual_figure_with_only_a_numerator_is_a_form_error(rw: RWorld, open_period: ReportPeriod) -> None:
    client = _client(rw.officer)
    url = _url(open_period, rw.justice.pk)
    client.post(url, {"action": "start"})
    response = client.post(url, {"action": "save", "f-SYNCED_WITH_DVCQG_PERSONAL_STORAGE-num": "3"})
    assert response.status_code == 400
    assert "Nhập đủ cả tử số và mẫu số của chỉ số 4.4" in response.content.decode()
    assert not AgencyReport.objects.get().manual_figures.exists()


def test_reviewer_sees_compliance_returns_with_reason_and_downloads(rw: RWorld, period: ReportPeriod) -> None:
    report = sent_report(rw, period)
    client = _client(rw.reviewer)
    page = client.get(reverse("reporting_web:period", args=[period.key]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="rp-chart-data"' in html
    assert "echarts.min.js" in html
    assert "1</strong> đúng hạn" in html
    review = reverse("reporting_web:agency_report_review", args=[period.key, rw.justice.pk])
    short = client.post(review, {"action": "return", "reason": "Thiếu"})
    assert short.status_code == 400
    assert "Lý do trả lại cần ít nhất 10 ký tự." in short.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert client.post(review, {"action": "return", "reason": "Bổ sung nguyên nhân trễ hạn"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    # the agency's officer sees the reason; a closed period refuses the resubmission with 409
    officer_page = _client(rw.officer).get(_url(period, rw.justice.pk)).content.decode()
    assert "Bổ sung nguyên nhân trễ hạn" in officer_page
    resent = _client(rw.officer).post(_url(period, rw.justice.pk), {"action": "submit"})
    assert resent.status_code == 409
    assert "đã khóa sổ" in resent.content.decode()
    # consolidated report: prepare then download the three files
    tong_hop = reverse("reporting_web:province_report", args=[period.key])
    assert client.post(tong_hop, {"action": "prepare"}).status_code == 302
    for ext, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(reverse("reporting_web:province_report_download", args=[period.key, ext]))
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert f"bao-cao-cchc-{period.key}-du-thao" in response["Content-Disposition"]


def test_province_editor_refuses_an_empty_subject(rw: RWorld, period: ReportPeriod) -> None:
    client = _client(rw.reviewer)
    url = reverse("reporting_web:province_report", args=[period.key])
    client.post(url, {"action": "prepare"})
    response = client.post(url, {"action": "save", "subject": "", "signer_title": "PHÓ CHỦ TỊCH"})
    assert response.status_code == 400
    assert "Trích yếu" in response.content.decode()


def test_period_list_is_a_fixed_number_of_queries(
    rw: RWorld, period: ReportPeriod, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    sent_report(rw, period)
    s.report_period_open(key="2025-H2", actor=rw.reviewer, at=timezone.now())
    client = _client(rw.officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting_web:periods"))
    assert response.status_code == 200
    assert rw.justice.name in response.content.decode()


def test_manual_figure_beyond_the_integer_column_is_a_form_error(rw: RWorld, open_period: ReportPeriod) -> None:
    client = _client(rw.officer)
    url = _url(open_period, rw.justice.pk)
    client.post(url, {"action": "start"})

    response = client.post(
        url,
        {
            "action": "save",
            "f-SYNCED_WITH_DVCQG_PERSONAL_STORAGE-num": "2147483648",
            "f-SYNCED_WITH_DVCQG_PERSONAL_STORAGE-den": "3",
        },
    )

    assert response.status_code == 400
    assert "Số quá lớn" in response.content.decode()
    assert not AgencyReport.objects.get().manual_figures.exists()

"""Plan pages through the Django test client: lists at constant queries, the assignment page and its actions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.plans.constants import AssignmentStatus
from cchc.plans.models import Assignment, AssignmentEvidence
from cchc.plans.services import assignment_due_set, assignment_progress_update
from cchc.plans.tests.conftest import AT, pdf_bytes, task_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, plans):
    client.force_login(plans.officer)
    return client


def action(a: Assignment, slug: str) -> str:
    return reverse("plans_web:assignment_action", args=[a.pk, slug])


def test_year_page_lists_every_agency_with_the_chart(client, plans, django_assert_max_num_queries):
    assignment_progress_update(assignment=task_item(plans, 13), user=plans.officer, percent=50, note="", at=AT)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("plans_web:plan_list"), {"nam": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch cải cách hành chính năm 2026" in html
    assert "Sở Tư pháp" in html
    assert "Ủy ban nhân dân phường Nha Trang" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="du-lieu-bieu-do"' in html
    assert html.count('<tr data-status="') == 6


def test_year_page_queries_do_not_grow_with_the_filter(client, plans, django_assert_max_num_queries):
    assignment_due_set(assignment=task_item(plans, 1), user=plans.reviewer, due_on=date(2026, 1, 30), at=AT)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("plans_web:plan_list"), {"nam": 2026, "trang_thai": "overdue"})
    html = response.content.decode()
    # on today's date (the page uses the real today) task 1 is late
    assert "Trễ hạn" in html
    assert f'data-assignment="{task_item(plans, 1).pk}"' in html


def test_agency_plan_page(client, plans, django_assert_max_num_queries):
    url = reverse("plans_web:agency_plan", args=[2026, plans.justice.pk])
    with django_assert_max_num_queries(5):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch cải cách hành chính năm 2026" in html
    assert "NV 13" in html
    assert "V.3.a" in html
    assert client.get(reverse("plans_web:agency_plan", args=[2019, plans.justice.pk])).status_code == 404


def test_overdue_page(client, plans, django_assert_max_num_queries):
    assignment_due_set(assignment=task_item(plans, 1), user=plans.reviewer, due_on=date(2026, 1, 30), at=AT)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("plans_web:overdue"))
    assert f'data-assignment="{task_item(plans, 1).pk}"' in response.content.decode()


def test_overdue_page_is_paged_in_vietnamese(client, plans, monkeypatch):
    # issue 12, item 22: "300+" overdue tasks were cut at 300; the list is now paged
    monkeypatch.setattr("cchc.plans.web.views.OVERDUE_PAGE_SIZE", 1)
    first, second = task_item(plans, 1), task_item(plans, 13)
    assignment_due_set(assignment=first, user=plans.reviewer, due_on=date(2026, 1, 20), at=AT)
    assignment_due_set(assignment=second, user=plans.reviewer, due_on=date(2026, 1, 30), at=AT)
    html = client.get(reverse("plans_web:overdue")).content.decode()
    assert "(trang 1/2)" in html
    assert 'rel="next">Trang sau ›</a>' in html
    assert f'data-assignment="{first.pk}"' in html
    assert f'data-assignment="{second.pk}"' not in html
    page2 = client.get(reverse("plans_web:overdue"), {"trang": "2"}).content.decode()
    assert f'data-assignment="{second.pk}"' in page2
    assert "‹ Trang trước" in page2
    for bad in ("abc", "-1", "1e999", "9" * 25):
        assert client.get(reverse("plans_web:overdue"), {"trang": bad}).status_code == 200


def test_assignment_page_shows_the_2021_reference(client, plans):
    a = Assignment.objects.get(year=2026, appendix_task__number=2, lead_agency__code="so-tai-chinh")
    html = client.get(reverse("plans_web:assignment_detail", args=[a.pk])).content.decode()
    assert "Cơ quan được giao năm 2021: Sở Kế hoạch và Đầu tư; nay Sở Tài chính thực hiện" in html
    assert "Đăng nhập" in html  # anonymous: no forms
    assert "Lưu tiến độ" not in html


def test_lead_officer_sees_the_forms_others_do_not(client, plans):
    a = task_item(plans, 13)
    url = reverse("plans_web:assignment_detail", args=[a.pk])
    client.force_login(plans.officer)
    html = client.get(url).content.decode()
    assert "Lưu tiến độ" in html
    assert "Báo cáo hoàn thành" in html
    assert "Xác nhận hoàn thành" not in html
    client.force_login(plans.outsider)
    html = client.get(url).content.decode()
    assert "Lưu tiến độ" not in html


def test_progress_above_100_is_refused_with_a_message(officer_client, plans):
    a = task_item(plans, 13)
    response = officer_client.post(action(a, "tien-do"), {"td-percent": "150", "td-note": "x"})
    assert response.status_code == 400
    assert "Tiến độ phải từ 0 đến 100 %, không thể là 150 %." in response.content.decode()
    a.refresh_from_db()
    assert (a.status, a.percent) == (AssignmentStatus.NOT_STARTED, 0)


def test_progress_saved_then_redirect(officer_client, plans):
    a = task_item(plans, 13)
    response = officer_client.post(
        action(a, "tien-do"), {"td-percent": "35", "td-note": "Đã họp triển khai"}, follow=True
    )
    assert "Đã cập nhật tiến độ." in response.content.decode()
    a.refresh_from_db()
    assert (a.status, a.percent, a.progress_note) == (AssignmentStatus.IN_PROGRESS, 35, "Đã họp triển khai")


def test_wrong_file_type_is_refused(officer_client, plans):
    a = task_item(plans, 13)
    fake = SimpleUploadedFile("ket-qua.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = officer_client.post(action(a, "minh-chung"), {"mc-file": fake})
    assert response.status_code == 415  # plans.upload_type_not_allowed, as for every upload (common.errors)
    assert "không phải tệp PDF, JPEG, PNG hoặc Word (.docx) hợp lệ" in response.content.decode()
    assert not AssignmentEvidence.objects.filter(assignment=a).exists()


def test_another_agency_is_forbidden(client, plans):
    a = task_item(plans, 13)
    client.force_login(plans.outsider)
    response = client.post(action(a, "tien-do"), {"td-percent": "10"})
    assert response.status_code == 403
    assert "Chỉ cán bộ của cơ quan chủ trì (Sở Tư pháp)" in response.content.decode()


def test_done_without_evidence_is_a_conflict(officer_client, plans):
    a = task_item(plans, 13)
    response = officer_client.post(action(a, "bao-cao-hoan-thanh"), {"ht-note": "Xong"})
    assert response.status_code == 409
    assert "ít nhất một tài liệu minh chứng" in response.content.decode()


def test_actions_need_a_login(client, plans):
    response = client.post(action(task_item(plans, 13), "tien-do"), {"td-percent": "10"})
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_evidence_download_for_the_lead_only(officer_client, client, plans):
    a = task_item(plans, 13)
    officer_client.post(action(a, "minh-chung"), {"mc-file": SimpleUploadedFile("kq.pdf", pdf_bytes())})
    evidence = AssignmentEvidence.objects.get(assignment=a)
    url = reverse("plans_web:evidence_download", args=[a.pk, evidence.pk])
    response = officer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    officer_client.force_login(plans.nobody)
    assert officer_client.get(url).status_code == 404

"""The target pages through the Django test client."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import AT, World, to_status
from cchc.dossiers.tests.portal.conftest import pdf_bytes
from cchc.program.models import Program, TargetValue


def test_the_list_groups_targets_by_area_with_a_status(client: Client, program: Program) -> None:
    response = client.get("/chi-tieu/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="target-card"') == 24
    assert "Tỷ lệ giao dịch thanh toán trực tuyến" in html
    assert "2. Cải cách thủ tục hành chính" in html
    assert "Chưa có dữ liệu" in html


def test_the_list_costs_the_same_queries_whatever_the_data(
    client: Client, world: World, program: Program, django_assert_num_queries: object
) -> None:
    to_status(world, DossierStatus.RETURNED)
    client.get("/chi-tieu/")
    with CaptureQueriesContext(connection) as few:
        first = client.get("/chi-tieu/")
    assert first.status_code == 200
    expected = len(few.captured_queries)  # read now: the connection's query log is a bounded deque
    for hour in range(1, 4):
        to_status(world, DossierStatus.RETURNED, AT + timedelta(hours=hour))
    client.get("/chi-tieu/")
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get("/chi-tieu/")
    assert response.status_code == 200


def test_a_target_page_has_the_chart_data_the_table_and_the_dossiers_link(
    client: Client, world: World, program: Program
) -> None:
    to_status(world, DossierStatus.RETURNED)
    response = client.get("/chi-tieu/a2-2030-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="target-chart-data"' in html
    assert '"milestones"' in html
    assert "Số liệu theo năm (bảng tương đương biểu đồ)" in html
    assert "/chi-so/ho-so/?chi-tieu=ONLINE_PAYMENT&amp;phan=num&amp;ky=" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="nhap-so-lieu"' not in html  # not a manual target
    assert client.get("/chi-tieu/khong-co/").status_code == 404


def test_anonymous_visitors_see_figures_but_no_form(client: Client, program: Program) -> None:
    html = client.get("/chi-tieu/a3-2030-1/").content.decode()
    assert 'id="nhap-so-lieu"' in html
    assert "đăng nhập" in html
    assert "<form" not in html.split('id="nhap-so-lieu"')[1]
    response = client.post("/chi-tieu/a3-2030-1/", {"ky": "2025", "gia_tri": "3", "so_van_ban": "1/BC"})
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"]
    assert not TargetValue.objects.exists()


def test_an_officer_enters_a_value_with_evidence(
    client: Client, program: Program, snv_officer: User, media_root: Path
) -> None:
    client.force_login(snv_officer)
    assert "Lưu số liệu" in client.get("/chi-tieu/a3-2030-1/").content.decode()

    response = client.post(
        "/chi-tieu/a3-2030-1/",
        {
            "ky": "2025",
            "gia_tri": "3,5",
            "so_van_ban": "",
            "ghi_chu": "Giảm so với 2025",
            "minh_chung": SimpleUploadedFile("bc.pdf", pdf_bytes()),
        },
    )

    assert response.status_code == 302
    value = TargetValue.objects.get()
    assert str(value.value) == "3.50"
    assert value.evidence_extension == ".pdf"
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu số liệu." in page
    assert "bc.pdf" in page
    download = client.get(f"/chi-tieu/a3-2030-1/minh-chung/{value.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_bad_input_shows_the_message_and_saves_nothing(
    client: Client, program: Program, snv_officer: User, media_root: Path
) -> None:
    client.force_login(snv_officer)
    response = client.post(
        "/chi-tieu/a3-2030-2/",
        {"ky": "2025", "gia_tri": "150", "minh_chung": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "nằm ngoài khoảng cho phép" in html
    assert not TargetValue.objects.exists()
    response = client.post("/chi-tieu/a3-2030-2/", {"ky": "2025", "gia_tri": "90"})
    assert response.status_code == 400
    assert "Cần có minh chứng" in response.content.decode()
    assert not TargetValue.objects.exists()


def test_staff_of_another_agency_may_not_enter(client: Client, world: World, program: Program) -> None:
    client.force_login(world.specialist)  # Sở Tư pháp
    assert "<form" not in client.get("/chi-tieu/a3-2030-2/").content.decode().split('id="nhap-so-lieu"')[1]
    response = client.post("/chi-tieu/a3-2030-2/", {"ky": "2025", "gia_tri": "90", "so_van_ban": "1/BC"})
    assert response.status_code == 403
    assert not TargetValue.objects.exists()

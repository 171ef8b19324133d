"""The target pages through the Django test client."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import AT, World, to_status
from cchc.indicators.tests.conftest import apply_events
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
    apply_events()  # the rollups follow the events, never a read
    client.get("/chi-tieu/")
    with CaptureQueriesContext(connection) as few:
        first = client.get("/chi-tieu/")
    assert first.status_code == 200
    expected = len(few.captured_queries)  # read now: the connection's query log is a bounded deque
    for hour in range(1, 4):
        to_status(world, DossierStatus.RETURNED, AT + timedelta(hours=hour))
        apply_events()  # the rollups follow the events, never a read
    client.get("/chi-tieu/")
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get("/chi-tieu/")
    assert response.status_code == 200


def test_a_target_page_has_the_chart_data_the_table_and_the_dossiers_link(
    client: Client, world: World, program: Program
) -> None:
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
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


# --- issue 12, item 22: the reason on the list, no forecast for a past year, the period, the export --------


def test_the_list_gives_the_reason_of_each_status(client: Client, world: World, program: Program) -> None:
    # given figures for this year only (a dossier of January 2026)
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    html = client.get("/chi-tieu/").content.decode()
    # then every card says why it has its status: a 2025 target is judged on 2025, which has no figure
    assert html.count('class="target-reason"') == 24
    card = html[html.index('href="/chi-tieu/a2-2025-2/"') :]
    card = card[: card.index("</li>")]
    assert "Hiện nay" in card
    assert "Không có số liệu năm 2025 (năm mốc) để đánh giá." in card


def test_a_past_milestone_is_not_forecast(client: Client, world: World, program: Program) -> None:
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    this_year = timezone.localdate().year
    html = client.get("/chi-tieu/a2-2025-2/").content.decode()
    assert this_year > 2025
    assert "Dự báo năm 2025" not in html
    assert "Năm 2025 (mốc đã qua)" in html
    assert "Không dự báo cho năm đã qua." in html
    assert "Dự báo năm 2030" in client.get("/chi-tieu/a2-2030-1/").content.decode()


def test_the_period_selector_shows_the_figures_at_the_end_of_a_year(client: Client, program: Program) -> None:
    response = client.get("/chi-tieu/?nam=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số liệu như tại cuối năm 2025." in html
    assert '<option value="2025" selected>' in html
    assert "dinh-dang=csv" in html
    assert "nam=2025&amp;dinh-dang=xlsx" in html
    for bad in ("abc", "1990", "20251", "9999"):
        refused = client.get(f"/chi-tieu/?nam={bad}")
        assert refused.status_code == 400
        assert "không hợp lệ; chọn một năm từ" in refused.content.decode()
    wrong = client.get("/chi-tieu/?dinh-dang=pdf")
    assert wrong.status_code == 400
    assert "Định dạng tệp xuất «pdf» không hợp lệ" in wrong.content.decode()


def test_the_list_exports_as_csv_and_xlsx(client: Client, program: Program) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    response = client.get("/chi-tieu/?nam=2025&dinh-dang=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="chi-tieu-chi-tieu-2025.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Nội dung cải cách", "Mã chỉ tiêu", "Chỉ tiêu", "Mục tiêu"]
    assert len(lines) == 25
    assert all(line[9] for line in lines[1:])  # every row has its reason
    book = client.get("/chi-tieu/?dinh-dang=xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    assert sheet.max_row == 25
    assert sheet.cell(row=1, column=10).value == "Lý do"


def test_a_target_measured_by_an_indicator_is_shown_by_commune_with_the_indicator_of_each_committee(
    client: Client, world: World, program: Program
) -> None:
    from cchc.indicators.compute import indicators_compute
    from cchc.indicators.periods import period_parse
    from cchc.indicators.scopes import Scope

    # given: dossiers returned
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read

    # when: the pages of the targets "procedures online" (catalogue) and "online payments" (dossiers)
    for code, indicator in (("a2-2025-3", "ONLINE_PROCEDURES"), ("a2-2030-1", "ONLINE_PAYMENT")):
        response = client.get(f"/chi-tieu/{code}/")

        # then: Khánh Hòa's 65 communes, each with the indicator over its committee's scope, that year
        communes = response.context["communes"]
        progress = response.context["progress"]
        assert len(communes.figures) == 65
        year = progress.current.year if progress.current else timezone.localdate().year
        assert communes.title == f"{progress.series.name} — năm {year}"
        for figure in communes.measured[:3] + communes.missing[:3]:
            assert figure.agency is not None
            result = indicators_compute(
                period=period_parse(str(year)), scope=Scope(agency=figure.agency.code), at=timezone.now()
            ).results[indicator]
            if figure.value is None:
                assert not result.denominator, figure.name
            else:
                share = Decimal(result.numerator * 100) / result.denominator
                expected = share.quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert figure.value == expected, figure.name
        html = response.content.decode()
        assert '<h2 id="ban-do-xa-tieu-de">Theo xã, phường, đặc khu</h2>' in html
        assert 'id="table-ban-do-xa"' in html
    assert len(communes.missing) == 65  # no commune took an online payment in the world
    response = client.get("/chi-tieu/a2-2025-3/")
    assert response.context["communes"].measured  # every committee has procedures in force


def test_a_manual_target_has_no_commune_map(client: Client, program: Program) -> None:
    response = client.get("/chi-tieu/a3-2030-2/")

    assert response.status_code == 200
    assert response.context["communes"] is None
    assert "ban-do-xa" not in response.content.decode()

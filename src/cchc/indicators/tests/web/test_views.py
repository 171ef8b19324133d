"""The dashboards through the Django test client, on simulated traffic (fixed seed): the figures are
the engine's, a drill-down lists exactly the dossiers of its figure, exports read back equal to the
tables, bad input is refused in Vietnamese, the structure switch moves a pre-2025 agency's dossiers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import services as s
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import CITIZEN
from cchc.indicators.compute import CATALOGUE_INDICATORS, Report, indicators_compute
from cchc.indicators.constants import NO_DATA, Status, Structure
from cchc.indicators.exports import Table
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope, reference_cache_clear
from cchc.indicators.selectors import DOSSIER_INDICATORS
from cchc.indicators.tests.conftest import apply_events
from cchc.indicators.web.presenters import vn_decimal, vn_int
from cchc.org.constants import Level
from cchc.org.models import Agency

from .conftest import VN

Q3 = period_parse("2025-Q3")
JUSTICE = "so-tu-phap"
OLD_WARD = "ubnd-22348"  # a ward merged into phường Nha Trang (ubnd-22366) on 1/7/2025


def compute(period_key: str = "2025-Q3", **scope: str) -> Report:
    return indicators_compute(period=period_parse(period_key), scope=Scope(**scope), at=timezone.now())


def rows_by_code(table: Table) -> dict[str, list]:
    return {row.cells[-1].value: row.cells for row in table.rows if not row.heading}


def test_overview_shows_the_engine_figures(simulated: None, client: Client) -> None:
    # given the simulated quarter
    expected = compute()
    # when the overview is opened for it
    response = client.get("/chi-so/", {"ky": "2025-Q3"})
    # then the headline, the groups and every indicator row are the engine's figures
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="total">{vn_decimal(expected.total)}</span>/' in html
    assert f'data-testid="measured-max">{expected.measured_max}</span> điểm đo được' in html
    # beside it, the total as the national portal scores it (no data = 0 points, out of 100), and why
    assert expected.measured_max < 100  # the simulation leaves some indicators without data
    assert f'data-testid="national-total">{vn_decimal(expected.total)}</span>/100 điểm' in html
    why = "cổng quốc gia tính 0 điểm cho các chỉ số chưa có dữ liệu hoặc không có hồ sơ trong kỳ"
    assert f"{why} ({100 - expected.measured_max} điểm)" in html
    assert "Quý III/2025" in html
    rows = rows_by_code(response.context["indicators"])
    assert set(rows) == set(expected.results)
    for code, result in expected.results.items():
        cells = rows[code]
        if result.status == Status.NO_DATA:
            assert [c.text for c in cells[2:5]] == [NO_DATA, "—", "—"], code
            assert cells[2].value is None, code
            assert cells[6].value is None, code
            assert not cells[2].href, code
            assert result.reason in cells[8].text
        elif code != "PROCESSING_TIME_AVG":
            assert (cells[2].value, cells[3].value) == (result.numerator, result.denominator), code
            if result.points is not None:
                assert cells[6].text == vn_decimal(result.points), code
    progress = expected.results["PROGRESS_ON_TIME"]
    assert progress.denominator  # the simulation produced traffic
    assert f">{vn_int(progress.denominator)}</a>" in html
    # the charts get their data and the vendored ECharts, never a CDN
    for chart in ("chart-groups", "chart-trend", "chart-xa"):
        assert f'id="{chart}"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()


def test_the_identity_indicator_shows_a_figure(simulated: None, client: Client) -> None:
    # given the simulated quarter, whose online applicants mostly signed in with an electronic identity
    received = Dossier.objects.filter(
        received_at__gte=datetime(2025, 7, 1, tzinfo=VN), received_at__lt=datetime(2025, 10, 1, tzinfo=VN)
    )
    identified = received.exclude(applicant_identity="").count()
    assert 0 < identified < received.count()
    # when the overview is opened
    response = client.get("/chi-so/", {"ky": "2025-Q3"})
    # then 4.5b has its figures (numerator linked to its dossiers) and points, not "Chưa có dữ liệu"
    cells = rows_by_code(response.context["indicators"])["CITIZEN_DATA_CONNECTED_DOSSIER"]
    assert (cells[2].value, cells[3].value) == (identified, received.count())
    assert cells[2].text == vn_int(identified)
    assert cells[2].href
    assert cells[6].value is not None
    assert NO_DATA not in [c.text for c in cells]
    html = response.content.decode()
    assert "Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư" in html
    # 4.5a stays without data, with its reason
    formality = rows_by_code(response.context["indicators"])["CITIZEN_DATA_CONNECTED_FORMALITY"]
    assert formality[2].text == NO_DATA
    assert "mọi thủ tục trực tuyến" in formality[8].text


def test_the_trend_has_one_computation_per_month(simulated: None, client: Client) -> None:
    response = client.get("/chi-so/", {"ky": "2025-08"})
    trend = response.context["trend_table"]
    by_month = {row.cells[0].value: row.cells for row in trend.rows}
    for month in ("07", "08", "09"):
        report = compute(f"2025-{month}")
        cells = by_month[f"Tháng {int(month)}/2025"]
        assert cells[1].text == vn_decimal(report.total)
        assert cells[2].value == report.measured_max
    # months before the catalogue was published have nothing measured: "no data", not 0
    assert by_month["Tháng 3/2025"][1].text == NO_DATA
    chart = response.context["trend_chart"]
    assert chart["series"][0]["data"][2] is None
    assert chart["series"][0]["data"][7] == float(vn_decimal(compute("2025-08").total).replace(",", "."))


def test_the_default_period_is_the_current_quarter(simulated: None, client: Client) -> None:
    today = timezone.localdate()
    response = client.get("/chi-so/")
    assert response.status_code == 200
    assert response.context["query"].period.key == f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"ky": "2025-Q5"}, "Kỳ báo cáo «2025-Q5» không hợp lệ"),
        ({"ky": "hôm qua"}, "Dùng một trong các dạng: 2025, 2025-H1, 2025-Q3"),
        ({"ky": "2025-Q3", "cap": "thon"}, "Giá trị «thon» của cấp không hợp lệ"),
        ({"ky": "2025-Q3", "co-cau": "cu"}, "Giá trị «cu» của cơ cấu tổ chức không hợp lệ"),
        ({"ky": "2025-Q3", "dinh-dang": "pdf"}, "định dạng tệp xuất"),
        ({"ky": "2025-Q3", "dinh-dang": "csv", "bang": "khong-co"}, "Không có bảng «khong-co»"),
    ],
)
def test_bad_input_is_a_400_in_vietnamese(simulated: None, client: Client, params: dict, fragment: str) -> None:
    response = client.get("/chi-so/", params)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_the_level_filter(simulated: None, client: Client) -> None:
    response = client.get("/chi-so/", {"ky": "2025-Q3", "cap": "xa"})
    expected = compute(level=Level.COMMUNE)
    assert response.context["report"].total == expected.total
    assert [r.key for r in response.context["rankings"]] == ["xa"]
    both = client.get("/chi-so/", {"ky": "2025-Q3"})
    assert [r.key for r in both.context["rankings"]] == ["so-nganh", "xa"]
    departments = both.context["rankings"][0].table
    names = [row.cells[1].text for row in departments.rows]
    assert "Sở Tư pháp" in names
    totals = [row.cells[2].value for row in departments.rows]
    assert totals == sorted(totals, reverse=True)  # best first
    justice = next(row.cells for row in departments.rows if row.cells[1].text == "Sở Tư pháp")
    assert justice[2].text == vn_decimal(compute(agency=JUSTICE).total)
    assert justice[1].href.startswith("/chi-so/co-quan/so-tu-phap/?ky=2025-Q3")


def test_agency_page(simulated: None, client: Client) -> None:
    expected = compute(agency=JUSTICE)
    response = client.get(f"/chi-so/co-quan/{JUSTICE}/", {"ky": "2025-Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sở Tư pháp — Quý III/2025" in html
    assert f'data-testid="total">{vn_decimal(expected.total)}<' in html
    rows = rows_by_code(response.context["indicators"])
    for code in DOSSIER_INDICATORS:
        result = expected.results[code]
        assert rows[code][3].value == result.denominator, code
    # its procedures: the received dossiers per procedure add up to the agency's figure
    breakdown = response.context["breakdown"]
    received = sum(row.cells[3].value for row in breakdown.rows)
    assert received == expected.results["ONLINE_SUBMISSION"].denominator
    in_force = expected.results["PUBLIC_CONTENT_FULL"].denominator
    assert len(breakdown.rows) >= (in_force or 0)


def test_procedure_page_per_agency(simulated: None, client: Client) -> None:
    busiest = (
        Dossier.objects.filter(received_at__range=(Q3.start, Q3.end))
        .values_list("procedure_version__procedure__code", flat=True)
        .order_by("procedure_version__procedure__code")
    )
    code = max(set(busiest), key=list(busiest).count)
    expected = compute(procedure=code)
    response = client.get(f"/chi-so/thu-tuc/{code}/", {"ky": "2025-Q3"})
    assert response.status_code == 200
    assert Procedure.objects.get(code=code).name in response.content.decode()
    assert response.context["report"].total == expected.total
    breakdown = response.context["breakdown"]
    columns = {
        1: ("ONLINE_SUBMISSION", "den"),
        2: ("ONLINE_SUBMISSION", "num"),
        4: ("PROGRESS_ON_TIME", "den"),
        5: ("PROGRESS_ON_TIME", "num"),
    }
    for column, (indicator, part) in columns.items():
        total = sum(row.cells[column].value for row in breakdown.rows)
        result = expected.results[indicator]
        assert total == (result.denominator if part == "den" else result.numerator), indicator
    # each agency's figure opens its own drill-down with the same count
    first = breakdown.rows[0].cells
    drill = client.get(first[1].href)
    assert drill.context["count"] == first[1].value


def test_unknown_agency_and_procedure_are_404(simulated: None, client: Client) -> None:
    response = client.get("/chi-so/co-quan/khong-co/")
    assert response.status_code == 404
    assert "Không tìm thấy cơ quan có mã «khong-co»" in response.content.decode()
    gone = client.get(f"/chi-so/co-quan/{OLD_WARD}/", {"ky": "2025-Q2"})
    assert gone.status_code == 404
    assert "giải thể hoặc sáp nhập" in gone.content.decode()
    assert "co-cau=truoc-sap-xep" in gone.content.decode()
    assert client.get("/chi-so/thu-tuc/0.000000/").status_code == 404


def _links(table: Table) -> list[tuple[str, str, int]]:
    found = []
    for row in table.rows:
        for cell in row.cells:
            if cell.href and "/chi-so/ho-so/" in cell.href:
                found.append((row.cells[-1].value, cell.href, cell.value))
    return found


def test_every_figure_drills_down_to_as_many_items(simulated: None, client: Client) -> None:
    overview = client.get("/chi-so/", {"ky": "2025-Q3"})
    links = _links(overview.context["indicators"])
    linked = {code for code, _, _ in links}
    assert linked == {c for c in (*DOSSIER_INDICATORS, *CATALOGUE_INDICATORS)}  # every figure we hold
    for code, href, figure in links:
        params = parse_qs(urlparse(href).query)
        assert params["chi-tieu"] == [code]
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.context["count"] == figure, href
        assert f'data-testid="count">{vn_int(figure)}</strong>' in response.content.decode()


def test_drill_down_pages_and_staff_links(simulated: None, client: Client) -> None:
    params = {"ky": "2025-Q3", "chi-tieu": "ONLINE_SUBMISSION", "phan": "den"}
    response = client.get("/chi-so/ho-so/", params)
    count = compute().results["ONLINE_SUBMISSION"].denominator
    assert count
    assert count > 50
    assert response.context["count"] == count
    assert len(response.context["table"].rows) == 50
    assert "Trang 1/" in response.content.decode()
    second = client.get("/chi-so/ho-so/", {**params, "trang": 2})
    assert len(second.context["table"].rows) == count - 50
    codes = {r.cells[0].value for r in response.context["table"].rows} | {
        r.cells[0].value for r in second.context["table"].rows
    }
    assert len(codes) == count
    assert "/mot-cua/ho-so/" not in response.content.decode()  # public: no link to the staff console
    officer = User.objects.create_user("xem.chi.so", password="x-Secret-123")
    client.force_login(officer)
    logged = client.get("/chi-so/ho-so/", params)
    first = logged.context["table"].rows[0].cells[0]
    assert first.href == f"/mot-cua/ho-so/{first.value}/"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"chi-tieu": "KHONG_CO", "phan": "num"}, "Không có chỉ số mã «KHONG_CO»"),
        ({"chi-tieu": "PROGRESS_ON_TIME", "phan": "ca-hai"}, "«num» (tử số) hoặc «den» (mẫu số)"),
        ({"chi-tieu": "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "phan": "num"}, "chưa có dữ liệu"),
        ({"phan": "num"}, "Chưa chọn chỉ số"),
    ],
)
def test_bad_drill_downs_are_refused(simulated: None, client: Client, params: dict, fragment: str) -> None:
    response = client.get("/chi-so/ho-so/", {"ky": "2025-Q3", **params})
    assert response.status_code == 400
    assert fragment in response.content.decode()


def _csv(response: object) -> list[list[str]]:
    body = response.content  # type: ignore[attr-defined]
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8 Vietnamese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response: object) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_exports_read_back_equal_to_the_tables(simulated: None, client: Client) -> None:
    expected = compute()
    shown = client.get("/chi-so/", {"ky": "2025-Q3"})
    table = shown.context["indicators"]
    as_csv = _csv(client.get("/chi-so/", {"ky": "2025-Q3", "dinh-dang": "csv", "bang": "chi-so"}))
    as_xlsx = _xlsx(client.get("/chi-so/", {"ky": "2025-Q3", "dinh-dang": "xlsx", "bang": "chi-so"}))
    assert as_csv[0] == table.headers == [str(v) for v in as_xlsx[0]]
    assert len(as_csv) == len(as_xlsx) == len(table.rows) + 1
    csv_rows = {r[-1]: r for r in as_csv[1:]}
    xlsx_rows = {r[-1]: r for r in as_xlsx[1:]}
    for code, result in expected.results.items():
        if result.status == Status.NO_DATA:
            assert csv_rows[code][2:5] == ["", "", ""]
            assert xlsx_rows[code][2:5] == [None, None, None]
            assert "Chưa có dữ liệu" in csv_rows[code][8]
        elif code != "PROCESSING_TIME_AVG" and result.numerator is not None:
            assert csv_rows[code][2:4] == [str(result.numerator), str(result.denominator)]
            assert xlsx_rows[code][2:4] == [result.numerator, result.denominator]
            if result.points is not None:
                assert xlsx_rows[code][6] == float(result.points)
                assert csv_rows[code][6] == str(float(result.points))
    # the ranking of communes
    ranking = next(r for r in shown.context["rankings"] if r.key == "xa").table
    ranked = _csv(client.get("/chi-so/", {"ky": "2025-Q3", "dinh-dang": "csv", "bang": "xep-hang-xa"}))
    assert [row[1] for row in ranked[1:]] == [row.cells[1].text for row in ranking.rows]
    response = client.get("/chi-so/", {"ky": "2025-Q3", "dinh-dang": "xlsx", "bang": "xep-hang-xa"})
    assert 'filename="chi-so-2025-Q3-xep-hang-xa.xlsx"' in response["Content-Disposition"]
    # a drill-down list: every dossier, not one page
    count = expected.results["ONLINE_SUBMISSION"].denominator
    listed = _xlsx(
        client.get(
            "/chi-so/ho-so/", {"ky": "2025-Q3", "chi-tieu": "ONLINE_SUBMISSION", "phan": "den", "dinh-dang": "xlsx"}
        )
    )
    assert len(listed) - 1 == count
    assert listed[0][0] == "Mã hồ sơ"
    codes = set(
        Dossier.objects.filter(received_at__gte=Q3.start, received_at__lt=Q3.end).values_list("code", flat=True)
    )
    assert {row[0] for row in listed[1:]} == codes
    assert isinstance(listed[1][3], datetime)


def _old_ward_dossier() -> Dossier:
    """A dossier received in June 2025 by the old ward, before it merged into phường Nha Trang."""
    before = datetime(2025, 5, 1, 8, 0, tzinfo=VN)
    catalogue_import(
        data={
            "format": "cchc-catalogue",
            "format_version": 1,
            "fields": [{"code": "HOTICH-CU", "name": "Hộ tịch (trước sắp xếp)"}],
            "procedures": [
                {
                    "code": "9.000199",
                    "code_status": "demo",
                    "name": "Đăng ký khai tử",
                    "field": "HOTICH-CU",
                    "levels": ["commune"],
                    "competent_agencies": [{"level": "commune", "kind": "ubnd"}],
                    "applicant_types": ["citizen"],
                    "service_type": "toan_trinh",
                    "processing_time": {"value": 8, "unit": "hours"},
                    "result": {"document_type": "trich-luc-khai-tu", "name": "Trích lục khai tử"},
                    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
                    "documents": [{"name": "Tờ khai đăng ký khai tử", "document_type": "to-khai-khai-tu"}],
                    "steps": [
                        {
                            "name": "Tiếp nhận",
                            "responsible": "receiving",
                            "staff_role": "reception",
                            "duration_hours": 2,
                        },
                        {"name": "Ký", "responsible": "competent", "staff_role": "leader", "duration_hours": 6},
                    ],
                }
            ],
        },
        at=before,
    )
    ward = Agency.objects.get(code=OLD_WARD)
    officer = User.objects.create_user("canbo.phuongcu", password="x-Secret-123")
    membership_grant(
        user=officer,
        agency=ward,
        area=Area.ONE_STOP,
        role=Role.RECEPTION,
        valid_from=date(2025, 1, 1),
        actor=None,
        at=before,
    )
    return s.dossier_receive_counter(
        procedure=Procedure.objects.get(code="9.000199"),
        applicant=CITIZEN,
        receiving_agency=ward,
        competent_agency=ward,
        actor=officer,
        at=datetime(2025, 6, 10, 9, 0, tzinfo=VN),
    )


def _commune_rows(response: object) -> dict[str, list]:
    ranking = next(r for r in response.context["rankings"] if r.key == "xa").table  # type: ignore[attr-defined]
    return {row.cells[1].text: row.cells for row in ranking.rows}


def test_the_structure_switch_moves_a_pre_2025_agency(simulated: None, client: Client) -> None:
    # given a dossier received by a ward that merged into phường Nha Trang on 1/7/2025
    _old_ward_dossier()
    apply_events()
    old_name = Agency.objects.get(code=OLD_WARD).name
    new_name = Agency.objects.get(code="ubnd-22366", valid_to__isnull=True).name
    # when June 2025 is shown by today's structure, the ward's dossier counts for phường Nha Trang
    current = client.get("/chi-so/", {"ky": "2025-06", "cap": "xa"})
    rows = _commune_rows(current)
    assert old_name not in rows
    assert rows[new_name][5].value == 1  # dossiers in 2.1's denominator
    assert "Theo tổ chức hiện nay" in current.content.decode()
    # and by the structure of the time, it stays with the old ward, which has its own page
    historical = client.get("/chi-so/", {"ky": "2025-06", "cap": "xa", "co-cau": "truoc-sap-xep"})
    rows = _commune_rows(historical)
    assert rows[old_name][5].value == 1
    assert new_name not in rows or rows[new_name][5].value == 0
    link = rows[old_name][1].href
    assert "co-cau=truoc-sap-xep" in link
    page = client.get(link)
    assert page.status_code == 200
    expected = indicators_compute(
        period=period_parse("2025-06"), scope=Scope(agency=OLD_WARD), at=timezone.now(), structure=Structure.HISTORICAL
    )
    assert (
        page.context["report"].results["PROGRESS_ON_TIME"].denominator
        == 1
        == (expected.results["PROGRESS_ON_TIME"].denominator)
    )
    drill = client.get(
        rows[old_name][1].href.replace(f"/chi-so/co-quan/{OLD_WARD}/?", "/chi-so/ho-so/?")
        + f"&co-quan={OLD_WARD}&chi-tieu=PROGRESS_ON_TIME&phan=den"
    )
    assert drill.context["count"] == 1


def test_a_constant_number_of_queries(
    simulated: None, client: Client, django_assert_max_num_queries: object, django_assert_num_queries: object
) -> None:
    apply_events()
    reference_cache_clear()
    # the quarter, 12 months of trend, every agency's ranking, in one batch: the reference stamp,
    # organisation (2), the rollups' freshness (1), rollup counters (1 for every window), pairs (1), catalogue (3), the
    # publications of 1.1 and 1.2 (1), the agencies' levels (1), feedback (1), the communes' committees (map, 1)
    with django_assert_num_queries(13):  # type: ignore[operator]
        response = client.get("/chi-so/", {"ky": "2025-Q3"})
    assert len(response.context["trend_table"].rows) == 12
    # then the organisation and the catalogue are kept by the process while the stamp stays the same
    with django_assert_num_queries(7):  # type: ignore[operator]
        client.get("/chi-so/", {"ky": "2025-Q3", "cap": "xa"})
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/chi-so/ho-so/", {"ky": "2025-Q3", "chi-tieu": "PROGRESS_ON_TIME", "phan": "den"})
    assert len(response.context["table"].rows) == 50
    with django_assert_max_num_queries(160):  # type: ignore[operator]
        client.get(f"/chi-so/co-quan/{JUSTICE}/", {"ky": "2025-Q3"})


def test_an_edit_to_the_registry_is_seen_on_the_next_request(simulated: None, client: Client) -> None:
    # given the overview, the organisation then kept by the process
    first = client.get("/chi-so/", {"ky": "2025-Q3"}).content.decode()
    justice = Agency.objects.filter(code=JUSTICE).valid_on(timezone.localdate()).first()
    assert justice is not None
    assert f">{justice.name}</a>" in first
    # when the agency is renamed (as the admin saves it)
    justice.name = "Sở Tư pháp tỉnh Khánh Hòa (tên mới)"
    justice.save()
    # then the next request ranks it under its new name
    second = client.get("/chi-so/", {"ky": "2025-Q3"}).content.decode()
    assert ">Sở Tư pháp tỉnh Khánh Hòa (tên mới)</a>" in second


def test_page_queries_do_not_grow_with_the_data(simulated: None, client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.dossiers.simulation import dossiers_simulate

    apply_events()
    client.get("/chi-so/", {"ky": "2025-Q3"})  # the organisation and the catalogue, then kept
    with CaptureQueriesContext(connection) as before:
        client.get("/chi-so/", {"ky": "2025-Q3"})
    received = Dossier.objects.filter(received_at__isnull=False).count()
    dossiers_simulate(count=40, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=99)
    assert Dossier.objects.filter(received_at__isnull=False).count() > received
    apply_events()  # the new dossiers applied before measuring
    with CaptureQueriesContext(connection) as after:
        client.get("/chi-so/", {"ky": "2025-Q3"})
    assert len(after.captured_queries) == len(before.captured_queries)


def test_agency_and_procedure_pages_read_no_dossier_table(simulated: None, client: Client) -> None:
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.dossiers.simulation import dossiers_simulate

    # given the agency and the procedure with the most dossiers of the quarter, rollups up to date
    received = Dossier.objects.filter(received_at__range=(Q3.start, Q3.end))
    agency = Counter(received.values_list("competent_agency__code", flat=True)).most_common(1)[0][0]
    code = Counter(received.values_list("procedure_version__procedure__code", flat=True)).most_common(1)[0][0]
    urls = [f"/chi-so/co-quan/{agency}/", f"/chi-so/thu-tuc/{code}/"]
    dossier_tables = [t for t in connection.introspection.table_names() if t.startswith("dossiers_")]
    apply_events()

    def measure() -> list[tuple[int, int]]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, {"ky": "2025-Q3"})
            assert response.status_code == 200
            # then the pages and their breakdown tables are read from the rollups, not the dossier tables
            read = {t for q in captured.captured_queries for t in dossier_tables if f'"{t}"' in q["sql"]}
            assert not read, (url, read)
            total = sum(row.cells[-6].value or 0 for row in response.context["breakdown"].rows)
            found.append((len(captured.captured_queries), total))
        return found

    measure()  # the organisation and the catalogue read, then kept by the process
    before = measure()
    assert all(total > 0 for _, total in before)
    # when more dossiers are received in the quarter and applied to the rollups
    dossiers_simulate(count=40, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=98)
    apply_events()
    after = measure()
    # then the pages run the same number of queries, and their tables count the new dossiers
    assert [n for n, _ in after] == [n for n, _ in before]
    assert sum(t for _, t in after) > sum(t for _, t in before)


# the tables a request may write for its own sake (none of them is written by these pages today)
REQUEST_TABLES = ("django_session", "axes_", "audit_")


def _writes(captured: list[dict[str, str]]) -> list[str]:
    """The statements of ``captured`` that write, except to the request's own tables."""
    found = []
    for query in captured:
        sql = " ".join(query["sql"].split())
        verb = sql.split(" ", 1)[0].upper()
        if verb == "SELECT" or verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
            continue
        if any(f'"{table}' in sql or f" {table}" in sql for table in REQUEST_TABLES):
            continue
        found.append(sql)
    return found


def test_dashboards_and_their_exports_write_nothing(simulated: None, client: Client) -> None:
    """Issue 13 §6: the dashboards' reads must not write; the rollups are kept by the outbox subscriber."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.dossiers.simulation import dossiers_simulate

    # given dossier writes not yet applied to the rollups (a read used to apply them)
    dossiers_simulate(count=15, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=97)
    received = Dossier.objects.filter(received_at__isnull=False)
    code = received.values_list("procedure_version__procedure__code", flat=True)[0]
    drill = {"ky": "2025-Q3", "chi-tieu": "PROGRESS_ON_TIME", "phan": "den"}
    pages: list[tuple[str, dict[str, str]]] = [
        ("/chi-so/", {"ky": "2025-Q3"}),
        ("/chi-so/", {"ky": "2025-Q3", "cap": "xa", "co-cau": "truoc-sap-xep"}),
        (f"/chi-so/co-quan/{JUSTICE}/", {"ky": "2025-Q3"}),
        (f"/chi-so/thu-tuc/{code}/", {"ky": "2025-Q3"}),
        ("/chi-so/ho-so/", drill),
        ("/chi-so/ho-so/", {**drill, "chi-tieu": "ONLINE_SERVICES_USED", "phan": "num"}),
        ("/chi-tieu/", {}),
    ]
    for fmt in ("csv", "xlsx"):
        pages += [
            ("/chi-so/", {"ky": "2025-Q3", "dinh-dang": fmt, "bang": "chi-so"}),
            ("/chi-so/", {"ky": "2025-Q3", "dinh-dang": fmt, "bang": "xu-huong"}),
            (f"/chi-so/co-quan/{JUSTICE}/", {"ky": "2025-Q3", "dinh-dang": fmt, "bang": "thu-tuc"}),
            (f"/chi-so/thu-tuc/{code}/", {"ky": "2025-Q3", "dinh-dang": fmt, "bang": "co-quan"}),
            ("/chi-so/ho-so/", {**drill, "dinh-dang": fmt}),
        ]
    for url, params in pages:
        # when each page or export is rendered
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        # then it reads only
        assert response.status_code == 200, (url, params)
        assert _writes(captured.captured_queries) == [], (url, params)


def test_the_dashboards_say_how_fresh_the_figures_are_when_the_rollups_lag(simulated: None, client: Client) -> None:
    from cchc.dossiers.events import DossierEvent, dossier_event
    from cchc.indicators.subscribers import SUBSCRIBER
    from cchc.outbox.registry import subscriber

    # given figures up to date: no note
    assert 'data-testid="freshness"' not in client.get("/chi-so/", {"ky": "2025-Q3"}).content.decode()
    # when two dossier events are written and not yet delivered to the rollups
    dossiers = list(Dossier.objects.filter(received_at__isnull=False).order_by("pk")[:2])
    events = []
    for dossier in dossiers:
        event = dossier_event(
            DossierEvent.RECEIVED, dossier, action="receive", status_before="new", at=timezone.now(), actor_id=None
        )
        event.save()
        events.append(event)
    # then the pages say up to when the figures are complete and how many changes wait
    moment = events[0].created_at.astimezone(VN)
    for url in ("/chi-so/", f"/chi-so/co-quan/{JUSTICE}/"):
        html = client.get(url, {"ky": "2025-Q3"}).content.decode()
        assert (
            f"Số liệu cập nhật đến {moment:%H:%M} ngày {moment:%d/%m/%Y}; còn 2 thay đổi hồ sơ đang chờ được tổng hợp"
            in html
        ), url
    # and once the subscriber has applied them, the note is gone
    handler = subscriber(SUBSCRIBER)
    assert handler is not None
    for event in events:
        handler.handle([event])
    assert 'data-testid="freshness"' not in client.get("/chi-so/", {"ky": "2025-Q3"}).content.decode()

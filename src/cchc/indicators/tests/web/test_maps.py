"""The QĐ 766 dashboard's map of the communes (issue 18 item 4): each commune coloured by its People's
Committee's total score, the same figures as the commune ranking, in a table and a CSV; the browser test
(Lai Châu, a province set up by the command) is ``program/tests/test_browser_maps.py``."""

from __future__ import annotations

import csv
import io

from django.test import Client, override_settings
from django.utils import timezone

from cchc.indicators.maps import NO_DATA_TEXT, commune_committees
from cchc.org.units_data import province_units

# Khánh Hòa's registry (cchc org load) carries the draft codes of 7 units; the map uses the published ones
DRAFT = {
    "22411": "22408",
    "22780": "22779",
    "22846": "22868",
    "22861": "22858",
    "22888": "22903",
    "22900": "22885",
    "22909": "22910",
}


def test_every_commune_of_khanh_hoa_is_matched_to_its_committee_draft_codes_included(simulated: None) -> None:
    committees = commune_committees("56", timezone.localdate())

    assert set(committees) == set(province_units("56").units)
    for draft, published in DRAFT.items():
        assert committees[published].unit.code == draft  # type: ignore[union-attr]
    assert all(a.level == "commune" and a.kind == "ubnd" for a in committees.values())


def test_the_overview_maps_each_commune_score_as_ranked(simulated: None, client: Client) -> None:
    # when
    response = client.get("/chi-so/", {"ky": "2025-Q3"})

    # then: 65 communes on the map, each with its committee's total from the commune ranking
    communes = response.context["communes"]
    chart = communes.chart
    assert chart["kind"] == "communes"
    assert len(chart["regions"]) == 65
    ranking = next(r for r in response.context["rankings"] if r.key == "xa")
    totals = {row.cells[1].text: row.cells[2].value for row in ranking.table.rows}
    for figure in communes.figures:
        assert figure.agency is not None
        assert float(figure.value) == totals[figure.agency.name], figure.name
    regions = {r["name"]: r for r in chart["regions"]}
    assert {r.cells[0].text: r.cells[2].value for r in communes.table().rows} == {
        code: r["value"] for code, r in regions.items()
    }
    html = response.content.decode()
    assert 'id="ban-do-xa" data-communes="ban-do-xa-du-lieu" role="img" aria-label="Bản đồ — ' in html
    assert '<script id="ban-do-56" type="application/json">' in html  # the shapes travel with the page
    assert "Đặc khu Trường Sa (cách đất liền khoảng" in html
    assert "/static/indicators/communes.js" in html
    # a commune without dossiers keeps its score (as ranked) and says why it is low
    idle = [f for f in communes.figures if f.note]
    assert idle
    assert all("Không có hồ sơ trong kỳ" in f.note for f in idle)


def test_the_map_table_downloads_as_csv(simulated: None, client: Client) -> None:
    response = client.get("/chi-so/", {"ky": "2025-Q3", "bang": "ban-do-xa", "dinh-dang": "csv"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Mã đơn vị", "Đơn vị hành chính", "Tổng điểm"]
    assert len(rows) == 66
    assert {r[0] for r in rows[1:]} == set(province_units("56").units)


def test_no_map_for_the_former_structure_or_the_province_level(simulated: None, client: Client) -> None:
    for query in ({"co-cau": "truoc-sap-xep"}, {"cap": "tinh"}):
        response = client.get("/chi-so/", {"ky": "2025-Q3", **query})
        assert response.status_code == 200
        assert response.context["communes"] is None
        assert 'data-communes="' not in response.content.decode()
    assert client.get("/chi-so/", {"ky": "2025-Q3", "cap": "xa"}).context["communes"] is not None


def test_a_commune_without_a_committee_is_grey_and_listed(simulated: None, client: Client) -> None:
    # given: Lai Châu's units but Khánh Hòa's registry (no committee matches)
    with override_settings(CCHC_PROVINCE_CODE="12"):
        response = client.get("/chi-so/", {"ky": "2025-Q3"})

    communes = response.context["communes"]
    assert len(communes.missing) == 38
    assert all(r["value"] is None and r["text"] == NO_DATA_TEXT for r in communes.chart["regions"])
    html = response.content.decode()
    assert "Chưa có dữ liệu (38 đơn vị, màu xám):" in html
    assert "Chưa có Ủy ban nhân dân của đơn vị trong danh mục cơ quan." in html


def test_an_unknown_province_code_leaves_the_dashboard_without_a_map(simulated: None, client: Client) -> None:
    with override_settings(CCHC_PROVINCE_CODE="99"):
        response = client.get("/chi-so/", {"ky": "2025-Q3"})

    assert response.status_code == 200
    assert response.context["communes"] is None

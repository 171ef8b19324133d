"""Issue 18 items 2 and 4 in a real Chromium: a province other than Khánh Hòa (Lai Châu, 12) set up with
``cchc province setup``, simulated dossiers, the rollups brought up to date; its QĐ 766 dashboard and a
program target's page show each commune on the province's map (ECharts, drawn from the GeoJSON in the
page: no request leaves the platform), with a table of the same figures beside it.

Here (program) because the test crosses the apps below it: org (the units), dossiers (the simulator),
indicators (the dashboard) and program (the targets). Screenshots go to /tmp/cchc-screens.
"""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from cchc.common.tests.files import media_root  # noqa: F401 (fixture)
from cchc.dossiers.simulation import dossiers_simulate
from cchc.indicators.tests.conftest import apply_events
from cchc.org.units_data import province_units
from cchc.program.services import program_import
from cchc.program.targets.services import target_links_sync
from cchc.program.tests.conftest import SEED_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVINCE = "12"  # Lai Châu: not merged in 2025, 38 commune-level units
AT = "2025-07-01T00:00+07:00"
SHOTS = Path("/tmp/cchc-screens")

# What ECharts holds: the map series' regions (code, value) and the registered map's features.
MAP_STATE = """(id) => {
    const el = document.getElementById(id);
    const option = echarts.getInstanceByDom(el).getOption();
    const series = option.series[0];
    return {
        type: series.type,
        map: series.map,
        data: series.data.map(d => [d.name, d.value === '-' ? null : d.value]),
        features: echarts.getMap(series.map).geoJSON.features.map(f => f.properties.name),
        canvases: el.querySelectorAll('canvas').length,
    };
}"""

# The table beside the map: code -> the figure as sorted (None for "Chưa có dữ liệu").
TABLE_STATE = """(id) => Array.from(document.querySelectorAll('#table-' + id + ' tbody tr')).map(tr => {
    const cell = tr.cells[2];
    const sort = Number(cell.getAttribute('data-sort'));
    return [tr.getAttribute('data-code'), sort < 0 ? null : sort, cell.textContent.trim()];
})"""


def _offline(page: Page, base: str) -> list[str]:
    """Every request the page makes that does not go to the platform itself (the map must need none)."""
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(base) else None)
    return outside


def _agree(page: Page, codes: set[str]) -> tuple[dict[str, Any], list[list[Any]]]:
    """The map draws every commune once, and the table shows the same figure for each of them."""
    expect(page.locator("#ban-do-xa[data-ready='1'] canvas")).to_have_count(1)
    state = page.evaluate(MAP_STATE, "ban-do-xa")
    rows = page.evaluate(TABLE_STATE, "ban-do-xa")
    assert state["type"] == "map"
    assert state["map"] == f"ban-do-{PROVINCE}"
    assert sorted(state["features"]) == sorted(codes)
    on_map = {name: value for name, value in state["data"]}
    assert set(on_map) == codes
    in_table = {code: value for code, value, _ in rows}
    assert len(rows) == len(codes)
    assert in_table == pytest.approx(on_map)
    for code, value, text in rows:
        assert (text.startswith("Chưa có dữ liệu")) == (value is None), (code, text)
    return state, rows


def test_a_new_province_dashboards_show_its_communes_on_a_map_with_the_same_figures_in_a_table(
    browser: Browser,
    phone: Page,
    live_server: Any,
    settings: Any,
    media_root: Path,  # noqa: F811
) -> None:
    # given: Lai Châu set up by the command, simulated dossiers, the rollups up to date, the program linked
    settings.CCHC_PROVINCE_CODE = PROVINCE
    call_command("province", "setup", PROVINCE, "--at", AT, stdout=StringIO(), stderr=StringIO())
    dossiers_simulate(count=30, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=3)
    apply_events()
    linked = datetime.fromisoformat(AT)
    program = program_import(source=SEED_PATH.read_bytes(), source_name=SEED_PATH.name, at=linked).program
    target_links_sync(program=program, at=linked)
    codes = set(province_units(PROVINCE).units)
    assert len(codes) == 38
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)

    # when: the QĐ 766 dashboard of the quarter
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = _offline(page, base)
    page.goto(base + "/chi-so/?ky=2025-Q3")

    # then: every commune on the map, coloured by its committee's total score, the same in the table
    expect(page.locator("h2#ban-do-xa-tieu-de")).to_have_text("Bản đồ điểm của cấp xã")
    state, rows = _agree(page, codes)
    assert all(value is not None for _, value in state["data"])  # every committee is scored (as ranked)
    label = page.locator("#ban-do-xa").get_attribute("aria-label") or ""
    assert label.startswith("Bản đồ — Tổng điểm Bộ chỉ số của cấp xã — Quý III/2025: 38 đơn vị cấp xã có số liệu")
    expect(page.locator(".communes figcaption")).to_contain_text("không phải ranh giới pháp lý")
    ranking = page.locator("#table-xep-hang-xa tbody tr")  # the commune ranking agrees with the map
    expect(ranking).to_have_count(38)
    first = rows[0]
    assert first[1] == max(value for _, value, _ in rows)
    expect(ranking.first).to_contain_text(first[2])
    page.screenshot(path=str(SHOTS / "map-766-lai-chau.png"), full_page=True)
    # sorting the table by name (a button in the header; aria-sort says the order)
    page.locator("#table-ban-do-xa th").nth(1).get_by_role("button").click()
    expect(page.locator("#table-ban-do-xa th").nth(1)).to_have_attribute("aria-sort", "ascending")
    names = page.locator("#table-ban-do-xa tbody tr td:nth-child(2)").all_inner_texts()
    assert names[0] == "Phường Đoàn Kết"
    assert outside == []
    page.close()

    # when: a target measured from dossiers (online payments), on a phone
    outside = _offline(phone, base)
    phone.goto(base + "/chi-tieu/a2-2025-2/")

    # then: the communes with payments are coloured, the others grey and listed, the same in the table
    expect(phone.locator("h2#ban-do-xa-tieu-de")).to_have_text("Theo xã, phường, đặc khu")
    state, rows = _agree(phone, codes)
    missing = sorted(code for code, value in state["data"] if value is None)
    assert 0 < len(missing) < 38
    listed = phone.locator(".communes-missing")
    expect(listed).to_contain_text(f"Chưa có dữ liệu ({len(missing)} đơn vị, màu xám)")
    cells = phone.locator("#table-ban-do-xa tbody tr td:nth-child(2)").all_inner_texts()
    names = dict(zip([r[0] for r in rows], cells, strict=True))
    for code in missing:
        expect(listed).to_contain_text(names[code])
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "map-target-lai-chau.png"), full_page=True)
    assert outside == []

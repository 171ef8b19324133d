"""Issue 12 item 10: every HTML page carries a Content-Security-Policy, and the vendored ECharts (a
dashboard) and htmx (a swap) work under it in a real Chromium with no violation reported."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/chi-so/", "/mot-cua/dang-nhap/", "/admin/login/", "/api/docs/"])
def test_every_page_has_the_policy(url: str) -> None:
    response = Client().get(url, follow=True)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]


def _watched(browser: Browser) -> tuple[Page, list[str]]:
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    return page, console


def _violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp"), *(m for m in console if "Content Security Policy" in m)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_echarts_and_htmx_work_under_the_policy(browser: Browser, live_server, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.dossiers.simulation import dossiers_simulate
    from cchc.indicators.tests.web.conftest import PUBLISHED
    from cchc.org.services import org_load_khanh_hoa

    settings.MEDIA_ROOT = str(tmp_path / "media")  # the simulated scans and uploads (issue 16)
    org_load_khanh_hoa()
    catalogue_import_demo(at=PUBLISHED)
    dossiers_simulate(count=40, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=3)

    # a dashboard with ECharts
    page, console = _watched(browser)
    page.goto(live_server.url + "/chi-so/?ky=2025-Q3")
    expect(page.locator('[data-chart="chart-groups"] canvas')).to_have_count(1)
    page.locator('[data-chart="chart-groups"] canvas').hover()  # a tooltip (built with style attributes)
    page.wait_for_timeout(300)
    assert _violations(page, console) == []
    page.close()

    # htmx (vendored, loaded from the platform) swapping a fragment in
    page, console = _watched(browser)
    page.goto(live_server.url + "/mot-cua/dang-nhap/")
    page.add_script_tag(url="/static/vendor/htmx/htmx.min.js")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate(
        """() => {
            const button = document.createElement('button');
            button.id = 'nap';
            button.setAttribute('hx-get', '/mot-cua/dang-nhap/');
            button.setAttribute('hx-select', 'h1');
            button.setAttribute('hx-target', '#dich');
            const target = document.createElement('div');
            target.id = 'dich';
            document.body.append(button, target);
            htmx.process(button);
        }"""
    )
    page.click("#nap")
    expect(page.locator("#dich h1")).to_have_count(1)
    assert _violations(page, console) == []
    page.close()

"""Public dashboards of the QĐ 766 index (read-only, GET parameters, bookmarkable).

``/chi-so/`` the province, ``/chi-so/co-quan/<code>/`` an agency, ``/chi-so/thu-tuc/<code>/`` a
procedure, ``/chi-so/ho-so/`` the dossiers (or procedures, services) behind one figure. Every table
exports as CSV or XLSX with ``?dinh-dang=csv|xlsx&bang=<table>``. Views parse, call the engine's
public functions (which read rollups where they exist) and hand presenters to the templates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cchc.catalogue.models import Procedure
from cchc.common.replica import replica_view
from cchc.indicators.compute import (
    Dashboard,
    Report,
    indicator_procedures,
    indicator_services,
    indicators_dashboard,
)
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Part
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.exports import Cell, Row, Table, table_export
from cchc.indicators.maps import CommuneMap, commune_committees, commune_map
from cchc.indicators.periods import VN_TZ, Period, period_parse
from cchc.indicators.scopes import Scope
from cchc.indicators.selectors import DOSSIER_INDICATORS, indicator_dossiers
from cchc.indicators.subscribers import subscriber_freshness
from cchc.indicators.web import presenters as p
from cchc.indicators.web.breakdowns import BreakdownRow, dossier_breakdown
from cchc.indicators.web.params import LEVELS, STRUCTURES, Query, part_parse, period_choices, query_parse
from cchc.org.constants import Level, UnitsDataError
from cchc.org.models import Agency

PAGE_SIZE = 50
Builders = dict[str, Callable[[], Table]]


def _error(request: HttpRequest, error: IndicatorError, *, query: Query | None = None) -> HttpResponse:
    """The refusal's status (``IndicatorError.statuses``: 400 for bad input), except on the page of one
    agency or procedure (``query`` parsed): there an unknown scope is the page's own address, 404."""
    status = error.http_status
    if query is not None and error.code == IndicatorErrorCode.UNKNOWN_SCOPE:
        status = 404
    historical = ""
    if status == 404 and query is not None and query.structure_key == "hien-tai":
        historical = "?" + query.querystring(**{"co-cau": "truoc-sap-xep", "co-quan": "", "thu-tuc": ""})
    return render(
        request,
        "indicators/error.html",
        {"message": error.message, "code": str(error.code), "status": status, "historical": historical},
        status=status,
    )


def _form_context(query: Query, at: datetime) -> dict[str, object]:
    return {
        "query": query,
        "period_choices": period_choices(at.astimezone(VN_TZ).date()),
        "levels": [(key, label) for key, (_, label) in LEVELS.items()],
        "structures": [(key, label) for key, (_, label) in STRUCTURES.items()],
        "at": at,
    }


def _freshness() -> str:
    """The note on the rollups' lag (empty when none): the dashboards read rollups, never update them."""
    return p.freshness_note(subscriber_freshness())


def _trend_months(period: Period, at: datetime) -> list[Period]:
    """The months of the year containing the period, those begun by ``at``."""
    months = [period_parse(f"{period.first.year}-{m:02d}") for m in range(1, 13)]
    return [month for month in months if month.start < at]


def _dashboard(query: Query, scope: Scope, at: datetime, *, units: bool = False) -> Dashboard:
    """The period, the months of its year (the trend) and, with ``units``, every agency: one batch."""
    return indicators_dashboard(
        period=query.period,
        trend=_trend_months(query.period, at),
        scope=scope,
        at=at,
        structure=query.structure,
        units=units,
    )


def _trend(query: Query, dashboard: Dashboard) -> tuple[Table, dict[str, object]]:
    return p.trend(dashboard.trend, query.period.first.year)


def _export(request: HttpRequest, query: Query, builders: Builders, stem: str) -> HttpResponse:
    builder = builders.get(query.table or next(iter(builders)))
    if builder is None:
        known = ", ".join(f"«{k}»" for k in builders)
        message = f"Không có bảng «{query.table}» trên trang này; dùng một trong: {known}."
        return _error(request, IndicatorError(IndicatorErrorCode.UNKNOWN_SCOPE, message))
    return table_export(builder(), fmt=query.export, stem=stem)


def _same(table: Table) -> Table:
    return table


def _targets_url() -> str:
    """The programme's target page (built in the program app), when it exists."""
    try:
        return reverse("program_web:targets")
    except NoReverseMatch:
        return ""


def _communes_map(units: list[Report], query: Query, at: datetime) -> CommuneMap | None:
    """Each commune's total score (its People's Committee's, as in the ranking) on the province's map:
    under the current organisation, for the whole province or the commune level only."""
    if query.structure_key != "hien-tai" or query.level not in ("", Level.COMMUNE):
        return None
    try:
        committees = commune_committees(settings.CCHC_PROVINCE_CODE, at.astimezone(VN_TZ).date())
    except UnitsDataError:
        return None
    values = {r.scope.get("agency", ""): p.points(r.total) if r.measured_max else None for r in units}
    links = {code: p.agency_href(query, code) for code in values if code}
    idle = "Không có hồ sơ trong kỳ: điểm chỉ gồm các chỉ số tính từ danh mục thủ tục."
    notes = {r.scope.get("agency", ""): idle for r in units if not r.results["PROGRESS_ON_TIME"].denominator}
    return commune_map(
        key="ban-do-xa",
        title=f"Tổng điểm Bộ chỉ số của cấp xã — {query.period.label}",
        value_label="Tổng điểm",
        values=values,
        committees=committees,
        href=links,
        notes=notes,
    )


# --- the province ----------------------------------------------------------------------------------


@replica_view
def overview(request: HttpRequest) -> HttpResponse:
    at = timezone.now()
    try:
        query = query_parse(request.GET, at=at)
        dashboard = _dashboard(query, Scope(level=query.level), at, units=True)
    except IndicatorError as error:
        return _error(request, error)
    report, units = dashboard.report, dashboard.units
    levels = dict(Agency.objects.filter(pk__in=[r.agency_id for r in units[1:]]).values_list("pk", "level"))
    ranks = p.rankings(units[1:], levels, query)
    communes = _communes_map(units[1:], query, at)
    if query.export:
        builders: Builders = {
            "chi-so": lambda: p.indicator_table(report, query),
            "xu-huong": lambda: _trend(query, dashboard)[0],
        }
        if communes is not None:
            builders[communes.key] = communes.table
        for ranking in ranks:
            builders[ranking.table.key] = partial(_same, ranking.table)
        return _export(request, query, builders, f"chi-so-{query.period.key}")
    trend_table, trend_chart = _trend(query, dashboard)
    context = {
        **_form_context(query, at),
        "report": report,
        "headline": p.headline(report),
        "groups_chart": p.groups_chart(report),
        "indicators": p.indicator_table(report, query),
        "trend_table": trend_table,
        "trend_chart": trend_chart,
        "rankings": ranks,
        "communes": communes,
        "communes_table": communes.table() if communes is not None else None,
        "targets_url": _targets_url(),
        "freshness": _freshness(),
    }
    return render(request, "indicators/overview.html", context)


# --- one agency ------------------------------------------------------------------------------------


@replica_view
def agency(request: HttpRequest, code: str) -> HttpResponse:
    at = timezone.now()
    query: Query | None = None
    try:
        query = dataclasses.replace(query_parse(request.GET, at=at, agency=code), level_key="", procedure="")
        scope = Scope(agency=code)
        dashboard = _dashboard(query, scope, at)
        report = dashboard.report
        rows = dossier_breakdown(period=query.period, scope=scope, at=at, structure=query.structure, by="procedure")
        in_force = indicator_procedures(
            "PUBLIC_CONTENT_FULL", query.period, scope, Part.DENOMINATOR, at=at, structure=query.structure
        )
    except IndicatorError as error:
        return _error(request, error, query=query)
    listed = {r.key for r in rows}
    rows += [BreakdownRow(key=proc.pk, procedure=proc) for proc in in_force if proc.pk not in listed]
    q = query

    def procedures_table() -> Table:
        return p.breakdown_table(
            rows,
            q,
            key="thu-tuc",
            title="Thủ tục hành chính của cơ quan",
            first=["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"],
            label=lambda r: [
                Cell.of(r.procedure.code, href=p.procedure_href(q, r.procedure.code)),
                Cell.of(r.procedure.name),
                Cell.of(r.procedure.field.name),
            ],
            scope=lambda r: {"thu-tuc": r.procedure.code},
        )

    if query.export:
        builders: Builders = {
            "chi-so": lambda: p.indicator_table(report, q),
            "xu-huong": lambda: _trend(q, dashboard)[0],
            "thu-tuc": procedures_table,
        }
        return _export(request, query, builders, f"chi-so-{code}-{query.period.key}")
    trend_table, trend_chart = _trend(query, dashboard)
    context = {
        **_form_context(query, at),
        "code": code,
        "report": report,
        "headline": p.headline(report),
        "groups_chart": p.groups_chart(report),
        "indicators": p.indicator_table(report, query),
        "trend_table": trend_table,
        "trend_chart": trend_chart,
        "breakdown": procedures_table(),
        "freshness": _freshness(),
    }
    return render(request, "indicators/agency.html", context)


# --- one procedure ---------------------------------------------------------------------------------


@replica_view
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    at = timezone.now()
    query: Query | None = None
    try:
        query = dataclasses.replace(query_parse(request.GET, at=at, procedure=code), agency="")
        found = Procedure.objects.select_related("field").filter(code=code).first()
        if found is None:
            raise IndicatorError(IndicatorErrorCode.UNKNOWN_SCOPE, f"Không tìm thấy thủ tục có mã «{code}».")
        scope = query.scope
        dashboard = _dashboard(query, scope, at)
        report = dashboard.report
        rows = dossier_breakdown(period=query.period, scope=scope, at=at, structure=query.structure, by="agency")
    except IndicatorError as error:
        return _error(request, error, query=query)
    q = query

    def agencies_table() -> Table:
        return p.breakdown_table(
            rows,
            q,
            key="co-quan",
            title="Theo cơ quan giải quyết",
            first=["Cơ quan"],
            label=lambda r: [Cell.of(r.agency.name, href=p.agency_href(q, r.agency.code))],
            scope=lambda r: {"co-quan": r.agency.code},
        )

    if query.export:
        builders: Builders = {
            "chi-so": lambda: p.indicator_table(report, q),
            "xu-huong": lambda: _trend(q, dashboard)[0],
            "co-quan": agencies_table,
        }
        return _export(request, query, builders, f"chi-so-{code}-{query.period.key}")
    trend_table, trend_chart = _trend(query, dashboard)
    context = {
        **_form_context(query, at),
        "procedure": found,
        "report": report,
        "headline": p.headline(report),
        "groups_chart": p.groups_chart(report),
        "indicators": p.indicator_table(report, query),
        "trend_table": trend_table,
        "trend_chart": trend_chart,
        "breakdown": agencies_table(),
        "freshness": _freshness(),
    }
    return render(request, "indicators/procedure.html", context)


# --- the drill-down --------------------------------------------------------------------------------

PROCEDURE_LISTS = ("PUBLIC_CONTENT_FULL", "ONLINE_PROCEDURES", "PAYMENT_PROCEDURES_USED")


@replica_view
def dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers (or procedures, services) counted in one figure; the count shown is the figure."""
    at = timezone.now()
    try:
        query = query_parse(request.GET, at=at)
        code, part = part_parse(request.GET)
        indicator = BY_CODE.get(code)
        if indicator is None:
            raise IndicatorError(IndicatorErrorCode.UNKNOWN_INDICATOR, f"Không có chỉ số mã «{code}».")
        args = (code, query.period, query.scope, part)
        table = Table(key="danh-sach", title="Danh sách", headers=[])
        page = None
        if code in PROCEDURE_LISTS:
            items = list(indicator_procedures(*args, at=at, structure=query.structure))
            table.headers = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"]
            table.rows = [
                Row([Cell.of(i.code, href=p.procedure_href(query, i.code)), Cell.of(i.name), Cell.of(i.field.name)])
                for i in items
            ]
            count, noun = len(items), "thủ tục"
        elif code == "ONLINE_SERVICES_USED":
            pairs = indicator_services(*args, at=at, structure=query.structure)
            table.headers = ["Cơ quan", "Mã thủ tục", "Tên thủ tục"]
            table.rows = [
                Row([Cell.of(a.name, href=p.agency_href(query, a.code)), Cell.of(t.code), Cell.of(t.name)])
                for a, t in pairs
            ]
            count, noun = len(pairs), "dịch vụ"
        else:
            found = indicator_dossiers(*args, at=at, structure=query.structure)
            table.headers = p.DOSSIER_HEADERS
            staff = request.user.is_authenticated
            if query.export:
                table.rows = p.dossier_rows(list(found), staff=False)
                count = len(table.rows)
            else:
                page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("trang"))
                table.rows = p.dossier_rows(list(page.object_list), staff=staff)
                count = page.paginator.count
            noun = "hồ sơ"
    except IndicatorError as error:
        return _error(request, error, query=None)
    if query.export:
        table.key = f"{code}-{'tu-so' if part == Part.NUMERATOR else 'mau-so'}"
        return table_export(table, fmt=query.export, stem=f"chi-so-{query.period.key}")
    back = reverse("indicators_web:overview")
    if query.agency:
        back = reverse("indicators_web:agency", args=[query.agency])
    elif query.procedure:
        back = reverse("indicators_web:procedure", args=[query.procedure])
    context = {
        **_form_context(query, at),
        "indicator": indicator,
        "part": part,
        "part_label": "Tử số" if part == Part.NUMERATOR else "Mẫu số",
        "definition": indicator.numerator if part == Part.NUMERATOR else indicator.denominator,
        "dossier_based": code in DOSSIER_INDICATORS,
        "count": count,
        "count_text": p.vn_int(count),
        "noun": noun,
        "table": table,
        "page": page,
        "back": back + "?" + query.querystring(**{"co-quan": "", "thu-tuc": ""}),
        "export_query": query.querystring(**{"chi-tieu": code, "phan": request.GET.get("phan", "")}),
        "page_query": query.querystring(**{"chi-tieu": code, "phan": request.GET.get("phan", "")}),
    }
    return render(request, "indicators/dossiers.html", context)

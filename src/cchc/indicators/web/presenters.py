"""Shaping the engine's reports for the dashboard templates, the charts and the exports.

Every table a page shows is an :class:`cchc.indicators.exports.Table` built here, rendered by the
template and written by the CSV/XLSX export alike. Numbers are shown the Vietnamese way (1.523;
78,85); "no data" is the text "Chưa có dữ liệu" with its reason, never a number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from cchc.common.numbers import vi_number
from cchc.dossiers.models import Dossier
from cchc.indicators.compute import CATALOGUE_INDICATORS, IndicatorResult, Report
from cchc.indicators.constants import NO_DATA, Group, Status
from cchc.indicators.definitions import DAYS, HOURS, Indicator
from cchc.indicators.exports import Cell, Row, Table
from cchc.indicators.periods import VN_TZ, Period
from cchc.indicators.rollups import BACKLOG_COUNTED, Freshness
from cchc.indicators.selectors import DOSSIER_INDICATORS
from cchc.indicators.web.breakdowns import BreakdownRow
from cchc.indicators.web.params import Query
from cchc.org.constants import Level

TWO = Decimal("0.01")
MONTH_NAMES = [f"T{m}" for m in range(1, 13)]

# --- numbers ---------------------------------------------------------------------------------------


def vn_int(value: int) -> str:
    return vi_number(value)


def vn_decimal(value: Decimal | Fraction | float, places: int = 2) -> str:
    """``value`` with ``places`` decimals in the one number format (``cchc.common.numbers``)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return vi_number(value, places)


def points(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO, rounding=ROUND_HALF_UP)


def local(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(VN_TZ):%d/%m/%Y %H:%M}"


def freshness_note(freshness: Freshness) -> str:
    """What the dashboards say when the rollups lag behind the dossiers (empty when they do not): up
    to when the figures are complete and how many dossier changes wait to be counted, both computed
    from the outbox (:func:`cchc.indicators.subscribers.subscriber_freshness`)."""
    if not freshness.lagging or freshness.as_of is None:
        return ""
    moment = freshness.as_of.astimezone(VN_TZ)
    count = vn_int(freshness.backlog) if freshness.backlog < BACKLOG_COUNTED else f"hơn {vn_int(BACKLOG_COUNTED)}"
    return (
        f"Số liệu cập nhật đến {moment:%H:%M} ngày {moment:%d/%m/%Y}; còn {count} thay đổi hồ sơ "
        "đang chờ được tổng hợp, các con số sẽ tự cập nhật."
    )


# --- links -----------------------------------------------------------------------------------------


def drillable(indicator: Indicator, result: IndicatorResult, part: str) -> bool:
    """A figure is a link when the platform can list what it counts."""
    if result.status in (Status.NO_DATA, Status.NOT_APPLICABLE) or not indicator.has_data:
        return False
    if indicator.code == "PROCESSING_TIME_AVG":
        return part == "den"  # the numerator is a sum of durations
    return indicator.code in DOSSIER_INDICATORS or indicator.code in CATALOGUE_INDICATORS


def drill_href(query: Query, code: str, part: str, **scope: str) -> str:
    return reverse("indicators_web:dossiers") + "?" + query.querystring(**{"chi-tieu": code, "phan": part}, **scope)


@lru_cache(maxsize=4096)
def _path(root: str, urlconf: str | None, prefix: str, name: str, code: str) -> str:
    return reverse(name, args=[code])


def _scope_path(name: str, code: str) -> str:
    """``reverse(name, args=[code])``, kept per process (a ranking links some 80 agencies; ``reverse`` is
    slow): keyed by everything it depends on, the URL configuration and the script prefix."""
    return _path(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name, code)


def _scope_query(query: Query) -> str:
    return "?" + query.querystring(**{"co-quan": "", "thu-tuc": ""})


def agency_href(query: Query, code: str) -> str:
    return _scope_path("indicators_web:agency", code) + _scope_query(query)


def procedure_href(query: Query, code: str) -> str:
    return _scope_path("indicators_web:procedure", code) + _scope_query(query)


# --- the headline and the groups -------------------------------------------------------------------


@dataclass
class Headline:
    total: str
    measured_max: int
    excluded: list[IndicatorResult]
    groups: list[dict[str, Any]]
    national_total: str = ""
    national_max: int = 100
    excluded_points: int = 0

    @property
    def measured_text(self) -> str:
        return f"{self.total}/{self.measured_max} điểm đo được"


def headline(report: Report) -> Headline:
    groups = [
        {
            "key": g.group.value,
            "name": g.group.label,
            "score": vn_decimal(g.score),
            "measured_max": g.measured_max,
            "max_points": g.max_points,
            "excluded": len(g.excluded),
        }
        for g in report.groups
    ]
    return Headline(
        total=vn_decimal(report.total),
        measured_max=report.measured_max,
        excluded=report.excluded,
        groups=groups,
        national_total=vn_decimal(report.national_total),
        national_max=report.national_max,
        excluded_points=report.national_max - report.measured_max,
    )


def groups_chart(report: Report) -> dict[str, Any]:
    """Bar chart data: each group's score, the maximum measured and the group's maximum."""
    return {
        "kind": "groups",
        "labels": [g.group.label for g in report.groups],
        "scores": [float(points(g.score)) for g in report.groups],
        "measured": [g.measured_max for g in report.groups],
        "max": [g.max_points for g in report.groups],
    }


# --- the indicator table ---------------------------------------------------------------------------

INDICATOR_HEADERS = [
    "STT (QĐ 766)",
    "Chỉ số",
    "Tử số",
    "Mẫu số",
    "Tỷ lệ",
    "Mục tiêu (%)",
    "Điểm",
    "Điểm tối đa",
    "Ghi chú",
    "Mã chỉ số",
]


def _figure(value: int | None, href: str) -> Cell:
    if value is None:
        return Cell(text="—", value=None)
    return Cell(text=vn_int(value), value=value, href=href, numeric=True)


def indicator_row(result: IndicatorResult, query: Query, **scope: str) -> Row:
    i = result.indicator
    note = result.reason
    if i.note and result.status not in (Status.NO_DATA, Status.NOT_APPLICABLE):
        note = f"{note} {i.note}".strip()
    head = [Cell.of(i.formula), Cell.of(i.name)]
    code = Cell.of(i.code)
    tail_max = Cell(text=str(i.max_points) if i.scored else "—", value=i.max_points if i.scored else None, numeric=True)
    target = Cell(
        text="—" if i.target_percent is None else vn_decimal(i.target_percent, 0),
        value=None if i.target_percent is None else float(i.target_percent),
        numeric=True,
    )
    if result.status == Status.NO_DATA:
        dash = Cell(text="—", value=None, numeric=True)
        cells = [*head, Cell(text=NO_DATA, value=None), dash, dash, target, dash, tail_max, Cell.of(note), code]
        return Row(cells, css="no-data")
    if result.status == Status.NOT_APPLICABLE:
        dash = Cell(text="—", value=None, numeric=True)
        score = Cell(text=vn_decimal(result.score or 0), value=float(points(result.score or Fraction(0))), numeric=True)
        cells = [
            *head,
            Cell(text="Không áp dụng", value=None),
            dash,
            dash,
            target,
            score,
            tail_max,
            Cell.of(note),
            code,
        ]
        return Row(cells, css="not-applicable")
    if i.code == "PROCESSING_TIME_AVG":
        unit, unit_seconds = HOURS if result.ratio_unit == HOURS[0] else DAYS
        total = Fraction(result.numerator or 0, unit_seconds)
        numerator = Cell(text=f"{vn_decimal(total)} {unit}", value=float(points(total)), numeric=True)
    else:
        numerator = _figure(
            result.numerator, drill_href(query, i.code, "num", **scope) if drillable(i, result, "num") else ""
        )
    denominator = _figure(
        result.denominator, drill_href(query, i.code, "den", **scope) if drillable(i, result, "den") else ""
    )
    if result.percent is None:
        ratio = Cell(text="N/A", value=None, numeric=True)
    elif i.code == "PROCESSING_TIME_AVG":
        ratio = Cell(
            text=f"{vn_decimal(result.percent)} {result.ratio_unit}", value=float(result.percent), numeric=True
        )
    else:
        ratio = Cell(text=f"{vn_decimal(result.percent)} %", value=float(result.percent), numeric=True)
    if result.score is None:
        score = Cell(text="—" if not i.scored else "N/A", value=None, numeric=True)
    else:
        score = Cell(text=vn_decimal(result.score), value=float(points(result.score)), numeric=True)
    css = "empty" if result.status == Status.EMPTY else ""
    return Row([*head, numerator, denominator, ratio, target, score, tail_max, Cell.of(note), code], css=css)


def indicator_table(report: Report, query: Query, **scope: str) -> Table:
    table = Table(key="chi-so", title="Các chỉ số", headers=INDICATOR_HEADERS)
    for g in report.groups:
        table.rows.append(
            Row(
                [],
                heading=f"{g.group.label}: {vn_decimal(g.score)}/{g.measured_max} điểm đo được (tối đa {g.max_points})",
            )
        )
        table.rows.extend(indicator_row(r, query, **scope) for r in g.results)
    return table


# --- the trend -------------------------------------------------------------------------------------


def trend(reports: Sequence[tuple[Period, Report]], year: int) -> tuple[Table, dict[str, Any]]:
    """Month by month over the year: total and group scores; months not yet begun are left blank."""
    by_month = {p.first.month: r for p, r in reports}
    headers = ["Tháng", "Tổng điểm", "Điểm đo được", *[g.label for g in Group]]
    table = Table(key="xu-huong", title=f"Diễn biến theo tháng năm {year}", headers=headers)
    series: dict[str, list[float | None]] = {"total": [], **{g.value: [] for g in Group}}
    for month in range(1, 13):
        report = by_month.get(month)
        label = f"Tháng {month}/{year}"
        if report is None or report.measured_max == 0:
            for values in series.values():
                values.append(None)
            if report is not None:
                blank = Cell(text=NO_DATA, value=None)
                table.rows.append(Row([Cell.of(label), blank, blank, *[blank for _ in Group]], css="no-data"))
            continue
        total = points(report.total)
        series["total"].append(float(total))
        cells = [Cell.of(label), Cell(text=vn_decimal(total), value=float(total), numeric=True)]
        cells.append(Cell(text=str(report.measured_max), value=report.measured_max, numeric=True))
        for g in report.groups:
            value = points(g.score)
            series[g.group.value].append(float(value))
            cells.append(Cell(text=vn_decimal(value), value=float(value), numeric=True))
        table.rows.append(Row(cells))
    chart = {
        "kind": "trend",
        "months": MONTH_NAMES,
        "series": [{"name": "Tổng điểm", "data": series["total"]}]
        + [{"name": g.label, "data": series[g.value]} for g in Group],
    }
    return table, chart


# --- the ranking -----------------------------------------------------------------------------------

LEVEL_SECTIONS = {
    Level.PROVINCE: ("so-nganh", "Sở, ban, ngành và cơ quan cấp tỉnh"),
    Level.DISTRICT: ("huyen", "Cấp huyện (trước 01/7/2025)"),
    Level.COMMUNE: ("xa", "Xã, phường, đặc khu"),
}


@dataclass
class Ranking:
    key: str
    title: str
    table: Table
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"


def rankings(reports: Sequence[Report], levels: dict[int, str], query: Query) -> list[Ranking]:
    """One ranking per government level (filtered by ``query.level``), best total first.

    Ranked by total points, as the national portal does; the column "điểm đo được" says out of how
    many points each total was measured (indicators without data are left out, not counted as 0).
    """
    found: list[Ranking] = []
    tail = _scope_query(query)
    for level, (key, title) in LEVEL_SECTIONS.items():
        if query.level and query.level != level:
            continue
        chosen = [r for r in reports if r.agency_id is not None and levels.get(r.agency_id) == level]
        if not chosen:
            continue
        chosen.sort(key=lambda r: (-r.total, r.scope_label))
        headers = [
            "Hạng",
            "Cơ quan",
            "Tổng điểm",
            "Điểm đo được",
            "Tỷ lệ đạt (%)",
            "Hồ sơ (mẫu số 2.1)",
            "Đúng hạn (%)",
        ]
        table = Table(key=f"xep-hang-{key}", title=f"Xếp hạng: {title}", headers=headers)
        for rank, report in enumerate(chosen, start=1):
            total = points(report.total)
            share = (
                (Decimal(100) * total / report.measured_max).quantize(TWO, rounding=ROUND_HALF_UP)
                if report.measured_max
                else None
            )
            progress = report.results["PROGRESS_ON_TIME"]
            percent = progress.percent
            code = report.scope.get("agency", "")
            table.rows.append(
                Row(
                    [
                        Cell.of(rank, str(rank)),
                        Cell.of(
                            report.scope_label, href=_scope_path("indicators_web:agency", code) + tail if code else ""
                        ),
                        Cell(text=vn_decimal(total), value=float(total), numeric=True),
                        Cell(text=str(report.measured_max), value=report.measured_max, numeric=True),
                        Cell(text="—" if share is None else vn_decimal(share), value=share, numeric=True),
                        Cell(text=vn_int(progress.denominator or 0), value=progress.denominator or 0, numeric=True),
                        Cell(text="N/A", value=None, numeric=True)
                        if percent is None or progress.status != Status.COMPUTED
                        else Cell(text=vn_decimal(percent), value=float(percent), numeric=True),
                    ]
                )
            )
        top = chosen[:15]
        chart = {
            "kind": "ranking",
            "labels": [r.scope_label for r in top],
            "values": [float(points(r.total)) for r in top],
            "measured": [r.measured_max for r in top],
        }
        found.append(Ranking(key=key, title=title, table=table, chart=chart))
    return found


# --- breakdowns (an agency's procedures, a procedure's agencies) -----------------------------------

BREAKDOWN_HEADERS = [
    "Hồ sơ tiếp nhận",
    "Nộp trực tuyến",
    "Trực tuyến (%)",
    "Hồ sơ tính tiến độ (2.1)",
    "Đúng hạn",
    "Đúng hạn (%)",
]


def _percent(numerator: int, denominator: int) -> Cell:
    if not denominator:
        return Cell(text="N/A", value=None, numeric=True)
    value = (Decimal(100 * numerator) / denominator).quantize(TWO, rounding=ROUND_HALF_UP)
    return Cell(text=f"{vn_decimal(value)} %", value=value, numeric=True)


def breakdown_table(
    rows: Sequence[BreakdownRow],
    query: Query,
    *,
    key: str,
    title: str,
    first: list[str],
    label: Callable[..., list[Cell]],
    scope: Callable[[BreakdownRow], dict[str, str]],
) -> Table:
    table = Table(key=key, title=title, headers=[*first, *BREAKDOWN_HEADERS])
    for row in rows:
        extra = scope(row)

        def figure(code: str, part: str, _row: BreakdownRow = row, _extra: dict[str, str] = extra) -> Cell:
            return _figure(_row.get(code, part), drill_href(query, code, part, **_extra))

        cells = [
            *label(row),
            figure("ONLINE_SUBMISSION", "den"),
            figure("ONLINE_SUBMISSION", "num"),
            _percent(row.get("ONLINE_SUBMISSION", "num"), row.get("ONLINE_SUBMISSION", "den")),
            figure("PROGRESS_ON_TIME", "den"),
            figure("PROGRESS_ON_TIME", "num"),
            _percent(row.get("PROGRESS_ON_TIME", "num"), row.get("PROGRESS_ON_TIME", "den")),
        ]
        table.rows.append(Row(cells))
    return table


# --- the drill-down lists --------------------------------------------------------------------------

# "Hạn giải quyết": the statutory appointment lateness is judged by (an apology's new one does not count)
DOSSIER_HEADERS = [
    "Mã hồ sơ",
    "Thủ tục",
    "Cơ quan giải quyết",
    "Tiếp nhận",
    "Hạn giải quyết",
    "Kết thúc xử lý",
    "Trạng thái",
]


def dossier_rows(dossiers: Sequence[Dossier], *, staff: bool) -> list[Row]:
    rows = []
    for d in dossiers:
        procedure = d.procedure_version.procedure
        end = getattr(d, "end_of_processing", None)
        href = reverse("dossiers_web:dossier", args=[d.code]) if staff and d.code else ""
        rows.append(
            Row(
                [
                    Cell(text=d.code or f"#{d.pk}", value=d.code, href=href),
                    Cell(
                        text=f"{procedure.code} — {d.procedure_version.name}",
                        value=f"{procedure.code} {d.procedure_version.name}",
                    ),
                    Cell.of(d.competent_agency.name),
                    Cell(text=local(d.received_at), value=d.received_at),
                    Cell(text=local(d.statutory_due_at) or "—", value=d.statutory_due_at),
                    Cell(text=local(end) or "—", value=end),
                    Cell.of(d.get_status_display()),
                ]
            )
        )
    return rows

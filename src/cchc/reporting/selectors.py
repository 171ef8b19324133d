"""Reads of the periodic CCHC reports: periods and their default deadlines, who must report, what an
officer may do, the reports with their sections, the compliance table and the figures.

legal: the agencies that report to Sở Nội vụ are the provincial departments, boards and the People's
Committee Office, and the commune-level People's Committees (program QĐ 4831/QĐ-UBND, section V.1:
"các sở, ban, ngành ..., Ủy ban nhân dân cấp huyện, cấp xã"; since 1/7/2025 no district level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_list_valid_on
from cchc.common.numbers import vi_number
from cchc.indicators.compute import IndicatorResult, Report, indicators_compute, indicators_compute_units
from cchc.indicators.constants import Source, Status
from cchc.indicators.definitions import INDICATORS, Indicator
from cchc.indicators.periods import VN_TZ, Period, period_parse
from cchc.indicators.periods import PeriodKind as EnginePeriodKind
from cchc.indicators.scopes import Scope
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency
from cchc.program.models import Program, ReformArea
from cchc.reporting.constants import (
    CLOSING_DAYS,
    DUE_DAY,
    SO_NOI_VU,
    PeriodKind,
    ReportError,
    ReportErrorCode,
    ReportStatus,
    Timeliness,
)
from cchc.reporting.models import (
    AgencyReport,
    AgencyReportSection,
    ManualFigure,
    ProvinceReport,
    ProvinceReportSection,
    ReportPeriod,
)

# Indicators whose facts the platform does not hold: the agency may enter them by hand.
MANUAL_CODES: frozenset[str] = frozenset(i.code for i in INDICATORS if not i.has_data)
REPORTING_PROVINCE_KINDS = (AgencyKind.DEPARTMENT, AgencyKind.BOARD, AgencyKind.COMMITTEE_OFFICE)
_KINDS = {
    EnginePeriodKind.QUARTER: PeriodKind.QUARTER,
    EnginePeriodKind.HALF: PeriodKind.HALF,
    EnginePeriodKind.YEAR: PeriodKind.YEAR,
}


# --- periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodDefaults:
    key: str
    kind: PeriodKind
    first_day: date
    last_day: date
    due_on: date
    closes_on: date


def period_defaults(*, key: str) -> PeriodDefaults:
    """A quarter (``2025-Q4``), half-year (``2025-H2``) or year (``2025``) with its default deadline: the
    15th of its last month (the day after the NĐ 09/2019/NĐ-CP cut-off on the 14th), and closing date:
    30 days later. Raises ``ReportError(report.invalid_period)`` for anything else."""
    try:
        period = period_parse(key)
    except Exception as error:  # IndicatorError: re-raised with this app's code
        raise ReportError(ReportErrorCode.INVALID_PERIOD, str(error)) from None
    kind = _KINDS.get(period.kind)
    if kind is None:
        raise ReportError(
            ReportErrorCode.INVALID_PERIOD,
            f"Kỳ báo cáo «{key}» không hợp lệ: chỉ lập báo cáo theo quý (2025-Q4), 6 tháng (2025-H2) hoặc năm (2025).",
        )
    due = period.last.replace(day=DUE_DAY)
    return PeriodDefaults(period.key, kind, period.first, period.last, due, due + timedelta(days=CLOSING_DAYS))


def period_list() -> QuerySet[ReportPeriod]:
    return ReportPeriod.objects.order_by("-last_day", "kind")


def period_get(*, key: str) -> ReportPeriod:
    """The period by key (``ReportPeriod.DoesNotExist`` otherwise)."""
    return ReportPeriod.objects.get(key=key)


def last_finished_quarter(*, today: date) -> str:
    """``2025-Q4`` for any day of 2026-Q1."""
    quarter = (today.month - 1) // 3  # the current quarter minus one, 0 = Q4 of last year
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


# --- who reports, who may act ----------------------------------------------------------------------


def reporting_agencies(*, on: date) -> QuerySet[Agency]:
    """The agencies that must report on ``on``: provincial departments, boards and the People's Committee
    Office, then the commune-level People's Committees, by level and name."""
    return (
        Agency.objects.valid_on(on)
        .filter(
            level__in=[Level.PROVINCE, Level.COMMUNE],
            kind__in=[*REPORTING_PROVINCE_KINDS, AgencyKind.PEOPLES_COMMITTEE],
        )
        .exclude(level=Level.PROVINCE, kind=AgencyKind.PEOPLES_COMMITTEE)
        .select_related("parent", "unit")
        .order_by("-level", "name", "pk")  # "province" > "commune": departments first
    )


@dataclass(frozen=True)
class ReportScope:
    """What an officer may do on a day: review every report (Sở Nội vụ staff, superusers) and write the
    reports of the agencies they hold a membership at."""

    reviewer: bool
    agency_ids: frozenset[int]
    superuser: bool = False

    def may_write(self, agency_id: int) -> bool:
        return self.superuser or agency_id in self.agency_ids

    def may_see(self, agency_id: int) -> bool:
        return self.reviewer or agency_id in self.agency_ids

    @property
    def empty(self) -> bool:
        return not self.reviewer and not self.agency_ids


def report_scope(*, user: AbstractBaseUser | None, on: date) -> ReportScope:
    """Rule: staff write their own agency's report (a membership valid on ``on``, any role); staff of Sở
    Nội vụ review and consolidate (program QĐ 4831 section V.2); superusers may do both."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return ReportScope(False, frozenset())
    rows = list(membership_list_valid_on(on=on, area=Area.REPORTS, user=user).values_list("agency_id", "agency__code"))
    superuser = bool(getattr(user, "is_superuser", False))
    reviewer = superuser or any(code == SO_NOI_VU for _, code in rows)
    return ReportScope(reviewer, frozenset(pk for pk, _ in rows), superuser)


# --- reports ----------------------------------------------------------------------------------------


def program_areas(*, program: Program) -> list[ReformArea]:
    return list(program.areas.order_by("number"))


def agency_report_find(*, period: ReportPeriod, agency: Agency) -> AgencyReport | None:
    return agency_report_queryset().filter(period=period, agency=agency).first()


def agency_report_queryset() -> QuerySet[AgencyReport]:
    return AgencyReport.objects.select_related(
        "period", "agency", "program", "submitted_by", "returned_by", "accepted_by"
    ).prefetch_related(
        Prefetch("sections", queryset=AgencyReportSection.objects.select_related("area").order_by("area__number")),
        Prefetch("manual_figures", queryset=ManualFigure.objects.order_by("code")),
    )


def agency_reports_for_user(*, scope: ReportScope) -> QuerySet[AgencyReport]:
    """The officer's own agencies' reports, newest period first."""
    return (
        AgencyReport.objects.filter(agency_id__in=sorted(scope.agency_ids))
        .select_related("period", "agency")
        .order_by("-period__last_day", "agency__name")
    )


def review_queue(*, period: ReportPeriod) -> QuerySet[AgencyReport]:
    """Reports of the period waiting for Sở Nội vụ (submitted or resubmitted), oldest first."""
    return (
        AgencyReport.objects.filter(period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED])
        .select_related("agency")
        .order_by("submitted_at", "pk")
    )


# --- compliance -------------------------------------------------------------------------------------


@dataclass
class ComplianceRow:
    agency: Agency
    report: AgencyReport | None
    timeliness: Timeliness
    overdue: bool  # not sent and the deadline has passed


@dataclass
class Compliance:
    period: ReportPeriod
    rows: list[ComplianceRow]
    counts: dict[str, int] = field(default_factory=dict)  # Timeliness value -> agencies
    by_level: dict[str, dict[str, int]] = field(default_factory=dict)  # Level value -> counts

    @property
    def expected(self) -> int:
        return len(self.rows)

    def chart(self) -> dict[str, Any]:
        """Data for the stacked bar chart (categories: levels; series: on time, late, not sent)."""
        levels = [Level.PROVINCE, Level.COMMUNE]
        return {
            "categories": ["Sở, ban, ngành" if lv == Level.PROVINCE else "UBND cấp xã" for lv in levels],
            "series": [
                {"name": t.label, "key": t.value, "data": [self.by_level.get(lv, {}).get(t.value, 0) for lv in levels]}
                for t in Timeliness
            ],
        }


def compliance_for_period(*, period: ReportPeriod, at: datetime) -> Compliance:
    """Every agency that must report (valid on the period's last day), with its report and whether it
    was sent on time (first submission by the end of the deadline), late, or not at all. Two queries."""
    agencies = list(reporting_agencies(on=period.last_day))
    reports = {
        r.agency_id: r
        for r in AgencyReport.objects.filter(period=period, agency_id__in=[a.pk for a in agencies]).select_related(
            "submitted_by"
        )
    }
    rows: list[ComplianceRow] = []
    counts = {t.value: 0 for t in Timeliness}
    by_level: dict[str, dict[str, int]] = {}
    for agency in agencies:
        report = reports.get(agency.pk)
        timeliness = Timeliness(report.timeliness) if report is not None else Timeliness.MISSING
        rows.append(
            ComplianceRow(agency, report, timeliness, timeliness == Timeliness.MISSING and at >= period.due_end)
        )
        counts[timeliness.value] += 1
        level = by_level.setdefault(agency.level, {t.value: 0 for t in Timeliness})
        level[timeliness.value] += 1
    return Compliance(period=period, rows=rows, counts=counts, by_level=by_level)


# --- figures ----------------------------------------------------------------------------------------


def figures_moment(*, period: ReportPeriod, at: datetime) -> datetime:
    """The moment figures are computed at: ``at``, but no later than the end of the period."""
    end = period.period.end
    return min(at, end)


@dataclass(frozen=True)
class FigureRow:
    """One indicator as an agency report shows it."""

    code: str
    formula: str
    name: str
    group: str
    unit: str
    status: str
    numerator: int | None
    denominator: int | None
    percent: str  # "85,71" / "" (N/A)
    ratio_unit: str
    manual: bool
    source: str
    reason: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _percent_text(value: Decimal | None) -> str:
    return "" if value is None else vi_number(value, 2)


def _manual_percent(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return ""
    return _percent_text((Decimal(numerator * 100) / Decimal(denominator)).quantize(Decimal("0.01")))


def _row(result: IndicatorResult, manual: ManualFigure | None) -> FigureRow:
    indicator: Indicator = result.indicator
    is_manual = indicator.code in MANUAL_CODES
    ratio_unit = indicator.unit if indicator.code == "PROCESSING_TIME_AVG" else "%"
    if is_manual and manual is not None:
        return FigureRow(
            indicator.code,
            indicator.formula,
            indicator.name,
            indicator.group.label,
            indicator.unit,
            "manual",
            manual.numerator,
            manual.denominator,
            _manual_percent(manual.numerator, manual.denominator),
            "%",
            True,
            "Cơ quan tự nhập (hệ thống chưa có dữ liệu)",
            note=manual.note,
        )
    return FigureRow(
        indicator.code,
        indicator.formula,
        indicator.name,
        indicator.group.label,
        indicator.unit,
        result.status.value,
        result.numerator,
        result.denominator,
        _percent_text(result.percent),
        ratio_unit,
        is_manual,
        Source(indicator.source).label,
        reason=result.reason if result.status in (Status.NO_DATA, Status.EMPTY, Status.NOT_APPLICABLE) else "",
    )


def agency_figures(
    *, agency: Agency, period: ReportPeriod, at: datetime, manual: list[ManualFigure] | None = None
) -> list[FigureRow]:
    """Every QĐ 766 indicator of the agency for the period, computed by the indicators engine at
    :func:`figures_moment`; the indicators without a data source carry the agency's manual figure."""
    result = indicators_compute(
        period=period.period, scope=Scope(agency=agency.code), at=figures_moment(period=period, at=at)
    )
    by_code = {m.code: m for m in manual or []}
    return [_row(r, by_code.get(code)) for code, r in result.results.items()]


def province_units(*, period: Period, at: datetime) -> list[Report]:
    """The province, then every reporting agency with figures (``indicators_compute_units``)."""
    return indicators_compute_units(period=period, at=at)


def units_as_data(units: list[Report]) -> list[dict[str, Any]]:
    """The units' figures as JSON-ready dicts (what an issued report freezes)."""
    data = []
    for unit in units:
        item = unit.as_dict()
        item["agency_id"] = unit.agency_id
        data.append(item)
    return data


def province_report_figures(*, report: ProvinceReport) -> dict[str, Any]:
    """The consolidated report's figures: frozen at issue, else computed now at ``report.figures_at``."""
    if report.is_issued and report.figures:
        return report.figures
    units = province_units(period=report.period.period, at=report.figures_at)
    return {"at": report.figures_at.astimezone(VN_TZ).isoformat(), "units": units_as_data(units)}


def province_report_get(*, period: ReportPeriod) -> ProvinceReport | None:
    return (
        ProvinceReport.objects.select_related("period", "program", "issued_by")
        .prefetch_related(
            Prefetch("sections", queryset=ProvinceReportSection.objects.select_related("area").order_by("area__number"))
        )
        .filter(period=period)
        .first()
    )


def accepted_reports(*, period: ReportPeriod) -> list[AgencyReport]:
    """The accepted reports of the period with their sections, departments before communes, by name."""
    return list(
        agency_report_queryset()
        .filter(period=period, status=ReportStatus.ACCEPTED)
        .order_by("-agency__level", "agency__name", "pk")
    )

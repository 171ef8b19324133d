"""Reads of the program's targets as measured: baseline, current value, trend, projection and status.

For every target linked to a series (``cchc.program.targets.services.target_links_sync``):

* **yearly points**, from the program's first year to the current one: the series' figure of each
  calendar year (Asia/Ho_Chi_Minh). Indicator series: the indicator engine (``cchc.indicators.compute``)
  over the year (the current year up to ``at``: a *partial* point); over catalogue fields, the
  numerators and denominators of the fields are added. Platform series:
  ``cchc.indicators.measures.measure_compute``. Manual series: the standing (not superseded) value
  whose period ends latest in that year. A year without figures is "no data" (``value=None``), never 0:
  years before the platform holds any dossier or published procedure are not computed at all;
* **baseline**: the point of the target's baseline year ("so với năm 2025"; else the program's first
  year) when it has a value, else the first measured point (the page says which);
* **current**: the latest measured point (for the running year: the year to date);
* **milestones**: the targets of the same series (the 2025 and the 2030 figure of one metric);
* **projection**: a straight line fitted by ordinary least squares to the measured yearly points
  (x = year, y = value, partial current year included as it stands), evaluated at the milestone year;
  with one point the line is flat (the value is assumed to stay). Shares (%) are clamped to 0..100;
* **status**: see :func:`target_status`.

Cost: a page reads targets, links and series, manual values, fields and two "first year with data"
aggregates (a fixed handful of queries), then every (year with data, scope) of the indicator series in
one batch (``cchc.indicators.compute.indicators_compute_grid``: organisation and catalogue
once, one rollup read of every year per field scope) and one query per year for platform
series: it does not grow with the number of targets, dossiers or values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Min

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_roles_held
from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.models import Field, ProcedureVersion
from cchc.common.text import fold_words
from cchc.dossiers.models import Dossier
from cchc.indicators.compute import Report, indicators_compute_grid
from cchc.indicators.constants import Status
from cchc.indicators.measures import measure_compute
from cchc.indicators.periods import VN_TZ, period_parse
from cchc.indicators.scopes import Scope
from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.org.selectors import agency_successors_map
from cchc.program.constants import Comparator, MeasureKind, TargetStatus
from cchc.program.models import MeasureSeries, Program, Target, TargetLink, TargetValue
from cchc.program.targets.rules import SO_NOI_VU

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
SHARE_COMPARATORS = frozenset({Comparator.AT_LEAST, Comparator.EQUAL, Comparator.AT_MOST})
COMPARATOR_SIGNS = {
    Comparator.AT_LEAST: "≥",
    Comparator.EQUAL: "",
    Comparator.AT_MOST: "≤",
    Comparator.REDUCE_BY: "giảm",
    Comparator.INCREASE_BY: "tăng",
}


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def target_label(comparator: str, value: Decimal, unit: str = "%") -> str:
    """ "≥ 30%", "80%", "giảm 10%"."""
    sign = COMPARATOR_SIGNS.get(Comparator(comparator), "")
    number = f"{value.normalize():f}".replace(".", ",")
    return f"{sign} {number}{unit}".strip()


@dataclass(frozen=True)
class YearPoint:
    year: int
    value: Decimal | None  # None: no data that year
    numerator: int | None = None
    denominator: int | None = None
    partial: bool = False  # the year (or the manual period) does not cover the whole year


@dataclass(frozen=True)
class Milestone:
    code: str
    year: int
    comparator: str
    value: Decimal

    @property
    def label(self) -> str:
        return target_label(self.comparator, self.value)


@dataclass(frozen=True)
class Projection:
    """``value(year) = intercept + slope × year`` (least squares over ``points`` years)."""

    slope: Fraction
    intercept: Fraction
    points: int
    share: bool

    def at(self, year: int) -> Decimal:
        value = _round(self.intercept + self.slope * year)
        if self.share:
            value = min(max(value, Decimal(0)), HUNDRED)
        return value


def projection_fit(points: Iterable[YearPoint], *, share: bool) -> Projection | None:
    """Ordinary least squares over the measured points; one point: a flat line; none: ``None``."""
    measured = [(p.year, Fraction(p.value)) for p in points if p.value is not None]
    if not measured:
        return None
    n = len(measured)
    mean_x = Fraction(sum(x for x, _ in measured), n)
    mean_y = sum((y for _, y in measured), Fraction(0)) / n
    sxx = sum(((x - mean_x) ** 2 for x, _ in measured), Fraction(0))
    slope = Fraction(0) if sxx == 0 else sum(((x - mean_x) * (y - mean_y) for x, y in measured), Fraction(0)) / sxx
    return Projection(slope=slope, intercept=mean_y - slope * mean_x, points=n, share=share)


def target_meets(comparator: str, value: Decimal, target: Decimal) -> bool:
    """Whether a figure reaches a target: "≤" targets at most the value, every other one at least it.

    A bare "80 % hồ sơ ..." (``eq``) is a share to reach, read as at least 80 %; for "giảm / tăng X %
    so với ..." the figure is the reduction / increase achieved, in %.
    """
    if comparator == Comparator.AT_MOST:
        return value <= target
    return value >= target


def target_status(
    *, comparator: str, target: Decimal, milestone_year: int, points: list[YearPoint], this_year: int, share: bool
) -> tuple[TargetStatus, str]:
    """Where a target stands, with the reason in words.

    Rule:

    1. no measured point at all: **chưa có dữ liệu**;
    2. milestone year already over (``milestone_year < this_year``): judged on that year's figure —
       it reaches the target (:func:`target_meets`): **đạt**, else **chậm tiến độ** (missed); no figure
       for that year: **chưa có dữ liệu**;
    3. milestone this year or later: the current (latest) figure reaches the target: **đạt**; else
       the projection (:func:`projection_fit`) at the milestone year reaches it: **đúng tiến độ**;
       else **chậm tiến độ**.
    """
    measured = [p for p in points if p.value is not None]
    goal = target_label(comparator, target)
    if not measured:
        return TargetStatus.NO_DATA, "Chưa có số liệu đo được cho năm nào."
    if milestone_year < this_year:
        at_milestone = next((p for p in measured if p.year == milestone_year), None)
        if at_milestone is None or at_milestone.value is None:
            return TargetStatus.NO_DATA, f"Không có số liệu năm {milestone_year} (năm mốc) để đánh giá."
        figure = _text(at_milestone.value)
        if target_meets(comparator, at_milestone.value, target):
            return TargetStatus.MET, f"Năm {milestone_year} đạt {figure}, chỉ tiêu {goal}."
        return TargetStatus.BEHIND, f"Năm {milestone_year} chỉ đạt {figure}, chưa đạt chỉ tiêu {goal}."
    current = measured[-1]
    assert current.value is not None
    if target_meets(comparator, current.value, target):
        return TargetStatus.MET, f"Số liệu năm {current.year} ({_text(current.value)}) đã đạt chỉ tiêu {goal}."
    projection = projection_fit(measured, share=share)
    assert projection is not None
    projected = projection.at(milestone_year)
    how = "giữ nguyên mức hiện nay (mới có số liệu một năm)" if projection.points == 1 else "theo xu hướng các năm"
    if target_meets(comparator, projected, target):
        return TargetStatus.ON_TRACK, f"Dự báo {how}: năm {milestone_year} đạt {_text(projected)}, chỉ tiêu {goal}."
    return TargetStatus.BEHIND, f"Dự báo {how}: năm {milestone_year} chỉ đạt {_text(projected)}, chỉ tiêu {goal}."


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + "%"


# --- progress of targets ---------------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    link: TargetLink | None
    series: MeasureSeries | None
    points: list[YearPoint] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    baseline: YearPoint | None = None
    baseline_is_first_measured: bool = False
    current: YearPoint | None = None
    projection: Projection | None = None
    projected: Decimal | None = None  # at the target's milestone year
    status: TargetStatus = TargetStatus.NO_DATA
    status_reason: str = ""
    field_codes: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    values: list[TargetValue] = field(default_factory=list)  # manual series: every value, newest first
    responsible: list[Agency] = field(default_factory=list)  # who carries the responsible agency's duty now
    this_year: int = 0  # the year the figures run to (the period shown)

    @property
    def milestone_past(self) -> bool:
        """The milestone year is over: the target is judged on that year's figure, nothing is forecast."""
        return self.target.milestone_year < self.this_year

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def goal(self) -> str:
        return target_label(self.target.comparator, self.target.value, self.target.unit)

    @property
    def link_stale(self) -> bool:
        """The target's metric changed since it was linked (a revised text): the link needs review."""
        return self.link is not None and self.link.matched_metric != fold_words(self.target.metric)

    @property
    def level_label(self) -> str:
        level = self.target.gov_level
        return str(Level(level).label) if level in Level.values else ""

    @property
    def kind(self) -> str:
        return self.series.kind if self.series is not None else ""

    @property
    def is_manual(self) -> bool:
        return self.kind == MeasureKind.MANUAL

    @property
    def share(self) -> bool:
        return self.target.comparator in SHARE_COMPARATORS

    @property
    def current_bar(self) -> Decimal:
        """The current figure as a bar width 0..100 (for the small chart of the list)."""
        if self.current is None or self.current.value is None:
            return Decimal(0)
        return min(max(self.current.value, Decimal(0)), HUNDRED)

    @property
    def projection_points(self) -> list[tuple[int, Decimal]]:
        """The fitted line from the first measured year to the last milestone year (for the chart)."""
        measured = [p.year for p in self.points if p.value is not None]
        if self.projection is None or not measured:
            return []
        last = max([m.year for m in self.milestones] + [self.target.milestone_year, measured[-1]])
        return [(year, self.projection.at(year)) for year in range(measured[0], last + 1)]

    @property
    def standing_values(self) -> list[TargetValue]:
        return [v for v in self.values if not _is_superseded(v)]


def _is_superseded(value: TargetValue) -> bool:
    try:
        value.superseded_by  # noqa: B018  # the reverse one-to-one raises when absent
    except TargetValue.DoesNotExist:
        return False
    return True


class _Measurer:
    """Yearly figures of series, each indicator computation done once per (year, scope)."""

    def __init__(self, *, at: datetime, first_year: int) -> None:
        self.at = at
        self.this_year = at.astimezone(VN_TZ).year
        self.first_year = first_year
        self._reports: dict[tuple[int, str], Report] = {}
        self._data_from: int | None = None
        self._data_from_read = False

    def data_from(self) -> int | None:
        """The first year in which the platform holds a received dossier or a published procedure."""
        if not self._data_from_read:
            years: list[int] = []
            received = Dossier.objects.aggregate(first=Min("received_at"))["first"]
            published = ProcedureVersion.objects.filter(
                status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
            ).aggregate(first=Min("published_at"))["first"]
            for moment in (received, published):
                if moment is not None:
                    years.append(moment.astimezone(VN_TZ).year)
            self._data_from = min(years) if years else None
            self._data_from_read = True
        return self._data_from

    def years(self) -> range:
        return range(self.first_year, self.this_year + 1)

    def prepare(self, field_codes: Iterable[str]) -> None:
        """Compute every year with data for the province (``""``) and these fields in one batch of the
        indicator engine (:func:`cchc.indicators.compute.indicators_compute_grid`)."""
        wanted = [code for code in dict.fromkeys(field_codes) if not any(k[1] == code for k in self._reports)]
        years = [year for year in self.years() if self._computable(year)]
        if not wanted or not years:
            return
        grid = indicators_compute_grid(
            periods=[period_parse(str(year)) for year in years],
            scopes=[Scope(field=code) for code in wanted],
            at=self.at,
        )
        for code, reports in zip(wanted, grid, strict=True):
            for year, report in zip(years, reports, strict=True):
                self._reports[(year, code)] = report

    def _report(self, year: int, field_code: str) -> Report:
        if (year, field_code) not in self._reports:
            self.prepare([field_code])
        return self._reports[(year, field_code)]

    def _computable(self, year: int) -> bool:
        start = self.data_from()
        return start is not None and year >= start

    def indicator_points(self, code: str, field_codes: list[str] | None) -> list[YearPoint]:
        """``field_codes`` None: the province; a list: the sum over those fields (empty list: no data)."""
        points = []
        for year in self.years():
            partial = year == self.this_year
            if not self._computable(year) or field_codes == []:
                points.append(YearPoint(year, None, partial=partial))
                continue
            numerator = denominator = 0
            for field_code in field_codes or [""]:
                result = self._report(year, field_code).results[code]
                if result.status in (Status.COMPUTED, Status.DISPLAY, Status.EMPTY):
                    numerator += result.numerator or 0
                    denominator += result.denominator or 0
            value = _round(Fraction(numerator * 100, denominator)) if denominator else None
            points.append(YearPoint(year, value, numerator, denominator, partial))
        return points

    def platform_points(self, code: str) -> list[YearPoint]:
        points = []
        for year in self.years():
            partial = year == self.this_year
            if not self._computable(year):
                points.append(YearPoint(year, None, partial=partial))
                continue
            result = measure_compute(code, period=period_parse(str(year)), at=self.at)
            points.append(YearPoint(year, result.percent, result.numerator, result.denominator, partial))
        return points

    def manual_points(self, values: list[TargetValue]) -> list[YearPoint]:
        by_year: dict[int, TargetValue] = {}
        for value in sorted(values, key=lambda v: (v.period_last, v.entered_at, v.pk)):
            if not _is_superseded(value):
                by_year[value.period_last.year] = value
        points = []
        for year in self.years():
            found = by_year.get(year)
            if found is None:
                points.append(YearPoint(year, None))
            else:
                partial = not (found.period_first <= date(year, 1, 1) and found.period_last >= date(year, 12, 31))
                points.append(YearPoint(year, found.value, partial=partial))
        return points


def _field_codes(names: list[str], fields: list[Field]) -> tuple[list[str], list[str]]:
    """Catalogue fields whose name holds a named field as whole words ("xây dựng" → "Hoạt động xây dựng")."""
    codes: list[str] = []
    missing: list[str] = []
    for name in names:
        key = f" {fold_words(name)} "
        found = [f.code for f in fields if key in f" {fold_words(f.name)} "]
        if found:
            codes.extend(c for c in found if c not in codes)
        else:
            missing.append(name)
    return codes, missing


def _values_by_series(series_ids: list[int]) -> dict[int, list[TargetValue]]:
    found: dict[int, list[TargetValue]] = defaultdict(list)
    values = (
        TargetValue.objects.filter(series_id__in=series_ids)
        .select_related("agency", "entered_by", "superseded_by", "supersedes")
        .order_by("-period_last", "-entered_at", "-pk")
    )
    for value in values:
        found[value.series_id].append(value)
    return found


def target_progress_list(*, program: Program, at: datetime, only_code: str | None = None) -> list[TargetProgress]:
    """Every quantitative target of ``program`` with its figures (module docstring), in program order.

    ``only_code``: compute the figures of that target only (its siblings still give its milestones).
    """
    targets = list(
        Target.objects.filter(program=program)
        .select_related("area", "program")
        .order_by("area__number", "milestone_year", "order", "pk")
    )
    links = {
        link.target_code: link
        for link in TargetLink.objects.filter(program=program).select_related("series", "series__responsible_agency")
    }
    by_series: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        link = links.get(target.code)
        if link is not None:
            by_series[link.series_id].append(target)
    chosen = [t for t in targets if only_code is None or t.code == only_code]
    wanted = {links[t.code].series_id for t in chosen if t.code in links}
    all_series = {link.series_id: link.series for link in links.values()}
    manual_ids = [pk for pk in wanted if all_series[pk].kind == MeasureKind.MANUAL]
    values = _values_by_series(manual_ids) if manual_ids else {}
    need_fields = any(all_series[pk].field_names for pk in wanted)
    fields = list(Field.objects.order_by("code")) if need_fields else []
    responsible = [s.responsible_agency for s in all_series.values() if s.responsible_agency is not None]
    today = at.astimezone(VN_TZ).date()
    bearers = agency_successors_map(responsible, today) if responsible and wanted else {}

    measurer = _Measurer(at=at, first_year=program.period_start)
    points_of: dict[int, list[YearPoint]] = {}
    extra: dict[int, tuple[list[str], list[str]]] = {}
    scopes: list[str] = []  # the indicator series' scopes: the province ("") and fields, computed together
    for pk in sorted(wanted):
        series = all_series[pk]
        if series.kind not in (MeasureKind.MANUAL, MeasureKind.PLATFORM):
            scopes += _field_codes(list(series.field_names), fields)[0] if series.field_names else [""]
    measurer.prepare(scopes)
    for pk in sorted(wanted):
        series = all_series[pk]
        if series.kind == MeasureKind.MANUAL:
            points_of[pk] = measurer.manual_points(values.get(pk, []))
        elif series.kind == MeasureKind.PLATFORM:
            points_of[pk] = measurer.platform_points(series.measure_code)
        elif series.field_names:
            codes, missing = _field_codes(list(series.field_names), fields)
            extra[pk] = (codes, missing)
            points_of[pk] = measurer.indicator_points(series.measure_code, codes)
        else:
            points_of[pk] = measurer.indicator_points(series.measure_code, None)

    result = []
    for target in chosen:
        link = links.get(target.code)
        progress = TargetProgress(target=target, link=link, series=link.series if link else None)
        if link is not None:
            series = link.series
            progress.points = points_of[series.pk]
            progress.milestones = [
                Milestone(t.code, t.milestone_year, t.comparator, t.value)
                for t in sorted(by_series[series.pk], key=lambda t: (t.milestone_year, t.order))
            ]
            progress.field_codes, progress.missing_fields = extra.get(series.pk, ([], []))
            progress.values = values.get(series.pk, [])
            if series.responsible_agency is not None:
                progress.responsible = bearers.get(series.responsible_agency.pk, [])
            _complete(progress, this_year=measurer.this_year, first_year=program.period_start)
        else:
            progress.status_reason = "Chỉ tiêu chưa được liên kết với cách đo (chạy “cchc program link-targets”)."
        result.append(progress)
    return result


def _complete(progress: TargetProgress, *, this_year: int, first_year: int) -> None:
    target = progress.target
    measured = [p for p in progress.points if p.value is not None]
    baseline_year = target.baseline_year_start or first_year
    progress.baseline = next((p for p in measured if p.year == baseline_year), None)
    if progress.baseline is None and measured:
        progress.baseline = measured[0]
        progress.baseline_is_first_measured = True
    progress.current = measured[-1] if measured else None
    progress.this_year = this_year
    progress.projection = projection_fit(measured, share=progress.share)
    if progress.projection is not None and target.milestone_year >= this_year:
        # a forecast only for a milestone still ahead (or this year); a past one is judged on its figure
        progress.projected = progress.projection.at(target.milestone_year)
    progress.status, progress.status_reason = target_status(
        comparator=target.comparator,
        target=target.value,
        milestone_year=target.milestone_year,
        points=progress.points,
        this_year=this_year,
        share=progress.share,
    )


def target_progress_get(*, program: Program, code: str, at: datetime) -> TargetProgress:
    """One target with its figures; ``Target.DoesNotExist`` when the program has no such target."""
    found = target_progress_list(program=program, at=at, only_code=code)
    if not found:
        raise Target.DoesNotExist(f"Không có chỉ tiêu mã «{code}».")
    return found[0]


def target_value_entry_agency(*, user: AbstractBaseUser | None, series: MeasureSeries, on: date) -> Agency | None:
    """The agency ``user`` may enter values of ``series`` for on ``on``, or ``None``.

    Rule: values of a manual series are entered by staff (any role) of the agency carrying the
    responsible agency's duty on ``on`` (its successors after a reorganisation) or of Sở Nội vụ, the
    agency advising the provincial People's Committee on the program (Điều 2 QĐ 4831/QĐ-UBND).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    candidates: list[Agency] = []
    if series.responsible_agency is not None:
        candidates.extend(agency_successors_map([series.responsible_agency], on).get(series.responsible_agency.pk, []))
    candidates.extend(Agency.objects.valid_on(on).filter(code=SO_NOI_VU))
    held = {
        agency_id
        for _, agency_id, _ in membership_roles_held(
            user_ids=[user.pk], agency_ids=[a.pk for a in candidates], on=on, area=Area.PLANS
        )
    }
    return next((a for a in candidates if a.pk in held), None)


def target_value_get(*, series: MeasureSeries, value_id: int) -> TargetValue:
    return TargetValue.objects.select_related("series").get(series=series, pk=value_id)


def program_for_targets(*, program_id: int | None = None) -> Program | None:
    """The program whose targets are shown: the given one or the newest."""
    programs = Program.objects.order_by("-issued_on", "-pk")
    if program_id is not None:
        return programs.filter(pk=program_id).first()
    return programs.first()


def target_commune_values(
    *, progress: TargetProgress, agencies: Sequence[str], at: datetime
) -> tuple[int | None, dict[str, Decimal | None]]:
    """The target's figure in each commune (by its People's Committee's agency code), for the year of the
    target's current figure (else this year): the same indicator, numerator and denominator summed over
    the target's fields as for the province (:meth:`_Measurer.indicator_points`), with the agency's scope.

    Only indicator series are measured by commune; a platform or manual series gives ``(None, {})``.
    One batch of the indicator engine for every commune (``indicators_compute_grid``).
    """
    series = progress.series
    if series is None or series.kind != MeasureKind.INDICATOR or not agencies:
        return None, {}
    year = progress.current.year if progress.current is not None else at.astimezone(VN_TZ).year
    fields = progress.field_codes if series.field_names else [""]
    if not fields:
        return year, dict.fromkeys(agencies)
    scopes = [Scope(agency=code, field=field_code) for code in agencies for field_code in fields]
    grid = indicators_compute_grid(periods=[period_parse(str(year))], scopes=scopes, at=at)
    sums: dict[str, list[int]] = {code: [0, 0] for code in agencies}
    for scope, (report,) in zip(scopes, grid, strict=True):
        result = report.results[series.measure_code]
        if result.status in (Status.COMPUTED, Status.DISPLAY, Status.EMPTY):
            sums[scope.agency][0] += result.numerator or 0
            sums[scope.agency][1] += result.denominator or 0
    return year, {
        code: _round(Fraction(numerator * 100, denominator)) if denominator else None
        for code, (numerator, denominator) in sums.items()
    }

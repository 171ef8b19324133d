"""Direct computation of the QĐ 766 index: straight from the dossier table and the catalogue.

``indicators_compute(period=..., scope=..., at=...)`` returns a :class:`Report` with every indicator's
numerator, denominator, ratio and score, the group totals and the overall score;
``indicators_compute_units`` does the same for the province and every reporting agency at once.
Both run a constant number of queries, whatever the number of dossiers or agencies: one grouped
aggregate over the dossiers (by handling agency), one over supplement pauses, the catalogue in force
(with its prefetches), the online (agency, procedure) pairs, the online-payment pairs and the
organisation (agencies and succession edges).

Counters are integers kept per handling agency and regrouped by the reporting map of
:mod:`cchc.indicators.scopes`, so a rollup that stores the same counters reproduces these figures
exactly. Ratios and scores are exact fractions, rounded only for display (2 decimals, half up).

"No data" (``Status.NO_DATA``): the platform does not hold the facts; reported with the reason, never
as 0. "Empty" (``Status.EMPTY``): the facts exist but nothing was counted (denominator 0); the portal
shows 0 or N/A, we show N/A. Both are left out of the total and of the maximum it is measured against,
and listed in ``excluded``: the total reads "x of y points measured", never a silent 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, cast

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from cchc.catalogue.constants import ServiceType, VersionStatus
from cchc.catalogue.models import CompetentAgency, Procedure, ProcedureVersion
from cchc.dossiers.constants import Channel, PaymentChannel
from cchc.dossiers.models import Dossier, Payment, SupplementRequest
from cchc.indicators.constants import (
    GROUP_MAX_POINTS,
    NO_DATA,
    Group,
    IndicatorError,
    IndicatorErrorCode,
    Part,
    Status,
    Structure,
)
from cchc.indicators.definitions import BY_CODE, INDICATORS, Indicator
from cchc.indicators.periods import VN_TZ, Period
from cchc.indicators.scopes import Organisation, ResolvedScope, Scope, organisation_load, scope_resolve
from cchc.indicators.selectors import (
    DOSSIER_INDICATORS,
    Window,
    dossier_facts,
    indicator_filters,
    progress_breakdown,
    scope_dossier_filter,
    window_filter,
)
from cchc.org.constants import Level
from cchc.org.models import Agency

CATALOGUE_INDICATORS = ("PUBLIC_CONTENT_FULL", "ONLINE_PROCEDURES", "ONLINE_SERVICES_USED", "PAYMENT_PROCEDURES_USED")
ONLINE_TYPES = frozenset({ServiceType.FULL_ONLINE, ServiceType.PARTIAL_ONLINE})
SECONDS_PER_DAY = 86400
TWO_PLACES = Decimal("0.01")

Counters = dict[str, int]


def _round(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- results ------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    indicator: Indicator
    status: Status
    numerator: int | None = None
    denominator: int | None = None
    ratio: Fraction | None = None  # numerator / denominator (2.2: average days)
    score: Fraction | None = None
    reason: str = ""
    details: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> Decimal | None:
        """The ratio in %, 2 decimals (2.2: the average in days)."""
        if self.ratio is None:
            return None
        if self.indicator.code == "PROCESSING_TIME_AVG":
            return _round(self.ratio)
        return _round(self.ratio * 100)

    @property
    def points(self) -> Decimal | None:
        return _round(self.score)

    @property
    def counted(self) -> bool:
        """Counted in the group total (computed, or full marks where it does not apply)."""
        return self.indicator.scored and self.status in (Status.COMPUTED, Status.NOT_APPLICABLE)

    def as_dict(self) -> dict[str, Any]:
        i = self.indicator
        return {
            "code": i.code,
            "formula": i.formula,
            "name": i.name,
            "group": i.group.value,
            "unit": i.unit,
            "status": self.status.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "ratio": None if self.percent is None else float(self.percent),
            "ratio_unit": i.unit if i.code == "PROCESSING_TIME_AVG" else "%",
            "target": None if i.target_percent is None else float(i.target_percent),
            "score": None if self.points is None else float(self.points),
            "max_points": i.max_points,
            "reason": self.reason,
            "details": self.details,
        }


@dataclass
class GroupResult:
    group: Group
    results: list[IndicatorResult]

    @property
    def max_points(self) -> int:
        return GROUP_MAX_POINTS[self.group]

    @property
    def score(self) -> Fraction:
        return sum((r.score or Fraction(0) for r in self.results if r.counted), Fraction(0))

    @property
    def measured_max(self) -> int:
        return sum(r.indicator.max_points for r in self.results if r.counted)

    @property
    def excluded(self) -> list[IndicatorResult]:
        return [r for r in self.results if r.indicator.scored and not r.counted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.value,
            "name": self.group.label,
            "max_points": self.max_points,
            "score": float(_round(self.score) or 0),
            "measured_max": self.measured_max,
            "excluded": [r.indicator.code for r in self.excluded],
            "indicators": [r.as_dict() for r in self.results],
        }


@dataclass
class Report:
    period: Period
    scope_label: str
    scope: dict[str, str]
    structure: Structure
    at: datetime
    groups: list[GroupResult]
    agency_id: int | None = None

    @property
    def results(self) -> dict[str, IndicatorResult]:
        return {r.indicator.code: r for g in self.groups for r in g.results}

    @property
    def total(self) -> Fraction:
        return sum((g.score for g in self.groups), Fraction(0))

    @property
    def measured_max(self) -> int:
        return sum(g.measured_max for g in self.groups)

    @property
    def excluded(self) -> list[IndicatorResult]:
        return [r for g in self.groups for r in g.excluded]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.key,
            "period_label": self.period.label,
            "scope": self.scope,
            "scope_label": self.scope_label,
            "structure": self.structure.value,
            "at": self.at.astimezone(VN_TZ).isoformat(),
            "total": float(_round(self.total) or 0),
            "measured_max": self.measured_max,
            "excluded": [
                {"code": r.indicator.code, "max_points": r.indicator.max_points, "reason": r.reason}
                for r in self.excluded
            ],
            "groups": [g.as_dict() for g in self.groups],
        }


# --- the engine ---------------------------------------------------------------------------------


@dataclass
class _Version:
    procedure_id: int
    online: bool
    complete: bool
    fee: bool
    holders: set[int]  # reporting agencies holding authority over it


class _Engine:
    """Loads the facts of one period once; builds the counters of any scope from them."""

    def __init__(self, *, period: Period, at: datetime, structure: Structure, base: Q | None = None) -> None:
        self.period = period
        self.at = at
        self.window = Window.of(period, at)
        self.org = organisation_load(structure=structure, day=at.astimezone(VN_TZ).date())
        self.base = base if base is not None else Q()

    # dossier counters, grouped by handling agency (one query + one for pauses)
    def dossier_counters(self) -> dict[int, Counters]:
        filters = indicator_filters(self.window)
        aggregates: dict[str, Any] = {}
        for i, code in enumerate(DOSSIER_INDICATORS):
            numerator, denominator = filters[code]
            aggregates[f"n{i}"] = Count("pk", filter=numerator)
            aggregates[f"d{i}"] = Count("pk", filter=denominator)
        for key, condition in progress_breakdown(self.window).items():
            aggregates[f"b_{key}"] = Count("pk", filter=condition)
        completed, _ = filters["PROCESSING_TIME_AVG"]
        aggregates["elapsed"] = Sum(
            ExpressionWrapper(F("processed_at") - F("received_at"), output_field=DurationField()), filter=completed
        )
        rows = (
            dossier_facts(Dossier.objects.filter(self.base))
            .filter(window_filter(self.window))
            .order_by()
            .values("competent_agency_id")
            .annotate(**aggregates)
        )
        result: dict[int, Counters] = {}
        for row in rows:
            counters: Counters = {}
            for i, code in enumerate(DOSSIER_INDICATORS):
                counters[f"{code}:num"] = row[f"n{i}"]
                counters[f"{code}:den"] = row[f"d{i}"]
            for key in progress_breakdown(self.window):
                counters[f"PROGRESS_ON_TIME:{key}"] = row[f"b_{key}"]
            counters["PROCESSING_TIME_AVG:seconds"] = _seconds(row["elapsed"])
            result[row["competent_agency_id"]] = counters
        paused = (
            SupplementRequest.objects.filter(
                _prefixed(self.base, "dossier"),
                resumed_at__isnull=False,
                dossier__processed_at__isnull=False,
                resumed_at__lte=F("dossier__processed_at"),
                dossier__received_at__gte=self.window.start,
                dossier__received_at__lt=self.window.close,
            )
            .order_by()
            .values("dossier__competent_agency_id")
            .annotate(paused=Sum(ExpressionWrapper(F("resumed_at") - F("requested_at"), output_field=DurationField())))
        )
        for row in paused:
            counters = result.setdefault(row["dossier__competent_agency_id"], {})
            key = "PROCESSING_TIME_AVG:seconds"
            counters[key] = counters.get(key, 0) - _seconds(row["paused"])
        return result

    # the catalogue in force at the close of the window, with the reporting agencies holding authority
    def catalogue(self, *, procedure: str = "", field_code: str = "") -> dict[int, _Version]:
        close = self.window.close
        last_day = (close - timedelta(microseconds=1)).astimezone(VN_TZ).date()
        versions = ProcedureVersion.objects.filter(
            Q(retired_at__isnull=True) | Q(retired_at__gte=close),
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
            published_at__lt=close,
        ).prefetch_related("competent_agencies", "fees", "steps", "documents")
        if procedure:
            versions = versions.filter(procedure__code=procedure)
        if field_code:
            versions = versions.filter(field__code=field_code)
        by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
        for agency in self.org.agencies.values():
            if agency.is_valid_on(last_day):
                by_kind[(agency.kind, agency.level)].append(agency.pk)
        found: dict[int, _Version] = {}
        for version in versions:
            competent: list[CompetentAgency] = list(version.competent_agencies.all())
            holders_raw: set[int] = set()
            for spec in competent:
                if spec.agency_id is not None:
                    holders_raw.add(spec.agency_id)
                else:
                    holders_raw.update(by_kind.get((spec.agency_kind, spec.level), []))
            holders = {t for t in (self.org.report_as(pk) for pk in holders_raw) if t is not None}
            fees = list(version.fees.all())
            found[version.procedure_id] = _Version(
                procedure_id=version.procedure_id,
                online=version.service_type in ONLINE_TYPES,
                # legal: khoản 2 Điều 8 NĐ 63/2010/NĐ-CP, the components a published procedure must have
                complete=bool(
                    version.name.strip()
                    and version.service_type
                    and version.processing_time
                    and version.applicant_types
                    and competent
                    and list(version.steps.all())
                    and list(version.documents.all())
                ),
                fee=any(
                    (f.amount or 0) > 0 or any((row.get("amount") or 0) > 0 for row in f.amount_table or [])
                    for f in fees
                ),
                holders=holders,
            )
        return found

    def online_pairs(self) -> set[tuple[int, int]]:
        """(reporting agency, procedure) with at least one online dossier received in the window."""
        rows = (
            Dossier.objects.filter(
                self.base,
                channel=Channel.ONLINE,
                received_at__gte=self.window.start,
                received_at__lt=self.window.close,
            )
            .order_by()
            .values_list("competent_agency_id", "procedure_version__procedure_id")
            .distinct()
        )
        return self._report_pairs(rows)

    def paid_pairs(self) -> set[tuple[int, int]]:
        """(reporting agency, procedure) with at least one payment through the online gateway in the window."""
        rows = (
            Payment.objects.filter(
                _prefixed(self.base, "dossier"),
                channel=PaymentChannel.ONLINE_GATEWAY,
                paid_at__gte=self.window.start,
                paid_at__lt=self.window.close,
            )
            .order_by()
            .values_list("dossier__competent_agency_id", "dossier__procedure_version__procedure_id")
            .distinct()
        )
        return self._report_pairs(rows)

    def _report_pairs(self, rows: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        pairs = set()
        for agency_id, procedure_id in rows:
            target = self.org.report_as(agency_id)
            if target is not None:
                pairs.add((target, procedure_id))
        return pairs


def _seconds(value: timedelta | None) -> int:
    return 0 if value is None else value // timedelta(seconds=1)


def _prefixed(condition: Q, prefix: str) -> Q:
    """``condition`` on dossiers rewritten for a model that points to the dossier through ``prefix``."""
    result = Q()
    result.connector, result.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            result.children.append(_prefixed(child, prefix))
        else:
            key, value = cast(tuple[str, Any], child)
            result.children.append((f"{prefix}__{key}", value))
    return result


@dataclass
class _CatalogueSets:
    procedures: set[int]
    complete: set[int]
    online: set[int]
    services: set[tuple[int, int]]
    services_used: set[tuple[int, int]]
    fee: set[int]
    fee_paid: set[int]


def _catalogue_sets(
    versions: dict[int, _Version],
    reporting_ids: set[int] | None,
    online_pairs: set[tuple[int, int]],
    paid_pairs: set[tuple[int, int]],
) -> _CatalogueSets:
    def within(agency_id: int) -> bool:
        return reporting_ids is None or agency_id in reporting_ids

    if reporting_ids is None:
        procedures = set(versions)
    else:
        procedures = {pk for pk, v in versions.items() if v.holders & reporting_ids}
    services = {
        (agency_id, pk) for pk, v in versions.items() if v.online for agency_id in v.holders if within(agency_id)
    }
    paid = {pk for agency_id, pk in paid_pairs if within(agency_id)}
    fee = {pk for pk in procedures if versions[pk].fee}
    return _CatalogueSets(
        procedures=procedures,
        complete={pk for pk in procedures if versions[pk].complete},
        online={pk for pk in procedures if versions[pk].online},
        services=services,
        services_used=services & online_pairs,
        fee=fee,
        fee_paid=fee & paid,
    )


def _catalogue_counters(sets: _CatalogueSets) -> Counters:
    return {
        "PUBLIC_CONTENT_FULL:num": len(sets.complete),
        "PUBLIC_CONTENT_FULL:den": len(sets.procedures),
        "ONLINE_PROCEDURES:num": len(sets.online),
        "ONLINE_PROCEDURES:den": len(sets.procedures),
        "ONLINE_SERVICES_USED:num": len(sets.services_used),
        "ONLINE_SERVICES_USED:den": len(sets.services),
        "PAYMENT_PROCEDURES_USED:num": len(sets.fee_paid),
        "PAYMENT_PROCEDURES_USED:den": len(sets.fee),
    }


def _add(total: Counters, more: Counters) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def _result(indicator: Indicator, counters: Counters, *, commune: bool) -> IndicatorResult:
    if indicator.scored and commune and not indicator.applies_to_commune:
        return IndicatorResult(
            indicator,
            Status.NOT_APPLICABLE,
            score=Fraction(indicator.max_points),
            reason="Không áp dụng đối với cấp xã: tính điểm tối đa.",
        )
    if not indicator.has_data:
        return IndicatorResult(indicator, Status.NO_DATA, reason=f"{NO_DATA}: {indicator.no_data_reason}")
    code = indicator.code
    numerator = counters.get(f"{code}:num", 0)
    denominator = counters.get(f"{code}:den", 0)
    details = {k.split(":", 1)[1]: v for k, v in counters.items() if k.startswith(f"{code}:") and k.count(":") == 1}
    details.pop("num", None)
    details.pop("den", None)
    if code == "PROCESSING_TIME_AVG":
        seconds = counters.get(f"{code}:seconds", 0)
        if denominator == 0:
            return IndicatorResult(
                indicator, Status.EMPTY, 0, 0, reason="Không có hồ sơ xử lý xong tiếp nhận trong kỳ."
            )
        return IndicatorResult(
            indicator,
            Status.DISPLAY,
            seconds,
            denominator,
            ratio=Fraction(seconds, denominator * SECONDS_PER_DAY),
            reason="Tử số tính bằng giây; tỷ lệ là số ngày trung bình.",
        )
    if denominator == 0:
        return IndicatorResult(
            indicator,
            Status.EMPTY,
            numerator,
            denominator,
            reason=f"Không có {indicator.unit} nào thuộc mẫu số trong kỳ (hiển thị N/A, không tính điểm).",
            details=details,
        )
    ratio = Fraction(numerator, denominator)
    if not indicator.scored:
        return IndicatorResult(indicator, Status.DISPLAY, numerator, denominator, ratio, details=details)
    return IndicatorResult(
        indicator, Status.COMPUTED, numerator, denominator, ratio, indicator.score(ratio), details=details
    )


def _report(
    engine: _Engine, counters: Counters, *, label: str, scope: Scope, commune: bool, agency_id: int | None = None
) -> Report:
    groups = [
        GroupResult(group, [_result(i, counters, commune=commune) for i in INDICATORS if i.group == group])
        for group in Group
    ]
    return Report(
        period=engine.period,
        scope_label=label,
        scope=scope.as_dict(),
        structure=engine.org.structure,
        at=engine.at,
        groups=groups,
        agency_id=agency_id,
    )


# --- public API ---------------------------------------------------------------------------------


def indicators_compute(
    *, period: Period, scope: Scope | None = None, at: datetime, structure: str = Structure.CURRENT
) -> Report:
    """Every indicator of the index for one scope and period, computed directly (no rollups).

    ``at`` closes a period that has not ended yet and fixes the organisation (the reporting agencies
    valid on that day for ``Structure.CURRENT``).
    """
    scope = scope or Scope()
    engine = _Engine(period=period, at=at, structure=Structure(structure))
    resolved = scope_resolve(scope, engine.org)
    engine.base = scope_dossier_filter(resolved, engine.org)
    counters: Counters = {}
    for row in engine.dossier_counters().values():
        _add(counters, row)
    _add(counters, _catalogue_counters(_scope_sets(engine, resolved)))
    return _report(engine, counters, label=resolved.label, scope=scope, commune=resolved.commune)


def _scope_sets(engine: _Engine, resolved: ResolvedScope) -> _CatalogueSets:
    versions = engine.catalogue(procedure=resolved.procedure, field_code=resolved.field)
    return _catalogue_sets(versions, resolved.reporting_ids, engine.online_pairs(), engine.paid_pairs())


def indicators_compute_units(*, period: Period, at: datetime, structure: str = Structure.CURRENT) -> list[Report]:
    """The province, then every reporting agency that handled dossiers or holds authority over a
    procedure in force (by level, then name), each with every indicator. Constant number of queries."""
    engine = _Engine(period=period, at=at, structure=Structure(structure))
    per_handler = engine.dossier_counters()
    versions = engine.catalogue()
    online, paid = engine.online_pairs(), engine.paid_pairs()

    province: Counters = {}
    per_agency: dict[int, Counters] = defaultdict(dict)
    for handler, counters in per_handler.items():
        _add(province, counters)
        target = engine.org.report_as(handler)
        if target is not None:
            _add(per_agency[target], counters)
    _add(province, _catalogue_counters(_catalogue_sets(versions, None, online, paid)))
    holders = {agency_id for v in versions.values() for agency_id in v.holders}
    reports = [_report(engine, province, label="Toàn tỉnh", scope=Scope(), commune=False)]
    agencies = [engine.org.agencies[pk] for pk in set(per_agency) | holders]
    levels = list(Level.values)
    for agency in sorted(agencies, key=lambda a: (levels.index(a.level), a.name, a.pk)):
        counters = dict(per_agency.get(agency.pk, {}))
        _add(counters, _catalogue_counters(_catalogue_sets(versions, {agency.pk}, online, paid)))
        reports.append(
            _report(
                engine,
                counters,
                label=agency.name,
                scope=Scope(agency=agency.code),
                commune=agency.level == Level.COMMUNE,
                agency_id=agency.pk,
            )
        )
    return reports


def indicator_procedures(
    code: str,
    period: Period,
    scope: Scope,
    part: str = Part.NUMERATOR,
    *,
    at: datetime,
    structure: str = Structure.CURRENT,
) -> QuerySet[Procedure]:
    """The procedures in the numerator or denominator of an indicator counted over procedures (1.3,
    3.1, 3.5b) — the drill-down of those figures."""
    sets = _drill_sets(
        code,
        period,
        scope,
        part,
        at=at,
        structure=structure,
        kinds=("PUBLIC_CONTENT_FULL", "ONLINE_PROCEDURES", "PAYMENT_PROCEDURES_USED"),
    )
    chosen = {
        ("PUBLIC_CONTENT_FULL", Part.NUMERATOR): sets.complete,
        ("PUBLIC_CONTENT_FULL", Part.DENOMINATOR): sets.procedures,
        ("ONLINE_PROCEDURES", Part.NUMERATOR): sets.online,
        ("ONLINE_PROCEDURES", Part.DENOMINATOR): sets.procedures,
        ("PAYMENT_PROCEDURES_USED", Part.NUMERATOR): sets.fee_paid,
        ("PAYMENT_PROCEDURES_USED", Part.DENOMINATOR): sets.fee,
    }[(code, Part(part))]
    return Procedure.objects.filter(pk__in=sorted(chosen)).select_related("field").order_by("code")


def indicator_services(
    code: str,
    period: Period,
    scope: Scope,
    part: str = Part.NUMERATOR,
    *,
    at: datetime,
    structure: str = Structure.CURRENT,
) -> list[tuple[Agency, Procedure]]:
    """The online services (agency, procedure) in the numerator or denominator of 3.2."""
    sets = _drill_sets(code, period, scope, part, at=at, structure=structure, kinds=("ONLINE_SERVICES_USED",))
    pairs = sets.services_used if Part(part) == Part.NUMERATOR else sets.services
    agencies = Agency.objects.in_bulk({a for a, _ in pairs})
    procedures = Procedure.objects.in_bulk({p for _, p in pairs})
    return sorted(((agencies[a], procedures[p]) for a, p in pairs), key=lambda pair: (pair[0].name, pair[1].code))


def _drill_sets(
    code: str, period: Period, scope: Scope, part: str, *, at: datetime, structure: str, kinds: tuple[str, ...]
) -> _CatalogueSets:
    if code not in BY_CODE:
        raise IndicatorError(IndicatorErrorCode.UNKNOWN_INDICATOR, f"Không có chỉ số mã «{code}».")
    if part not in Part.values:
        raise IndicatorError(IndicatorErrorCode.INVALID_PART, "Phần cần xem phải là «numerator» hoặc «denominator».")
    if code not in kinds:
        raise IndicatorError(
            IndicatorErrorCode.NOT_DOSSIER_BASED, f"{BY_CODE[code].name}: không xem chi tiết theo cách này."
        )
    engine = _Engine(period=period, at=at, structure=Structure(structure))
    resolved = scope_resolve(scope, engine.org)
    engine.base = scope_dossier_filter(resolved, engine.org)
    return _scope_sets(engine, resolved)


__all__ = [
    "CATALOGUE_INDICATORS",
    "GroupResult",
    "IndicatorResult",
    "Organisation",
    "Report",
    "indicator_procedures",
    "indicator_services",
    "indicators_compute",
    "indicators_compute_units",
]

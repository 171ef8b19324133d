"""Computation of the QĐ 766 index: from the rollups (default) or straight from the dossier table.

``indicators_compute(period=..., scope=..., at=..., method=...)`` returns a :class:`Report` with every
indicator's numerator, denominator, ratio and score, the group totals and the overall score;
``indicators_compute_units`` does the same for the province and every reporting agency at once.
Both run a constant number of queries, whatever the number of dossiers or agencies. The dossier
counters come from the rollups (``Method.ROLLUP``, the default: :mod:`cchc.indicators.rollups`,
read only: the outbox subscriber keeps them up to date) or from one grouped aggregate over the
dossiers and one over supplement pauses (``Method.DIRECT``); then the catalogue in force (with its
prefetches), the online (agency, procedure) pairs, the online-payment pairs and the organisation
(agencies and succession edges). The organisation and the catalogue are kept by the process while
the reference stamp that every write to their tables changes stays the same
(:func:`cchc.indicators.scopes.organisation_load`, :func:`_catalogue_of`).

Counters are integers kept per handling agency and regrouped by the reporting map of
:mod:`cchc.indicators.scopes`, so the rollups, which store the same counters, reproduce the direct
figures exactly. Ratios and scores are exact fractions, rounded only for display (2 decimals, half up).

"No data" (``Status.NO_DATA``): the platform does not hold the facts; reported with the reason, never
as 0. "Empty" (``Status.EMPTY``): the facts exist but nothing was counted (denominator 0); the portal
shows 0 or N/A, we show N/A. Both are left out of the total and of the maximum it is measured against,
and listed in ``excluded``: the total reads "x of y points measured", never a silent 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, cast

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum

from cchc.calendars.selectors import working_calendar
from cchc.calendars.working import WorkingCalendar
from cchc.catalogue.constants import (
    CERTIFIED_COPY_TYPE,
    ELECTRONIC_CERTIFIED_COPY_TYPE,
    ServiceType,
    TimeUnit,
    VersionStatus,
)
from cchc.catalogue.models import CompetentAgency, Procedure, ProcedureStep, ProcedureVersion, RequiredDocument
from cchc.dossiers.constants import Channel, PaymentChannel
from cchc.dossiers.models import Dossier, Payment, SupplementRequest
from cchc.indicators.constants import (
    GROUP_MAX_POINTS,
    NO_DATA,
    Group,
    IndicatorError,
    IndicatorErrorCode,
    Method,
    Part,
    Status,
    Structure,
)
from cchc.indicators.definitions import BY_CODE, INDICATORS, Indicator, average_time_unit
from cchc.indicators.periods import VN_TZ, Period
from cchc.indicators.petitions import PetitionFacts, petition_counters_for
from cchc.indicators.publications import Publication, publication_counters, publications_read
from cchc.indicators.rollups import RollupRead, rollups_read, rollups_read_series, scope_rollup_filter
from cchc.indicators.scopes import (
    Organisation,
    ResolvedScope,
    Scope,
    organisation_load,
    reference_memo,
    scope_resolve,
)
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

# ELECTRONIC_CERTIFIED_COPY: the result types that make a procedure's holders certifying units
CERTIFYING_TYPES = frozenset({CERTIFIED_COPY_TYPE, ELECTRONIC_CERTIFIED_COPY_TYPE})
CATALOGUE_INDICATORS = ("PUBLIC_CONTENT_FULL", "ONLINE_PROCEDURES", "ONLINE_SERVICES_USED", "PAYMENT_PROCEDURES_USED")
ONLINE_TYPES = frozenset({ServiceType.FULL_ONLINE, ServiceType.PARTIAL_ONLINE})
FEW_PARTS = 32  # a window's pairs in more parts than this are mapped as one set
TWO_PLACES = Decimal("0.01")

Counters = dict[str, int]
BY_GROUP = {group: [i for i in INDICATORS if i.group == group] for group in Group}


def _fraction_sum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum, added up in integers and reduced once (``sum`` reduces at every step)."""
    numerator, denominator = 0, 1
    for value in values:
        numerator = numerator * value.denominator + value.numerator * denominator
        denominator *= value.denominator
    return Fraction(numerator, denominator)


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
    ratio: Fraction | None = None  # numerator / denominator (2.2: the average in ``ratio_unit``)
    score: Fraction | None = None
    reason: str = ""
    details: dict[str, int] = field(default_factory=dict)
    ratio_unit: str = "%"  # 2.2: "ngày" or "giờ" (definitions.average_time_unit)

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
            "ratio_unit": self.ratio_unit,
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
    # the sums over the results counted, made with the group (results are not changed once made)
    score: Fraction = field(init=False, repr=False, compare=False)
    measured_max: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        counted = [r for r in self.results if r.counted]
        self.score = _fraction_sum(r.score for r in counted if r.score is not None)
        self.measured_max = sum(r.indicator.max_points for r in counted)

    @property
    def max_points(self) -> int:
        return GROUP_MAX_POINTS[self.group]

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
    # made with the report from its groups (not changed once made)
    results: dict[str, IndicatorResult] = field(init=False, repr=False, compare=False)
    total: Fraction = field(init=False, repr=False, compare=False)
    measured_max: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.results = {r.indicator.code: r for g in self.groups for r in g.results}
        self.total = _fraction_sum(g.score for g in self.groups)
        self.measured_max = sum(g.measured_max for g in self.groups)

    @property
    def excluded(self) -> list[IndicatorResult]:
        return [r for g in self.groups for r in g.excluded]

    @property
    def national_total(self) -> Fraction:
        """The total as the national portal scores it: an indicator without data scores 0, out of 100.

        QĐ 766/QĐ-TTg scores the index out of 100 (domain notes §1.1), and the portal shows 0 for an
        indicator it has no data for or nothing to count (§ "Scores and no data" of docs/indicators.md).
        Our ``total`` leaves those out of the maximum instead (``measured_max``); the sum of the points
        is the same, so the two figures differ only in what they are out of: ``national_max`` (100)
        against ``measured_max``. Both are shown, with a sentence saying why.
        """
        return self.total

    @property
    def national_max(self) -> int:
        return sum(GROUP_MAX_POINTS.values())

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
            "national_total": float(_round(self.national_total) or 0),
            "national_max": self.national_max,
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
    time_unit: str = TimeUnit.WORKING_DAYS
    result_type: str = ""  # the catalogue's result_document_type (ELECTRONIC_CERTIFIED_COPY)


@dataclass
class _Published:
    """What the index reads of one published (or retired) procedure version, whatever the window."""

    procedure_id: int
    procedure_code: str
    field_code: str
    published_at: datetime
    retired_at: datetime | None
    online: bool
    complete: bool
    fee: bool
    specs: list[tuple[int | None, str, str]]  # competent agency: (agency id, or kind and level)
    time_unit: str = TimeUnit.WORKING_DAYS  # the unit of its statutory time (2.2 is shown in it)
    result_type: str = ""  # the catalogue's result_document_type (ELECTRONIC_CERTIFIED_COPY)


def _published_read() -> list[_Published]:
    """Every published or retired procedure version, as the index reads it (one query, two prefetches)."""
    versions = (
        ProcedureVersion.objects.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED])
        .annotate(
            procedure_code=F("procedure__code"),
            field_code=F("field__code"),
            has_steps=Exists(ProcedureStep.objects.filter(version=OuterRef("pk"))),
            has_documents=Exists(RequiredDocument.objects.filter(version=OuterRef("pk"))),
        )
        .prefetch_related("competent_agencies", "fees")
        .order_by("pk")
    )
    found: list[_Published] = []
    for version in versions:
        competent: list[CompetentAgency] = list(version.competent_agencies.all())
        fees = list(version.fees.all())
        found.append(
            _Published(
                procedure_id=version.procedure_id,
                procedure_code=version.procedure_code,
                field_code=version.field_code,
                published_at=cast(datetime, version.published_at),
                retired_at=version.retired_at,
                online=version.service_type in ONLINE_TYPES,
                # legal: khoản 2 Điều 8 NĐ 63/2010/NĐ-CP, the components a published procedure must have
                complete=bool(
                    version.name.strip()
                    and version.service_type
                    and version.processing_time
                    and version.applicant_types
                    and competent
                    and version.has_steps
                    and version.has_documents
                ),
                fee=any(
                    (f.amount or 0) > 0 or any((row.get("amount") or 0) > 0 for row in f.amount_table or [])
                    for f in fees
                ),
                specs=[(spec.agency_id, spec.agency_kind, spec.level) for spec in competent],
                time_unit=version.processing_time_unit,
                result_type=version.result_document_type,
            )
        )
    return found


MEMO_LIMIT = 256  # catalogues in force kept per organisation (distinct agencies valid x versions in force)


class _Catalogue:
    """Every published or retired procedure version, loaded once, then read per close and scope in
    memory; what it derives for the organisation (the versions in force at a close, with their holders)
    is memoised. Kept with a shared organisation (:func:`_catalogue_of`): read under the same reference
    stamp, it lives as long as the organisation does."""

    def __init__(
        self, versions: list[_Published], *, org: Organisation, publications: list[Publication] | None = None
    ) -> None:
        self.org = org
        self.versions = versions
        self.publications = publications or []  # the publication facts of 1.1 and 1.2, read with the versions
        self._memo: dict[tuple[Any, ...], dict[int, _Version]] = {}
        # by id of a dict of ``_memo``, with that dict (kept alive, so its id is not reused)
        self._holdings: dict[int, tuple[dict[int, _Version], _Holdings]] = {}
        self._valid: dict[date, tuple[int, ...]] = {}

    def at(self, close: datetime, *, procedure: str = "", field_code: str = "") -> dict[int, _Version]:
        """The versions in force at ``close`` (by procedure; of one procedure or field when given), with
        the reporting agencies holding authority on the last day before ``close``."""
        last_day = (close - timedelta(microseconds=1)).astimezone(VN_TZ).date()
        valid = self._valid.get(last_day)
        if valid is None:
            if len(self._valid) >= MEMO_LIMIT:
                self._valid = {}
            valid = self._valid[last_day] = tuple(
                pk for pk, agency in self.org.agencies.items() if agency.is_valid_on(last_day)
            )
        chosen = tuple(
            i
            for i, v in enumerate(self.versions)
            if v.published_at < close
            and (v.retired_at is None or v.retired_at >= close)
            and (not procedure or v.procedure_code == procedure)
            and (not field_code or v.field_code == field_code)
        )
        key = (valid, chosen)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo, self._holdings = {}, {}
            found = self._memo[key] = self._build(valid, chosen)
        return found

    def holdings(self, versions: dict[int, _Version]) -> _Holdings:
        """Who holds what in ``versions`` (a dict :meth:`at` returned), computed once."""
        entry = self._holdings.get(id(versions))
        if entry is None or entry[0] is not versions:
            entry = self._holdings[id(versions)] = (versions, _Holdings(versions))
        return entry[1]

    def _build(self, valid: tuple[int, ...], chosen: tuple[int, ...]) -> dict[int, _Version]:
        by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk in valid:
            agency = self.org.agencies[pk]
            by_kind[(agency.kind, agency.level)].append(pk)
        found: dict[int, _Version] = {}
        for i in chosen:
            version = self.versions[i]
            holders_raw: set[int] = set()
            for agency_id, kind, level in version.specs:
                if agency_id is not None:
                    holders_raw.add(agency_id)
                else:
                    holders_raw.update(by_kind.get((kind, level), []))
            holders = {t for t in (self.org.report_as(pk) for pk in holders_raw) if t is not None}
            found[version.procedure_id] = _Version(
                procedure_id=version.procedure_id,
                online=version.online,
                complete=version.complete,
                fee=version.fee,
                holders=holders,
                time_unit=version.time_unit,
                result_type=version.result_type,
            )
        return found


def _catalogue_of(org: Organisation) -> _Catalogue:
    """The catalogue for ``org``: kept with it when it is shared (read under a reference stamp; the
    versions are then kept under that stamp too: one read per stamp for every organisation), else read
    for it alone."""
    memo = reference_memo(org.stamp)
    if memo is None:
        return _Catalogue(_published_read(), org=org, publications=publications_read())
    found = org.memo.get("catalogue")
    if isinstance(found, _Catalogue):
        return found
    versions = memo.get("catalogue_versions")
    if not isinstance(versions, list):
        versions = memo["catalogue_versions"] = _published_read()
    publications = memo.get("catalogue_publications")
    if not isinstance(publications, list):
        publications = memo["catalogue_publications"] = publications_read()
    found = org.memo["catalogue"] = _Catalogue(versions, org=org, publications=publications)
    return found


class _Engine:
    """Loads the facts of one period once; builds the counters of any scope from them.

    A batch (:class:`_Batch`) hands several engines the same organisation, catalogue and rollup read."""

    def __init__(
        self,
        *,
        period: Period,
        at: datetime,
        structure: Structure,
        method: str = Method.ROLLUP,
        org: Organisation | None = None,
        catalogue: _Catalogue | None = None,
    ) -> None:
        self.period = period
        self.at = at
        self.window = Window.of(period, at)
        self.org = org or organisation_load(structure=structure, day=at.astimezone(VN_TZ).date())
        self.base = Q()  # on dossiers
        self.rollup_base = Q()  # on facts and rollups
        # a window closing before it starts (a future period) has no tiling: read it directly
        self.method = Method(method) if self.window.close >= self.window.start else Method.DIRECT
        self._rolled: RollupRead | None = None
        self._catalogue = catalogue
        self.petitions: PetitionFacts | None = None  # the batch's feedback, read once for all windows
        self._calendar: WorkingCalendar | None = None  # 1.1 and 1.2: read when a publication is counted
        # pairs mapped to reporting agencies, by id of the part of a rollup read (kept with it, so the id
        # is not reused): shared by the engines of a batch
        self.mapped: dict[int, tuple[Collection[tuple[int, int]], set[tuple[int, int]]]] = {}

    def restrict(self, resolved: ResolvedScope) -> None:
        self.base = scope_dossier_filter(resolved, self.org)
        self.rollup_base = scope_rollup_filter(resolved, self.org)
        self._rolled = None

    def rolled(self) -> RollupRead:
        """The rollups' answer for the window and scope (read once per engine)."""
        if self._rolled is None:
            self._rolled = rollups_read(window=self.window, scope=self.rollup_base)
        return self._rolled

    # dossier counters, grouped by handling agency (rollups; or directly: one query + one for pauses)
    def dossier_counters(self) -> dict[int, Counters]:
        if self.method == Method.ROLLUP:
            return self.rolled().counters  # read only by the callers
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
                before_reception=False,  # asked before reception: no clock ran, nothing to subtract
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

    # feedback (PAKN) counters by reporting agency: 5.1-5.3, the same for both methods (a small table)
    def petition_counters(self) -> dict[int | None, Counters]:
        if self.petitions is None:
            self.petitions = PetitionFacts([(self.window.start, self.window.close)])
        return self.petitions.counters(start=self.window.start, close=self.window.close, at=self.at, org=self.org)

    # the catalogue in force at the close of the window, with the reporting agencies holding authority
    def catalogue(self, *, procedure: str = "", field_code: str = "") -> dict[int, _Version]:
        source = self._catalogue or _catalogue_of(self.org)
        self._catalogue = source
        return source.at(self.window.close, procedure=procedure, field_code=field_code)

    def holdings(self, versions: dict[int, _Version]) -> _Holdings:
        return self._catalogue.holdings(versions) if self._catalogue else _Holdings(versions)

    def calendar(self) -> WorkingCalendar:
        """The province's working calendar (1.1 and 1.2 count working days), read once per engine."""
        if self._calendar is None:
            self._calendar = working_calendar()
        return self._calendar

    def publication_counters(
        self, procedures: set[int] | None, *, procedure: str = "", field_code: str = ""
    ) -> Counters:
        """1.1 and 1.2 for the decisions dated in the window (:mod:`cchc.indicators.publications`), of
        ``procedures`` (an agency's, in force at the close) or of every recorded one (``None``)."""
        source = self._catalogue or _catalogue_of(self.org)
        self._catalogue = source
        return publication_counters(
            source.publications,
            first_day=self.window.start.astimezone(VN_TZ).date(),
            last_day=(self.window.close - timedelta(microseconds=1)).astimezone(VN_TZ).date(),
            today=self.at.astimezone(VN_TZ).date(),
            calendar=self.calendar,
            procedures=procedures,
            procedure_code=procedure,
            field_code=field_code,
        )

    def online_pairs(self) -> set[tuple[int, int]]:
        """(reporting agency, procedure) with at least one online dossier received in the window."""
        if self.method == Method.ROLLUP:
            return self._report_parts(self.rolled().online_parts)
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
        if self.method == Method.ROLLUP:
            return self._report_parts(self.rolled().paid_parts)
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

    def _report_parts(self, parts: Iterable[Collection[tuple[int, int]]]) -> set[tuple[int, int]]:
        """:meth:`_report_pairs` of the union of ``parts``, each part mapped once for all the engines of
        a batch (they share the organisation; the windows of a rollup read share most parts). Many
        small parts (pairs seen in scattered segments of days) cost more to look up than to map."""
        parts = list(parts)
        if len(parts) > FEW_PARTS:
            return self._report_pairs(set().union(*parts))
        found: set[tuple[int, int]] = set()
        for part in parts:
            entry = self.mapped.get(id(part))
            if entry is None or entry[0] is not part:
                entry = self.mapped[id(part)] = (part, self._report_pairs(part))
            found |= entry[1]
        return found

    def _report_pairs(self, rows: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        reporting = self.org.reporting
        found = ((reporting.get(agency_id), procedure_id) for agency_id, procedure_id in rows)
        return {(target, procedure_id) for target, procedure_id in found if target is not None}


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
    certifiers: set[int] = field(default_factory=set)  # ELECTRONIC_CERTIFIED_COPY: reporting agencies
    e_certifiers: set[int] = field(default_factory=set)


def _catalogue_sets(
    versions: dict[int, _Version],
    reporting_ids: set[int] | None,
    online_pairs: set[tuple[int, int]],
    paid_pairs: set[tuple[int, int]],
    holdings: _Holdings | None = None,
) -> _CatalogueSets:
    return _CatalogueIndex(versions, online_pairs, paid_pairs, holdings).sets(reporting_ids)


class _Holdings:
    """Who holds what in one catalogue in force: the procedures of each reporting agency and every
    (agency, online procedure) service. Depends on the catalogue only: shared by the windows that
    share it (:meth:`_Catalogue.holdings`)."""

    def __init__(self, versions: dict[int, _Version]) -> None:
        self.held: dict[int, list[int]] = defaultdict(list)  # reporting agency -> procedures it holds
        for pk, version in versions.items():
            for agency_id in version.holders:
                self.held[agency_id].append(pk)
        self.services = {(a, pk) for pk, v in versions.items() if v.online for a in v.holders}
        # ELECTRONIC_CERTIFIED_COPY (definitions: basis): the units with authority to certify copies from
        # originals (holders of a certification procedure in force, paper or electronic) and those of them
        # offering the electronic certified copy (holders of that procedure in force)
        self.certifiers: set[int] = set()
        self.e_certifiers: set[int] = set()
        for v in versions.values():
            if v.result_type in CERTIFYING_TYPES:
                self.certifiers |= v.holders
            if v.result_type == ELECTRONIC_CERTIFIED_COPY_TYPE:
                self.e_certifiers |= v.holders


class _CatalogueIndex:
    """The catalogue in force and the pairs of a window indexed by reporting agency, so that the sets of
    any agency are read without going through the whole catalogue (the rankings ask for every agency)."""

    def __init__(
        self,
        versions: dict[int, _Version],
        online_pairs: set[tuple[int, int]],
        paid_pairs: set[tuple[int, int]],
        holdings: _Holdings | None = None,
    ) -> None:
        self.versions = versions
        self.online_pairs = online_pairs
        self.paid_pairs = paid_pairs
        holdings = holdings or _Holdings(versions)
        self.held = holdings.held
        self.all_services = holdings.services
        self.certifiers, self.e_certifiers = holdings.certifiers, holdings.e_certifiers
        self.paid_by: dict[int, set[int]] = defaultdict(set)
        for agency_id, pk in paid_pairs:
            self.paid_by[agency_id].add(pk)

    def sets(self, reporting_ids: set[int] | None) -> _CatalogueSets:
        versions = self.versions
        if reporting_ids is None:
            procedures = set(versions)
            services = self.all_services
            paid = {pk for _, pk in self.paid_pairs}
        else:
            procedures, services, paid = set(), set(), set()
            for agency_id in reporting_ids:
                held = self.held.get(agency_id, ())
                procedures.update(held)
                services.update((agency_id, pk) for pk in held if versions[pk].online)
                paid |= self.paid_by.get(agency_id, set())
        fee = {pk for pk in procedures if versions[pk].fee}
        return _CatalogueSets(
            procedures=procedures,
            complete={pk for pk in procedures if versions[pk].complete},
            online={pk for pk in procedures if versions[pk].online},
            services=services,
            services_used=services & self.online_pairs,
            fee=fee,
            fee_paid=fee & paid,
            certifiers=self.certifiers if reporting_ids is None else self.certifiers & reporting_ids,
            e_certifiers=self.e_certifiers if reporting_ids is None else self.e_certifiers & reporting_ids,
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
        "ELECTRONIC_CERTIFIED_COPY:num": len(sets.e_certifiers & sets.certifiers),
        "ELECTRONIC_CERTIFIED_COPY:den": len(sets.certifiers),
    }


def _add(total: Counters, more: Counters) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def _add_all(total: Counters, rows: Iterable[Counters]) -> None:
    """:func:`_add` of every one of ``rows``; rows with the same keys in the same order (every handling
    agency's row of a rollup read has) are summed column by column first."""
    columns: dict[tuple[str, ...], list[Iterable[int]]] = {}
    for row in rows:
        columns.setdefault(tuple(row), []).append(row.values())
    for keys, values in columns.items():
        _add(total, dict(zip(keys, map(sum, zip(*values, strict=True)), strict=True)))


@dataclass(frozen=True)
class _Plan:
    """What :func:`_result` needs of an indicator, worked out once (a dashboard makes some 2,000 results)."""

    indicator: Indicator
    code: str
    num_key: str
    den_key: str
    scored: bool
    has_data: bool
    not_for_communes: bool  # scored, not applicable at commune level: full marks there
    full_marks: Fraction
    no_data: str
    empty: str

    @classmethod
    def of(cls, indicator: Indicator) -> _Plan:
        code = indicator.code
        return cls(
            indicator=indicator,
            code=code,
            num_key=f"{code}:num",
            den_key=f"{code}:den",
            scored=indicator.scored,
            has_data=indicator.has_data,
            not_for_communes=indicator.scored and not indicator.applies_to_commune,
            full_marks=Fraction(indicator.max_points),
            no_data=f"{NO_DATA}: {indicator.no_data_reason}",
            empty=f"Không có {indicator.unit} nào thuộc mẫu số trong kỳ (hiển thị N/A, không tính điểm).",
        )


_PLANS = [(group, [_Plan.of(i) for i in BY_GROUP[group]]) for group in Group]
_DETAIL_FREE = (":num", ":den")  # the counters' keys that are not details


def _result(
    plan: _Plan, counters: Counters, commune: bool, details_of: dict[str, Counters], time_unit: str | None = None
) -> IndicatorResult:
    """``details_of``: the counters by indicator code and part, other than num and den (``CODE:part``
    split once per report)."""
    indicator = plan.indicator
    if commune and plan.not_for_communes:
        return IndicatorResult(
            indicator,
            Status.NOT_APPLICABLE,
            score=plan.full_marks,
            reason="Không áp dụng đối với cấp xã: tính điểm tối đa.",
        )
    if not plan.has_data:
        return IndicatorResult(indicator, Status.NO_DATA, reason=plan.no_data)
    code = plan.code
    numerator = counters.get(plan.num_key, 0)
    denominator = counters.get(plan.den_key, 0)
    if code == "PROCESSING_TIME_AVG":
        seconds = counters.get(f"{code}:seconds", 0)
        unit, unit_seconds = average_time_unit(time_unit)
        if denominator == 0:
            return IndicatorResult(
                indicator,
                Status.EMPTY,
                0,
                0,
                reason="Không có hồ sơ xử lý xong tiếp nhận trong kỳ.",
                ratio_unit=unit,
            )
        return IndicatorResult(
            indicator,
            Status.DISPLAY,
            seconds,
            denominator,
            ratio=Fraction(seconds, denominator * unit_seconds),
            reason=f"Tử số tính bằng giây; tỷ lệ là số {unit} trung bình.",
            ratio_unit=unit,
        )
    details = dict(details_of[code]) if code in details_of else {}
    if denominator == 0:
        return IndicatorResult(indicator, Status.EMPTY, numerator, denominator, reason=plan.empty, details=details)
    ratio = Fraction(numerator, denominator)
    if not plan.scored:
        return IndicatorResult(indicator, Status.DISPLAY, numerator, denominator, ratio, details=details)
    score = indicator.score_of(numerator, denominator)
    return IndicatorResult(indicator, Status.COMPUTED, numerator, denominator, ratio, score, details=details)


def _report(
    engine: _Engine,
    counters: Counters,
    *,
    label: str,
    scope: Scope,
    commune: bool,
    agency_id: int | None = None,
    time_unit: str | None = None,
) -> Report:
    """``time_unit``: the one unit of the statutory times of the scope's procedures, if they share one
    (2.2 is then shown in it, :func:`cchc.indicators.definitions.average_time_unit`)."""
    details_of: dict[str, Counters] = {}
    for key, value in counters.items():
        if key.endswith(_DETAIL_FREE):
            continue
        code, _, part = key.partition(":")
        if ":" not in part:
            details_of.setdefault(code, {})[part] = value
    groups = [
        GroupResult(group, [_result(plan, counters, commune, details_of, time_unit) for plan in plans])
        for group, plans in _PLANS
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


class _Batch:
    """Several periods (and scopes) computed together: the organisation, the catalogue and the rollup
    counters of every window are loaded once — constant queries whatever the number of periods."""

    def __init__(self, *, periods: Sequence[Period], at: datetime, structure: str, method: str) -> None:
        self.periods = list(periods)
        self.at = at
        self.structure = Structure(structure)
        self.method = Method(method)
        self.org = organisation_load(structure=self.structure, day=at.astimezone(VN_TZ).date())
        self.windows = [Window.of(period, at) for period in self.periods]
        self._catalogue: _Catalogue | None = None
        self._reads: dict[tuple[str, str, frozenset[int] | None], list[RollupRead | None]] = {}
        self.petitions = PetitionFacts((w.start, w.close) for w in self.windows)
        self._mapped: dict[int, tuple[Collection[tuple[int, int]], set[tuple[int, int]]]] = {}

    def engines(self, resolved: ResolvedScope) -> list[_Engine]:
        """One engine per period for the scope, its facts already read (rollups) or to read (direct)."""
        if self._catalogue is None:
            self._catalogue = _catalogue_of(self.org)
        handlers = None if resolved.reporting_ids is None else frozenset(self.org.handled_by(resolved.reporting_ids))
        reads = self._read(resolved, handlers) if self.method == Method.ROLLUP else [None] * len(self.periods)
        engines = []
        for period, read in zip(self.periods, reads, strict=True):
            engine = _Engine(
                period=period,
                at=self.at,
                structure=self.structure,
                method=self.method,
                org=self.org,
                catalogue=self._catalogue,
            )
            engine.restrict(resolved)
            engine.petitions = self.petitions
            engine.mapped = self._mapped
            if read is not None and engine.method == Method.ROLLUP:
                engine._rolled = read.only(handlers)
            engines.append(engine)
        return engines

    def _read(self, resolved: ResolvedScope, handlers: frozenset[int] | None) -> list[RollupRead | None]:
        """The rollup reads of every window for the scope: those of the whole province (same procedure
        and field) when already read, filtered by handling agency (counters are kept per handling
        agency, so this is exact); else one read for the scope."""
        wide = (resolved.procedure, resolved.field, None)
        key = wide if wide in self._reads else (resolved.procedure, resolved.field, handlers)
        if key not in self._reads:
            rolling = [i for i, w in enumerate(self.windows) if w.close >= w.start]
            reads = rollups_read_series(
                windows=[self.windows[i] for i in rolling],
                scope=scope_rollup_filter(resolved, self.org),
                detail=bool(resolved.procedure or resolved.field),
            )
            found: list[RollupRead | None] = [None] * len(self.windows)
            for i, read in zip(rolling, reads, strict=True):
                found[i] = read
            self._reads[key] = found
        return self._reads[key]


_PROVINCE = ResolvedScope(Scope(), None)


def indicators_compute(
    *,
    period: Period,
    scope: Scope | None = None,
    at: datetime,
    structure: str = Structure.CURRENT,
    method: str = Method.ROLLUP,
) -> Report:
    """Every indicator of the index for one scope and period.

    ``at`` closes a period that has not ended yet and fixes the organisation (the reporting agencies
    valid on that day for ``Structure.CURRENT``). ``method``: ``rollup`` (default) reads the rollups,
    brought up to date first; ``direct`` scans the dossier table. Both give the same figures.
    """
    return indicators_compute_series(periods=[period], scope=scope, at=at, structure=structure, method=method)[0]


def indicators_compute_series(
    *,
    periods: Sequence[Period],
    scope: Scope | None = None,
    at: datetime,
    structure: str = Structure.CURRENT,
    method: str = Method.ROLLUP,
) -> list[Report]:
    """:func:`indicators_compute` for each of ``periods`` (same order), in the queries of one period:
    the reference stamp (1), the rollup counters of every window (1), the (agency,
    procedure) pairs (1), the feedback (1); the organisation (2) and the catalogue (3, and 1 for the
    publications of 1.1 and 1.2) when the process
    does not hold them for the stamp; 3 more on the facts per distinct mid-day close.
    ``method="direct"`` reads the dossiers per period (2 queries each, plus the pairs)."""
    scope = scope or Scope()
    batch = _Batch(periods=periods, at=at, structure=structure, method=method)
    resolved = scope_resolve(scope, batch.org)
    return [_scope_report(engine, resolved, scope) for engine in batch.engines(resolved)]


def indicators_compute_grid(
    *,
    periods: Sequence[Period],
    scopes: Sequence[Scope],
    at: datetime,
    structure: str = Structure.CURRENT,
    method: str = Method.ROLLUP,
) -> list[list[Report]]:
    """``reports[i][j]``: every indicator for ``scopes[i]`` over ``periods[j]``, in one batch: the
    organisation and the catalogue once, one rollup read (2 queries, 3 more per
    distinct mid-day close) per scope of procedures or fields — scopes of agencies share one read."""
    batch = _Batch(periods=periods, at=at, structure=structure, method=method)
    found = []
    for scope in scopes:
        resolved = scope_resolve(scope, batch.org)
        found.append([_scope_report(engine, resolved, scope) for engine in batch.engines(resolved)])
    return found


def _scope_report(engine: _Engine, resolved: ResolvedScope, scope: Scope) -> Report:
    counters: Counters = {}
    _add_all(counters, engine.dossier_counters().values())
    sets = _scope_sets(engine, resolved)
    _add(counters, _catalogue_counters(sets))
    _add(
        counters,
        engine.publication_counters(
            None if resolved.reporting_ids is None else sets.procedures,
            procedure=resolved.procedure,
            field_code=resolved.field,
        ),
    )
    _add(
        counters,
        petition_counters_for(
            engine.petition_counters(),
            resolved.reporting_ids,
            procedure_scope=bool(resolved.procedure or resolved.field),
        ),
    )
    return _report(
        engine,
        counters,
        label=resolved.label,
        scope=scope,
        commune=resolved.commune,
        time_unit=_scope_time_unit(engine, resolved),
    )


def _scope_time_unit(engine: _Engine, resolved: ResolvedScope) -> str | None:
    """The unit of the statutory time shared by the procedures of a procedure or field scope (the
    versions in force at the window's close), else None (a scope of agencies: days)."""
    if not (resolved.procedure or resolved.field):
        return None
    units = {v.time_unit for v in engine.catalogue(procedure=resolved.procedure, field_code=resolved.field).values()}
    return units.pop() if len(units) == 1 else None


def _scope_sets(engine: _Engine, resolved: ResolvedScope) -> _CatalogueSets:
    versions = engine.catalogue(procedure=resolved.procedure, field_code=resolved.field)
    online, paid = engine.online_pairs(), engine.paid_pairs()
    return _catalogue_sets(versions, resolved.reporting_ids, online, paid, engine.holdings(versions))


def indicators_compute_units(
    *, period: Period, at: datetime, structure: str = Structure.CURRENT, method: str = Method.ROLLUP
) -> list[Report]:
    """The province, then every reporting agency that handled dossiers or holds authority over a
    procedure in force (by level, then name), each with every indicator. Constant number of queries.
    ``method`` as :func:`indicators_compute`."""
    batch = _Batch(periods=[period], at=at, structure=structure, method=method)
    return _units(batch.engines(_PROVINCE)[0])


def _units(engine: _Engine) -> list[Report]:
    per_handler = engine.dossier_counters()
    versions = engine.catalogue()
    online, paid = engine.online_pairs(), engine.paid_pairs()

    province: Counters = {}
    _add_all(province, per_handler.values())
    by_target: dict[int, list[Counters]] = defaultdict(list)
    for handler, counters in per_handler.items():
        target = engine.org.report_as(handler)
        if target is not None:
            by_target[target].append(counters)
    per_agency: dict[int, Counters] = defaultdict(dict)
    for target, rows in by_target.items():
        _add_all(per_agency[target], rows)
    index = _CatalogueIndex(versions, online, paid, engine.holdings(versions))
    _add(province, _catalogue_counters(index.sets(None)))
    _add(province, engine.publication_counters(None))
    holders = set(index.held)
    # feedback counts for the province and for the agencies listed anyway (dossiers or procedures held)
    for target, counters in engine.petition_counters().items():
        _add(province, counters)
        if target is not None and (target in per_agency or target in holders):
            _add(per_agency[target], counters)
    reports = [_report(engine, province, label="Toàn tỉnh", scope=Scope(), commune=False)]
    agencies = [engine.org.agencies[pk] for pk in set(per_agency) | holders]
    levels = list(Level.values)
    for agency in sorted(agencies, key=lambda a: (levels.index(a.level), a.name, a.pk)):
        counters = dict(per_agency.get(agency.pk, {}))
        sets = index.sets({agency.pk})
        _add(counters, _catalogue_counters(sets))
        _add(counters, engine.publication_counters(sets.procedures))
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


@dataclass
class Dashboard:
    """What a dashboard page shows, computed together (:func:`indicators_dashboard`)."""

    report: Report  # the scope over the period
    trend: list[tuple[Period, Report]]  # the scope over each period of the trend
    units: list[Report]  # the province then every reporting agency over the period (when asked)


def indicators_dashboard(
    *,
    period: Period,
    trend: Sequence[Period] = (),
    scope: Scope | None = None,
    at: datetime,
    structure: str = Structure.CURRENT,
    units: bool = False,
    method: str = Method.ROLLUP,
) -> Dashboard:
    """The figures of a dashboard in one batch: the scope over ``period`` and over each period of
    ``trend`` (e.g. the months of the year), and with ``units`` the province and every reporting agency
    over ``period`` (the rankings). Same figures as the separate computations; a constant number of
    queries (:func:`indicators_compute_series`), whatever the number of periods, agencies or dossiers:
    the province's rollup read serves the units and any scope of agencies (unit, level)."""
    scope = scope or Scope()
    batch = _Batch(periods=[period, *trend], at=at, structure=structure, method=method)
    resolved = scope_resolve(scope, batch.org)
    unit_reports = _units(batch.engines(_PROVINCE)[0]) if units else []
    engines = batch.engines(resolved)
    if units and scope.is_province:
        report = unit_reports[0]
    else:
        report = _scope_report(engines[0], resolved, scope)
    series = [(p, _scope_report(engine, resolved, scope)) for p, engine in zip(trend, engines[1:], strict=True)]
    return Dashboard(report=report, trend=series, units=unit_reports)


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
    engine.restrict(resolved)
    return _scope_sets(engine, resolved)


__all__ = [
    "CATALOGUE_INDICATORS",
    "Dashboard",
    "GroupResult",
    "IndicatorResult",
    "Organisation",
    "Report",
    "indicator_procedures",
    "indicator_services",
    "indicators_compute",
    "indicators_compute_grid",
    "indicators_compute_series",
    "indicators_compute_units",
    "indicators_dashboard",
]

"""Reads of the PAR Index: rounds a user may see, an assessment's scoring sheet, results and ranking.

Every function runs a fixed number of queries whatever the number of agencies or criteria (the tree,
the assessments and the scores are each read once and put together in Python).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_list_valid_on
from cchc.par.constants import AssessmentStatus, Grade, Method, RoundStatus
from cchc.par.models import Assessment, AssessmentRound, Criterion, Evidence, IndexSet, Score
from cchc.par.scoring import grade_for, percent_of, rank

ZERO = Decimal(0)


# --- who may see what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What a user may do in the PAR pages on one day: the agencies they act for."""

    agency_ids: frozenset[int]
    superuser: bool = False

    def acts_for(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids

    def appraises(self, round_: AssessmentRound) -> bool:
        return round_.appraiser_id in self.agency_ids

    def may_see_assessment(self, assessment: Assessment) -> bool:
        return self.superuser or self.acts_for(assessment.agency_id) or self.appraises(assessment.round)

    def may_see_results(self, round_: AssessmentRound) -> bool:
        return self.superuser or self.appraises(round_) or round_.status == RoundStatus.FINALISED


def viewer_for(*, user: AbstractBaseUser, on: date) -> Viewer:
    """One query: the agencies ``user`` acts for on ``on`` (any role)."""
    ids = membership_list_valid_on(on=on, area=Area.PAR, user=user).values_list("agency_id", flat=True)
    return Viewer(frozenset(ids), superuser=bool(getattr(user, "is_superuser", False)))


# --- lists ----------------------------------------------------------------------------------------


def index_set_list() -> QuerySet[IndexSet]:
    return IndexSet.objects.annotate(
        leaves=Count("nodes", filter=Q(nodes__is_leaf=True)), rounds_count=Count("rounds", distinct=True)
    ).order_by("-year", "audience", "code")


def round_list() -> QuerySet[AssessmentRound]:
    """Every round with its index set, appraiser and counts of assessments by state (one query)."""
    return (
        AssessmentRound.objects.select_related("index_set", "appraiser")
        .annotate(
            total=Count("assessments"),
            submitted=Count("assessments", filter=~Q(assessments__status=AssessmentStatus.DRAFT)),
            finalised=Count("assessments", filter=Q(assessments__status=AssessmentStatus.FINALISED)),
        )
        .order_by("-year", "index_set__audience", "pk")
    )


def assessment_list_for_agencies(*, agency_ids: frozenset[int]) -> QuerySet[Assessment]:
    return Assessment.objects.filter(agency_id__in=agency_ids).select_related("agency", "round")


def round_get(*, pk: int) -> AssessmentRound:
    return AssessmentRound.objects.select_related("index_set", "appraiser").get(pk=pk)


def assessment_get(*, round_id: int, agency_id: int) -> Assessment:
    return Assessment.objects.select_related("round", "round__index_set", "round__appraiser", "agency").get(
        round_id=round_id, agency_id=agency_id
    )


# --- the scoring sheet ----------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One node of the tree for one agency: its score (leaves) and its subtotals (inner nodes)."""

    node: Criterion
    score: Score | None
    self_total: Decimal = ZERO
    final_total: Decimal = ZERO
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.node.depth


def criteria_tree(*, index_set: IndexSet) -> list[Criterion]:
    return list(index_set.nodes.order_by("position"))


def assessment_sheet(*, assessment: Assessment) -> list[SheetRow]:
    """Every node in order with the agency's scores, evidence and subtotals (three queries)."""
    nodes = criteria_tree(index_set=assessment.round.index_set)
    scores = {
        s.criterion_id: s
        for s in assessment.scores.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
    }
    rows = {node.pk: SheetRow(node=node, score=scores.get(node.pk)) for node in nodes}
    for node in reversed(nodes):  # children come after their parent: add bottom-up
        row = rows[node.pk]
        if row.score is not None:
            row.evidence = list(row.score.evidence.all())
            row.self_total = _self_value(node, row.score)
            row.final_total = row.score.final_points or ZERO
        if node.parent_id is not None:
            parent = rows[node.parent_id]
            parent.self_total += row.self_total
            parent.final_total += row.final_total
    return [rows[node.pk] for node in nodes]


def _self_value(node: Criterion, score: Score) -> Decimal:
    """What counts in the self-assessed total: the self-score of a self-assessed leaf, nothing else.

    Rule: the self-assessment is frozen once submitted (issue 12 item 21). A survey or computed leaf
    is not the agency's to give: the appraiser records it after the submission (``_check_appraisal``
    refuses a draft), so at submission it has no value, and counting its value "as it stands" let the
    appraiser's "Lấy số liệu từ hệ thống" change the agency's self-assessed score afterwards (52,25 →
    57,25). Self-scores cannot change once submitted (``score_self`` refuses), so this total is the one
    the agency submitted.
    """
    if node.method == Method.SELF:
        return score.self_points or ZERO
    return ZERO


# --- results --------------------------------------------------------------------------------------


@dataclass
class FieldResult:
    code: str
    name: str
    max_points: Decimal
    self_points: Decimal = ZERO
    final_points: Decimal = ZERO

    @property
    def percent(self) -> Decimal:
        return percent_of(self.final_points, self.max_points)

    @property
    def self_percent(self) -> Decimal:
        return percent_of(self.self_points, self.max_points)


@dataclass
class AgencyResult:
    assessment: Assessment
    fields: list[FieldResult]
    max_points: Decimal
    rank: int | None = None
    grade: Grade | None = None

    @property
    def agency_name(self) -> str:
        return self.assessment.agency.name

    @property
    def submitted(self) -> bool:
        return self.assessment.status != AssessmentStatus.DRAFT

    @property
    def provisional(self) -> bool:
        """Not yet appraised to the end: the figures may still change."""
        return self.assessment.status != AssessmentStatus.FINALISED

    @property
    def self_total(self) -> Decimal:
        return sum((f.self_points for f in self.fields), ZERO)

    @property
    def final_total(self) -> Decimal:
        return sum((f.final_points for f in self.fields), ZERO)

    @property
    def percent(self) -> Decimal:
        return percent_of(self.final_total, self.max_points)

    @property
    def self_percent(self) -> Decimal:
        return percent_of(self.self_total, self.max_points)

    @property
    def difference(self) -> Decimal:
        return self.final_total - self.self_total


@dataclass
class RoundResults:
    round: AssessmentRound
    fields: list[Criterion]
    ranked: list[AgencyResult]  # submitted assessments, best first, with rank and grade
    not_submitted: list[AgencyResult]

    def grade_counts(self) -> list[tuple[Grade, int]]:
        counts: dict[Grade, int] = defaultdict(int)
        for result in self.ranked:
            if result.grade is not None:
                counts[result.grade] += 1
        return [(grade, counts[grade]) for grade in Grade]


def _results(round_: AssessmentRound, assessments: list[Assessment], score_filter: Q) -> RoundResults:
    index_set = round_.index_set
    fields = list(index_set.nodes.filter(parent__isnull=True).order_by("position"))
    sums: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    rows = Score.objects.filter(score_filter).values_list(
        "assessment_id", "criterion__code", "criterion__method", "self_points", "appraised_points"
    )
    for assessment_id, code, method, self_points, appraised in rows:
        pair = sums[assessment_id][code.split(".", 1)[0]]
        final = appraised if appraised is not None else self_points
        pair[0] += (self_points or ZERO) if method == Method.SELF else ZERO  # frozen at submission: see _self_value
        pair[1] += final or ZERO
    results = []
    for assessment in assessments:
        per_field = sums.get(assessment.pk, {})
        results.append(
            AgencyResult(
                assessment=assessment,
                max_points=index_set.max_points,
                fields=[
                    FieldResult(
                        code=f.code,
                        name=f.name,
                        max_points=f.max_points,
                        self_points=per_field.get(f.code, [ZERO, ZERO])[0],
                        final_points=per_field.get(f.code, [ZERO, ZERO])[1],
                    )
                    for f in fields
                ],
            )
        )
    submitted = [r for r in results if r.submitted]
    for position, result in rank(submitted, total=lambda r: r.final_total, name=lambda r: r.agency_name):
        result.rank = position
        result.grade = grade_for(
            result.percent,
            excellent=index_set.grade_excellent_min,
            good=index_set.grade_good_min,
            average=index_set.grade_average_min,
        )
    ranked = sorted(submitted, key=lambda r: (r.rank or 0, r.agency_name))
    others = sorted((r for r in results if not r.submitted), key=lambda r: r.agency_name)
    return RoundResults(round=round_, fields=fields, ranked=ranked, not_submitted=others)


def round_results(*, round_: AssessmentRound) -> RoundResults:
    """Totals per agency (self-assessed and appraised), per field, percent, grade and rank.

    Four queries: the fields, the assessments with their agencies, the scores (one row per leaf and
    agency, summed here), plus the round if not given joined.
    """
    assessments = list(round_.assessments.select_related("agency").order_by("agency__name", "pk"))
    for assessment in assessments:
        assessment.round = round_
    return _results(round_, assessments, Q(assessment__round=round_))


def assessment_result(*, assessment: Assessment) -> AgencyResult:
    """One agency's totals per field (no rank: see :func:`round_results`)."""
    result = _results(assessment.round, [assessment], Q(assessment=assessment))
    found = result.ranked or result.not_submitted
    return found[0]


def chart_ranking(results: RoundResults) -> dict[str, Any]:
    """Data for the ranking bar chart (``json_script``): names and percents, best first."""
    return {
        "names": [r.agency_name for r in results.ranked],
        "percent": [float(r.percent) for r in results.ranked],
        "self_percent": [float(r.self_percent) for r in results.ranked],
        "grades": [r.grade.label if r.grade else "" for r in results.ranked],
        "thresholds": [
            float(results.round.index_set.grade_excellent_min),
            float(results.round.index_set.grade_good_min),
            float(results.round.index_set.grade_average_min),
        ],
    }


def chart_fields(result: AgencyResult) -> dict[str, Any]:
    """Data for one agency's per-field chart: percent of each field's maximum, self vs appraised."""
    return {
        "names": [f"{f.code}. {f.name}" for f in result.fields],
        "percent": [float(f.percent) for f in result.fields],
        "self_percent": [float(f.self_percent) for f in result.fields],
    }

"""Reads of the satisfaction surveys, and the satisfaction summary other apps may read.

The summary combines two sources, each shown separately (the method is ours, pending the official SIPAS
formula, see ``docs/surveys.md``):

(a) per-dossier ratings from the one-stop-shop (``DossierRating``): the share of ratings that are not
    "Không hài lòng" (very satisfied, satisfied or acceptable), as QĐ 766/QĐ-TTg indicator 5.4 counts only a
    "không hài lòng" against the dossier; the stricter share "Rất hài lòng + Hài lòng" is shown beside it;
(b) survey responses: per criterion, the share of answers "Hài lòng" (4) or "Rất hài lòng" (5) among the
    answers given; a factor is the mean of its criteria, the survey index the mean of its factors (criteria
    and factors without answers are left out);
(c) combined: the mean of (a) and (b) with equal weight when both exist, else the one that exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from cchc.common.text import fold
from cchc.dossiers.constants import RatingLevel
from cchc.dossiers.models import DossierRating
from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.surveys.constants import SATISFIED_FROM, GroupBy, Likert, SurveyErrorCode
from cchc.surveys.errors import SurveyError
from cchc.surveys.models import Answer, Campaign, Questionnaire, Response
from cchc.surveys.spec import FactorSpec, QuestionnaireSpec, QuestionSpec

UNKNOWN_FIELD_LABEL = "Chưa ghi lĩnh vực"

METHOD_TEXT = (
    "Phương pháp của CCHC, chờ công thức chính thức của Bộ Nội vụ: (a) đánh giá sau mỗi hồ sơ: tỷ lệ đánh giá "
    "không phải «Không hài lòng» (như chỉ số 5.4 của QĐ 766/QĐ-TTg), kèm tỷ lệ «Rất hài lòng + Hài lòng»; "
    "(b) khảo sát: tỷ lệ câu trả lời «Hài lòng» hoặc «Rất hài lòng» theo từng tiêu chí, chỉ số yếu tố = trung "
    "bình các tiêu chí, chỉ số khảo sát = trung bình các yếu tố; (c) chỉ số chung = trung bình cộng của (a) và "
    "(b) khi có cả hai, nếu không thì lấy nguồn có số liệu."
)


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


# --- questionnaires and campaigns -----------------------------------------------------------------


def questionnaire_list() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.annotate(campaign_count=Count("campaigns")).order_by("code", "-version")


def questionnaire_get(*, code: str, version: int | None = None) -> Questionnaire:
    """One questionnaire (the latest version unless ``version``) with its factors and criteria prefetched;
    raises ``Questionnaire.DoesNotExist``."""
    qs = Questionnaire.objects.filter(code=code).prefetch_related("factors__questions")
    if version is not None:
        return qs.get(version=version)
    found = qs.order_by("-version").first()
    if found is None:
        raise Questionnaire.DoesNotExist(f"Không có bộ câu hỏi «{code}».")
    return found


def questionnaire_spec(*, questionnaire: Questionnaire) -> QuestionnaireSpec:
    """The stored questionnaire in its file form (use on one fetched by :func:`questionnaire_get`)."""
    return QuestionnaireSpec(
        code=questionnaire.code,
        version=questionnaire.version,
        name=questionnaire.name,
        legal_basis=questionnaire.legal_basis,
        method_note=questionnaire.method_note,
        scale=tuple((int(item["value"]), str(item["label"])) for item in questionnaire.scale),
        factors=tuple(
            FactorSpec(
                code=f.code,
                name=f.name,
                wording=f.wording,
                questions=tuple(
                    QuestionSpec(code=q.code, text=q.text, required=q.required, wording=q.wording)
                    for q in f.questions.all()
                ),
            )
            for f in questionnaire.factors.all()
        ),
    )


def questionnaire_export(*, code: str | None = None, version: int | None = None) -> list[dict[str, Any]]:
    """Every questionnaire version (or one code / version) as ``cchc-questionnaire`` documents."""
    qs = Questionnaire.objects.prefetch_related("factors__questions").order_by("code", "version")
    if code:
        qs = qs.filter(code=code)
    if version is not None:
        qs = qs.filter(version=version)
    return [questionnaire_spec(questionnaire=q).to_data() for q in qs]


def campaign_list() -> QuerySet[Campaign]:
    """Campaigns with their questionnaire and response count (one query)."""
    return Campaign.objects.select_related("questionnaire").annotate(response_count=Count("responses"))


def campaign_get(*, code: str) -> Campaign:
    """One campaign with its questionnaire's factors and criteria and its scope; raises ``DoesNotExist``."""
    return (
        Campaign.objects.select_related("questionnaire")
        .prefetch_related("questionnaire__factors__questions", "agencies", "fields")
        .annotate(response_count=Count("responses"))
        .get(code=code)
    )


def campaign_agency_choices(*, campaign: Campaign, on: date) -> QuerySet[Agency]:
    """Agencies a response of ``campaign`` may be about on ``on``: its scope (empty = all), in force."""
    qs = Agency.objects.valid_on(on)
    if campaign.agencies.all():
        qs = qs.filter(pk__in=[a.pk for a in campaign.agencies.all()])
    if campaign.levels:
        qs = qs.filter(level__in=campaign.levels)
    return qs.order_by("level", "kind", "name", "pk")


def response_list_for_campaign(*, campaign: Campaign, limit: int = 20) -> list[Response]:
    """The latest responses of a campaign, with agency, field and staff joined."""
    return list(
        Response.objects.filter(campaign=campaign)
        .select_related("agency", "field", "entered_by")
        .order_by("-submitted_at", "-pk")[:limit]
    )


# --- aggregation ----------------------------------------------------------------------------------


@dataclass
class CriterionResult:
    code: str
    text: str
    order: tuple[int, int]
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def answers(self) -> int:
        return sum(self.distribution.values())

    @property
    def satisfied(self) -> int:
        return sum(n for value, n in self.distribution.items() if value >= SATISFIED_FROM)

    @property
    def share(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None

    @property
    def bars(self) -> list[tuple[int, str, int]]:
        return [(choice.value, choice.label, self.distribution.get(choice.value, 0)) for choice in Likert]


@dataclass
class FactorResult:
    code: str
    name: str
    order: int
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return _mean([c.share for c in self.criteria])

    @property
    def answers(self) -> int:
        return sum(c.answers for c in self.criteria)


@dataclass
class SurveyResult:
    respondents: int = 0
    factors: list[FactorResult] = field(default_factory=list)

    @property
    def index(self) -> float | None:
        return _mean([f.share for f in self.factors])

    def factor(self, code: str) -> FactorResult | None:
        return next((f for f in self.factors if f.code == code), None)

    def criterion(self, code: str) -> CriterionResult | None:
        return next((c for f in self.factors for c in f.criteria if c.code == code), None)


@dataclass
class RatingResult:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, level: str) -> int:
        return self.counts.get(level, 0)

    @property
    def not_dissatisfied_share(self) -> float | None:
        return (self.total - self.count(RatingLevel.DISSATISFIED)) / self.total if self.total else None

    @property
    def satisfied_share(self) -> float | None:
        if not self.total:
            return None
        return (self.count(RatingLevel.VERY_SATISFIED) + self.count(RatingLevel.SATISFIED)) / self.total


@dataclass
class SummaryRow:
    key: str
    label: str
    ratings: RatingResult = field(default_factory=RatingResult)
    survey: SurveyResult = field(default_factory=SurveyResult)
    factor_shares: list[float | None] = field(default_factory=list)  # aligned with SatisfactionSummary.factors

    @property
    def combined(self) -> float | None:
        return _mean([self.ratings.not_dissatisfied_share, self.survey.index])


@dataclass
class SatisfactionSummary:
    start: datetime
    end: datetime
    by: str
    rows: list[SummaryRow]
    total: SummaryRow
    factors: list[tuple[str, str]]  # (code, name) of every factor that has answers, in questionnaire order
    method: str = METHOD_TEXT


class _SurveyBuilder:
    """Accumulates answer counts ``(criterion, value) -> n`` into factors and criteria."""

    def __init__(self) -> None:
        self.result = SurveyResult()
        self._factors: dict[str, FactorResult] = {}
        self._criteria: dict[str, CriterionResult] = {}

    def add(self, row: dict[str, Any]) -> None:
        fcode = row["question__factor__code"]
        factor = self._factors.get(fcode)
        if factor is None:
            factor = self._factors[fcode] = FactorResult(
                code=fcode, name=row["question__factor__name"], order=row["question__factor__order"]
            )
        qcode = row["question__code"]
        criterion = self._criteria.get(qcode)
        if criterion is None:
            criterion = self._criteria[qcode] = CriterionResult(
                code=qcode, text=row["question__text"], order=(row["question__factor__order"], row["question__order"])
            )
            factor.criteria.append(criterion)
        criterion.distribution[row["value"]] = criterion.distribution.get(row["value"], 0) + row["n"]

    def build(self, respondents: int) -> SurveyResult:
        factors = sorted(self._factors.values(), key=lambda f: (f.order, f.code))
        for f in factors:
            f.criteria.sort(key=lambda c: (c.order, c.code))
        return SurveyResult(respondents=respondents, factors=factors)


_ANSWER_FIELDS = (
    "question__code",
    "question__text",
    "question__order",
    "question__factor__code",
    "question__factor__name",
    "question__factor__order",
    "value",
)

# by -> (response key, response label, rating key, rating label); level labels come from ``Level``.
_GROUPS: dict[str, tuple[str, str, str, str]] = {
    GroupBy.AGENCY: (
        "agency__code",
        "agency__name",
        "dossier__competent_agency__code",
        "dossier__competent_agency__name",
    ),
    GroupBy.FIELD: (
        "field__code",
        "field__name",
        "dossier__procedure_version__field__code",
        "dossier__procedure_version__field__name",
    ),
    GroupBy.LEVEL: ("level", "level", "dossier__competent_agency__level", "dossier__competent_agency__level"),
}


def campaign_results(*, campaign: Campaign) -> SurveyResult:
    """Per factor and criterion results of one campaign, with the distribution of answers (two queries)."""
    builder = _SurveyBuilder()
    rows = Answer.objects.filter(response__campaign=campaign).values(*_ANSWER_FIELDS).annotate(n=Count("id")).order_by()
    for row in rows:
        builder.add(row)
    return builder.build(Response.objects.filter(campaign=campaign).count())


def _label(by: str, key: str | None, label: str | None) -> str:
    if by == GroupBy.LEVEL:
        return Level(key).label if key in Level.values else (key or "")
    if key is None:
        return UNKNOWN_FIELD_LABEL
    return label or key


def satisfaction_summary(
    *, start: datetime, end: datetime, by: str = GroupBy.AGENCY, campaign: Campaign | None = None
) -> SatisfactionSummary:
    """Satisfaction in ``[start, end)`` by agency, field or level: dossier ratings (by the dossier's
    competent agency, its procedure's field and that agency's level) and survey responses (by the response's
    agency, field and level), each separately and combined; the method is in the module docstring and
    ``METHOD_TEXT``. ``campaign`` restricts the survey part to one campaign.

    Three queries whatever the number of groups, responses and ratings. Raises ``surveys.invalid_period``
    when the period is empty or naive.
    """
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise SurveyError(
            SurveyErrorCode.INVALID_PERIOD, "Khoảng thời gian không hợp lệ: ngày kết thúc phải sau ngày bắt đầu."
        )
    if by not in _GROUPS:
        raise SurveyError(SurveyErrorCode.INVALID_PERIOD, f"Cách nhóm «{by}» không hợp lệ (agency, field, level).")
    r_key, r_label, d_key, d_label = _GROUPS[by]
    a_key, a_label = f"response__{r_key}", f"response__{r_label}"

    responses = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if campaign is not None:
        responses = responses.filter(campaign=campaign)
    answers = (
        Answer.objects.filter(response__in=responses)
        .values(a_key, a_label, *_ANSWER_FIELDS)
        .annotate(n=Count("id"))
        .order_by()
    )
    respondents = responses.values(r_key, r_label).annotate(n=Count("id")).order_by()
    level_counts = {level.value: Count("id", filter=Q(level=level.value)) for level in RatingLevel}
    ratings = (
        DossierRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
        .values(d_key, d_label)
        .annotate(**level_counts)
        .order_by()
    )

    labels: dict[str, str] = {}
    builders: defaultdict[str, _SurveyBuilder] = defaultdict(_SurveyBuilder)
    total_builder = _SurveyBuilder()
    counts: dict[str, int] = {}
    rating_rows: dict[str, RatingResult] = {}
    for row in answers:
        key = row[a_key] or ""
        labels.setdefault(key, _label(by, row[a_key], row[a_label]))
        builders[key].add(row)
        total_builder.add(row)
    for row in respondents:
        key = row[r_key] or ""
        labels.setdefault(key, _label(by, row[r_key], row[r_label]))
        counts[key] = row["n"]
    for row in ratings:
        key = row[d_key] or ""
        labels.setdefault(key, _label(by, row[d_key], row[d_label]))
        rating_rows[key] = RatingResult(counts={level.value: row[level.value] for level in RatingLevel})

    rows = [
        SummaryRow(
            key=key,
            label=label,
            ratings=rating_rows.get(key, RatingResult()),
            survey=builders[key].build(counts.get(key, 0)) if key in builders else SurveyResult(counts.get(key, 0)),
        )
        for key, label in labels.items()
    ]
    if by == GroupBy.LEVEL:
        order = {value: i for i, value in enumerate(Level.values)}
        rows.sort(key=lambda r: (order.get(r.key, 99), r.key))
    else:
        rows.sort(key=lambda r: (r.key == "", fold(r.label), r.key))
    total_ratings = RatingResult(
        counts={level.value: sum(r.ratings.count(level.value) for r in rows) for level in RatingLevel}
    )
    total = SummaryRow(
        key="", label="Toàn tỉnh", ratings=total_ratings, survey=total_builder.build(sum(counts.values()))
    )
    factors = [(f.code, f.name) for f in total.survey.factors]
    for row in [*rows, total]:
        found = {f.code: f.share for f in row.survey.factors}
        row.factor_shares = [found.get(code) for code, _ in factors]
    return SatisfactionSummary(start=start, end=end, by=by, rows=rows, total=total, factors=factors)

"""Demo data for ``make run``: the two demo index sets and an open round of the current year for each,
with self-assessments from some agencies and a finished appraisal for a few.

Idempotent: the index sets load only when missing or changed (and unused), and a round that already
exists for the year is left as it is. Pseudo-random figures are seeded by the agency code, so two
runs on two machines give the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from cchc.par import services as s
from cchc.par.constants import AssessmentStatus, Method, ParError
from cchc.par.importer import read_index_file
from cchc.par.models import Assessment, AssessmentRound, IndexSet

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_FILES = ("demo-so-ban-nganh.json", "demo-cap-xa.json")
# How many agencies self-assess, and how many of those are appraised to the end, per index set.
PLAN = {"kh-noi-bo-so-nganh-demo": (9, 4), "kh-noi-bo-cap-xa-demo": (8, 3)}
QUARTER = Decimal("0.25")


@dataclass
class DemoResult:
    index_sets: list[tuple[IndexSet, bool]] = field(default_factory=list)  # (set, changed)
    rounds: list[tuple[AssessmentRound, bool]] = field(default_factory=list)  # (round, created)


def _self_points(maximum: Decimal, rng: random.Random) -> Decimal:
    share = rng.choice([Decimal(1), Decimal(1), Decimal(1), Decimal(1), Decimal("0.75"), Decimal("0.5")])
    return ((maximum * share) / QUARTER).to_integral_value() * QUARTER


def _fill(assessment: Assessment, *, at: datetime, appraise: bool) -> None:
    rng = random.Random(assessment.agency.code)
    scores = list(assessment.scores.select_related("criterion").order_by("criterion__position"))
    for score in scores:
        if score.criterion.method == Method.SELF:
            s.score_self(
                score=score,
                points=_self_points(score.criterion.max_points, rng),
                comment="Đã thực hiện theo kế hoạch CCHC năm; tài liệu kiểm chứng lưu tại cơ quan.",
                actor=None,
                at=at,
            )
    s.assessment_submit(assessment=assessment, actor=None, at=at)
    if not appraise:
        return
    later = at + timedelta(days=3)
    s.assessment_compute_linked(assessment=assessment, actor=None, at=later)
    for score in assessment.scores.select_related("criterion").order_by("criterion__position"):
        criterion = score.criterion
        if criterion.method == Method.SURVEY:
            percent = Decimal(rng.randint(7200, 9600)) / 100
            s.score_record_survey(
                score=score, percent=percent, source="Khảo sát SIPAS của tỉnh (số liệu minh họa)", actor=None, at=later
            )
        elif criterion.method == Method.COMPUTED and score.appraised_points is None:
            s.score_appraise(
                score=score,
                points=(criterion.max_points * Decimal("0.8")).quantize(Decimal("0.01")),
                reason="Hệ thống chưa có số liệu; Sở Nội vụ chấm theo báo cáo của cơ quan (minh họa).",
                actor=None,
                at=later,
            )
    adjustable = [
        sc
        for sc in assessment.scores.select_related("criterion").filter(criterion__method=Method.SELF)
        if sc.self_points
    ]
    for score in rng.sample(adjustable, k=min(2, len(adjustable))):
        lowered = max(Decimal(0), (score.self_points or Decimal(0)) - Decimal("0.5"))
        s.score_appraise(
            score=score,
            points=lowered,
            reason="Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện (minh họa).",
            actor=None,
            at=later,
        )
    s.assessment_finalise(assessment=assessment, actor=None, at=later)


def par_demo(*, at: datetime | None = None, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Load the demo index sets and open this year's demo rounds (see the module docstring)."""
    at = at or timezone.now()
    today = timezone.localtime(at).date()
    result = DemoResult()
    for name in DEMO_FILES:
        outcome = s.index_set_import(spec=read_index_file(DATA_DIR / name), actor=None, at=at)
        result.index_sets.append((outcome.index_set, outcome.changed))
    year = today.year
    opened = max(today.replace(month=1, day=1), today - timedelta(days=14))
    for index_set, _ in result.index_sets:
        existing = AssessmentRound.objects.filter(index_set=index_set, year=year).first()
        if existing is not None:
            result.rounds.append((existing, False))
            continue
        try:
            round_ = s.round_open(
                index_set=index_set,
                year=year,
                opened_on=opened,
                self_deadline=today + timedelta(days=30),
                appraisal_deadline=today + timedelta(days=60),
                actor=None,
                at=timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
                - timedelta(days=(today - opened).days),
            )
        except ParError as exc:  # e.g. the registry is not loaded: nothing to assess
            if progress:
                progress(f"{index_set.name}: {exc.message}")
            continue
        result.rounds.append((round_, True))
        self_count, appraised = PLAN.get(index_set.code, (0, 0))
        assessments = list(
            round_.assessments.select_related("agency").filter(status=AssessmentStatus.DRAFT).order_by("agency__name")
        )
        chosen = random.Random(index_set.code).sample(assessments, k=min(self_count, len(assessments)))
        for position, assessment in enumerate(chosen):
            if progress:
                progress(assessment.agency.name)
            _fill(assessment, at=at - timedelta(days=7), appraise=position < appraised)
    return result

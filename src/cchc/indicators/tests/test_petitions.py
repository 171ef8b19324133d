"""QĐ 766 5.1-5.3 from the feedback app: counted per reporting agency, the same for both methods, once
per batch of periods, and not for a procedure scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cchc.feedback import services as fs
from cchc.feedback.constants import Classification, RatingLevel
from cchc.feedback.tests.conftest import ANSWER, FeedbackWorld, file, to_published
from cchc.indicators.compute import indicators_compute, indicators_compute_series, indicators_compute_units
from cchc.indicators.constants import Method, Status
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope

Q1 = period_parse("2026-Q1")
LATER = datetime.fromisoformat("2026-05-01T00:00:00+07:00")


def _feedback(fw: FeedbackWorld) -> None:
    # Sở Tư pháp: one published on time and rated satisfied, one about staff published on time and rated
    # dissatisfied, one filed in February and never handled (overdue by the close of Q1)
    good = to_published(fw)
    fs.feedback_rate(feedback=good, level=RatingLevel.SATISFIED, at=good.published_at + timedelta(days=1))
    at = good.submitted_at + timedelta(hours=1)
    disliked = file(fw, at)
    disliked = fs.feedback_assign(
        feedback=disliked, actor=fw.officer, classification=Classification.STAFF, at=at + timedelta(hours=1)
    )
    disliked = fs.feedback_answer(feedback=disliked, actor=fw.officer, answer=ANSWER, at=at + timedelta(days=1))
    disliked = fs.feedback_publish(feedback=disliked, actor=fw.officer, at=at + timedelta(days=2))
    fs.feedback_rate(feedback=disliked, level=RatingLevel.DISSATISFIED, at=at + timedelta(days=3))
    file(fw, datetime.fromisoformat("2026-02-02T09:00:00+07:00"))


def _figures(report: Any, code: str) -> tuple[Any, ...]:
    result = report.results[code]
    return (result.status, result.numerator, result.denominator)


def test_feedback_fills_the_satisfaction_group_for_the_agency_and_the_province(fw: FeedbackWorld) -> None:
    # given
    _feedback(fw)

    # when
    agency = indicators_compute(period=Q1, scope=Scope(agency="so-tu-phap"), at=LATER)
    province = indicators_compute(period=Q1, at=LATER)

    # then 5.2: 2 of 3 handled on time; 5.3: 3 - {dissatisfied, overdue} = 1; 5.1 monitoring
    for report in (agency, province):
        assert _figures(report, "PETITION_PROCESSING_ON_TIME") == (Status.COMPUTED, 2, 3)
        assert _figures(report, "PETITION_HANDLING_SATISFACTION") == (Status.COMPUTED, 1, 3)
        assert _figures(report, "PETITION_CLASSIFICATION_TTHC") == (Status.DISPLAY, 1, 3)
        assert _figures(report, "PETITION_CLASSIFICATION_STAFF") == (Status.DISPLAY, 1, 3)
    assert "PETITION_PROCESSING_ON_TIME" not in {r.indicator.code for r in province.excluded}


def test_both_methods_series_and_units_agree(fw: FeedbackWorld) -> None:
    _feedback(fw)
    months = [period_parse(m) for m in ("2026-01", "2026-02", "2026-03")]
    codes = ["PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION", "PETITION_CLASSIFICATION_TTHC"]

    series = indicators_compute_series(periods=months, scope=Scope(agency="so-tu-phap"), at=LATER)
    for month, report in zip(months, series, strict=True):
        one = indicators_compute(period=month, scope=Scope(agency="so-tu-phap"), at=LATER, method=Method.DIRECT)
        assert [_figures(report, c) for c in codes] == [_figures(one, c) for c in codes]
    # the one filed on 2/2 is still within its 15 working days (Tết 2026) at the end of February
    assert _figures(series[1], "PETITION_PROCESSING_ON_TIME") == (Status.COMPUTED, 1, 1)

    units = {r.scope.get("agency", ""): r for r in indicators_compute_units(period=Q1, at=LATER)}
    assert _figures(units["so-tu-phap"], "PETITION_PROCESSING_ON_TIME") == (Status.COMPUTED, 2, 3)
    assert _figures(units[""], "PETITION_PROCESSING_ON_TIME") == (Status.COMPUTED, 2, 3)


def test_a_procedure_scope_has_no_feedback(fw: FeedbackWorld) -> None:
    _feedback(fw)
    code = fw.base.commune_procedure.code

    report = indicators_compute(period=Q1, scope=Scope(procedure=code), at=LATER)

    assert _figures(report, "PETITION_PROCESSING_ON_TIME") == (Status.EMPTY, 0, 0)

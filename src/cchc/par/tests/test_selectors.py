"""Results: totals per agency and field, self vs appraised, grades and ranking with ties."""

from __future__ import annotations

from decimal import Decimal

from cchc.par import services as s
from cchc.par.constants import Grade
from cchc.par.selectors import assessment_sheet, chart_ranking, round_results
from cchc.par.tests.conftest import AT, ParWorld, self_score_all


def _submit(pw: ParWorld, agency, user, points: dict[str, str]) -> None:
    self_score_all(pw, agency, user, points)
    s.assessment_submit(assessment=pw.assessment(agency), actor=user, at=AT)


def test_totals_per_field_self_vs_appraised_percent_grade_and_rank(pw: ParWorld, django_assert_num_queries):
    _submit(pw, pw.justice, pw.officer, {"1.1.1": "1.5", "1.1.2": "2.5", "1.2": "2"})
    _submit(pw, pw.finance, pw.finance_officer, {"1.1.1": "1", "1.1.2": "2", "1.2": "1.5"})
    s.score_appraise(score=pw.score(pw.justice, "1.2"), points=Decimal(1), reason="Chậm", actor=pw.appraiser, at=AT)
    s.score_record_survey(
        score=pw.score(pw.justice, "2.1"), percent=Decimal(80), source="SIPAS", actor=pw.appraiser, at=AT
    )
    s.score_appraise(score=pw.score(pw.justice, "2.2"), points=Decimal(2), reason="Số liệu", actor=pw.appraiser, at=AT)

    with django_assert_num_queries(3):
        results = round_results(round_=pw.round)

    justice, finance = results.ranked
    # Sở Tư pháp: self 1,5+2,5+2 = 6 (the survey and computed leaves are the appraiser's, not in the
    # self-assessment); appraised 1,5+2,5+1 + 1,6 survey + 2 computed = 8,6
    assert (justice.agency_name, justice.self_total, justice.final_total) == (
        "Sở Tư pháp",
        Decimal("6"),
        Decimal("8.6"),
    )
    assert [(f.code, f.self_points, f.final_points) for f in justice.fields] == [
        ("1", Decimal("6"), Decimal("5")),
        ("2", Decimal("0"), Decimal("3.6")),
    ]
    assert justice.percent == Decimal("86.00")
    assert (justice.rank, justice.grade) == (1, Grade.GOOD)
    # Sở Tài chính: 4,5 of 10 (survey and computed not yet entered): Yếu, provisional
    assert (finance.final_total, finance.percent, finance.rank, finance.grade) == (
        Decimal("4.5"),
        Decimal("45.00"),
        2,
        Grade.WEAK,
    )
    assert finance.provisional
    assert results.not_submitted == []
    assert dict(results.grade_counts())[Grade.GOOD] == 1
    assert chart_ranking(results)["names"] == ["Sở Tư pháp", "Sở Tài chính"]


def test_equal_totals_share_the_rank(pw: ParWorld):
    same = {"1.1.1": "1", "1.1.2": "2", "1.2": "2"}
    _submit(pw, pw.justice, pw.officer, same)
    _submit(pw, pw.finance, pw.finance_officer, same)

    results = round_results(round_=pw.round)

    assert [(r.rank, r.agency_name) for r in results.ranked] == [(1, "Sở Tài chính"), (1, "Sở Tư pháp")]


def test_an_agency_that_did_not_submit_is_listed_without_rank_or_grade(pw: ParWorld):
    _submit(pw, pw.justice, pw.officer, {"1.1.1": "1", "1.1.2": "2", "1.2": "2"})

    results = round_results(round_=pw.round)

    assert [r.agency_name for r in results.ranked] == ["Sở Tư pháp"]
    assert [(r.agency_name, r.rank, r.grade) for r in results.not_submitted] == [("Sở Tài chính", None, None)]


def test_the_sheet_adds_subtotals_bottom_up(pw: ParWorld, django_assert_num_queries):
    self_score_all(pw, pw.justice, pw.officer, {"1.1.1": "1", "1.1.2": "2.25"})
    assessment = pw.assessment(pw.justice)
    assessment.round = pw.round

    with django_assert_num_queries(3):
        rows = assessment_sheet(assessment=assessment)

    by_code = {row.node.code: row for row in rows}
    assert [row.node.code for row in rows] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "2.2"]
    assert by_code["1.1"].self_total == Decimal("3.25")
    assert by_code["1"].self_total == Decimal("3.25")
    assert by_code["1.2"].score is not None
    assert by_code["1.2"].score.self_points is None


def test_the_appraisal_never_changes_the_submitted_self_assessment(pw: ParWorld):
    # given: a submitted self-assessment of 6 points
    _submit(pw, pw.justice, pw.officer, {"1.1.1": "1.5", "1.1.2": "2.5", "1.2": "2"})
    before = round_results(round_=pw.round).ranked[0]
    sheet_before = {row.node.code: row.self_total for row in assessment_sheet(assessment=pw.assessment(pw.justice))}

    # when: the appraiser records the survey and the computed values and adjusts a self-score
    s.score_record_survey(
        score=pw.score(pw.justice, "2.1"), percent=Decimal(80), source="SIPAS", actor=pw.appraiser, at=AT
    )
    s.score_appraise(score=pw.score(pw.justice, "2.2"), points=Decimal(2), reason="Số liệu", actor=pw.appraiser, at=AT)
    s.score_appraise(score=pw.score(pw.justice, "1.2"), points=Decimal(1), reason="Chậm", actor=pw.appraiser, at=AT)

    # then: the self-assessed totals (agency, fields, every node of the sheet) are those submitted
    after = round_results(round_=pw.round).ranked[0]
    assert (before.self_total, after.self_total) == (Decimal(6), Decimal(6))
    assert [f.self_points for f in after.fields] == [f.self_points for f in before.fields]
    assert after.final_total == Decimal("8.6")
    sheet_after = {row.node.code: row.self_total for row in assessment_sheet(assessment=pw.assessment(pw.justice))}
    assert sheet_after == sheet_before

"""The satisfaction summary on known inputs: dossier ratings made through ``dossier_rate`` and survey responses
made through ``response_submit``; the method of ``cchc.surveys.selectors`` worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cchc.dossiers.constants import DossierStatus, RatingLevel
from cchc.dossiers.services import dossier_rate
from cchc.dossiers.tests.conftest import to_status
from cchc.surveys.constants import GroupBy, ResponseChannel, SurveyErrorCode
from cchc.surveys.errors import SurveyError
from cchc.surveys.models import Question
from cchc.surveys.selectors import campaign_results, satisfaction_summary
from cchc.surveys.services import response_submit
from cchc.surveys.tests.conftest import VN, all_answers

START = datetime(2026, 1, 1, tzinfo=VN)
END = datetime(2026, 4, 1, tzinfo=VN)
RATED = datetime(2026, 1, 20, 10, 0, tzinfo=VN)
ANSWERED = datetime(2026, 2, 3, 9, 0, tzinfo=VN)


def rate(world, level: str, at: datetime = RATED) -> None:
    dossier = to_status(world, DossierStatus.RETURNED)
    dossier_rate(dossier=dossier, level=level, criteria={}, comment="", at=at)


@pytest.fixture
def data(world, campaign, questionnaire):
    """Sở Tư pháp: four ratings (one of each level) and two survey responses; UBND phường Nha Trang: one
    response, all "Bình thường"; one rating outside the period."""
    for level in RatingLevel:
        rate(world, level.value)
    rate(world, RatingLevel.DISSATISFIED, at=END + timedelta(days=3))  # after the period: not counted
    # Response 1: every criterion "Rất hài lòng" (optional ones too).
    response_submit(
        campaign=campaign,
        channel=ResponseChannel.ONLINE,
        agency=world.justice,
        answers=all_answers(questionnaire, 5),
        at=ANSWERED,
    )
    # Response 2: "Hài lòng" on access (factor 1), "Rất không hài lòng" elsewhere, optional criteria left blank.
    second = {
        q.code: (4 if q.factor.code == "tiep-can" else 1)
        for q in Question.objects.filter(factor__questionnaire=questionnaire, required=True).select_related("factor")
    }
    response_submit(
        campaign=campaign,
        channel=ResponseChannel.PAPER,
        agency=world.justice,
        answers=second,
        actor=world.specialist,
        at=ANSWERED,
    )
    response_submit(
        campaign=campaign,
        channel=ResponseChannel.ONLINE,
        agency=world.nha_trang,
        answers=all_answers(questionnaire, 3, optional=False),
        at=ANSWERED,
    )
    return world


def test_ratings_count_not_dissatisfied_and_show_the_strict_share_beside_it(data):
    summary = satisfaction_summary(start=START, end=END, by=GroupBy.AGENCY)

    justice = next(r for r in summary.rows if r.key == "so-tu-phap")
    assert justice.ratings.total == 4
    assert justice.ratings.not_dissatisfied_share == pytest.approx(3 / 4)
    assert justice.ratings.satisfied_share == pytest.approx(2 / 4)


def test_survey_shares_per_criterion_factor_and_index(data):
    summary = satisfaction_summary(start=START, end=END, by=GroupBy.AGENCY)

    survey = next(r for r in summary.rows if r.key == "so-tu-phap").survey
    assert survey.respondents == 2
    # access: both answers satisfied (5 and 4) -> 1; procedures, staff, results: one of two -> 1/2;
    # feedback: two required criteria at 1/2 and two optional ones answered once, satisfied -> 1 each.
    assert survey.criterion("tc-cho-ngoi").share == 1
    assert survey.criterion("tt-thoi-han").share == pytest.approx(0.5)
    assert survey.criterion("gy-tich-cuc").answers == 1
    assert [f.share for f in survey.factors] == pytest.approx([1, 0.5, 0.5, 0.5, 0.75])
    assert survey.index == pytest.approx((1 + 0.5 + 0.5 + 0.5 + 0.75) / 5)


def test_combined_is_the_mean_of_ratings_and_survey_and_the_single_source_when_only_one_exists(data):
    summary = satisfaction_summary(start=START, end=END, by=GroupBy.AGENCY)
    rows = {r.key: r for r in summary.rows}

    assert rows["so-tu-phap"].combined == pytest.approx((0.75 + 0.65) / 2)
    nha_trang = rows[data.nha_trang.code]
    assert nha_trang.ratings.total == 0
    assert nha_trang.survey.index == 0  # "Bình thường" is not satisfied
    assert nha_trang.combined == 0


def test_by_level_and_by_field_regroup_the_same_answers(data):
    by_level = {r.key: r for r in satisfaction_summary(start=START, end=END, by=GroupBy.LEVEL).rows}
    by_field = {r.key: r for r in satisfaction_summary(start=START, end=END, by=GroupBy.FIELD).rows}

    assert [r for r in by_level] == ["province", "commune"]
    assert by_level["province"].label == "Cấp tỉnh"
    assert by_level["province"].survey.respondents == 2
    assert by_level["province"].ratings.total == 4
    assert by_level["commune"].survey.respondents == 1
    assert by_field["LLTP"].ratings.total == 4  # the rated dossiers' procedure
    assert by_field[""].label == "Chưa ghi lĩnh vực"  # the responses named no field
    assert by_field[""].survey.respondents == 3


def test_province_total_adds_every_group(data):
    summary = satisfaction_summary(start=START, end=END, by=GroupBy.AGENCY)

    assert summary.total.ratings.total == 4
    assert summary.total.survey.respondents == 3
    # access: 5, 4, 3 -> 2/3 satisfied
    assert summary.total.survey.criterion("tc-cho-ngoi").share == pytest.approx(2 / 3)
    assert [code for code, _ in summary.factors] == ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]
    assert summary.total.factor_shares == pytest.approx([f.share for f in summary.total.survey.factors])


def test_period_excludes_ratings_and_responses_outside_it(data):
    later = satisfaction_summary(start=END, end=END + timedelta(days=30), by=GroupBy.AGENCY)

    assert later.total.ratings.total == 1
    assert later.total.ratings.not_dissatisfied_share == 0
    assert later.total.survey.respondents == 0
    assert later.total.survey.index is None


def test_summary_takes_three_queries_whatever_the_data(data, django_assert_num_queries):
    for by in GroupBy.values:
        with django_assert_num_queries(3):
            satisfaction_summary(start=START, end=END, by=by)


def test_campaign_results_give_the_distribution_per_criterion_in_two_queries(data, campaign, django_assert_num_queries):
    with django_assert_num_queries(2):
        results = campaign_results(campaign=campaign)

    assert results.respondents == 3
    assert results.criterion("cc-lich-su").distribution == {5: 1, 1: 1, 3: 1}
    assert [n for _, _, n in results.criterion("tc-cho-ngoi").bars] == [0, 0, 1, 1, 1]


def test_empty_or_reversed_period_is_refused(db):
    with pytest.raises(SurveyError) as caught:
        satisfaction_summary(start=END, end=START, by=GroupBy.AGENCY)

    assert caught.value.code == SurveyErrorCode.INVALID_PERIOD

"""Self-scoring, submission, appraisal and the round's life: rules and refusals (nothing changed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from cchc.audit.models import AuditEvent
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import to_status
from cchc.indicators.tests.conftest import apply_events
from cchc.par import services as s
from cchc.par.constants import AssessmentStatus, ParError, ParErrorCode, RoundStatus
from cchc.par.models import Evidence, Score
from cchc.par.tests.conftest import AT, VN, ParWorld, fake_pdf, pdf_file, self_score_all, xlsx_file

ALL_SELF = {"1.1.1": "1.5", "1.1.2": "2", "1.2": "2"}


def _snapshot(score: Score) -> tuple:
    score.refresh_from_db()
    return (score.self_points, score.self_comment, score.appraised_points, score.appraisal_reason)


def test_an_officer_self_scores_a_leaf_with_evidence_in_one_audited_write(pw: ParWorld):
    score = pw.score(pw.justice, "1.1.2")
    events = AuditEvent.objects.count()

    s.score_self(
        score=score,
        points=Decimal("2.25"),
        comment="Hoàn thành 9/10 nhiệm vụ",
        files=[pdf_file(), xlsx_file()],
        actor=pw.officer,
        at=AT,
    )

    score.refresh_from_db()
    assert score.self_points == Decimal("2.25")
    assert score.self_comment == "Hoàn thành 9/10 nhiệm vụ"
    stored = list(Evidence.objects.filter(score=score).order_by("pk"))
    assert [(e.original_name, e.content_type) for e in stored] == [
        ("ke-hoach.pdf", "application/pdf"),
        ("so-lieu.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    assert stored[0].file.read().startswith(b"%PDF-1.4")
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "par.score.self"
    assert [e["name"] for e in event.after["evidence_added"]] == ["ke-hoach.pdf", "so-lieu.xlsx"]


@pytest.mark.parametrize(
    ("points", "code", "text"),
    [
        (
            Decimal("2.6"),
            ParErrorCode.SCORE_OUT_OF_RANGE,
            "Điểm tiêu chí 1.1.2 phải từ 0 đến 2,5 (điểm tối đa); đã nhập 2,6.",
        ),
        (Decimal("-1"), ParErrorCode.SCORE_OUT_OF_RANGE, "phải từ 0 đến 2,5"),
        (Decimal("1.125"), ParErrorCode.INVALID_INPUT, "tối đa 2 chữ số thập phân"),
        (None, ParErrorCode.INVALID_INPUT, "Chưa nhập điểm tiêu chí 1.1.2"),
    ],
)
def test_a_bad_score_is_refused_and_nothing_changes(pw: ParWorld, points, code, text):
    score = pw.score(pw.justice, "1.1.2")
    before, events = _snapshot(score), AuditEvent.objects.count()

    with pytest.raises(ParError) as caught:
        s.score_self(score=score, points=points, comment="x", files=[pdf_file()], actor=pw.officer, at=AT)

    assert caught.value.code == code
    assert text in caught.value.message
    assert _snapshot(score) == before
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_file_of_the_wrong_type_is_refused_by_its_content_and_nothing_is_stored(pw: ParWorld):
    score = pw.score(pw.justice, "1.2")
    before = _snapshot(score)

    with pytest.raises(ParError) as caught:
        s.score_self(
            score=score, points=Decimal(2), comment="", files=[pdf_file(), fake_pdf()], actor=pw.officer, at=AT
        )

    assert caught.value.code == ParErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert (
        "Tệp «bao-cao.pdf» không phải tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG" in caught.value.message
    )
    assert _snapshot(score) == before
    assert not Evidence.objects.exists()


def test_only_the_agencys_own_staff_self_score(pw: ParWorld):
    with pytest.raises(ParError) as caught:
        s.score_self(score=pw.score(pw.justice, "1.2"), points=Decimal(1), comment="", actor=pw.finance_officer, at=AT)

    assert caught.value.code == ParErrorCode.NOT_PERMITTED
    assert "Sở Tư pháp" in caught.value.message


def test_survey_and_computed_leaves_are_not_self_scored(pw: ParWorld):
    with pytest.raises(ParError) as caught:
        s.score_self(score=pw.score(pw.justice, "2.1"), points=Decimal(1), comment="", actor=pw.officer, at=AT)

    assert caught.value.code == ParErrorCode.WRONG_METHOD


def test_after_the_deadline_nothing_can_be_scored_or_submitted(pw: ParWorld):
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    late = datetime(2026, 2, 1, 0, 5, tzinfo=VN)  # the deadline was 31/01 (Vietnam time)
    score = pw.score(pw.justice, "1.2")

    with pytest.raises(ParError) as scored:
        s.score_self(score=score, points=Decimal(1), comment="", actor=pw.officer, at=late)
    with pytest.raises(ParError) as submitted:
        s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=late)

    assert scored.value.code == submitted.value.code == ParErrorCode.ROUND_CLOSED
    assert "hạn cuối 31/01/2026" in submitted.value.message
    assert pw.score(pw.justice, "1.2").self_points == Decimal(2)
    assert pw.assessment(pw.justice).status == AssessmentStatus.DRAFT


def test_a_round_closed_by_the_appraiser_refuses_a_submission_even_before_the_deadline(pw: ParWorld):
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.round_close_self_assessment(round=pw.round, actor=pw.appraiser, at=AT)

    with pytest.raises(ParError) as caught:
        s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=AT + timedelta(hours=1))

    assert caught.value.code == ParErrorCode.ROUND_CLOSED
    assert pw.assessment(pw.justice).status == AssessmentStatus.DRAFT


def test_submission_needs_every_self_assessed_leaf(pw: ParWorld):
    self_score_all(pw, pw.justice, pw.officer, {"1.1.1": "1"})

    with pytest.raises(ParError) as caught:
        s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=AT)

    assert caught.value.code == ParErrorCode.INCOMPLETE
    assert caught.value.message == "Còn 2 tiêu chí chưa tự chấm điểm: 1.1.2, 1.2."


def _submitted(pw: ParWorld) -> None:
    self_score_all(pw, pw.justice, pw.officer, ALL_SELF)
    s.assessment_submit(assessment=pw.assessment(pw.justice), actor=pw.officer, at=AT)


def test_after_submission_the_agency_can_no_longer_change_its_scores(pw: ParWorld):
    _submitted(pw)

    with pytest.raises(ParError) as caught:
        s.score_self(score=pw.score(pw.justice, "1.2"), points=Decimal(1), comment="", actor=pw.officer, at=AT)

    assert caught.value.code == ParErrorCode.ASSESSMENT_STATUS


def test_the_appraiser_adjusts_a_score_with_a_reason(pw: ParWorld):
    _submitted(pw)
    score = pw.score(pw.justice, "1.2")

    with pytest.raises(ParError) as caught:
        s.score_appraise(score=score, points=Decimal(1), reason="  ", actor=pw.appraiser, at=AT)
    assert caught.value.code == ParErrorCode.REASON_REQUIRED
    assert _snapshot(score)[2] is None

    s.score_appraise(score=score, points=Decimal(1), reason="Báo cáo quý III nộp chậm", actor=pw.appraiser, at=AT)

    score.refresh_from_db()
    assert (score.self_points, score.appraised_points, score.final_points) == (Decimal(2), Decimal(1), Decimal(1))
    assert score.adjusted
    assert AuditEvent.objects.order_by("-sequence").first().action == "par.score.appraise"


def test_only_the_appraising_agency_appraises_and_only_submitted_assessments(pw: ParWorld):
    with pytest.raises(ParError) as draft:
        s.score_appraise(score=pw.score(pw.justice, "1.2"), points=Decimal(1), reason="x", actor=pw.appraiser, at=AT)
    _submitted(pw)
    with pytest.raises(ParError) as outsider:
        s.score_appraise(score=pw.score(pw.justice, "1.2"), points=Decimal(1), reason="x", actor=pw.officer, at=AT)

    assert draft.value.code == ParErrorCode.ASSESSMENT_STATUS
    assert outsider.value.code == ParErrorCode.NOT_PERMITTED
    assert "Sở Nội vụ" in outsider.value.message


def test_survey_points_are_the_maximum_times_the_rate(pw: ParWorld):
    _submitted(pw)
    score = pw.score(pw.justice, "2.1")

    with pytest.raises(ParError) as caught:
        s.score_record_survey(score=score, percent=Decimal("101"), source="SIPAS 2026", actor=pw.appraiser, at=AT)
    assert caught.value.code == ParErrorCode.SCORE_OUT_OF_RANGE

    s.score_record_survey(score=score, percent=Decimal("83.66"), source="SIPAS 2026", actor=pw.appraiser, at=AT)

    score.refresh_from_db()
    assert score.appraised_points == Decimal("1.67")  # 2 × 83,66 % = 1,6732
    assert score.value_source == "Điều tra xã hội học: 83,66 % — SIPAS 2026"


def test_computed_leaves_take_the_766_indicator_of_the_agency(pw: ParWorld):
    # one dossier of Sở Tư pháp returned on time in January 2026: on-time rate 100 %
    to_status(pw.w, DossierStatus.RETURNED, at=datetime(2026, 1, 5, 8, 0, tzinfo=VN))
    apply_events()  # the rollups follow the events, never a read
    _submitted(pw)

    values = s.assessment_compute_linked(assessment=pw.assessment(pw.justice), actor=pw.appraiser, at=AT)

    assert [(v.code, v.indicator) for v in values] == [("2.2", "PROGRESS_ON_TIME")]
    score = pw.score(pw.justice, "2.2")
    assert score.appraised_points == Decimal("2.00")
    assert score.value_source.startswith("Chỉ số PROGRESS_ON_TIME (Năm 2026): 1/1")


def test_a_computed_leaf_without_data_is_left_for_the_appraiser(pw: ParWorld):
    _submitted(pw)

    values = s.assessment_compute_linked(assessment=pw.assessment(pw.justice), actor=pw.appraiser, at=AT)

    assert values[0].points is None
    assert "chưa có số liệu" in values[0].note
    assert pw.score(pw.justice, "2.2").appraised_points is None


def test_finalising_needs_every_survey_and_computed_value_then_the_round_is_published(pw: ParWorld):
    _submitted(pw)
    assessment = pw.assessment(pw.justice)
    with pytest.raises(ParError) as caught:
        s.assessment_finalise(assessment=assessment, actor=pw.appraiser, at=AT)
    assert caught.value.code == ParErrorCode.INCOMPLETE
    assert "2.1, 2.2" in caught.value.message

    s.score_record_survey(
        score=pw.score(pw.justice, "2.1"), percent=Decimal(90), source="SIPAS", actor=pw.appraiser, at=AT
    )
    s.score_appraise(
        score=pw.score(pw.justice, "2.2"), points=Decimal("1.5"), reason="Theo báo cáo", actor=pw.appraiser, at=AT
    )
    s.assessment_finalise(assessment=assessment, actor=pw.appraiser, at=AT)
    with pytest.raises(ParError) as early:
        s.round_finalise(round=pw.round, actor=pw.appraiser, at=AT)
    s.round_close_self_assessment(round=pw.round, actor=pw.appraiser, at=AT)
    s.round_finalise(round=pw.round, actor=pw.appraiser, at=AT)

    assert early.value.code == ParErrorCode.ROUND_STATUS
    pw.round.refresh_from_db()
    assert pw.round.status == RoundStatus.FINALISED
    with pytest.raises(ParError) as late:
        s.score_appraise(score=pw.score(pw.justice, "1.2"), points=Decimal(0), reason="x", actor=pw.appraiser, at=AT)
    assert late.value.code == ParErrorCode.ROUND_STATUS


def test_a_round_in_use_keeps_its_index_set(pw: ParWorld):
    from cchc.par.importer import parse_index_data
    from cchc.par.tests.conftest import small_set

    with pytest.raises(ParError) as caught:
        s.index_set_import(spec=parse_index_data(small_set(name="Sửa đổi")), actor=None, at=AT)

    assert caught.value.code == ParErrorCode.INDEX_SET_IN_USE
    pw.index_set.refresh_from_db()
    assert pw.index_set.name == "Bộ chỉ số thử nghiệm"


def test_one_round_per_set_and_year_for_todays_departments(pw: ParWorld):
    from cchc.par.models import AssessmentRound

    with pytest.raises(ParError) as caught:
        s.round_open(
            index_set=pw.index_set,
            year=2026,
            opened_on=AT.date(),
            self_deadline=AT.date(),
            appraisal_deadline=AT.date(),
            actor=pw.appraiser,
            at=AT,
        )
    assert caught.value.code == ParErrorCode.ROUND_EXISTS

    round_ = s.round_open(
        index_set=pw.index_set,
        year=2027,
        opened_on=AT.date(),
        self_deadline=AT.date(),
        appraisal_deadline=AT.date(),
        actor=pw.appraiser,
        at=AT,
    )

    names = set(round_.assessments.values_list("agency__name", flat=True))
    assert {"Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính"} <= names
    assert not any(name.startswith("Ủy ban nhân dân xã") for name in names)
    assert Score.objects.filter(assessment__round=round_).count() == len(names) * 5
    assert AssessmentRound.objects.filter(index_set=pw.index_set).count() == 2

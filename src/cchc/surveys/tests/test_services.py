"""Writes: questionnaire import (idempotent, refusals change nothing), campaigns, response validation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from cchc.audit.models import AuditEvent
from cchc.surveys.constants import CampaignStatus, ResponseChannel, SurveyErrorCode
from cchc.surveys.errors import SurveyError
from cchc.surveys.models import Answer, Campaign, Question, Questionnaire, Response
from cchc.surveys.selectors import questionnaire_export
from cchc.surveys.services import (
    campaign_close,
    campaign_create,
    questionnaire_import,
    questionnaire_import_file,
    response_submit,
)
from cchc.surveys.spec import parse_questionnaire
from cchc.surveys.tests.conftest import VN, all_answers, shipped_data

IN_PERIOD = datetime(2026, 2, 10, 9, 30, tzinfo=VN)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- questionnaires -------------------------------------------------------------------------------


def test_import_creates_factors_and_criteria_with_one_audit_event(world):
    result = questionnaire_import(data=shipped_data(), at=IN_PERIOD)

    q = result.questionnaire
    assert result.created
    assert q.factors.count() == 5
    assert Question.objects.filter(factor__questionnaire=q).count() == 22
    assert Question.objects.filter(factor__questionnaire=q, required=False).count() == 2
    assert _events("survey_questionnaire.import") == 1


def test_importing_the_same_file_again_changes_nothing(world, questionnaire):
    events = AuditEvent.objects.count()

    again = questionnaire_import(data=shipped_data(), at=IN_PERIOD)

    assert not again.created
    assert again.questionnaire.pk == questionnaire.pk
    assert Questionnaire.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_export_then_import_round_trips_and_a_new_version_is_kept_beside_the_old(world, questionnaire, tmp_path):
    exported = questionnaire_export(code="sipas-mot-cua")
    assert len(exported) == 1
    assert parse_questionnaire(exported[0]) == parse_questionnaire(shipped_data())
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported[0], ensure_ascii=False), encoding="utf-8")

    assert not questionnaire_import_file(path=path, at=IN_PERIOD).created
    revised = {**exported[0], "version": 2, "name": "Phiếu khảo sát (sửa đổi)"}
    second = questionnaire_import(data=revised, at=IN_PERIOD)

    assert second.created
    assert list(Questionnaire.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert questionnaire_export(code="sipas-mot-cua", version=2)[0] == revised


def test_unreadable_json_file_is_refused_with_its_position_and_nothing_is_written(world, tmp_path):
    path = tmp_path / "hong.json"
    path.write_text('{"format": "cchc-questionnaire",\n "version": 1,,}', encoding="utf-8")
    events = AuditEvent.objects.count()

    with pytest.raises(SurveyError) as caught:
        questionnaire_import_file(path=path, at=IN_PERIOD)

    assert caught.value.code == SurveyErrorCode.INVALID_QUESTIONNAIRE
    assert "dòng 2" in caught.value.message
    assert Questionnaire.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_invalid_questionnaire_is_refused_and_nothing_is_written(world):
    data = shipped_data()
    data["factors"][4]["questions"].append({"code": "tc-cho-ngoi", "text": "Trùng mã"})

    with pytest.raises(SurveyError) as caught:
        questionnaire_import(data=data, at=IN_PERIOD)

    assert "tc-cho-ngoi" in caught.value.message
    assert caught.value.where == "factors[4].questions[4].code"
    assert Questionnaire.objects.count() == 0


def test_changed_content_under_the_same_version_is_refused(world, questionnaire):
    data = shipped_data()
    data["factors"][0]["questions"][0]["text"] = "Nơi chờ thoáng mát"

    with pytest.raises(SurveyError) as caught:
        questionnaire_import(data=data, at=IN_PERIOD)

    assert caught.value.code == SurveyErrorCode.VERSION_CONFLICT
    assert Question.objects.get(code="tc-cho-ngoi").text == "Nơi ngồi chờ giải quyết thủ tục có đủ chỗ ngồi"


# --- campaigns ------------------------------------------------------------------------------------


def test_campaign_refuses_a_period_ending_before_it_starts_and_a_reserved_code(world, questionnaire):
    common = {"name": "Đợt thử", "questionnaire": questionnaire, "sample_target": 10, "actor": None, "at": IN_PERIOD}
    day = IN_PERIOD.date()
    with pytest.raises(SurveyError) as period:
        campaign_create(code="dot-thu", starts_on=day, ends_on=day - timedelta(days=1), **common)
    with pytest.raises(SurveyError) as reserved:
        campaign_create(code="ket-qua", starts_on=IN_PERIOD.date(), ends_on=IN_PERIOD.date(), **common)

    assert "Ngày kết thúc" in period.value.problems["ends_on"]
    assert "code" in reserved.value.problems
    assert Campaign.objects.count() == 0


def test_closed_campaign_takes_no_more_responses(world, campaign, questionnaire):
    campaign_close(campaign=campaign, actor=None, at=IN_PERIOD)

    with pytest.raises(SurveyError) as caught:
        response_submit(
            campaign=campaign,
            channel=ResponseChannel.PAPER,
            agency=world.justice,
            answers=all_answers(questionnaire),
            at=IN_PERIOD + timedelta(hours=1),
        )

    assert caught.value.code == SurveyErrorCode.CAMPAIGN_CLOSED
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    assert Response.objects.count() == 0


def test_online_answers_stop_after_the_period_but_staff_may_still_enter_paper_forms(world, campaign, questionnaire):
    after = datetime(2026, 4, 2, 9, 0, tzinfo=VN)

    with pytest.raises(SurveyError) as online:
        response_submit(
            campaign=campaign,
            channel=ResponseChannel.ONLINE,
            agency=world.justice,
            answers=all_answers(questionnaire),
            at=after,
        )
    paper = response_submit(
        campaign=campaign,
        channel=ResponseChannel.PAPER,
        agency=world.justice,
        answers=all_answers(questionnaire),
        actor=world.specialist,
        at=after,
    )

    assert "31/03/2026" in online.value.message
    assert paper.entered_by == world.specialist


# --- responses ------------------------------------------------------------------------------------


def test_response_records_agency_level_field_and_answers_with_one_audit_event(world, campaign, questionnaire):
    answers = all_answers(questionnaire, 4, optional=False)
    events = AuditEvent.objects.count()

    response = response_submit(
        campaign=campaign,
        channel=ResponseChannel.ONLINE,
        agency=world.nha_trang,
        procedure=world.commune_procedure,
        answers=answers,
        comment="  Cán bộ nhiệt tình  ",
        at=IN_PERIOD,
    )

    assert response.level == "commune"
    assert response.field.code == "HOTICH"
    assert response.comment == "Cán bộ nhiệt tình"
    assert response.entered_by is None
    assert Answer.objects.filter(response=response).count() == 20  # the two optional criteria left blank
    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {4}
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("sequence")
    assert event.action == "survey_response.submit"
    assert event.after["answers"]["cc-lich-su"] == 4


def test_missing_required_answers_and_values_outside_the_scale_are_refused_per_question(world, campaign, questionnaire):
    answers = all_answers(questionnaire)
    del answers["tt-thoi-han"]
    answers["cc-lich-su"] = "6"
    answers["kq-day-du"] = "rất tốt"
    answers["khong-co"] = 3
    events = AuditEvent.objects.count()

    with pytest.raises(SurveyError) as caught:
        response_submit(
            campaign=campaign, channel=ResponseChannel.ONLINE, agency=world.justice, answers=answers, at=IN_PERIOD
        )

    problems = caught.value.problems
    assert caught.value.code == SurveyErrorCode.INVALID_RESPONSE
    assert problems["tt-thoi-han"].startswith("Vui lòng chọn mức độ hài lòng cho câu 9")
    assert problems["cc-lich-su"] == "Câu 10: mức trả lời phải từ 1 đến 5."
    assert "kq-day-du" in problems
    assert "khong-co" in problems["answers"]
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("value", ["²", "٣", "9" * 20])
def test_an_answer_in_unicode_digits_is_refused_not_a_crash(world, campaign, questionnaire, value):
    answers = {**all_answers(questionnaire), "cc-lich-su": value}

    with pytest.raises(SurveyError) as caught:
        response_submit(
            campaign=campaign, channel=ResponseChannel.ONLINE, agency=world.justice, answers=answers, at=IN_PERIOD
        )

    assert caught.value.problems["cc-lich-su"] == "Câu 10: mức trả lời phải từ 1 đến 5."
    assert Response.objects.count() == 0


def test_agency_outside_the_campaign_scope_is_refused(world, campaign, questionnaire):
    with pytest.raises(SurveyError) as caught:
        response_submit(
            campaign=campaign,
            channel=ResponseChannel.ONLINE,
            agency=world.centre,
            answers=all_answers(questionnaire),
            at=IN_PERIOD,
        )

    assert "không thuộc phạm vi" in caught.value.problems["agency"]
    assert Response.objects.count() == 0


def test_level_scope_refuses_an_agency_of_another_level(world, questionnaire):
    provincial = campaign_create(
        code="cap-tinh",
        name="Khảo sát cấp tỉnh",
        questionnaire=questionnaire,
        starts_on=IN_PERIOD.date(),
        ends_on=IN_PERIOD.date(),
        sample_target=5,
        levels=["province"],
        actor=None,
        at=IN_PERIOD,
    )

    with pytest.raises(SurveyError) as caught:
        response_submit(
            campaign=provincial,
            channel=ResponseChannel.ONLINE,
            agency=world.nha_trang,
            answers=all_answers(questionnaire),
            at=IN_PERIOD,
        )

    assert "cấp tỉnh" in caught.value.problems["agency"]

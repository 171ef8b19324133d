"""Selectors of citizen feedback: the indicator counts (QĐ 766 5.1-5.3), the public lookup and list,
and the staff scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from cchc.dossiers.tests.conftest import VN
from cchc.feedback import services as s
from cchc.feedback.constants import Classification, RatingLevel
from cchc.feedback.models import Feedback
from cchc.feedback.selectors import (
    feedback_get_for_staff,
    feedback_indicator_counts,
    feedback_list_for_staff,
    feedback_list_published,
    feedback_lookup_public,
    feedback_staff_scope,
)
from cchc.feedback.tests.conftest import ANSWER, AT, FeedbackWorld, file, to_published

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, 0, 0, tzinfo=VN)
CLOSE = datetime(2026, 4, 1, 0, 0, tzinfo=VN)  # 2026-Q1


def _period_world(fw: FeedbackWorld) -> dict[str, Feedback]:
    """Feedback of Q1 2026 in every situation the indicators distinguish (AT is Monday 5/1/2026)."""
    o = fw.officer
    made: dict[str, Feedback] = {}
    # published on time and rated satisfied
    made["good"] = to_published(fw)
    s.feedback_rate(feedback=made["good"], level=RatingLevel.SATISFIED, at=AT + timedelta(days=3))
    # published on time but rated dissatisfied; classified as about staff
    fb = file(fw, AT + timedelta(hours=1))
    fb = s.feedback_assign(feedback=fb, actor=o, classification=Classification.STAFF, at=AT + timedelta(hours=2))
    fb = s.feedback_answer(feedback=fb, actor=o, answer=ANSWER, at=AT + timedelta(days=1))
    fb = s.feedback_publish(feedback=fb, actor=o, at=AT + timedelta(days=2))
    made["disliked"] = s.feedback_rate(feedback=fb, level=RatingLevel.DISSATISFIED, at=AT + timedelta(days=3))
    # rejected on time
    made["rejected"] = s.feedback_reject(
        feedback=file(fw, AT + timedelta(hours=3)), actor=o, reason="Không thuộc phạm vi", at=AT + timedelta(days=1)
    )
    # rejected late (Monday 5/1 -> Thursday 8/1, the deadline was Wednesday 7/1)
    made["rejected_late"] = s.feedback_reject(
        feedback=file(fw, AT + timedelta(hours=4)), actor=o, reason="Không thuộc phạm vi", at=AT + timedelta(days=3)
    )
    # assigned in February, never answered: overdue at the close of the quarter
    fb = file(fw, datetime(2026, 2, 2, 9, 0, tzinfo=VN))
    made["overdue"] = s.feedback_assign(feedback=fb, actor=o, classification="regulation", at=fb.submitted_at)
    # answered in time, re-raised by the same citizen in March
    made["reraised"] = to_published(fw, datetime(2026, 2, 3, 9, 0, tzinfo=VN))
    made["again"] = file(fw, datetime(2026, 3, 30, 9, 0, tzinfo=VN), previous_code=made["reraised"].code)
    # another agency, and one before the period
    made["commune"] = file(fw, AT, agency=fw.nha_trang)
    made["before"] = file(fw, datetime(2025, 12, 31, 9, 0, tzinfo=VN))
    return made


def test_indicator_counts_per_agency_follow_the_766_rules(fw: FeedbackWorld, django_assert_num_queries: Any) -> None:
    # given
    _period_world(fw)
    # when
    with django_assert_num_queries(1):
        counts = feedback_indicator_counts(start=START, close=CLOSE)
    # then Sở Tư pháp: 7 received in Q1 (the one of 31/12/2025 is not)
    justice = counts[fw.justice.pk]
    assert justice.total == 7
    assert (justice.classified_regulation, justice.classified_staff) == (3, 1)  # good, overdue, reraised / disliked
    # late: the late rejection and the overdue one; "again" (30/3) is still within its 15 days on 1/4
    assert (justice.on_time, justice.late) == (5, 2)
    assert (justice.dissatisfied, justice.reraised) == (1, 1)
    # 5.3: 7 - {disliked, rejected_late, overdue, reraised} = 3 (good, rejected, again)
    assert justice.satisfied == 3
    # phường Nha Trang: filed on 5/1 and never answered, so overdue by the close
    commune = counts[fw.nha_trang.pk]
    assert (commune.total, commune.on_time, commune.late, commune.satisfied) == (1, 0, 1, 0)


def test_indicator_counts_as_of_a_moment_inside_the_period(fw: FeedbackWorld) -> None:
    # given
    _period_world(fw)
    # when evaluated on 6/1/2026 (later stages have not happened yet)
    counts = feedback_indicator_counts(start=START, close=CLOSE, at=datetime(2026, 1, 6, 8, 0, tzinfo=VN))
    # then only what was received by then counts as running and nothing was late yet; the ratings of
    # 8/1 do not count yet
    justice = counts[fw.justice.pk]
    assert justice.late == 0
    assert justice.dissatisfied == 0


def test_indicator_counts_filter_by_agency_and_period(fw: FeedbackWorld) -> None:
    _period_world(fw)
    only = feedback_indicator_counts(start=START, close=CLOSE, agency_ids=[fw.nha_trang.pk])
    assert list(only) == [fw.nha_trang.pk]
    december = feedback_indicator_counts(start=datetime(2025, 12, 1, tzinfo=VN), close=START)
    assert {k: v.total for k, v in december.items()} == {fw.justice.pk: 1}


def test_lookup_by_code_and_phone_or_lookup_code(fw: FeedbackWorld) -> None:
    # given
    result = s.feedback_submit(
        submitter=s.Submitter(name="Bình", phone="0905123456"),
        subject="Phản ánh thử nghiệm",
        content="Nội dung phản ánh đủ dài để được tiếp nhận xử lý.",
        agency=fw.justice,
        at=AT,
    )
    code = result.feedback.code
    # then
    assert feedback_lookup_public(reference=code, factor="+84 905 123 456") == result.feedback
    assert feedback_lookup_public(reference=code.lower(), factor="0905.123.456") == result.feedback
    assert feedback_lookup_public(reference=code, factor=result.lookup_code.lower()) == result.feedback
    assert feedback_lookup_public(reference=code, factor="0905123457") is None
    assert feedback_lookup_public(reference="PA-260105-0099", factor="0905123456") is None
    assert feedback_lookup_public(reference=code, factor=" ") is None


def test_published_list_is_searched_without_diacritics(fw: FeedbackWorld, django_assert_num_queries: Any) -> None:
    # given one published and one still open
    published = to_published(fw, subject="Thái độ cán bộ một cửa chưa đúng mực")
    file(fw, subject="Thái độ cán bộ khác")
    # when / then
    with django_assert_num_queries(1):
        assert [f.code for f in feedback_list_published(text="thai do CAN BO")] == [published.code]
    assert list(feedback_list_published(text="xac minh")) == [published]  # words of the answer
    assert list(feedback_list_published(text="không có từ này")) == []


def test_staff_scope_own_agencies_or_all_for_the_control_unit(fw: FeedbackWorld) -> None:
    # given one feedback each about Sở Tư pháp and phường Nha Trang
    justice = file(fw)
    commune = file(fw, agency=fw.nha_trang)
    day = AT.date()
    officer = feedback_staff_scope(user=fw.officer, on=day)
    control = feedback_staff_scope(user=fw.control_officer, on=day)
    outsider = feedback_staff_scope(user=fw.outsider, on=day)
    # then
    assert [f.code for f in feedback_list_for_staff(scope=officer)] == [justice.code]
    assert {f.code for f in feedback_list_for_staff(scope=control)} == {justice.code, commune.code}
    assert outsider.empty
    assert not list(feedback_list_for_staff(scope=outsider))
    with pytest.raises(Feedback.DoesNotExist):
        feedback_get_for_staff(scope=officer, code=commune.code)
    assert feedback_get_for_staff(scope=control, code=commune.code) == commune


def test_staff_queue_is_ordered_by_the_running_deadline(fw: FeedbackWorld) -> None:
    # given: filed Thursday and Monday (answer due in 15 working days), one answered (publication due in 2),
    # one waiting for the citizen
    later = file(fw, AT + timedelta(days=3))
    early = file(fw, AT)
    answered = s.feedback_assign(
        feedback=file(fw, AT + timedelta(days=4)), actor=fw.officer, classification="other", at=AT + timedelta(days=4)
    )
    answered = s.feedback_answer(feedback=answered, actor=fw.officer, answer=ANSWER, at=AT + timedelta(days=4))
    waiting = s.feedback_request_info(feedback=file(fw, AT), actor=fw.officer, request="Thêm thông tin", at=AT)
    scope = feedback_staff_scope(user=fw.officer, on=AT.date())
    # then
    assert [f.code for f in feedback_list_for_staff(scope=scope)] == [
        answered.code,
        early.code,
        later.code,
        waiting.code,
    ]

"""Wording of targets and timelines on the pages (pure functions over unsaved records)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.program.constants import Comparator, TimelineKind
from cchc.program.models import AppendixTask, Target
from cchc.program.web.presenters import number_vi, target_rows, target_value_text, timeline_summary


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("90.000"), "90"), (Decimal("12.500"), "12,5"), (Decimal("100"), "100"), (Decimal("0.250"), "0,25")],
)
def test_number_vi(value, text):
    assert number_vi(value) == text


def target(**kwargs) -> Target:
    values = {"metric": "Mức độ hài lòng", "value": Decimal("90"), "unit": "%", "milestone_year": 2025, "code": "x"}
    values.update(kwargs)
    return Target(**values)


def test_target_value_text():
    assert target_value_text(target(comparator=Comparator.AT_LEAST)) == "≥ 90 %"
    assert target_value_text(target(comparator=Comparator.EQUAL, value=Decimal("100"))) == "= 100 %"
    assert target_value_text(target(comparator=Comparator.AT_MOST, value=Decimal("5"))) == "≤ 5 %"
    reduce = target(comparator=Comparator.REDUCE_BY, value=Decimal("10"), baseline_text="so với năm 2025")
    assert target_value_text(reduce) == "giảm 10 % so với năm 2025"
    period = target(
        comparator=Comparator.REDUCE_BY, value=Decimal("15"), baseline_year_start=2021, baseline_year_end=2025
    )
    assert target_value_text(period) == "giảm 15 % so với giai đoạn 2021-2025"


def test_target_rows_pair_milestones_and_keep_levels_apart():
    rows = target_rows(
        [
            target(comparator=Comparator.AT_LEAST, milestone_year=2025, code="a"),
            target(comparator=Comparator.AT_LEAST, milestone_year=2030, value=Decimal("95"), code="b"),
            target(
                comparator=Comparator.EQUAL, milestone_year=2025, gov_level="commune", value=Decimal("60"), code="c"
            ),
        ]
    )
    assert len(rows) == 2
    assert rows[0].cells([2025, 2030]) == [(2025, "≥ 90 %"), (2030, "≥ 95 %")]
    assert rows[1].cells([2025, 2030]) == [(2025, "= 60 %"), (2030, "")]
    assert rows[1].qualifiers == ["Cấp xã"]


def test_timeline_summary():
    assert (
        timeline_summary(AppendixTask(timeline_kind=TimelineKind.RANGE, start_year=2021, end_year=2025)) == "2021-2025"
    )
    ongoing = AppendixTask(timeline_kind=TimelineKind.ONGOING_FROM, start_year=2022, open_ended=True)
    assert timeline_summary(ongoing) == "Từ năm 2022 và các năm tiếp theo"
    central = AppendixTask(timeline_kind=TimelineKind.CENTRAL_SCHEDULE, depends_on="Bộ Nội vụ")
    assert timeline_summary(central) == "Theo tiến độ, hướng dẫn của Bộ Nội vụ"

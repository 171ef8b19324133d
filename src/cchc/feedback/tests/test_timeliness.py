"""The on-time rule of QĐ 766 indicator 5.2, as of a moment (pure, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cchc.feedback.timeliness import Row, is_on_time, running_due

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=VN)
DAY = timedelta(days=1)


def row(**kwargs: datetime | None) -> Row:
    values: dict[str, datetime | None] = {
        "submitted_at": T0,
        "reject_due_at": T0 + 2 * DAY,
        "info_due_at": T0 + 7 * DAY,
        "answer_due_at": T0 + 21 * DAY,
        "publish_due_at": None,
        "rejected_at": None,
        "info_requested_at": None,
        "resubmitted_at": None,
        "answered_at": None,
        "published_at": None,
    }
    values.update(kwargs)
    return Row(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fb", "at", "expected"),
    [
        (row(), T0 + DAY, True),  # just received
        (row(), T0 + 22 * DAY, False),  # no answer past the answer deadline
        (row(rejected_at=T0 + DAY), T0 + 30 * DAY, True),
        (row(rejected_at=T0 + 3 * DAY), T0 + 30 * DAY, False),  # rejected on the 3rd day
        (row(rejected_at=T0 + 3 * DAY), T0 + 2 * DAY, True),  # as of day 2 the rejection had not happened
        (row(info_requested_at=T0 + 8 * DAY, answer_due_at=None), T0 + 9 * DAY, False),  # asked too late
        (row(info_requested_at=T0 + DAY, answer_due_at=None), T0 + 60 * DAY, True),  # waiting for the citizen
        (
            row(answered_at=T0 + 20 * DAY, publish_due_at=T0 + 22 * DAY, published_at=T0 + 21 * DAY),
            T0 + 40 * DAY,
            True,
        ),
        (row(answered_at=T0 + 20 * DAY, publish_due_at=T0 + 22 * DAY), T0 + 23 * DAY, False),  # not published
        (row(answered_at=T0 + 20 * DAY, publish_due_at=T0 + 22 * DAY), T0 + 21 * DAY, True),
        (
            row(answered_at=T0 + 22 * DAY, publish_due_at=T0 + 24 * DAY, published_at=T0 + 23 * DAY),
            T0 + 40 * DAY,
            False,
        ),
    ],
)
def test_is_on_time(fb: Row, at: datetime, expected: bool) -> None:
    assert is_on_time(fb, at=at) is expected


def test_running_due_follows_the_stage() -> None:
    assert running_due(row(), at=T0) == T0 + 21 * DAY
    assert running_due(row(answered_at=T0 + DAY, publish_due_at=T0 + 3 * DAY), at=T0 + 2 * DAY) == T0 + 3 * DAY
    assert running_due(row(info_requested_at=T0 + DAY, answer_due_at=None), at=T0 + 2 * DAY) is None
    assert running_due(row(rejected_at=T0 + DAY), at=T0 + 2 * DAY) is None

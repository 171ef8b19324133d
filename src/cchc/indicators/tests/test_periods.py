"""Periods are parsed from the forms officers type, in Vietnam time; bad input is refused clearly."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc.indicators.constants import IndicatorError, IndicatorErrorCode
from cchc.indicators.periods import period_parse

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "first", "last", "label", "key"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "Năm 2025", "2025"),
        ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "6 tháng đầu năm 2025", "2025-H1"),
        ("2025-h2", date(2025, 7, 1), date(2025, 12, 31), "6 tháng cuối năm 2025", "2025-H2"),
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "Quý III/2025", "2025-Q3"),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "Quý I/2024", "2024-Q1"),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), "Quý IV/2025", "2025-Q4"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Tháng 2/2024", "2024-02"),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31), "Tháng 12/2025", "2025-12"),
        (
            " 2025-07-01..2025-09-30 ",
            date(2025, 7, 1),
            date(2025, 9, 30),
            "Từ 01/07/2025 đến 30/09/2025",
            "2025-07-01..2025-09-30",
        ),
        ("2025-07-15", date(2025, 7, 15), date(2025, 7, 15), "Từ 15/07/2025 đến 15/07/2025", "2025-07-15..2025-07-15"),
    ],
)
def test_period_forms(text: str, first: date, last: date, label: str, key: str) -> None:
    period = period_parse(text)
    assert (period.first, period.last, period.label, period.key) == (first, last, label, key)
    assert period_parse(period.key) == period


def test_a_period_is_half_open_in_vietnam_time() -> None:
    period = period_parse("2025-Q3")
    assert period.start == datetime(2025, 7, 1, tzinfo=VN)
    assert period.end == datetime(2025, 10, 1, tzinfo=VN)
    # 30/9 23:30 in Hà Nội is 16:30 UTC: still in the quarter; 1/10 00:00 Hà Nội is not
    assert period.start <= datetime(2025, 9, 30, 23, 30, tzinfo=VN) < period.end


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Chưa nhập kỳ báo cáo"),
        ("2025-Q5", "không hợp lệ"),
        ("2025-13", "Tháng phải từ 01 đến 12"),
        ("2025-02-30", "Ngày «2025-02-30» không tồn tại"),
        ("2025-09-30..2025-07-01", "Ngày kết thúc phải từ ngày bắt đầu trở đi"),
        ("Q3/2025", "không hợp lệ"),
        ("1899", "Năm phải trong khoảng 2000-2100"),
        ("2025-07-01..30/09/2025", "không phải ngày dạng YYYY-MM-DD"),
    ],
)
def test_bad_periods_are_refused_in_vietnamese(text: str, fragment: str) -> None:
    with pytest.raises(IndicatorError) as caught:
        period_parse(text)
    assert caught.value.code == IndicatorErrorCode.INVALID_PERIOD
    assert fragment in caught.value.message
    assert "2025-Q3" in caught.value.message  # the message shows the accepted forms

"""Reporting periods: a month, quarter, half-year, year or any range of days, in Vietnam time.

``period_parse("2025-Q3")`` and friends; a period is the half-open interval ``[start, end)`` of aware
datetimes, from 00:00 of its first day to 00:00 of the day after its last day (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cchc.indicators.constants import IndicatorError, IndicatorErrorCode

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RANGE = re.compile(r"^(\S+?)\s*\.\.\s*(\S+)$")

EXAMPLES = "2025, 2025-H1, 2025-Q3, 2025-07, 2025-07-01..2025-09-30"


class PeriodKind:
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    """``[first, last]`` days (inclusive), Vietnam time; ``start``/``end`` the half-open instants."""

    kind: str
    first: date
    last: date
    key: str  # the canonical text form ("2025-Q3"), parsed back by :func:`period_parse`

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=VN_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=VN_TZ)

    @property
    def label(self) -> str:
        year = self.first.year
        if self.kind == PeriodKind.YEAR:
            return f"Năm {year}"
        if self.kind == PeriodKind.HALF:
            return f"6 tháng {'đầu' if self.first.month == 1 else 'cuối'} năm {year}"
        if self.kind == PeriodKind.QUARTER:
            return f"Quý {ROMAN[(self.first.month - 1) // 3 + 1]}/{year}"
        if self.kind == PeriodKind.MONTH:
            return f"Tháng {self.first.month}/{year}"
        return f"Từ {self.first:%d/%m/%Y} đến {self.last:%d/%m/%Y}"

    def __str__(self) -> str:
        return self.label


def _invalid(text: str, why: str = "") -> IndicatorError:
    detail = f" {why}" if why else ""
    return IndicatorError(
        IndicatorErrorCode.INVALID_PERIOD,
        f"Kỳ báo cáo «{text}» không hợp lệ.{detail} Dùng một trong các dạng: {EXAMPLES}.",
    )


def _day(text: str, original: str) -> date:
    if not _DAY.match(text):
        raise _invalid(original, f"«{text}» không phải ngày dạng YYYY-MM-DD.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _invalid(original, f"Ngày «{text}» không tồn tại.") from None


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _year(text: str, original: str) -> int:
    year = int(text)
    if not 2000 <= year <= 2100:
        raise _invalid(original, "Năm phải trong khoảng 2000-2100.")
    return year


def period_parse(text: str) -> Period:
    """Parse a period: ``2025`` (year), ``2025-H1`` (half-year), ``2025-Q3`` (quarter), ``2025-07``
    (month), ``2025-07-15`` (one day) or ``2025-07-01..2025-09-30`` (days, both included).

    Raises :class:`IndicatorError` (``indicator.invalid_period``) with a Vietnamese message otherwise.
    """
    original = text
    text = (text or "").strip()
    if not text:
        raise _invalid(original, "Chưa nhập kỳ báo cáo.")
    if match := _YEAR.match(text):
        year = _year(match[1], original)
        return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31), f"{year}")
    if match := _HALF.match(text):
        year, half = _year(match[1], original), int(match[2])
        first = date(year, 1 if half == 1 else 7, 1)
        return Period(PeriodKind.HALF, first, _month_end(year, first.month + 5), f"{year}-H{half}")
    if match := _QUARTER.match(text):
        year, quarter = _year(match[1], original), int(match[2])
        month = 3 * (quarter - 1) + 1
        return Period(PeriodKind.QUARTER, date(year, month, 1), _month_end(year, month + 2), f"{year}-Q{quarter}")
    if match := _MONTH.match(text):
        year, month = _year(match[1], original), int(match[2])
        if not 1 <= month <= 12:
            raise _invalid(original, "Tháng phải từ 01 đến 12.")
        return Period(PeriodKind.MONTH, date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
    if match := _RANGE.match(text):
        first, last = _day(match[1], original), _day(match[2], original)
    elif _DAY.match(text):
        first = last = _day(text, original)
    else:
        raise _invalid(original)
    _year(str(first.year), original)
    _year(str(last.year), original)
    if last < first:
        raise _invalid(original, "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    return Period(PeriodKind.RANGE, first, last, f"{first.isoformat()}..{last.isoformat()}")

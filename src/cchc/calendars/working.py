"""The working-time engine: a precomputed day table and arithmetic on a "working-time coordinate".

Pure Python, no database: :func:`cchc.calendars.selectors.working_calendar` builds a
:class:`WorkingCalendar` from the ``holidays`` package, the override table and the office hours,
and caches it per process.

The coordinate. Every moment ``m`` maps to ``T(m)``, the number of working microseconds between the
start of the table and ``m``: ``T = rank(day) * W + elapsed(day, time)`` where ``rank(day)`` counts
the working days before ``day``, ``W`` is the working length of one day (8 hours by default) and
``elapsed`` is the working time already spent on ``day`` (0 before the morning session, the morning
length during lunch, ``W`` after the afternoon session, 0 on a day off). ``T`` never decreases, is
constant outside office hours, and rises by exactly one second per second inside them. So:

- counting working time between two moments is ``T(end) - T(start)``;
- adding N working hours is finding the earliest moment whose coordinate is ``T(start) + N hours``;
- adding N working days is adding ``N * W``: the same working time of day, N working days later.

No loop runs over days or minutes: a lookup in the day table, a few divisions, one datetime built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from cchc.calendars.constants import DueUnit

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
US = 1_000_000  # microseconds per second
_DAY_US = 86_400 * US


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US + value.microsecond


@dataclass(frozen=True)
class OfficeSchedule:
    """Office hours of one agency: the weekdays worked (Monday = 0) and two sessions, half-open.

    Default: Monday to Friday, 07:00-11:30 and 13:30-17:00 (8 working hours a day, 40 a week as
    Nghị định 45/2013/NĐ-CP and Bộ luật Lao động 2019 Điều 105 allow for civil servants); each agency's
    own hours are an ``OfficeHours`` row.
    """

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    morning_start: time = time(7, 0)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError("Giờ làm việc không hợp lệ: buổi sáng phải kết thúc trước buổi chiều.")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("Ngày làm việc trong tuần không hợp lệ.")

    @property
    def seconds_per_day(self) -> int:
        return (_time_us(self.morning_end) - _time_us(self.morning_start)) // US + (
            _time_us(self.afternoon_end) - _time_us(self.afternoon_start)
        ) // US


@dataclass(frozen=True)
class DayTable:
    """Which days are worked in ``[first, first + len(is_work))`` and their ranks (working days before)."""

    first: int  # ordinal of the first day
    is_work: bytes
    rank: list[int]  # rank[i]: working days in [first, first + i)
    workdays: list[int]  # ordinals of the working days, in order


FIRST_YEAR = 2000  # the table starts here and only ever grows forward, so ranks never shift
LAST_YEAR = 2200


@lru_cache(maxsize=8)
def package_days(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The ``holidays`` package's days off and swapped working weekend days (computed once per process)."""
    package = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    days_off = frozenset(package)
    workdays = frozenset(d for d in package.weekend_workdays if first_year <= d.year <= last_year)
    return days_off, workdays


def build_day_table(*, last_year: int, weekdays: frozenset[int], overrides: Mapping[date, bool]) -> DayTable:
    """Working days from 1/1/FIRST_YEAR to 31/12/``last_year``.

    Precedence (highest first): an override (admin table: the agency's own, then the national one),
    then the ``holidays`` package (public holidays of Bộ luật Lao động 2019 Điều 112 with their
    substitute days, the government's swapped days off and swapped working Saturdays), then the
    agency's weekly pattern.
    """
    package_off, package_work = package_days(FIRST_YEAR, last_year)
    first = date(FIRST_YEAR, 1, 1).toordinal()
    last = date(last_year, 12, 31).toordinal()
    flags = bytearray(last - first + 1)
    rank: list[int] = []
    workdays: list[int] = []
    count = 0
    day = date(FIRST_YEAR, 1, 1)
    weekday = day.weekday()
    one = timedelta(days=1)
    for i in range(last - first + 1):
        override = overrides.get(day)
        if override is not None:
            working = override
        elif day in package_off:
            working = False
        elif day in package_work:
            working = True
        else:
            working = weekday in weekdays
        rank.append(count)
        if working:
            flags[i] = 1
            workdays.append(first + i)
            count += 1
        day += one
        weekday = (weekday + 1) % 7
    rank.append(count)
    return DayTable(first=first, is_work=bytes(flags), rank=rank, workdays=workdays)


class WorkingCalendar:
    """Working days and hours of one agency (or the national default), computed in Asia/Ho_Chi_Minh.

    Aware datetimes in, aware datetimes (Asia/Ho_Chi_Minh) out; a naive datetime is refused.

    Legal basis of the arithmetic:
    - Nghị định 118/2025/NĐ-CP (one-stop-shop mechanism) and Thông tư 03/2025/TT-VPCP: processing time
      is stated in working days (or working hours), counted from the moment the dossier is duly
      received; the receipt slip (form 01) carries the appointment time to the hour and minute.
    - Bộ luật Lao động 2019, Điều 112 and the yearly decisions of the Prime Minister / Bộ Nội vụ
      on holidays and swapped working days for civil servants (via the ``holidays`` package and the
      override table).

    Rule implemented (the portal's practice: the appointment keeps the time of day of the receipt):
    a dossier received during working time on day D with N working days is due at the same working
    time of day N working days later; received outside working time (evening, lunch break, weekend,
    holiday) the clock starts at the next working moment. A deadline that falls exactly on the end of
    a session is reported as that end (11:30, 17:00), never as the start of the next session: the
    earliest wall-clock moment at which the allotted working time has run out.

    Other units of a statutory time (:meth:`add_time` dispatches on :class:`DueUnit`): "trong ngày"
    (:meth:`add_same_day`, NĐ 23/2015/NĐ-CP Điều 7 khoản 1) and calendar days (:meth:`add_calendar_days`,
    Bộ luật Dân sự 2015 Điều 148 khoản 5).
    """

    __slots__ = ("schedule", "name", "_overrides", "_table", "_m0", "_m1", "_a0", "_a1", "_mlen", "_w")

    def __init__(
        self,
        *,
        schedule: OfficeSchedule | None = None,
        overrides: Mapping[date, bool] | None = None,
        last_year: int | None = None,
        name: str = "",
    ) -> None:
        self.schedule = schedule or OfficeSchedule()
        self.name = name
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._m0 = _time_us(self.schedule.morning_start)
        self._m1 = _time_us(self.schedule.morning_end)
        self._a0 = _time_us(self.schedule.afternoon_start)
        self._a1 = _time_us(self.schedule.afternoon_end)
        self._mlen = self._m1 - self._m0
        self._w = self._mlen + self._a1 - self._a0
        if last_year is None:
            last_year = datetime.now(tz=VN_TZ).year + 5
        self._table = self._build(max(last_year, FIRST_YEAR + 1))

    # -- table -------------------------------------------------------------------------------------

    def _build(self, last_year: int) -> DayTable:
        if last_year > LAST_YEAR:
            raise ValueError(f"Thời điểm nằm ngoài phạm vi lịch làm việc ({FIRST_YEAR}-{LAST_YEAR}).")
        return build_day_table(last_year=last_year, weekdays=self.schedule.weekdays, overrides=self._overrides)

    def _ensure(self, ordinal: int) -> DayTable:
        """The day table covering ``ordinal`` with a year of room after it (grown forward when needed)."""
        table = self._table
        if ordinal + 400 < table.first + len(table.is_work):
            if ordinal < table.first:
                raise ValueError(f"Thời điểm nằm ngoài phạm vi lịch làm việc ({FIRST_YEAR}-{LAST_YEAR}).")
            return table
        self._table = self._build(date.fromordinal(min(ordinal, date(LAST_YEAR, 1, 1).toordinal())).year + 2)
        return self._table

    def _workday_ordinal(self, index: int) -> int:
        """Ordinal of the working day with rank ``index``, growing the table when it runs out."""
        if index < 0:
            raise ValueError(f"Thời điểm nằm ngoài phạm vi lịch làm việc ({FIRST_YEAR}-{LAST_YEAR}).")
        table = self._table
        while index >= len(table.workdays):
            table = self._ensure(table.first + len(table.is_work) + 1)
        return table.workdays[index]

    # -- coordinate --------------------------------------------------------------------------------

    @staticmethod
    def _local(at: datetime) -> datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("Cần thời điểm có múi giờ (aware datetime), không nhận thời điểm không múi giờ.")
        return at.astimezone(VN_TZ)

    def _coordinate(self, at: datetime) -> int:
        """T(at): working microseconds from the table start (1/1/FIRST_YEAR 00:00) to ``at``."""
        local = self._local(at)
        ordinal = local.toordinal()
        table = self._table
        i = ordinal - table.first
        if i < 0 or i + 400 >= len(table.is_work):
            table = self._ensure(ordinal)
        base = table.rank[i] * self._w
        if not table.is_work[i]:
            return base
        t = ((local.hour * 60 + local.minute) * 60 + local.second) * US + local.microsecond
        if t <= self._m0:
            return base
        if t < self._m1:
            return base + t - self._m0
        if t <= self._a0:
            return base + self._mlen
        if t < self._a1:
            return base + self._mlen + t - self._a0
        return base + self._w

    def _moment(self, coordinate: int, *, end_of_session: bool) -> datetime:
        """The moment with working coordinate ``coordinate``.

        ``end_of_session``: a coordinate on a session boundary maps to the session's end (a deadline)
        rather than the next session's start (a starting moment).
        """
        if end_of_session and coordinate > 0:
            index, rest = divmod(coordinate - 1, self._w)
            rest += 1
            in_morning = rest <= self._mlen
        else:
            index, rest = divmod(coordinate, self._w)
            in_morning = rest < self._mlen
        day = date.fromordinal(self._workday_ordinal(index))
        t = self._m0 + rest if in_morning else self._a0 + rest - self._mlen
        seconds, micro = divmod(t, US)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=VN_TZ)

    # -- public interface --------------------------------------------------------------------------

    @property
    def working_seconds_per_day(self) -> int:
        """Working length of one day in seconds (28,800 for 07:00-11:30 + 13:30-17:00)."""
        return self._w // US

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is worked: overrides first, then the holidays package, then the weekdays."""
        ordinal = day.toordinal()
        table = self._ensure(ordinal)
        return bool(table.is_work[ordinal - table.first])

    def is_working_moment(self, at: datetime) -> bool:
        """True inside a session (half-open: 07:00 is working, 11:30 is not) on a working day."""
        local = self._local(at)
        if not self.is_working_day(local.date()):
            return False
        t = _time_us(local.timetz())
        return self._m0 <= t < self._m1 or self._a0 <= t < self._a1

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` itself when it is a working moment, else the start of the next session."""
        return self._moment(self._coordinate(at), end_of_session=False)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Due moment of ``days`` working days from ``start`` (the statutory rule, see the class doc).

        Received Friday 16:30 with 1 day: due Monday 16:30. Received Friday 17:30: the clock starts
        Monday 07:00 and 1 day runs out Monday 17:00. ``days == 0`` gives the next working moment.
        Negative ``days`` counts back (the same working time of day, N working days earlier).
        """
        if not isinstance(days, int) or isinstance(days, bool):
            raise TypeError("Số ngày làm việc phải là số nguyên.")
        target = self._coordinate(start) + days * self._w
        return self._moment(target, end_of_session=days > 0)

    def add_working_hours(self, start: datetime, hours: Decimal | int) -> datetime:
        """Due moment of ``hours`` working hours (office hours only count) from ``start``.

        Fractions are allowed (``Decimal("0.5")`` is 30 minutes); ``0`` gives the next working moment.
        """
        if isinstance(hours, bool) or not isinstance(hours, int | Decimal):
            raise TypeError("Số giờ làm việc phải là số nguyên hoặc Decimal.")
        if isinstance(hours, Decimal):
            if not hours.is_finite():
                raise ValueError("Số giờ làm việc không hợp lệ.")
            micro = int((hours * 3600 * US).to_integral_value(rounding=ROUND_HALF_UP))
        else:
            micro = hours * 3600 * US
        target = self._coordinate(start) + micro
        return self._moment(target, end_of_session=micro > 0)

    def _close_of(self, index: int) -> datetime:
        """The end of the afternoon session of the working day of rank ``index``."""
        return self._moment((index + 1) * self._w, end_of_session=True)

    def add_same_day(self, start: datetime, cutoff: time | None = None) -> datetime:
        """Due moment of a procedure settled "trong ngày" (within the working day of reception).

        legal: Nghị định 23/2015/NĐ-CP Điều 7 khoản 1 (chứng thực bản sao từ bản chính, chữ ký, chữ ký
        người dịch): the request is met "ngay trong ngày cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong
        ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ". ``cutoff`` is that hour, per
        procedure (None: no cut-off, always the same working day).

        Rule: due at the end of office hours (17:00 by default) of the working day on which the clock
        starts; received on a working day strictly after ``cutoff`` (15:00 is still in time, 15:00:01
        is not, "sau 15 giờ"), at the end of the next working day. Received outside working time
        (evening, weekend, holiday) the clock starts at the next working moment, before any cut-off:
        due at the end of that day. Received during the lunch break before the cut-off: the same day.
        """
        if cutoff is not None and not isinstance(cutoff, time):
            raise TypeError("Giờ chốt tiếp nhận phải là thời điểm trong ngày (time).")
        local = self._local(start)
        coordinate = self._coordinate(local)
        index = coordinate // self._w  # the working day on which the clock starts
        starts_today = self.is_working_day(local.date()) and (
            date.fromordinal(self._workday_ordinal(index)) == local.date()
        )
        if starts_today and cutoff is not None and _time_us(local.time()) > _time_us(cutoff):
            index += 1
        return self._close_of(index)

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """Due moment of ``days`` calendar days ("ngày", not "ngày làm việc") from ``start``.

        Rule: the same clock time ``days`` days later (days off count). When that day is not worked
        (weekend, holiday, Tết), the time runs to the end of office hours of the next working day.

        legal: Bộ luật Dân sự 2015 Điều 148 khoản 5 ("Khi ngày cuối cùng của thời hạn là ngày nghỉ cuối
        tuần hoặc ngày nghỉ lễ thì thời hạn kết thúc tại thời điểm kết thúc ngày làm việc tiếp theo ngày
        nghỉ đó"), read as the end of that day's office hours (17:00 by default), when the desk can
        still return the result. Chosen: the time of day of the reception is kept (as for working days,
        the appointment on form 01 is to the minute), instead of Điều 148 khoản 6's 24:00 of the last
        day; to follow khoản 6 instead, return the end of the last day here.
        """
        if not isinstance(days, int) or isinstance(days, bool):
            raise TypeError("Số ngày phải là số nguyên.")
        local = self._local(start)
        target = local + timedelta(days=days)
        if days <= 0 or self.is_working_day(target.date()):
            return target
        table = self._ensure(target.toordinal())
        return self._close_of(table.rank[target.toordinal() - table.first])

    def add_time(self, start: datetime, *, amount: int | Decimal, unit: str, cutoff: time | None = None) -> datetime:
        """Due moment of a statutory processing time of ``amount`` ``unit`` (a :class:`DueUnit` code) from
        ``start``: the one entry point of the reception, the simulation and ``cchc calendar due``.

        ``same_day`` ignores ``amount`` (always one working day) and uses ``cutoff``; the other units
        ignore ``cutoff``.
        """
        if unit == DueUnit.WORKING_HOURS:
            return self.add_working_hours(start, amount)
        if unit == DueUnit.SAME_DAY:
            return self.add_same_day(start, cutoff)
        if not isinstance(amount, int):
            if isinstance(amount, Decimal) and amount == amount.to_integral_value():
                amount = int(amount)
            else:
                raise TypeError("Số ngày phải là số nguyên.")
        if unit == DueUnit.CALENDAR_DAYS:
            return self.add_calendar_days(start, amount)
        if unit == DueUnit.WORKING_DAYS:
            return self.add_working_days(start, amount)
        raise ValueError(f"Đơn vị thời hạn không hợp lệ: «{unit}».")

    def working_seconds_between(
        self,
        start: datetime,
        end: datetime,
        *,
        paused: Iterable[tuple[datetime, datetime]] = (),
    ) -> int:
        """Working seconds in ``[start, end)`` minus the working time of the ``paused`` intervals.

        Paused intervals (the applicant's supplement time: Thông tư 03/2025, the national index's rule
        "end - (supplement done - supplement requested)") are clipped to ``[start, end]`` and merged
        when they overlap, so no working second is subtracted twice. ``end`` before ``start`` gives 0.
        Truncated to whole seconds.
        """
        t0 = self._coordinate(start)
        t1 = self._coordinate(end)
        if t1 <= t0:
            return 0
        spans: list[tuple[int, int]] = []
        for p_start, p_end in paused:
            a = max(self._coordinate(p_start), t0)
            b = min(self._coordinate(p_end), t1)
            if b > a:
                spans.append((a, b))
        total = t1 - t0
        if spans:
            spans.sort()
            cur_a, cur_b = spans[0]
            for a, b in spans[1:]:
                if a > cur_b:
                    total -= cur_b - cur_a
                    cur_a, cur_b = a, b
                elif b > cur_b:
                    cur_b = b
            total -= cur_b - cur_a
        return total // US

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``[start, end)`` (0 when ``end <= start``)."""
        if end <= start:
            return 0
        table = self._ensure(start.toordinal())
        table = self._ensure(end.toordinal())
        return table.rank[end.toordinal() - table.first] - table.rank[start.toordinal() - table.first]

    def days_off(self, first: date, last: date) -> list[date]:
        """Days in ``[first, last]`` that are not worked (weekends included)."""
        self._ensure(first.toordinal())
        table = self._ensure(last.toordinal())
        return [
            date.fromordinal(o)
            for o in range(first.toordinal(), last.toordinal() + 1)
            if not table.is_work[o - table.first]
        ]

    def first_working_day_on_or_after(self, day: date) -> date:
        """The first working day from ``day`` on."""
        table = self._ensure(day.toordinal())
        i = day.toordinal() - table.first
        return date.fromordinal(self._workday_ordinal(table.rank[i]))


def local_now() -> datetime:
    """Now in Asia/Ho_Chi_Minh (for commands and callers without their own ``at``)."""
    return datetime.now(tz=VN_TZ)


__all__ = ["VN_TZ", "DayTable", "OfficeSchedule", "WorkingCalendar", "build_day_table", "local_now"]

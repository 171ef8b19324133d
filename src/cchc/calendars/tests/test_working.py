"""The engine itself: named dates of 2025 and 2026, the receipt rules, and properties (hypothesis).

Named tests use the calendar the application builds (the ``holidays`` package, the shipped overrides
and the default office hours); property tests use a pure ``WorkingCalendar`` without the database.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.calendars.tests.conftest import vn
from cchc.calendars.working import VN_TZ, OfficeSchedule, WorkingCalendar

# -- named dates (the official decisions for civil servants) ------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết Ất Tỵ 2025: off Saturday 25/01 to Sunday 02/02/2025 (Thông báo 6150/TB-BLĐTBXH)
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        # 30/4-1/5/2025: Saturday 26/04 worked, Friday 02/05 off (the government's swap)
        (date(2025, 4, 26), True),
        (date(2025, 4, 30), False),
        (date(2025, 5, 1), False),
        (date(2025, 5, 2), False),
        (date(2025, 5, 5), True),
        # Quốc khánh 2025: Monday 01/09 and Tuesday 02/09 off
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2025, 9, 3), True),
        # Tết Dương lịch 2026: 01-04/01, Friday 02/01 swapped with Saturday 10/01 (12729/VPCP-KGVX)
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 10), True),
        # Tết Bính Ngọ 2026: Monday 16/02 to Friday 20/02 off (Thông báo 9441/TB-BNV)
        (date(2026, 2, 13), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        # Quốc khánh 2026: 29/08-02/09, Monday 31/08 swapped with Saturday 22/08
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        # Ngày Văn hóa Việt Nam: not a statutory holiday yet (shipped override), a working Tuesday
        (date(2026, 11, 24), True),
        # ordinary weekends
        (date(2025, 1, 4), False),
        (date(2025, 1, 5), False),
    ],
)
def test_working_days_of_2025_and_2026(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_friday_afternoon_receipt_is_due_monday_same_time(calendar):
    # given a dossier received Friday 16:30 with 1 working day
    # then it is due Monday at the same time of day
    assert calendar.add_working_days(vn(2025, 1, 3, 16, 30), 1) == vn(2025, 1, 6, 16, 30)


def test_friday_evening_receipt_counts_from_monday_morning(calendar):
    # received Friday 17:30: the clock starts Monday 07:00, one working day runs out Monday 17:00
    received = vn(2025, 1, 3, 17, 30)
    assert calendar.next_working_moment(received) == vn(2025, 1, 6, 7, 0)
    assert calendar.add_working_days(received, 1) == vn(2025, 1, 6, 17, 0)
    assert calendar.add_working_days(received, 2) == vn(2025, 1, 7, 17, 0)


def test_receipt_during_lunch_break_starts_at_afternoon_session(calendar):
    received = vn(2025, 1, 6, 12, 15)
    assert calendar.next_working_moment(received) == vn(2025, 1, 6, 13, 30)
    assert calendar.add_working_hours(received, 2) == vn(2025, 1, 6, 15, 30)
    # a whole day from the lunch break: the morning's working time has been spent, so 11:30 next day
    assert calendar.add_working_days(received, 1) == vn(2025, 1, 7, 11, 30)


def test_receipt_before_tet_2025_is_due_after_the_holiday(calendar):
    # Friday 24/01/2025 09:00 with 3 working days: 25/01-02/02 off, so Monday 03/02, Tuesday, Wednesday
    assert calendar.add_working_days(vn(2025, 1, 24, 9, 0), 3) == vn(2025, 2, 5, 9, 0)


def test_receipt_before_tet_2026_is_due_after_the_holiday(calendar):
    # Thursday 12/02/2026 14:00 with 2 working days: Friday 13/02, then Monday 23/02
    assert calendar.add_working_days(vn(2026, 2, 12, 14, 0), 2) == vn(2026, 2, 23, 14, 0)


def test_receipt_during_tet_2026_counts_from_the_first_day_back(calendar):
    assert calendar.next_working_moment(vn(2026, 2, 17, 10, 0)) == vn(2026, 2, 23, 7, 0)
    assert calendar.add_working_days(vn(2026, 2, 17, 10, 0), 1) == vn(2026, 2, 23, 17, 0)


def test_reunification_day_2025_uses_the_swapped_saturday(calendar):
    # Friday 25/04/2025 10:00 + 1 day: Saturday 26/04 is a working day
    assert calendar.add_working_days(vn(2025, 4, 25, 10, 0), 1) == vn(2025, 4, 26, 10, 0)
    # Tuesday 29/04/2025 10:00 + 1 day: 30/04, 01/05, 02/05 off, then the weekend
    assert calendar.add_working_days(vn(2025, 4, 29, 10, 0), 1) == vn(2025, 5, 5, 10, 0)


def test_national_day_2025(calendar):
    # Friday 29/08/2025 15:00 + 1 day: Monday 01/09 and Tuesday 02/09 off
    assert calendar.add_working_days(vn(2025, 8, 29, 15, 0), 1) == vn(2025, 9, 3, 15, 0)


def test_new_year_2026_swap(calendar):
    # Wednesday 31/12/2025 09:00 + 1 day: 01/01 and 02/01 off, Saturday 10/01 is worked later
    assert calendar.add_working_days(vn(2025, 12, 31, 9, 0), 1) == vn(2026, 1, 5, 9, 0)
    assert calendar.add_working_days(vn(2026, 1, 9, 9, 0), 1) == vn(2026, 1, 10, 9, 0)


def test_working_hours_only_count_office_hours(calendar):
    # Monday 10:30 + 3 hours: 1 hour in the morning, 2 after lunch
    assert calendar.add_working_hours(vn(2025, 1, 6, 10, 30), 3) == vn(2025, 1, 6, 15, 30)
    # Friday 16:00 + 2 hours: 1 hour Friday, 1 hour Monday
    assert calendar.add_working_hours(vn(2025, 1, 3, 16, 0), 2) == vn(2025, 1, 6, 8, 0)
    assert calendar.add_working_hours(vn(2025, 1, 6, 7, 0), Decimal("0.5")) == vn(2025, 1, 6, 7, 30)


def test_deadline_on_a_session_end_is_reported_as_that_end(calendar):
    assert calendar.add_working_hours(vn(2025, 1, 6, 7, 0), Decimal("4.5")) == vn(2025, 1, 6, 11, 30)
    assert calendar.add_working_hours(vn(2025, 1, 6, 7, 0), 8) == vn(2025, 1, 6, 17, 0)


def test_working_seconds_between_minus_supplement_pause(calendar):
    # received Monday 06/01/2025 08:00, finished Wednesday 08/01 08:00: 2 working days
    start, end = vn(2025, 1, 6, 8, 0), vn(2025, 1, 8, 8, 0)
    assert calendar.working_seconds_between(start, end) == 2 * 8 * 3600
    # the applicant took from Monday 16:00 to Tuesday 09:00 to supplement: 1 h + 2 h paused
    paused = [(vn(2025, 1, 6, 16, 0), vn(2025, 1, 7, 9, 0))]
    assert calendar.working_seconds_between(start, end, paused=paused) == 2 * 8 * 3600 - 3 * 3600
    # overlapping pauses are not subtracted twice; pauses outside [start, end] are ignored
    paused += [(vn(2025, 1, 7, 8, 0), vn(2025, 1, 7, 10, 0)), (vn(2025, 1, 9, 8, 0), vn(2025, 1, 9, 9, 0))]
    assert calendar.working_seconds_between(start, end, paused=paused) == 2 * 8 * 3600 - 4 * 3600
    assert calendar.working_seconds_between(end, start) == 0


def test_counting_back_keeps_the_time_of_day(calendar):
    assert calendar.add_working_days(vn(2025, 1, 6, 9, 0), -1) == vn(2025, 1, 3, 9, 0)
    assert calendar.add_working_days(vn(2025, 2, 3, 9, 0), -1) == vn(2025, 1, 24, 9, 0)


def test_utc_input_is_computed_in_vietnam_time(calendar):
    # 09:30 UTC on Friday 03/01/2025 is 16:30 in Hà Nội
    received = datetime(2025, 1, 3, 9, 30, tzinfo=UTC)
    due = calendar.add_working_days(received, 1)
    assert due == vn(2025, 1, 6, 16, 30)
    assert due.tzinfo == VN_TZ


def test_naive_datetime_is_refused(calendar):
    with pytest.raises(ValueError, match="múi giờ"):
        calendar.add_working_days(datetime(2025, 1, 3, 9, 0), 1)


def test_bad_amounts_are_refused(calendar):
    with pytest.raises(TypeError):
        calendar.add_working_days(vn(2025, 1, 3, 9, 0), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        calendar.add_working_hours(vn(2025, 1, 3, 9, 0), 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="phạm vi"):
        calendar.add_working_days(vn(1999, 1, 3, 9, 0), 1)


def test_table_grows_for_far_future_moments(calendar):
    due = calendar.add_working_days(vn(2099, 12, 30, 9, 0), 300)
    assert due.year == 2101
    assert calendar.is_working_day(due.date())


def test_agency_schedule_with_saturday_morning_and_other_hours():
    schedule = OfficeSchedule(
        weekdays=frozenset({0, 1, 2, 3, 4, 5}),
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 0),
        afternoon_end=time(17, 0),
    )
    calendar = WorkingCalendar(schedule=schedule)
    assert calendar.working_seconds_per_day == 8 * 3600
    assert calendar.add_working_days(vn(2025, 1, 3, 16, 30), 1) == vn(2025, 1, 4, 16, 30)
    assert calendar.next_working_moment(vn(2025, 1, 4, 6, 0)) == vn(2025, 1, 4, 7, 30)
    # a public holiday on a Saturday still is one (no Saturday 01/02/2025 during Tết)
    assert not calendar.is_working_day(date(2025, 2, 1))


def test_invalid_schedule_is_refused():
    with pytest.raises(ValueError, match="Giờ làm việc"):
        OfficeSchedule(morning_start=time(8, 0), morning_end=time(14, 0), afternoon_start=time(13, 0))


# -- properties ---------------------------------------------------------------------------------------------

ENGINE = WorkingCalendar(
    overrides={date(2026, 1, 2): False, date(2026, 1, 10): True, date(2025, 3, 12): False}, last_year=2031
)

moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(VN_TZ)).map(
    lambda m: m.replace(microsecond=m.microsecond - m.microsecond % 1000)
)
working_moments = moments.map(ENGINE.next_working_moment)
day_counts = st.integers(min_value=0, max_value=400)
hour_counts = st.integers(min_value=0, max_value=2000) | st.decimals(
    min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False
)


def _inside_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    s = ENGINE.schedule
    t = local.time()
    in_session = s.morning_start <= t <= s.morning_end or s.afternoon_start <= t <= s.afternoon_end
    return ENGINE.is_working_day(local.date()) and in_session


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, n=day_counts)
def test_later_receipt_is_never_due_earlier_days(a, b, n):
    early, late = sorted([a, b])
    assert ENGINE.add_working_days(early, n) <= ENGINE.add_working_days(late, n)


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, h=hour_counts)
def test_later_receipt_is_never_due_earlier_hours(a, b, h):
    early, late = sorted([a, b])
    assert ENGINE.add_working_hours(early, h) <= ENGINE.add_working_hours(late, h)


@settings(max_examples=300, deadline=None)
@given(start=moments, n=day_counts)
def test_more_days_never_due_earlier(start, n):
    assert ENGINE.add_working_days(start, n) <= ENGINE.add_working_days(start, n + 1)


@settings(max_examples=300, deadline=None)
@given(start=working_moments, n=day_counts)
def test_count_of_added_days_is_n_days(start, n):
    due = ENGINE.add_working_days(start, n)
    assert ENGINE.working_seconds_between(start, due) == n * ENGINE.working_seconds_per_day


@settings(max_examples=300, deadline=None)
@given(start=working_moments, h=hour_counts)
def test_count_of_added_hours_is_h_hours(start, h):
    due = ENGINE.add_working_hours(start, h)
    assert ENGINE.working_seconds_between(start, due) == int(Decimal(h) * 3600)


@settings(max_examples=300, deadline=None)
@given(start=moments)
def test_adding_zero_is_the_next_working_moment(start):
    nxt = ENGINE.next_working_moment(start)
    assert ENGINE.add_working_days(start, 0) == nxt
    assert ENGINE.add_working_hours(start, 0) == nxt
    assert nxt >= start
    assert ENGINE.is_working_moment(nxt)
    # nothing worked between the receipt and the start of the clock
    assert ENGINE.working_seconds_between(start, nxt) == 0


@settings(max_examples=300, deadline=None)
@given(start=moments, n=day_counts, h=hour_counts)
def test_results_are_inside_office_hours_on_a_working_day(start, n, h):
    assert _inside_office_hours(ENGINE.add_working_days(start, n))
    assert _inside_office_hours(ENGINE.add_working_hours(start, h))
    assert _inside_office_hours(ENGINE.next_working_moment(start))


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_counting_is_additive(a, b, c):
    x, y, z = sorted([a, b, c])
    assert ENGINE.working_seconds_between(x, z) in (
        ENGINE.working_seconds_between(x, y) + ENGINE.working_seconds_between(y, z),
        ENGINE.working_seconds_between(x, y) + ENGINE.working_seconds_between(y, z) + 1,
    )


@settings(max_examples=200, deadline=None)
@given(start=moments, end=moments, p0=moments, p1=moments)
def test_pauses_never_add_time_and_never_go_negative(start, end, p0, p1):
    full = ENGINE.working_seconds_between(start, end)
    paused = ENGINE.working_seconds_between(start, end, paused=[(min(p0, p1), max(p0, p1))])
    assert 0 <= paused <= full


@settings(max_examples=200, deadline=None)
@given(start=moments, seconds=st.integers(min_value=0, max_value=10 * 86400))
def test_count_never_exceeds_elapsed_wall_time(start, seconds):
    assert ENGINE.working_seconds_between(start, start + timedelta(seconds=seconds)) <= seconds


# -- same-day procedures and calendar days (issue 12 item 14) --------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # NĐ 23/2015/NĐ-CP Điều 7 khoản 1: within the working day of reception...
        (vn(2025, 1, 3, 8, 0), vn(2025, 1, 3, 17, 0)),
        (vn(2025, 1, 3, 15, 0), vn(2025, 1, 3, 17, 0)),  # 15:00 is not "sau 15 giờ"
        (vn(2025, 1, 3, 12, 0), vn(2025, 1, 3, 17, 0)),  # lunch break, before the cut-off
        (vn(2025, 1, 3, 6, 0), vn(2025, 1, 3, 17, 0)),  # before opening: that day
        # ... or the next working day when received after 15:00 (Friday -> Monday)
        (vn(2025, 1, 3, 15, 30), vn(2025, 1, 6, 17, 0)),
        (vn(2025, 1, 3, 17, 30), vn(2025, 1, 6, 17, 0)),  # after hours: the clock starts Monday
        (vn(2025, 1, 4, 16, 0), vn(2025, 1, 6, 17, 0)),  # Saturday afternoon: Monday, no cut-off
        # the last afternoon before Tết Ất Tỵ: the next working day is 03/02/2025
        (vn(2025, 1, 24, 16, 0), vn(2025, 2, 3, 17, 0)),
    ],
)
def test_same_day_with_a_15_00_cut_off(calendar, received, due):
    assert calendar.add_same_day(received, time(15, 0)) == due
    assert calendar.add_time(received, amount=1, unit="same_day", cutoff=time(15, 0)) == due


def test_same_day_without_cut_off_is_always_the_day_of_reception(calendar):
    assert calendar.add_same_day(vn(2025, 1, 3, 16, 30)) == vn(2025, 1, 3, 17, 0)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # the same clock time N days later (days off count)
        (vn(2025, 1, 3, 9, 0), 7, vn(2025, 1, 10, 9, 0)),
        (vn(2025, 1, 3, 9, 0), 3, vn(2025, 1, 6, 9, 0)),  # over the weekend, ends on a Monday
        # ends on a Saturday / Sunday: BLDS 2015 Điều 148 khoản 5, the end of the next working day
        (vn(2025, 1, 3, 9, 0), 1, vn(2025, 1, 6, 17, 0)),
        (vn(2025, 1, 2, 9, 0), 3, vn(2025, 1, 6, 17, 0)),
        # ends inside Tết Ất Tỵ (25/01-02/02/2025): Monday 03/02/2025 at the close
        (vn(2025, 1, 20, 10, 0), 7, vn(2025, 2, 3, 17, 0)),
        (vn(2025, 1, 20, 10, 0), 13, vn(2025, 2, 3, 17, 0)),
        # over Tết Bính Ngọ 2026 to a working day: no extension
        (vn(2026, 2, 12, 14, 0), 14, vn(2026, 2, 26, 14, 0)),
    ],
)
def test_calendar_days_over_weekends_and_tet(calendar, received, days, due):
    assert calendar.add_calendar_days(received, days) == due
    assert calendar.add_time(received, amount=days, unit="calendar_days") == due


def test_add_time_dispatches_the_old_units_and_refuses_unknown_ones(calendar):
    start = vn(2025, 1, 3, 16, 30)
    assert calendar.add_time(start, amount=1, unit="days") == calendar.add_working_days(start, 1)
    assert calendar.add_time(start, amount=Decimal(8), unit="hours") == calendar.add_working_hours(start, 8)
    with pytest.raises(ValueError, match="Đơn vị thời hạn không hợp lệ"):
        calendar.add_time(start, amount=1, unit="weeks")
    with pytest.raises(TypeError):
        calendar.add_time(start, amount=Decimal("1.5"), unit="calendar_days")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
    st.times(),
)
def test_same_day_is_the_close_of_a_working_day_never_before_reception(naive, cutoff):
    calendar = WorkingCalendar(last_year=2030)
    received = naive.replace(tzinfo=VN_TZ)
    due = calendar.add_same_day(received, cutoff)
    assert due > received
    assert due.time() == time(17, 0)
    assert calendar.is_working_day(due.date())
    # at most one working day beyond the one on which the clock starts
    start = calendar.next_working_moment(received)
    assert calendar.working_days_between(start.date(), due.date()) <= 1

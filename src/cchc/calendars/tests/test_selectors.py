from datetime import date, time

import pytest

from cchc.calendars.constants import DayKind
from cchc.calendars.models import CalendarVersion
from cchc.calendars.selectors import (
    calendar_override_list,
    calendar_version_get,
    day_source,
    office_hours_get,
    working_calendar,
)
from cchc.calendars.services import calendar_override_set, office_hours_set
from cchc.calendars.tests.conftest import vn


def test_default_office_hours_come_from_the_data_migration(db):
    row = office_hours_get()
    assert row is not None
    assert (row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end) == (
        time(7, 0),
        time(11, 30),
        time(13, 30),
        time(17, 0),
    )
    assert row.weekdays == "01234"


def test_shipped_overrides_carry_their_legal_basis(db):
    overrides = {o.day: o for o in calendar_override_list(year=2026)}
    assert overrides[date(2026, 1, 2)].kind == DayKind.DAY_OFF
    assert "12729/VPCP-KGVX" in overrides[date(2026, 1, 2)].legal_basis
    assert overrides[date(2026, 1, 10)].kind == DayKind.WORKING_DAY


def test_override_wins_over_the_package(db):
    # given the package's swapped working Saturday 26/04/2025 and the holiday 30/04/2025
    assert working_calendar().is_working_day(date(2025, 4, 26))
    # when an administrator declares the Saturday off and 30/04 worked
    calendar_override_set(day=date(2025, 4, 26), kind=DayKind.DAY_OFF, legal_basis="Thử nghiệm")
    calendar_override_set(day=date(2025, 4, 30), kind=DayKind.WORKING_DAY, legal_basis="Thử nghiệm")
    # then the calendar follows the overrides at once
    calendar = working_calendar()
    assert not calendar.is_working_day(date(2025, 4, 26))
    assert calendar.is_working_day(date(2025, 4, 30))
    assert calendar.add_working_days(vn(2025, 4, 25, 10, 0), 1) == vn(2025, 4, 28, 10, 0)


def test_agency_override_applies_to_that_agency_only(so_tu_phap, so_noi_vu):
    calendar_override_set(
        day=date(2025, 6, 6), kind=DayKind.DAY_OFF, legal_basis="Quyết định nghỉ của Giám đốc Sở", agency=so_tu_phap
    )
    assert not working_calendar(agency=so_tu_phap).is_working_day(date(2025, 6, 6))
    assert working_calendar(agency=so_noi_vu).is_working_day(date(2025, 6, 6))
    assert working_calendar().is_working_day(date(2025, 6, 6))
    # the national overrides still apply to the agency
    assert not working_calendar(agency=so_tu_phap).is_working_day(date(2026, 1, 2))
    # an agency override beats a national one on the same day
    calendar_override_set(day=date(2026, 1, 2), kind=DayKind.WORKING_DAY, legal_basis="Trực", agency=so_tu_phap)
    assert working_calendar(agency=so_tu_phap).is_working_day(date(2026, 1, 2))
    assert not working_calendar().is_working_day(date(2026, 1, 2))


def test_agency_office_hours(so_tu_phap, so_noi_vu):
    office_hours_set(
        agency=so_tu_phap,
        weekdays="012345",
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 0),
        afternoon_end=time(17, 0),
    )
    own = working_calendar(agency=so_tu_phap)
    assert own.next_working_moment(vn(2025, 1, 6, 7, 0)) == vn(2025, 1, 6, 7, 30)
    assert own.add_working_days(vn(2025, 1, 3, 16, 30), 1) == vn(2025, 1, 4, 16, 30)  # Saturday worked
    assert working_calendar(agency=so_noi_vu).add_working_days(vn(2025, 1, 3, 16, 30), 1) == vn(2025, 1, 6, 16, 30)


def test_agencies_without_own_settings_share_the_default_calendar(so_tu_phap, so_noi_vu):
    assert working_calendar(agency=so_tu_phap) is working_calendar(agency=so_noi_vu) is working_calendar()


def test_cache_rebuilds_when_another_process_bumps_the_version(db):
    calendar = working_calendar()
    assert working_calendar() is calendar  # cached
    # another process changed the default hours and bumped the version (simulated with plain updates)
    from cchc.calendars.models import OfficeHours

    OfficeHours.objects.filter(agency__isnull=True).update(morning_start=time(8, 0))
    assert working_calendar() is calendar  # not bumped yet: still the cached one
    CalendarVersion.objects.filter(pk=1).update(version=calendar_version_get() + 1)
    rebuilt = working_calendar()
    assert rebuilt is not calendar
    assert rebuilt.next_working_moment(vn(2025, 1, 6, 7, 0)) == vn(2025, 1, 6, 8, 0)


def test_working_calendar_costs_one_query_once_built(db, django_assert_num_queries):
    working_calendar()
    with django_assert_num_queries(1):
        working_calendar()


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (date(2026, 1, 2), False, "12729/VPCP-KGVX"),
        (date(2025, 4, 26), True, "làm việc bù"),
        (date(2025, 1, 29), False, "Tết Nguyên Đán"),
        (date(2025, 1, 4), False, "thứ Bảy"),
        (date(2025, 1, 6), True, "thứ Hai"),
    ],
)
def test_day_source_explains_each_kind_of_day(db, day, working, reason):
    result, why = day_source(day=day)
    assert result is working
    assert reason in why


def test_day_source_prefers_the_agency_override(so_tu_phap):
    calendar_override_set(day=date(2026, 1, 2), kind=DayKind.WORKING_DAY, legal_basis="Lịch trực Sở", agency=so_tu_phap)
    assert day_source(day=date(2026, 1, 2), agency=so_tu_phap) == (True, "điều chỉnh của cơ quan: Lịch trực Sở")
    working, why = day_source(day=date(2026, 1, 2))
    assert working is False
    assert why.startswith("điều chỉnh toàn quốc")

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from cchc.calendars.constants import DayKind
from cchc.calendars.models import CalendarOverride, OfficeHours
from cchc.calendars.selectors import calendar_version_get, working_calendar
from cchc.calendars.services import (
    calendar_override_delete,
    calendar_override_save,
    calendar_override_set,
    office_hours_delete,
    office_hours_set,
)


def test_every_change_bumps_the_version(so_tu_phap):
    v0 = calendar_version_get()
    override = calendar_override_set(day=date(2025, 6, 6), kind=DayKind.DAY_OFF, legal_basis="QĐ thử")
    assert calendar_version_get() == v0 + 1
    calendar_override_delete(override=override)
    assert calendar_version_get() == v0 + 2
    row = office_hours_set(agency=so_tu_phap, weekdays="0123")
    assert calendar_version_get() == v0 + 3
    office_hours_delete(office_hours=row)
    assert calendar_version_get() == v0 + 4


def test_set_replaces_the_override_of_the_same_day(db):
    calendar_override_set(day=date(2025, 6, 6), kind=DayKind.DAY_OFF, legal_basis="QĐ 1")
    calendar_override_set(day=date(2025, 6, 6), kind=DayKind.WORKING_DAY, legal_basis="QĐ 2")
    rows = CalendarOverride.objects.filter(day=date(2025, 6, 6))
    assert [(r.kind, r.legal_basis) for r in rows] == [(DayKind.WORKING_DAY, "QĐ 2")]


def test_deleting_an_override_restores_the_package(db):
    override = CalendarOverride.objects.get(day=date(2026, 1, 2), agency__isnull=True)
    assert not working_calendar().is_working_day(date(2026, 1, 2))
    calendar_override_delete(override=override)
    assert working_calendar().is_working_day(date(2026, 1, 2))


def test_override_needs_a_legal_basis_and_a_unique_day(db):
    with pytest.raises(ValidationError) as excinfo:
        calendar_override_save(override=CalendarOverride(day=date(2025, 6, 6), kind=DayKind.DAY_OFF, legal_basis=""))
    assert "legal_basis" in excinfo.value.message_dict
    with pytest.raises(ValidationError, match="đã có điều chỉnh toàn quốc"):
        calendar_override_save(
            override=CalendarOverride(day=date(2026, 1, 2), kind=DayKind.WORKING_DAY, legal_basis="QĐ")
        )
    assert CalendarOverride.objects.get(day=date(2026, 1, 2), agency__isnull=True).kind == DayKind.DAY_OFF


def test_office_hours_must_be_ordered(db):
    before = calendar_version_get()
    with pytest.raises(ValidationError, match="buổi sáng phải kết thúc"):
        office_hours_set(morning_start=time(8, 0), morning_end=time(14, 0), afternoon_start=time(13, 0))
    with pytest.raises(ValidationError, match="0-6"):
        office_hours_set(weekdays="0178")
    assert calendar_version_get() == before
    assert OfficeHours.objects.get(agency__isnull=True).morning_end == time(11, 30)


def test_default_hours_change_moves_every_deadline(db):
    office_hours_set(morning_start=time(7, 30), morning_end=time(11, 30), afternoon_start=time(13, 30))
    from cchc.calendars.tests.conftest import vn

    assert working_calendar().next_working_moment(vn(2025, 1, 6, 7, 0)) == vn(2025, 1, 6, 7, 30)

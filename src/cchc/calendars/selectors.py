"""Reads of the working calendar: the per-process cached ``WorkingCalendar`` and the admin tables.

Caching. Each process keeps, per calendar version, the office hours and overrides it loaded and the
``WorkingCalendar`` objects built from them (each holds its precomputed day table). Every call of
:func:`working_calendar` reads the one-row ``CalendarVersion`` (a primary-key lookup) and rebuilds
when another process's admin save bumped it; a save in this process also clears the cache at once.
Hot loops (the national index, the simulator, benchmarks) keep the returned object and call it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import holidays
from django.db import connection
from django.db.models import QuerySet

from cchc.calendars.constants import WEEKDAY_NAMES, DayKind
from cchc.calendars.models import CalendarOverride, CalendarVersion, OfficeHours
from cchc.calendars.working import OfficeSchedule, WorkingCalendar
from cchc.org.models import Agency

__all__ = [
    "WorkingCalendar",
    "calendar_cache_clear",
    "calendar_override_list",
    "calendar_version_get",
    "calendar_version_statement",
    "day_source",
    "office_hours_get",
    "office_hours_list",
    "working_calendar",
    "working_calendars",
]


@dataclass
class _Snapshot:
    version: int
    default_schedule: OfficeSchedule
    schedules: dict[int, OfficeSchedule]
    national: dict[date, bool]
    by_agency: dict[int, dict[date, bool]]
    calendars: dict[tuple[OfficeSchedule, int | None], WorkingCalendar]


_VERSION_SQL = f"SELECT version FROM {CalendarVersion._meta.db_table} WHERE id = 1"
_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def calendar_cache_clear() -> None:
    """Forget this process's calendars (called by the services after every change)."""
    global _snapshot
    with _lock:
        _snapshot = None


def calendar_version_get() -> int:
    """The current calendar version (0 before any change was recorded)."""
    # performance: called on every working_calendar(); a plain cursor costs a fraction of the ORM's
    # query building (the dossier services call it once per transition)
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _schedule_of(row: OfficeHours) -> OfficeSchedule:
    return OfficeSchedule(
        weekdays=frozenset(int(c) for c in row.weekdays),
        morning_start=row.morning_start,
        morning_end=row.morning_end,
        afternoon_start=row.afternoon_start,
        afternoon_end=row.afternoon_end,
    )


def _load(version: int) -> _Snapshot:
    default_schedule = OfficeSchedule()
    schedules: dict[int, OfficeSchedule] = {}
    for row in OfficeHours.objects.all():
        if row.agency_id is None:
            default_schedule = _schedule_of(row)
        else:
            schedules[row.agency_id] = _schedule_of(row)
    national: dict[date, bool] = {}
    by_agency: dict[int, dict[date, bool]] = {}
    for day, kind, agency_id in CalendarOverride.objects.values_list("day", "kind", "agency_id"):
        target = national if agency_id is None else by_agency.setdefault(agency_id, {})
        target[day] = kind == DayKind.WORKING_DAY
    return _Snapshot(
        version=version,
        default_schedule=default_schedule,
        schedules=schedules,
        national=national,
        by_agency=by_agency,
        calendars={},
    )


def calendar_version_statement() -> tuple[str, list[Any]]:
    """The statement :func:`calendar_version_get` runs, as ``(sql, params)``, for a caller that sends it
    in one round trip with other reads; its row (or none) gives the ``version`` of
    :func:`working_calendar` (``row[0]``, 0 without a row)."""
    return _VERSION_SQL, []


def working_calendar(*, agency: Agency | None = None, version: int | None = None) -> WorkingCalendar:
    """The working calendar of ``agency`` (its own office hours and overrides), or the default one.
    ``version``: the calendar version the caller read in its transaction (:func:`calendar_version_statement`);
    by default it is read here.

    Rule: a day is worked or not by, in order, the agency's override, the national override, the
    ``holidays`` package (Bộ luật Lao động 2019 Điều 112 holidays, substitute days, and the
    government's swapped days for civil servants), then the agency's weekdays. Hours: the agency's
    ``OfficeHours`` row, else the default row, else 07:00-11:30 and 13:30-17:00 Monday-Friday.
    Agencies sharing the same hours and overrides share one calendar object.
    """
    return _calendar_of(_current_snapshot(version), agency)


def working_calendars(*, agencies: Iterable[Agency]) -> dict[int, WorkingCalendar]:
    """The working calendars of ``agencies`` by agency id, with one version look-up for all of them
    (a list page showing the remaining time of dossiers of many agencies costs one query, not one per
    agency). Same rule as :func:`working_calendar`."""
    snapshot = _current_snapshot()
    return {agency.pk: _calendar_of(snapshot, agency) for agency in agencies}


def _current_snapshot(version: int | None = None) -> _Snapshot:
    """This process's snapshot, reloaded when the stored calendar version (``version``, read here when
    not given) moved on."""
    global _snapshot
    if version is None:
        version = calendar_version_get()
    snapshot = _snapshot
    if snapshot is None or snapshot.version != version:
        snapshot = _load(version)
        with _lock:
            _snapshot = snapshot
    return snapshot


def _calendar_of(snapshot: _Snapshot, agency: Agency | None) -> WorkingCalendar:
    agency_id = agency.pk if agency is not None else None
    schedule = snapshot.schedules.get(agency_id, snapshot.default_schedule) if agency_id else snapshot.default_schedule
    overrides = snapshot.national
    own = snapshot.by_agency.get(agency_id) if agency_id else None
    if own:
        overrides = {**overrides, **own}
    key = (schedule, agency_id if own else None)
    calendar = snapshot.calendars.get(key)
    if calendar is None:
        calendar = WorkingCalendar(schedule=schedule, overrides=overrides, name=agency.name if agency else "")
        with _lock:
            snapshot.calendars[key] = calendar
    return calendar


def calendar_override_list(
    *, agency: Agency | None = None, year: int | None = None, include_national: bool = True
) -> QuerySet[CalendarOverride]:
    """Overrides that apply to ``agency`` (its own and, by default, the national ones), by day."""
    qs = CalendarOverride.objects.select_related("agency")
    if agency is None:
        qs = qs.filter(agency__isnull=True)
    elif include_national:
        qs = qs.filter(agency__isnull=True) | qs.filter(agency=agency)
    else:
        qs = qs.filter(agency=agency)
    if year is not None:
        qs = qs.filter(day__year=year)
    return qs.order_by("day", "agency_id")


def office_hours_list() -> QuerySet[OfficeHours]:
    """Every office-hours row, the default first."""
    return OfficeHours.objects.select_related("agency").order_by("agency__name")


def office_hours_get(*, agency: Agency | None = None) -> OfficeHours | None:
    """The row that applies to ``agency``: its own, else the default (None when neither exists)."""
    if agency is not None:
        own = OfficeHours.objects.filter(agency=agency).first()
        if own is not None:
            return own
    return OfficeHours.objects.filter(agency__isnull=True).first()


def day_source(*, day: date, agency: Agency | None = None) -> tuple[bool, str]:
    """Whether ``day`` is worked for ``agency`` and why, in Vietnamese (for the command and admins)."""
    overrides = list(calendar_override_list(agency=agency).filter(day=day))
    # the agency's own override wins over the national one
    overrides.sort(key=lambda o: o.agency_id is None)
    if overrides:
        override = overrides[0]
        scope = "của cơ quan" if override.agency_id else "toàn quốc"
        return override.is_working, f"điều chỉnh {scope}: {override.legal_basis}"
    package = holidays.country_holidays("VN", years=day.year, language="vi")
    if day in package:
        return False, f"ngày nghỉ theo thư viện holidays: {package.get(day)}"
    if day in package.weekend_workdays:
        return True, "ngày làm việc bù theo thư viện holidays"
    calendar = working_calendar(agency=agency)
    working = calendar.is_working_day(day)
    return working, f"{WEEKDAY_NAMES[day.weekday()]}: {'ngày làm việc' if working else 'ngày nghỉ hằng tuần'}"

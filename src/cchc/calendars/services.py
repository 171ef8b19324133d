"""Writes of the working calendar: overrides, office hours, and the cache version they bump.

Every service runs in one transaction and bumps ``CalendarVersion`` so that every process rebuilds
its cached day tables on its next ``working_calendar()`` call; this process's cache is cleared at
once (and again on commit, so a calendar built inside the transaction is not kept).
"""

from __future__ import annotations

from datetime import date, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cchc.calendars.constants import DEFAULT_WEEKDAYS, DayKind
from cchc.calendars.models import CalendarOverride, CalendarVersion, OfficeHours
from cchc.calendars.selectors import calendar_cache_clear
from cchc.org.models import Agency


@transaction.atomic
def calendar_version_bump() -> int:
    """Record that the calendar changed; returns the new version.

    Invariant: the version only grows, so a process holding an older snapshot always rebuilds.
    """
    CalendarVersion.objects.get_or_create(pk=1)
    CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)
    return int(CalendarVersion.objects.values_list("version", flat=True).get(pk=1))


@transaction.atomic
def calendar_override_save(*, override: CalendarOverride) -> CalendarOverride:
    """Validate and save an override (new or edited, e.g. from the admin form) and bump the version.

    Rule: an override always wins over the ``holidays`` package; an agency's own override wins over
    the national one. Legal basis is mandatory (the decision that declares the day off or worked).
    """
    override.full_clean()
    override.save()
    calendar_version_bump()
    return override


@transaction.atomic
def calendar_override_set(
    *,
    day: date,
    kind: DayKind | str,
    legal_basis: str,
    note: str = "",
    agency: Agency | None = None,
) -> CalendarOverride:
    """Declare ``day`` off or worked (nationally, or for ``agency``); replaces any override of that day."""
    override = CalendarOverride.objects.select_for_update().filter(day=day, agency=agency).first()
    if override is None:
        override = CalendarOverride(day=day, agency=agency)
    override.kind = kind
    override.legal_basis = legal_basis
    override.note = note
    return calendar_override_save(override=override)


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride) -> None:
    """Remove an override (the package's or the weekly rule applies again) and bump the version."""
    override.delete()
    calendar_version_bump()


@transaction.atomic
def office_hours_save(*, office_hours: OfficeHours) -> OfficeHours:
    """Validate and save an office-hours row (new or edited) and bump the version.

    Invariant: morning start < morning end <= afternoon start < afternoon end; at least one weekday.
    """
    office_hours.full_clean()
    office_hours.save()
    calendar_version_bump()
    return office_hours


@transaction.atomic
def office_hours_set(
    *,
    agency: Agency | None = None,
    weekdays: str = DEFAULT_WEEKDAYS,
    morning_start: time = time(7, 0),
    morning_end: time = time(11, 30),
    afternoon_start: time = time(13, 30),
    afternoon_end: time = time(17, 0),
    note: str = "",
) -> OfficeHours:
    """Set the office hours of ``agency`` (None: the default row), creating the row when missing."""
    row = OfficeHours.objects.select_for_update().filter(agency=agency).first()
    if row is None:
        row = OfficeHours(agency=agency)
    row.weekdays = "".join(sorted(set(weekdays)))
    row.morning_start = morning_start
    row.morning_end = morning_end
    row.afternoon_start = afternoon_start
    row.afternoon_end = afternoon_end
    row.note = note
    return office_hours_save(office_hours=row)


@transaction.atomic
def office_hours_delete(*, office_hours: OfficeHours) -> None:
    """Remove an agency's own hours (the default applies again) and bump the version."""
    office_hours.delete()
    calendar_version_bump()

"""Day kinds of the override table, units of a processing time, and Vietnamese names of weekdays."""

from __future__ import annotations

from django.db import models


class DueUnit(models.TextChoices):
    """Units of a statutory processing time the calendar can count (the catalogue's ``TimeUnit`` has the
    same codes; ``cchc.catalogue`` and ``cchc.calendars`` are sibling layers, so each names them)."""

    WORKING_DAYS = "days", "ngày làm việc"
    WORKING_HOURS = "hours", "giờ làm việc"
    SAME_DAY = "same_day", "trong ngày"
    CALENDAR_DAYS = "calendar_days", "ngày"


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ"
    WORKING_DAY = "working_day", "Ngày làm việc"


# Monday = 0, as ``date.weekday()``.
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKDAY_CHOICES = [(str(i), name[0].upper() + name[1:]) for i, name in enumerate(WEEKDAY_NAMES)]
DEFAULT_WEEKDAYS = "01234"

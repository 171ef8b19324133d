"""Working-time configuration: day overrides, office hours per agency, and the cache version.

The ``holidays`` package gives Vietnam's public holidays, substitute days and the government's
swapped working days; ``CalendarOverride`` corrects or completes it (always wins), nationally or for
one agency. ``OfficeHours`` holds each agency's sessions (the row without agency is the default).
``CalendarVersion`` is bumped by every service that changes either table, so each process rebuilds
its cached day tables (see ``cchc.calendars.selectors``).
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cchc.calendars.constants import DEFAULT_WEEKDAYS, WEEKDAY_NAMES, DayKind

ORDER_MESSAGE = "Giờ làm việc không hợp lệ: buổi sáng phải kết thúc trước khi buổi chiều bắt đầu."


def validate_weekdays(value: str) -> None:
    """Weekdays as digits, Monday = 0 ... Sunday = 6, each at most once (e.g. ``01234``)."""
    if not value or any(c not in "0123456" for c in value) or len(set(value)) != len(value):
        raise ValidationError("Ngày làm việc trong tuần phải là các chữ số 0-6 (thứ Hai = 0), không trùng lặp.")


class CalendarOverride(models.Model):
    """Ngày nghỉ / ngày làm việc điều chỉnh: one day declared off or worked, with its legal basis.

    National when ``agency`` is empty; an agency's own override wins over the national one for that
    agency. Either wins over the ``holidays`` package.
    """

    day = models.DateField("ngày")
    kind = models.CharField("loại ngày", max_length=20, choices=DayKind.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name="cơ quan (để trống: toàn quốc)",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
    )
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500)
    note = models.TextField("ghi chú", blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ngày nghỉ, ngày làm việc điều chỉnh"
        verbose_name_plural = "ngày nghỉ, ngày làm việc điều chỉnh"
        ordering = ["-day", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(agency__isnull=True),
                name="calendars_override_day_uniq",
                violation_error_message="Ngày này đã có điều chỉnh toàn quốc.",
            ),
            models.UniqueConstraint(
                fields=["day", "agency"],
                condition=Q(agency__isnull=False),
                name="calendars_override_day_agency_uniq",
                violation_error_message="Ngày này đã có điều chỉnh cho cơ quan này.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.get_kind_display()}"

    @property
    def is_working(self) -> bool:
        return self.kind == DayKind.WORKING_DAY


class OfficeHours(models.Model):
    """Giờ làm việc: the weekdays worked and two sessions, half-open ``[start, end)``.

    The row without agency is the default for every agency without its own row (created by a data
    migration: Monday-Friday, 07:00-11:30 and 13:30-17:00).
    """

    agency = models.OneToOneField(
        "org.Agency",
        verbose_name="cơ quan (để trống: mặc định)",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
    )
    weekdays = models.CharField(
        "ngày làm việc trong tuần",
        max_length=7,
        default=DEFAULT_WEEKDAYS,
        validators=[validate_weekdays],
        help_text="Thứ Hai = 0 ... Chủ nhật = 6.",
    )
    morning_start = models.TimeField("sáng từ", default=time(7, 0))
    morning_end = models.TimeField("sáng đến", default=time(11, 30))
    afternoon_start = models.TimeField("chiều từ", default=time(13, 30))
    afternoon_end = models.TimeField("chiều đến", default=time(17, 0))
    note = models.TextField("ghi chú", blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "giờ làm việc"
        verbose_name_plural = "giờ làm việc"
        ordering = ["agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(agency__isnull=True),
                name="calendars_office_hours_default_uniq",
                violation_error_message="Đã có giờ làm việc mặc định.",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="calendars_office_hours_order",
                violation_error_message=ORDER_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        who = str(self.agency) if self.agency_id else "Mặc định"
        return (
            f"{who}: {self.morning_start:%H:%M}-{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}-{self.afternoon_end:%H:%M}"
        )

    def clean(self) -> None:
        if None in (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end):
            return
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(ORDER_MESSAGE)

    @property
    def weekday_names(self) -> str:
        return ", ".join(WEEKDAY_NAMES[int(c)] for c in sorted(self.weekdays))


class CalendarVersion(models.Model):
    """One row (pk 1): bumped whenever overrides or office hours change; caches compare it."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phiên bản lịch làm việc"
        verbose_name_plural = "phiên bản lịch làm việc"

    def __str__(self) -> str:
        return f"v{self.version}"

"""``cchc calendar``: check the working calendar after editing overrides or office hours.

- ``cchc calendar due RECEIVED_AT [N] [--unit UNIT] [--cutoff HH:MM] [--agency CODE]``: the appointment
  moment of a dossier received at ``RECEIVED_AT`` (ISO; without offset it is read in Asia/Ho_Chi_Minh)
  with N working days (``--unit days``, the default), working hours (``--unit hours`` or ``--hours``),
  calendar days (``--unit calendar_days``) or within the day (``--unit same_day``, no N, with the
  procedure's cut-off hour ``--cutoff 15:00``).
- ``cchc calendar days YEAR [--agency CODE]``: the weekdays off and the weekend days worked that
  year, each with its source.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.calendars.constants import WEEKDAY_NAMES, DueUnit
from cchc.calendars.selectors import day_source, working_calendar
from cchc.calendars.text import format_moment
from cchc.calendars.working import VN_TZ
from cchc.org.models import Agency


def parse_moment(text: str) -> datetime:
    """An ISO moment; without an offset it is local time in Asia/Ho_Chi_Minh."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(
            f"Thời điểm tiếp nhận không hợp lệ: «{text}». Dùng định dạng ISO, ví dụ 2025-01-03T16:30 "
            "hoặc 2025-01-03T16:30+07:00."
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value


def parse_amount(text: str, *, hours: bool, unit_name: str = "") -> int | Decimal:
    unit = unit_name or ("giờ làm việc" if hours else "ngày làm việc")
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise CommandError(f"Số {unit} không hợp lệ: «{text}».") from exc
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"Số {unit} phải là số không âm: «{text}».")
    if hours:
        return amount
    if amount != amount.to_integral_value():
        raise CommandError(f"Số {unit} phải là số nguyên: «{text}». Dùng --hours để tính theo giờ.")
    return int(amount)


def parse_cutoff(text: str | None) -> time | None:
    """The cut-off hour of a same-day procedure, ``HH:MM`` (``15:00``)."""
    if text is None:
        return None
    try:
        value = time.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"Giờ chốt tiếp nhận không hợp lệ: «{text}». Dùng dạng HH:MM, ví dụ 15:00.") from exc
    if value.tzinfo is not None:
        raise CommandError(f"Giờ chốt tiếp nhận không kèm múi giờ: «{text}».")
    return value


def find_agency(code: str | None, *, on: date) -> Agency | None:
    if not code:
        return None
    agency = Agency.objects.valid_on(on).filter(code=code).first() or Agency.objects.filter(code=code).first()
    if agency is None:
        raise CommandError(f"Không tìm thấy cơ quan có mã «{code}».")
    return agency


class Command(BaseCommand):
    help = "Lịch làm việc. Lệnh con: due (tính ngày hẹn trả), days (ngày nghỉ, ngày làm bù trong năm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Tính thời điểm hẹn trả kết quả cho hồ sơ tiếp nhận lúc RECEIVED_AT.")
        due.add_argument("received_at", help="Thời điểm tiếp nhận, ISO (ví dụ 2025-01-03T16:30).")
        due.add_argument(
            "amount",
            nargs="?",
            default=None,
            help="Thời hạn giải quyết: số ngày (giờ) theo --unit; bỏ trống với same_day.",
        )
        due.add_argument(
            "--unit",
            choices=DueUnit.values,
            default=None,
            help="Đơn vị: days (ngày làm việc, mặc định), hours (giờ làm việc), calendar_days (ngày), "
            "same_day (trong ngày).",
        )
        due.add_argument("--hours", action="store_true", help="Thời hạn tính theo giờ làm việc (như --unit hours).")
        due.add_argument("--cutoff", default=None, help="Giờ chốt của thủ tục trong ngày (HH:MM, ví dụ 15:00).")
        due.add_argument("--agency", default=None, help="Mã cơ quan (giờ làm việc và ngày điều chỉnh riêng).")
        days = sub.add_parser("days", help="Liệt kê ngày nghỉ trong tuần và ngày làm việc bù cuối tuần của năm.")
        days.add_argument("year", type=int)
        days.add_argument("--agency", default=None, help="Mã cơ quan.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "due":
            unit = options["unit"] or (DueUnit.WORKING_HOURS if options["hours"] else DueUnit.WORKING_DAYS)
            if options["hours"] and unit != DueUnit.WORKING_HOURS:
                raise CommandError("--hours chỉ dùng với đơn vị giờ làm việc (không kèm --unit khác).")
            self._due(
                options["received_at"],
                options["amount"],
                unit=DueUnit(unit),
                cutoff_text=options["cutoff"],
                code=options["agency"],
            )
        elif options["action"] == "days":
            self._days(options["year"], code=options["agency"])

    def _due(
        self, received_text: str, amount_text: str | None, *, unit: DueUnit, cutoff_text: str | None, code: str | None
    ) -> None:
        received = parse_moment(received_text)
        cutoff = parse_cutoff(cutoff_text)
        if cutoff is not None and unit != DueUnit.SAME_DAY:
            raise CommandError("Giờ chốt (--cutoff) chỉ dùng với thủ tục giải quyết trong ngày (--unit same_day).")
        amount: int | Decimal = 1
        if unit == DueUnit.SAME_DAY:
            if amount_text not in (None, "1"):
                raise CommandError("Thủ tục giải quyết trong ngày không kèm số ngày; bỏ N hoặc dùng --unit khác.")
        elif amount_text is None:
            raise CommandError(f"Thiếu thời hạn giải quyết (số {unit.label}).")
        else:
            amount = parse_amount(amount_text, hours=unit == DueUnit.WORKING_HOURS, unit_name=unit.label)
        agency = find_agency(code, on=received.astimezone(VN_TZ).date())
        calendar = working_calendar(agency=agency)
        try:
            start = calendar.next_working_moment(received)
            due = calendar.add_time(received, amount=amount, unit=unit, cutoff=cutoff)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Hẹn trả: {format_moment(due)}")
        if unit == DueUnit.SAME_DAY:
            rule = "trong ngày làm việc" + (
                f" (tiếp nhận sau {cutoff:%H:%M} trả trong ngày làm việc tiếp theo)" if cutoff else ""
            )
            self.stdout.write(f"  Tiếp nhận: {format_moment(received)}; thời hạn {rule}.")
        else:
            self.stdout.write(f"  Tiếp nhận: {format_moment(received)}; thời hạn {amount_text} {unit.label}.")
        if start != received and unit != DueUnit.CALENDAR_DAYS:
            self.stdout.write(f"  Ngoài giờ làm việc: bắt đầu tính từ {format_moment(start)}.")
        if agency is not None:
            self.stdout.write(f"  Cơ quan: {agency.name}")

    def _days(self, year: int, *, code: str | None) -> None:
        if not 2000 <= year <= 2199:
            raise CommandError(f"Năm không hợp lệ: {year} (trong khoảng 2000-2199).")
        agency = find_agency(code, on=date(year, 1, 1))
        calendar = working_calendar(agency=agency)
        day = date(year, 1, 1)
        lines = 0
        while day.year == year:
            weekly = day.weekday() in calendar.schedule.weekdays
            working = calendar.is_working_day(day)
            if working != weekly:
                _, why = day_source(day=day, agency=agency)
                status = "làm việc" if working else "nghỉ"
                self.stdout.write(f"{day:%d/%m/%Y} ({WEEKDAY_NAMES[day.weekday()]}): {status} — {why}")
                lines += 1
            day = date.fromordinal(day.toordinal() + 1)
        self.stdout.write(f"{lines} ngày khác lịch hằng tuần trong năm {year}.")

"""``cchc calendar``: check the working calendar after editing overrides or office hours.

- ``cchc calendar due RECEIVED_AT N [--hours] [--agency CODE]``: the appointment moment of a dossier
  received at ``RECEIVED_AT`` (ISO; without offset it is read in Asia/Ho_Chi_Minh) with N working
  days (or hours).
- ``cchc calendar days YEAR [--agency CODE]``: the weekdays off and the weekend days worked that
  year, each with its source.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.calendars.constants import WEEKDAY_NAMES
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


def parse_amount(text: str, *, hours: bool) -> int | Decimal:
    unit = "giờ" if hours else "ngày"
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise CommandError(f"Số {unit} làm việc không hợp lệ: «{text}».") from exc
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"Số {unit} làm việc phải là số không âm: «{text}».")
    if hours:
        return amount
    if amount != amount.to_integral_value():
        raise CommandError(f"Số ngày làm việc phải là số nguyên: «{text}». Dùng --hours để tính theo giờ.")
    return int(amount)


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
        due.add_argument("amount", help="Thời hạn giải quyết: số ngày làm việc (hoặc số giờ với --hours).")
        due.add_argument("--hours", action="store_true", help="Thời hạn tính theo giờ làm việc.")
        due.add_argument("--agency", default=None, help="Mã cơ quan (giờ làm việc và ngày điều chỉnh riêng).")
        days = sub.add_parser("days", help="Liệt kê ngày nghỉ trong tuần và ngày làm việc bù cuối tuần của năm.")
        days.add_argument("year", type=int)
        days.add_argument("--agency", default=None, help="Mã cơ quan.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "due":
            self._due(options["received_at"], options["amount"], hours=options["hours"], code=options["agency"])
        elif options["action"] == "days":
            self._days(options["year"], code=options["agency"])

    def _due(self, received_text: str, amount_text: str, *, hours: bool, code: str | None) -> None:
        received = parse_moment(received_text)
        amount = parse_amount(amount_text, hours=hours)
        agency = find_agency(code, on=received.astimezone(VN_TZ).date())
        calendar = working_calendar(agency=agency)
        try:
            start = calendar.next_working_moment(received)
            if hours:
                due = calendar.add_working_hours(received, amount)
            else:
                due = calendar.add_working_days(received, int(amount))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        unit = "giờ" if hours else "ngày"
        self.stdout.write(f"Hẹn trả: {format_moment(due)}")
        self.stdout.write(f"  Tiếp nhận: {format_moment(received)}; thời hạn {amount_text} {unit} làm việc.")
        if start != received:
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

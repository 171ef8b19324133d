"""``cchc plans generate --year 2026``, ``cchc plans remind [--on DATE] [--days N] [--now]``, ``cchc plans demo``."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.common.demo import demo_only
from cchc.plans.constants import PlanError
from cchc.plans.selectors import reminder_days


class Command(BaseCommand):
    help = (
        "Kế hoạch cải cách hành chính hằng năm. Lệnh con: generate — lập (cập nhật) kế hoạch năm của mọi cơ quan "
        "từ Chương trình; remind — gửi thư nhắc nhiệm vụ sắp đến hạn, quá hạn; demo — dữ liệu chạy thử."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Lập hoặc cập nhật kế hoạch năm (chạy lại không tạo trùng).")
        gen.add_argument("--year", type=int, default=None, help="Năm kế hoạch (mặc định: năm nay)")
        remind = sub.add_parser("remind", help="Gửi thư nhắc việc (mỗi nhiệm vụ, mỗi loại, tối đa một thư một ngày).")
        remind.add_argument("--on", default=None, help="Ngày xét (YYYY-MM-DD, mặc định: hôm nay)")
        remind.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Nhắc nhiệm vụ đến hạn trong số ngày này (mặc định {reminder_days()})",
        )
        remind.add_argument(
            "--now", action="store_true", help="Chạy ngay trong tiến trình này thay vì đưa vào hàng đợi tác vụ"
        )
        sub.add_parser("demo", help="Kế hoạch năm trước và năm nay với tiến độ mẫu, tài khoản demo (chỉ khi DEBUG).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self._generate(options["year"] or timezone.localdate().year)
        elif action == "remind":
            self._remind(options["on"], options["days"], now=options["now"])
        else:
            self._demo()

    def _generate(self, year: int) -> None:
        from tqdm import tqdm

        from cchc.plans.services import plan_generate

        with tqdm(total=1, desc=f"Lập kế hoạch năm {year}", unit=" lần", file=sys.stderr) as bar:
            try:
                result = plan_generate(year=year, at=timezone.now())
            except PlanError as exc:
                raise CommandError(f"[{exc.code.value}] {exc.message}") from None
            bar.update(1)
        for line in result.summary_lines():
            self.stdout.write(line)

    def _remind(self, on: str | None, days: int | None, *, now: bool) -> None:
        from cchc.plans.tasks import enqueue_plan_reminders, send_plan_reminders

        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(f"Ngày «{on}» không đúng dạng YYYY-MM-DD.") from None
        if days is not None and days < 0:
            raise CommandError("--days phải là số không âm.")
        if now:
            outcome = send_plan_reminders.call(day.isoformat() if day else None, days)
            self.stdout.write(
                f"Ngày {outcome['on']}: gửi {outcome['sent']} nhắc việc ({outcome['emails']} thư), "
                f"{outcome['skipped']} đã gửi trong ngày nên bỏ qua."
            )
            return
        enqueue_plan_reminders(on=day, days=days)
        self.stdout.write("Đã đưa tác vụ nhắc việc vào hàng đợi (chạy bởi tiến trình xử lý tác vụ: cchc db_worker).")

    def _demo(self) -> None:
        demo_only("cchc plans demo")
        from cchc.plans.demo import plans_demo

        try:
            result = plans_demo(at=timezone.now())
        except PlanError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.message}") from None
        for generated in result.generated:
            for line in generated.summary_lines():
                self.stdout.write(line)
        self.stdout.write(f"Tiến độ mẫu: {result.touched} nhiệm vụ được cập nhật.")
        self.stdout.write("Tài khoản demo kế hoạch CCHC (mật khẩu mới mỗi lần chạy):")
        for username, password, agency in result.accounts:
            self.stdout.write(f"  {username:<18} {password:<16} {agency}")

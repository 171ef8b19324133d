"""``cchc notifications sms-simulator --port N`` and ``cchc notifications reset-templates``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Thông báo cho người dân. Lệnh con: sms-simulator (chạy máy chủ mô phỏng cổng SMS/Zalo), "
        "reset-templates (khôi phục các mẫu thông báo mặc định)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        simulator = sub.add_parser("sms-simulator", help="Máy chủ HTTP mô phỏng nhà cung cấp SMS/Zalo.")
        simulator.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1).")
        simulator.add_argument("--port", type=int, default=8025, help="Cổng (mặc định 8025; 0: một cổng trống).")
        simulator.add_argument("--token", default="", help="Mã xác thực (Bearer) bắt buộc, nếu có.")
        reset = sub.add_parser("reset-templates", help="Tạo lại các mẫu thông báo mặc định còn thiếu.")
        reset.add_argument("--force", action="store_true", help="Ghi đè cả các mẫu đã sửa.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sms-simulator":
            from cchc.notifications.simulator import serve

            serve(options["host"], options["port"], options["token"])
            return
        from cchc.notifications.services import templates_reset

        created, replaced = templates_reset(force=options["force"])
        self.stdout.write(f"Đã tạo {created} mẫu, ghi đè {replaced} mẫu thông báo.")

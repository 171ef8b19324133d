"""``cchc payments <gateway-simulator | expire | reconcile | refunds>``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: «{text}» (dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Thanh toán trực tuyến. Lệnh con: gateway-simulator (chạy cổng thanh toán mô phỏng VNPay 2.1.0), "
        "expire (đóng các giao dịch quá hạn chưa thanh toán), reconcile (đối soát một ngày với cổng), "
        "refunds (gửi lại các yêu cầu hoàn tiền còn chờ)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sim = sub.add_parser("gateway-simulator", help="Máy chủ HTTP mô phỏng cổng thanh toán VNPay 2.1.0.")
        sim.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1).")
        sim.add_argument("--port", type=int, default=8027, help="Cổng (mặc định 8027; 0: một cổng trống).")
        sim.add_argument("--tmn-code", default=None, help="Mã website (mặc định theo cấu hình CCHC_PAYMENTS).")
        sim.add_argument("--secret", default=None, help="Khóa bí mật (mặc định theo cấu hình CCHC_PAYMENTS).")
        sim.add_argument("--ipn-url", default="", help="Địa chỉ IPN của hệ thống (để trống: chỉ lưu IPN, không gửi).")
        sub.add_parser(
            "expire",
            help="Đóng các giao dịch quá hạn (hỏi cổng trước; giao dịch cổng báo đã thanh toán được ghi nhận).",
        )
        rec = sub.add_parser("reconcile", help="Đối soát các giao dịch của một ngày với cổng thanh toán.")
        rec.add_argument("--day", default="", help="Ngày giao dịch YYYY-MM-DD (mặc định: hôm qua).")
        sub.add_parser("refunds", help="Gửi lại các yêu cầu hoàn tiền còn chờ.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "gateway-simulator":
            from cchc.payments.simulator import serve

            payments: dict[str, Any] = settings.CCHC_PAYMENTS
            config: dict[str, Any] = payments["vnpay"]
            serve(
                options["host"],
                options["port"],
                tmn_code=options["tmn_code"] or config["tmn_code"],
                secret=options["secret"] or config["hash_secret"],
                ipn_url=options["ipn_url"],
            )
            return
        from cchc.payments import services

        now = timezone.now()
        if action == "expire":
            result = services.orders_expire(at=now)
            self.stdout.write(
                f"Đã đóng {result.expired} giao dịch hết hạn, ghi nhận {result.paid} giao dịch cổng báo đã thanh toán; "
                f"{len(result.unchecked)} giao dịch chưa hỏi được cổng (để lần sau)."
            )
        elif action == "reconcile":
            day = _day(options["day"]) if options["day"] else timezone.localdate(now) - timedelta(days=1)
            run = services.reconcile(day=day, at=now)
            self.stdout.write(
                f"Đối soát ngày {day:%d/%m/%Y}: {run.checked} giao dịch, {len(run.mismatches)} chênh lệch."
            )
            for item in run.mismatches:
                self.stdout.write(
                    f"  {item['txn_ref']}: {item['kind']} — hệ thống {item['local']}, cổng {item['gateway']}"
                )
        else:
            sent = list(services.pending_refunds_send(at=now))
            self.stdout.write(f"Đã gửi {len(sent)} yêu cầu hoàn tiền.")

"""``cchc audit verify``: recompute the audit trail's hash chain; exit non-zero on the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.audit.services import audit_verify


class Command(BaseCommand):
    help = "Nhật ký kiểm toán. Lệnh con: verify (kiểm tra tính toàn vẹn của chuỗi mã băm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Tính lại chuỗi mã băm và báo sự kiện đầu tiên bị phá vỡ.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(
                    f"Chuỗi nhật ký bị phá vỡ tại sự kiện số {result.broken_sequence}: {result.reason} "
                    f"({result.count} sự kiện trước đó hợp lệ).",
                    returncode=2,
                )
            self.stdout.write(self.style.SUCCESS(f"Chuỗi nhật ký toàn vẹn: {result.count} sự kiện"))

"""``cchc audit verify [--since-anchor | --anchor SỐ:MÃ_BĂM]`` and ``cchc audit anchor``.

``verify`` recomputes the audit trail's keyed hash chain and exits non-zero on the first break;
``anchor`` stores the chain's head with the time and prints it, for a copy kept outside the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.audit.services import audit_anchor_create, audit_verify


class Command(BaseCommand):
    help = (
        "Nhật ký kiểm toán. Lệnh con: verify (kiểm tra tính toàn vẹn của chuỗi mã băm), "
        "anchor (lưu và in mốc: số thứ tự và mã băm của sự kiện cuối, kèm thời điểm)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Tính lại chuỗi mã băm và báo sự kiện đầu tiên bị phá vỡ.")
        start = verify.add_mutually_exclusive_group()
        start.add_argument("--since-anchor", action="store_true", help="Chỉ kiểm tra từ mốc đã lưu gần nhất.")
        start.add_argument("--anchor", default=None, help="Kiểm tra từ một mốc giữ bên ngoài (SỐ:MÃ_BĂM).")
        sub.add_parser("anchor", help="Lưu và in mốc nhật ký để giữ một bản bên ngoài cơ sở dữ liệu.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            anchor = audit_anchor_create(at=timezone.now())
            if anchor is None:
                raise CommandError("Nhật ký kiểm toán chưa có sự kiện nào.")
            moment = timezone.localtime(anchor.at).isoformat(timespec="seconds")
            self.stdout.write(f"Mốc nhật ký: {anchor.sequence}:{anchor.hash} lúc {moment}")
            self.stdout.write("Lưu dòng này ngoài hệ thống; kiểm tra sau bằng: cchc audit verify --anchor SỐ:MÃ_BĂM")
            return
        try:
            result = audit_verify(since=options["anchor"], since_anchor=options["since_anchor"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            raise CommandError(
                f"Chuỗi nhật ký bị phá vỡ tại sự kiện số {result.broken_sequence}: {result.reason} "
                f"({result.count} sự kiện trước đó hợp lệ).",
                returncode=2,
            )
        self.stdout.write(self.style.SUCCESS(f"Chuỗi nhật ký toàn vẹn: {result.count} sự kiện"))

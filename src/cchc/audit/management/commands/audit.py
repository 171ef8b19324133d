"""``cchc audit verify [--since-anchor | --anchor SỐ:MÃ_BĂM]``, ``cchc audit anchor`` and ``cchc audit seal``.

``verify`` recomputes the audit trail's keyed hash chain and exits non-zero on the first break, and
reports the events not sealed yet apart (how many, the oldest's age; a warning past
``CCHC_AUDIT_SEAL_MAX_AGE_S``); ``anchor`` seals, then stores the chain's head with the time and prints
it, for a copy kept outside the database; ``seal`` seals the committed unsealed events now (the
background loop does it every round).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.audit.services import audit_anchor_create, audit_seal, audit_verify
from cchc.common.numbers import vi_number


class Command(BaseCommand):
    help = (
        "Nhật ký kiểm toán. Lệnh con: verify (kiểm tra tính toàn vẹn của chuỗi mã băm), "
        "anchor (lưu và in mốc: số thứ tự và mã băm của sự kiện cuối, kèm thời điểm), "
        "seal (niêm phong các sự kiện đã ghi nhưng chưa có vị trí trong chuỗi)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Tính lại chuỗi mã băm và báo sự kiện đầu tiên bị phá vỡ.")
        start = verify.add_mutually_exclusive_group()
        start.add_argument("--since-anchor", action="store_true", help="Chỉ kiểm tra từ mốc đã lưu gần nhất.")
        start.add_argument("--anchor", default=None, help="Kiểm tra từ một mốc giữ bên ngoài (SỐ:MÃ_BĂM).")
        sub.add_parser("anchor", help="Lưu và in mốc nhật ký để giữ một bản bên ngoài cơ sở dữ liệu.")
        sub.add_parser("seal", help="Niêm phong ngay các sự kiện đã ghi nhưng chưa có số thứ tự và mã băm.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            sealed = audit_seal()
            self.stdout.write(self.style.SUCCESS(f"Đã niêm phong {vi_number(sealed)} sự kiện nhật ký"))
            return
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
        unsealed = result.unsealed
        if unsealed is not None and unsealed.count:
            line = (
                f"Chưa niêm phong: {vi_number(unsealed.count)} sự kiện, cũ nhất {vi_number(unsealed.oldest_s, 1)} giây"
            )
            if unsealed.late:
                self.stdout.write(
                    self.style.WARNING(
                        f"{line} — quá {vi_number(unsealed.limit_s, trim=True)} giây: "
                        "bộ niêm phong (cchc outbox dispatch) có đang chạy?"
                    )
                )
            else:
                self.stdout.write(line)

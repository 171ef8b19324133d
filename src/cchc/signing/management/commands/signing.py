"""``cchc signing setup [--dir DIR]``: the development province root CA and one signing certificate per
agency of the org registry, and the development time-stamping authority's certificate (idempotent;
docs/digital.md). ``cchc signing tsa-simulator``: the development RFC 3161 authority (``cchc.signing.tsa``).
``cchc signing verify FILE``: check a signed PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Chữ ký số kết quả. Lệnh con: setup — tạo CA gốc của tỉnh (phát triển) và chứng thư số ký cho từng cơ "
        "quan đang có hiệu lực (chạy lại không tạo trùng); tsa-simulator — dịch vụ cấp dấu thời gian mô phỏng; "
        "verify — kiểm tra chữ ký số của một tệp PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="Tạo CA gốc phát triển và chứng thư số của các cơ quan.")
        setup.add_argument("--dir", default=None, help="Thư mục chứng thư (mặc định CCHC_SIGNING_DIR)")
        tsa = sub.add_parser("tsa-simulator", help="Chạy dịch vụ cấp dấu thời gian RFC 3161 mô phỏng (phát triển).")
        tsa.add_argument("--host", default="127.0.0.1")
        tsa.add_argument("--port", type=int, default=8091)
        check = sub.add_parser("verify", help="Kiểm tra chữ ký số của một tệp PDF.")
        check.add_argument("file", help="Tệp PDF đã ký")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "setup":
            from cchc.signing.pki import signing_dir
            from cchc.signing.services import signing_setup

            directory = Path(options["dir"]) if options["dir"] else signing_dir()
            result = signing_setup(on=timezone.localdate(), directory=directory)
            root = "đã tạo" if result.root_created else "đã có"
            self.stdout.write(
                f"Chứng thư số tại {directory}: CA gốc {root}; cấp mới {len(result.issued)} chứng thư cơ quan, "
                f"giữ nguyên {result.kept}; chứng thư dấu thời gian {'cấp mới' if result.tsa_issued else 'đã có'}."
            )
            return
        if options["action"] == "tsa-simulator":
            from cchc.signing.pki import signing_dir
            from cchc.signing.tsa import main

            code = main(["--dir", str(signing_dir()), "--host", options["host"], "--port", str(options["port"])])
            if code:
                raise CommandError("Chưa có chứng thư dấu thời gian: chạy «cchc signing setup».")
            return
        from cchc.signing.verify import verify

        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}.") from None
        checked = verify(data)
        if not checked.valid:
            raise CommandError(f"Chữ ký số không hợp lệ: {checked.problem}")
        self.stdout.write(f"Chữ ký số hợp lệ: {checked.signer} ({checked.organisation}), ký lúc {checked.signed_at}.")

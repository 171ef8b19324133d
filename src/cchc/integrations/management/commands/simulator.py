"""``cchc simulator national``: the national systems' simulator (``cchc.integrations.simulator``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Bộ mô phỏng hệ thống quốc gia (Cổng DVCQG, CSDL quốc gia về TTHC, hệ thống PAKN) cho phát triển, "
        "trình diễn và kiểm thử. Lệnh con: national."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        national = sub.add_parser("national", help="Máy chủ HTTP mô phỏng các hệ thống quốc gia.")
        national.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1).")
        national.add_argument("--port", type=int, default=8090, help="Cổng (mặc định 8090; 0: một cổng trống).")
        national.add_argument(
            "--db",
            default="",
            help="Tệp SQLite lưu dữ liệu của bộ mô phỏng (mặc định var/national-simulator.sqlite3; "
            ":memory: để không lưu).",
        )
        national.add_argument("--username", default="cchc", help="Tên đăng nhập được chấp nhận.")
        national.add_argument("--password", default="cchc-mo-phong", help="Mật khẩu được chấp nhận.")
        national.add_argument("--tls-cert", default="", help="Chứng thư máy chủ (PEM): phục vụ bằng https.")
        national.add_argument("--tls-key", default="", help="Khóa riêng của chứng thư máy chủ (PEM).")
        national.add_argument(
            "--tls-client-ca", default="", help="CA của chứng thư máy khách (bắt buộc xác thực hai chiều)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from cchc.integrations.simulator.server import serve

        db = options["db"] or str(Path(settings.VAR_DIR) / "national-simulator.sqlite3")

        def ready(base: str) -> None:
            sys.stdout.write(f"national-simulator: listening on {base}\n")
            sys.stdout.flush()

        serve(
            host=options["host"],
            port=options["port"],
            db=db,
            username=options["username"],
            password=options["password"],
            tls_cert=options["tls_cert"],
            tls_key=options["tls_key"],
            tls_client_ca=options["tls_client_ca"],
            ready=ready,
        )

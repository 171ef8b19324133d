"""``cchc identity dev-provider [--host H] [--port 8070] [--dir var/identity-provider]``: the development
identity provider (a separate process with its own SQLite database; see cchc.identity.provider)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Định danh điện tử. Lệnh con: dev-provider (chạy hệ thống định danh mô phỏng cho phát triển, kiểm thử)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        provider = sub.add_parser("dev-provider", help="Hệ thống định danh điện tử mô phỏng (OpenID Connect).")
        provider.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1).")
        provider.add_argument("--port", type=int, default=8070, help="Cổng (mặc định 8070; 0: một cổng trống).")
        provider.add_argument(
            "--dir",
            default=str(Path(settings.VAR_DIR) / "identity-provider"),
            help="Thư mục cơ sở dữ liệu và khóa ký của hệ thống mô phỏng (mặc định var/identity-provider).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--host", options["host"], "--port", str(options["port"]), "--dir", options["dir"]]
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        sys.stdout.flush()
        # its own process image: its own settings and database, never the platform's
        os.execve(sys.executable, [sys.executable, "-m", "cchc.identity.provider", *argv], env)  # noqa: S606

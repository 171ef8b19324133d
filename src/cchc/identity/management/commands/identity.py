"""``cchc identity dev-provider [--host H] [--port 8070] [--dir var/identity-provider]``: the development
identity provider (a separate process with its own SQLite database; see cchc.identity.provider).
``cchc identity discover ISSUER``: read a provider's discovery document and print the settings to use."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Định danh điện tử. Lệnh con: dev-provider (chạy hệ thống định danh mô phỏng cho phát triển, kiểm thử), "
        "discover (đọc tài liệu khám phá OpenID Connect của hệ thống định danh, in các biến môi trường cần đặt)."
    )

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

        discover = sub.add_parser("discover", help="Đọc /.well-known/openid-configuration của một issuer.")
        discover.add_argument("issuer", help="Issuer của hệ thống định danh, ví dụ https://sso.example.gov.vn")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "discover":
            self._discover(options["issuer"].rstrip("/"))
            return
        argv = ["--host", options["host"], "--port", str(options["port"]), "--dir", options["dir"]]
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        sys.stdout.flush()
        # its own process image: its own settings and database, never the platform's
        os.execve(sys.executable, [sys.executable, "-m", "cchc.identity.provider", *argv], env)  # noqa: S606

    def _discover(self, issuer: str) -> None:
        import requests

        try:
            answer = requests.get(issuer + "/.well-known/openid-configuration", timeout=10)
            answer.raise_for_status()
            document = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"Không đọc được tài liệu khám phá của {issuer}: {exc}") from exc
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
            raise CommandError("Tài liệu khám phá không hợp lệ hoặc issuer không khớp.")
        missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not document.get(k)]
        if missing:
            raise CommandError(f"Tài liệu khám phá thiếu: {', '.join(missing)}.")
        if "RS256" not in document.get("id_token_signing_alg_values_supported", []):
            self.stderr.write("Cảnh báo: hệ thống định danh không công bố hỗ trợ ID token RS256.")
        if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
            self.stderr.write("Cảnh báo: hệ thống định danh không công bố hỗ trợ PKCE S256.")
        self.stdout.write(f"CCHC_OIDC_ISSUER={issuer}")
        self.stdout.write(f"CCHC_OIDC_AUTHORIZATION_ENDPOINT={document['authorization_endpoint']}")
        self.stdout.write(f"CCHC_OIDC_TOKEN_ENDPOINT={document['token_endpoint']}")
        self.stdout.write(f"CCHC_OIDC_USERINFO_ENDPOINT={document.get('userinfo_endpoint', '')}")
        self.stdout.write(f"CCHC_OIDC_JWKS_ENDPOINT={document['jwks_uri']}")

"""``cchc publicapi client create --name … --scopes …`` / ``client list`` / ``client revoke <client_id>``:
the partner systems of the public API (docs/api-public.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.publicapi.constants import SCOPE_LABELS, PublicApiError
from cchc.publicapi.selectors import partner_list
from cchc.publicapi.services import partner_client_create, partner_client_revoke


class Command(BaseCommand):
    help = "API công khai cho hệ thống đối tác. Lệnh con: client create | list | revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        client = sub.add_parser("client", help="Quản lý client OAuth2 của hệ thống đối tác.")
        actions = client.add_subparsers(dest="action", required=True)
        scopes = ", ".join(f"{scope} ({label.lower()})" for scope, label in SCOPE_LABELS.items())
        create = actions.add_parser("create", help="Cấp client mới; in client_id và client_secret (chỉ một lần).")
        create.add_argument("--name", required=True, help="Tên hệ thống, tổ chức đối tác")
        create.add_argument("--scopes", required=True, nargs="+", help=f"Các phạm vi được cấp: {scopes}")
        actions.add_parser("list", help="Liệt kê các hệ thống đối tác.")
        revoke = actions.add_parser("revoke", help="Thu hồi client: mọi mã truy cập của nó hết hiệu lực ngay.")
        revoke.add_argument("client_id", help="client_id của hệ thống đối tác")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                issued = partner_client_create(name=options["name"], scopes=options["scopes"])
                self.stdout.write(f"Đã cấp client cho «{issued.partner.organisation}».")
                self.stdout.write(f"client_id:     {issued.client_id}")
                self.stdout.write(f"client_secret: {issued.client_secret}")
                self.stdout.write(f"Phạm vi:       {issued.partner.scopes}")
                self.stdout.write(
                    "Lưu client_secret ngay và chuyển cho đối tác qua kênh an toàn: hệ thống chỉ lưu bản băm, "
                    "không hiển thị lại."
                )
            elif options["action"] == "list":
                rows = list(partner_list())
                if not rows:
                    self.stdout.write("Chưa có hệ thống đối tác nào.")
                for partner in rows:
                    state = f"đã thu hồi {partner.revoked_at:%d/%m/%Y}" if partner.revoked_at else "đang hoạt động"
                    self.stdout.write(
                        f"{partner.application.client_id}  {partner.organisation}  [{partner.scopes}]  {state}"
                    )
            else:
                partner = partner_client_revoke(client_id=options["client_id"])
                self.stdout.write(
                    f"Đã thu hồi client của «{partner.organisation}»; các mã truy cập đã cấp hết hiệu lực."
                )
        except PublicApiError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.message}") from None

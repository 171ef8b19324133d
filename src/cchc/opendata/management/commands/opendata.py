"""``cchc opendata publish [--month YYYY-MM | --from YYYY-MM]``: publish the open datasets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.opendata.constants import OpenDataError
from cchc.opendata.models import Resource
from cchc.opendata.services import last_complete_month, month_parse, months_between, opendata_publish


class Command(BaseCommand):
    help = "Dữ liệu mở. Lệnh con: publish — công bố các bộ dữ liệu của một tháng (chạy lại không tạo trùng)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="Công bố (cập nhật) các bộ dữ liệu mở của một tháng.")
        which = publish.add_mutually_exclusive_group()
        which.add_argument("--month", default=None, help="Tháng (NNNN-TT; mặc định: tháng trước)")
        which.add_argument(
            "--from", dest="since", default=None, help="Công bố từng tháng từ tháng này (NNNN-TT) đến tháng trước"
        )
        publish.add_argument(
            "--if-empty", action="store_true", help="Bỏ qua nếu đã có bộ dữ liệu được công bố (make setup)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["if_empty"] and Resource.objects.exists():
            self.stdout.write("Đã có dữ liệu mở được công bố: bỏ qua (--if-empty).")
            return
        try:
            if options["since"]:
                months = months_between(month_parse(options["since"]), last_complete_month(now))
            else:
                months = [month_parse(options["month"]) if options["month"] else last_complete_month(now)]
            for month in months:
                for p in opendata_publish(month=month, at=now):
                    state = "đã cập nhật" if p.changed else "không đổi"
                    self.stdout.write(f"{p.month} {p.dataset}: {p.rows} dòng, {p.hidden} ô ẩn — {state}")
        except OpenDataError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.message}") from None

"""``cchc dossiers addresses [--only-missing] [--batch N]``: resolve the stored addresses of existing dossiers to
the unit in force today (issue 18 item 3; ``cchc.dossiers.addresses.dossier_addresses_resolve``). Writes only the
resolved-unit columns, never the address as written; a second run writes nothing."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.common.numbers import vi_number
from cchc.dossiers.addresses import dossier_addresses_resolve, province_code
from cchc.dossiers.constants import AddressStatus


class Command(BaseCommand):
    help = "Bảo trì hồ sơ: xác định đơn vị hành chính hiện nay của địa chỉ người nộp đã lưu."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        addresses = sub.add_parser(
            "addresses",
            help="Xác định đơn vị hành chính hiện nay từ địa chỉ đã lưu (không sửa địa chỉ; chạy lại không đổi gì).",
        )
        addresses.add_argument(
            "--only-missing", action="store_true", help="Chỉ các hồ sơ chưa xác định (hồ sơ cũ, lần chạy bị dừng)."
        )
        addresses.add_argument("--batch", type=int, default=500, help="Số hồ sơ mỗi lô (mặc định 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        batch: int = options["batch"]
        if not 1 <= batch <= 10_000:
            raise CommandError("--batch phải từ 1 đến 10.000.")
        from tqdm import tqdm

        quiet = options.get("verbosity", 1) < 1
        self.stdout.write(f"Xác định đơn vị hành chính hiện nay của địa chỉ người nộp (tỉnh {province_code()}) ...")
        with tqdm(desc="Hồ sơ", unit=" hồ sơ", file=sys.stderr, disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            summary = dossier_addresses_resolve(only_missing=options["only_missing"], batch=batch, progress=progress)
        self.stdout.write(
            f"Đã đọc {vi_number(summary.read)} hồ sơ có địa chỉ, cập nhật {vi_number(summary.written)} hồ sơ "
            f"(không sửa địa chỉ đã ghi)."
        )
        for status in (AddressStatus.RESOLVED, AddressStatus.AMBIGUOUS, AddressStatus.UNKNOWN):
            self.stdout.write(f"  {status.label}: {vi_number(summary.statuses.get(status.value, 0))}")
        if summary.statuses.get(AddressStatus.AMBIGUOUS.value):
            self.stdout.write("Hồ sơ «nhiều đơn vị» cần người chọn: xem trang hồ sơ (mục Đơn vị hành chính hiện nay).")

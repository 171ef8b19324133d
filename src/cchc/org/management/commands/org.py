"""``cchc org load``: load (or refresh) the Khánh Hòa agency registry shipped with the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.org.services import OrgDataError, org_load_khanh_hoa


class Command(BaseCommand):
    help = "Danh mục đơn vị hành chính và cơ quan. Lệnh con: load (nạp dữ liệu tỉnh Khánh Hòa)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp danh mục đơn vị hành chính, cơ quan, kế thừa và nhóm cơ quan.")
        load.add_argument("--data-dir", type=Path, default=None, help="Thư mục dữ liệu (mặc định: dữ liệu kèm gói).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options.get("data_dir"))

    def _load(self, data_dir: Path | None) -> None:
        def progress(step: str, done: int, total: int) -> None:
            self.stdout.write(f"  {step}: {done}/{total}")

        self.stdout.write("Nạp danh mục tỉnh Khánh Hòa (một giao dịch) ...")
        try:
            result = org_load_khanh_hoa(data_dir=data_dir, progress=progress)
        except (OrgDataError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        if result.communes_without_successor:
            self.stdout.write(
                self.style.WARNING("Xã cũ chưa có đơn vị kế thừa: " + "; ".join(result.communes_without_successor))
            )
        if result.changed:
            self.stdout.write(self.style.SUCCESS("Đã cập nhật danh mục."))
        else:
            self.stdout.write(self.style.SUCCESS("Danh mục đã đúng với dữ liệu; không có thay đổi."))

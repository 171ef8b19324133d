"""``cchc org load``: load (or refresh) the Khánh Hòa agency registry shipped with the package.
``cchc org identifiers import FILE.csv``: the agencies' electronic identifiers (``cchc.org.identifiers``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.org.constants import IdentifierError
from cchc.org.identifiers import identifiers_import
from cchc.org.services import OrgDataError, org_load_khanh_hoa


class Command(BaseCommand):
    help = (
        "Danh mục đơn vị hành chính và cơ quan. Lệnh con: load (nạp dữ liệu tỉnh Khánh Hòa), "
        "identifiers import (nạp mã định danh điện tử của cơ quan)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp danh mục đơn vị hành chính, cơ quan, kế thừa và nhóm cơ quan.")
        load.add_argument("--data-dir", type=Path, default=None, help="Thư mục dữ liệu (mặc định: dữ liệu kèm gói).")
        identifiers = sub.add_parser("identifiers", help="Mã định danh điện tử của cơ quan (QĐ 20/2020/QĐ-TTg).")
        ident_sub = identifiers.add_subparsers(dest="identifiers_action", required=True)
        imp = ident_sub.add_parser(
            "import",
            help="Nạp mã định danh từ tệp CSV (cột ma_co_quan, ma_dinh_danh, hieu_luc_tu, het_hieu_luc_tu, "
            "van_ban); một dòng lỗi thì không nạp dòng nào.",
        )
        imp.add_argument("file", type=Path, help="Tệp CSV (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options.get("data_dir"))
        elif options["action"] == "identifiers":
            self._identifiers_import(options["file"])

    def _identifiers_import(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"identifier.file: không đọc được tệp {path} (cần tệp CSV UTF-8): {exc}") from exc
        try:
            result = identifiers_import(text=text)
        except IdentifierError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp mã định danh: {result.created} thêm mới, {result.updated} cập nhật, "
                f"{result.unchanged} không đổi."
            )
        )

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

"""``cchc backup [--output THƯ_MỤC]``: the database, the files and the audit anchor (cchc.ops.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, các tệp và mốc nhật ký kiểm toán vào một thư mục (khôi phục: cchc restore)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=".", help="thư mục chứa bản sao lưu (mặc định: thư mục hiện tại)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(output=Path(options["output"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        import json

        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        anchor = manifest["anchor"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {path}: {len(manifest['tables'])} bảng, "
                f"{sum(manifest['tables'].values())} dòng, {len(manifest['files'])} tệp."
            )
        )
        if anchor:
            self.stdout.write(
                f"Mốc nhật ký: {anchor['sequence']}:{anchor['hash']} — lưu dòng này ngoài hệ thống, cùng khóa "
                "CCHC_AUDIT_KEYS (không nằm trong bản sao lưu)."
            )

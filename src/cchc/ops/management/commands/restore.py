"""``cchc restore THƯ_MỤC``: a backup of ``cchc backup`` into an empty deployment, checked (cchc.ops.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu (cchc backup) vào hệ thống trống, rồi kiểm tra số dòng, các tệp và chuỗi "
        "nhật ký kiểm toán."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="thư mục bản sao lưu (cchc-backup-…)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(source=Path(options["source"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục và kiểm tra: {report.tables} bảng, {report.rows} dòng, {report.files} tệp; "
                f"chuỗi nhật ký toàn vẹn{' đến mốc ' + report.anchor if report.anchor else ''}."
            )
        )

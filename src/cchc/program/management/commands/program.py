"""``cchc program import FILE [--strict]`` and ``cchc program export [--id N] --format json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.program.export import program_export, program_export_queryset
from cchc.program.importer.errors import ProgramImportError
from cchc.program.services import program_import


class Command(BaseCommand):
    help = "Chương trình cải cách hành chính: nhập văn bản (import) và xuất sổ theo dõi (export)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập một quyết định ban hành chương trình (tệp văn bản UTF-8).")
        imp.add_argument("file", help="Đường dẫn tệp văn bản")
        imp.add_argument(
            "--strict", action="store_true", help="Báo lỗi khi còn dòng chưa xếp được hoặc tên cơ quan chưa xác định."
        )
        exp = sub.add_parser("export", help="Xuất toàn bộ sổ theo dõi chương trình.")
        exp.add_argument("--id", type=int, default=None, help="Chỉ xuất chương trình có mã này")
        exp.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["file"]), strict=options["strict"])
        else:
            self._export(options["id"])

    def _import(self, path: Path, *, strict: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from None
        try:
            result = program_import(source=data, source_name=str(path), at=timezone.now())
        except ProgramImportError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.located(str(path))}") from None
        for line in result.summary_lines():
            self.stdout.write(line)
        if strict and (result.unplaced or result.unresolved):
            raise CommandError(
                f"--strict: còn {len(result.unplaced)} dòng chưa xếp được và {len(result.unresolved)} tên cơ quan "
                "chưa xác định (dữ liệu đã nhập vẫn được giữ)."
            )

    def _export(self, program_id: int | None) -> None:
        programs = program_export_queryset()
        if program_id is not None:
            programs = programs.filter(pk=program_id)
            if not programs.exists():
                raise CommandError(f"Không có chương trình mã {program_id}.")
        document = program_export(programs)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))

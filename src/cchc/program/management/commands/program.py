"""``cchc program import FILE [--strict]``, ``cchc program export [--id N] --format json``,
``cchc program link-targets [--id N]`` (link the targets to their measures, list what did not match)
and ``cchc program demo-targets`` (illustrative manual values for a local demo; DEBUG only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.common.cli import os_error_text
from cchc.common.demo import demo_only
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
        link = sub.add_parser("link-targets", help="Liên kết chỉ tiêu với cách đo (chỉ số 766, số đo, nhập tay).")
        link.add_argument("--id", type=int, default=None, help="Chỉ chương trình có mã này (mặc định: tất cả)")
        sub.add_parser("demo-targets", help="Số liệu minh họa cho các chỉ tiêu nhập tay (chỉ khi DEBUG bật).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["file"]), strict=options["strict"])
        elif options["action"] == "link-targets":
            self._link(options["id"])
        elif options["action"] == "demo-targets":
            demo_only("cchc program demo-targets")
            from cchc.program.targets.demo import demo_targets

            for line in demo_targets():
                self.stdout.write(line)
        else:
            self._export(options["id"])

    def _link(self, program_id: int | None) -> None:
        from cchc.program.models import Program
        from cchc.program.targets.services import target_links_sync

        programs = Program.objects.order_by("issued_on", "pk")
        if program_id is not None:
            programs = programs.filter(pk=program_id)
        if not programs.exists():
            raise CommandError("Chưa có chương trình nào (nhập trước: cchc program import TỆP).")
        for program in programs:
            report = target_links_sync(program=program, at=timezone.now())
            for line in report.lines():
                self.stdout.write(line)

    def _import(self, path: Path, *, strict: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {os_error_text(exc)}") from None
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

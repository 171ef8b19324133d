"""``cchc catalogue import [FILE]`` and ``cchc catalogue export``: the procedure catalogue as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.selectors import catalogue_export
from cchc.catalogue.services import DEMO_CATALOGUE, catalogue_import_file


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"Thời điểm «{value}» không đúng dạng ISO 8601 (ví dụ 2025-07-01T08:00+07:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Danh mục thủ tục hành chính. Lệnh con: import (nạp tệp JSON), export (in danh mục dạng JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Nạp danh mục từ tệp JSON (mặc định: danh mục minh họa kèm gói).")
        load.add_argument("file", nargs="?", type=Path, default=None, help="Tệp JSON theo docs/catalogue.schema.json.")
        load.add_argument("--at", default=None, help="Thời điểm công bố (ISO 8601; mặc định: bây giờ).")
        dump = sub.add_parser("export", help="In danh mục (phiên bản đang áp dụng) dạng JSON.")
        dump.add_argument("--at", default=None, help="Phiên bản áp dụng tại thời điểm này (ISO 8601).")
        dump.add_argument("--output", "-o", type=Path, default=None, help="Ghi ra tệp thay vì in ra màn hình.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], _moment(options["at"]) or timezone.now())
        else:
            self._export(_moment(options["at"]), options["output"])

    def _import(self, path: Path | None, at: datetime) -> None:
        path = path or DEMO_CATALOGUE
        self.stdout.write(f"Nạp danh mục thủ tục từ {path} (một giao dịch) ...")
        try:
            result = catalogue_import_file(path=path, at=at)
        except CatalogueError as exc:
            raise CommandError(f"Không nạp được danh mục, không có thay đổi nào: {exc}") from exc
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        if result.changed:
            self.stdout.write(self.style.SUCCESS("Đã cập nhật danh mục thủ tục."))
        else:
            self.stdout.write(self.style.SUCCESS("Danh mục đã đúng với tệp; không có thay đổi."))

    def _export(self, at: datetime | None, output: Path | None) -> None:
        text = json.dumps(catalogue_export(at=at), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Đã ghi {output}.")

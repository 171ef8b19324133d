"""``cchc province setup [MÃ] [--program TỆP] [--at THỜI_ĐIỂM] [--no-catalogue]``: a province adopts the
platform (cchc.ops.provinces.province_adopt). The code defaults to ``CCHC_PROVINCE_CODE`` (56, Khánh Hòa)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cchc.catalogue.errors import CatalogueError
from cchc.ops.provinces import province_adopt
from cchc.org.constants import UnitsDataError
from cchc.program.importer.errors import ProgramImportError

SHOWN = 30  # review lines printed per group; the rest is counted


class Command(BaseCommand):
    help = (
        "Thiết lập một tỉnh: đơn vị hành chính trước và sau 1/7/2025 với quan hệ kế thừa, cơ quan chuẩn (cần rà "
        "soát), danh mục thủ tục, chương trình cải cách hành chính (tùy chọn). Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="Thiết lập tỉnh (một giao dịch; lỗi thì không ghi gì).")
        setup.add_argument("code", nargs="?", default=None, help="Mã tỉnh (mặc định: CCHC_PROVINCE_CODE).")
        setup.add_argument("--program", type=Path, default=None, help="Tệp quyết định ban hành chương trình CCHC.")
        setup.add_argument("--at", default=None, help="Thời điểm công bố danh mục (ISO 8601; mặc định: bây giờ).")
        setup.add_argument("--no-catalogue", action="store_true", help="Không nạp danh mục thủ tục.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"] or settings.CCHC_PROVINCE_CODE
        at = timezone.now()
        if options["at"]:
            parsed = parse_datetime(options["at"])
            if parsed is None:
                raise CommandError(f"--at: không đọc được thời điểm «{options['at']}» (ví dụ 2025-07-01T00:00+07:00).")
            at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        program = options["program"]
        if program is not None and str(code).zfill(2) != settings.CCHC_PROVINCE_CODE:
            raise CommandError(
                f"--program: tên cơ quan trong chương trình được tra trong tỉnh CCHC_PROVINCE_CODE="
                f"{settings.CCHC_PROVINCE_CODE}, không phải tỉnh {code}; đặt CCHC_PROVINCE_CODE={code} rồi chạy lại."
            )
        if program is not None and not program.is_file():
            raise CommandError(f"Không đọc được tệp chương trình {program}.")
        from tqdm import tqdm

        bars: dict[str, Any] = {}
        quiet = options.get("verbosity", 1) < 1

        def progress(step: str, done: int, total: int) -> None:
            bar = bars.get(step)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[step] = tqdm(total=total, desc=step, unit=" mục", file=sys.stderr, disable=quiet)
            bar.update(done - bar.n)

        self.stdout.write(f"Thiết lập tỉnh {code} (một giao dịch) ...")
        try:
            result = province_adopt(
                code, at=at, program=program, catalogue=not options["no_catalogue"], progress=progress
            )
        except UnitsDataError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        except CatalogueError as exc:
            raise CommandError(f"Không nạp được danh mục thủ tục, không có thay đổi nào: {exc}") from exc
        except ProgramImportError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.located(str(program))}; không có thay đổi nào.") from exc
        finally:
            for bar in bars.values():
                bar.close()
        setup = result.setup
        self.stdout.write(
            f"{setup.name} (mã {setup.code}): {setup.units_after} đơn vị cấp xã từ 1/7/2025, "
            f"{setup.units_before} đơn vị trước 1/7/2025."
        )
        for line in setup.summary_lines():
            self.stdout.write(f"  {line}")
        for line in result.catalogue_lines:
            self.stdout.write(f"  Danh mục thủ tục: {line}")
        for line in result.program_lines:
            self.stdout.write(f"  Chương trình: {line}")
        review = setup.review_lines()
        if review:
            self.stdout.write(self.style.WARNING("Cần người kiểm tra:"))
            shown = 0
            for line in review:
                if line.startswith("  - "):
                    shown += 1
                    if shown > SHOWN:
                        continue
                else:
                    if shown > SHOWN:
                        self.stdout.write(f"  … và {shown - SHOWN} mục nữa")
                    shown = 0
                self.stdout.write(line)
            if shown > SHOWN:
                self.stdout.write(f"  … và {shown - SHOWN} mục nữa")
        if result.untranslated:
            self.stdout.write(
                self.style.WARNING(
                    "Mã cơ quan trong danh mục thủ tục chưa có ở tỉnh: " + ", ".join(result.untranslated)
                )
            )
        if setup.changed:
            self.stdout.write(self.style.SUCCESS("Đã thiết lập tỉnh."))
        else:
            self.stdout.write(self.style.SUCCESS("Tỉnh đã được thiết lập; không có thay đổi đơn vị, cơ quan."))

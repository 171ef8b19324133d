"""``cchc report open|generate|demo``: periodic CCHC reports.

``open --period 2025-Q4 [--due YYYY-MM-DD] [--closes YYYY-MM-DD]`` opens a reporting period (default
deadline: the 15th of the period's last month; closing: 30 days later). ``generate --period 2025-Q4
--out DIR`` writes the province's consolidated report as DOCX, the XLSX annex of figures and PDF (a draft
is prepared from the accepted agency reports when there is none yet). ``demo`` creates the demo reports
of the last finished quarter (idempotent).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from cchc.common.demo import demo_only
from cchc.common.numbers import vi_number
from cchc.reporting import services as s
from cchc.reporting.constants import ReportError
from cchc.reporting.demo import demo_lines, report_demo
from cchc.reporting.documents.generate import FORMATS, province_report_file
from cchc.reporting.models import ProvinceReport, ReportPeriod
from cchc.reporting.selectors import period_defaults


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Báo cáo CCHC định kỳ. Lệnh con: open — mở kỳ báo cáo; generate — xuất báo cáo tổng hợp của tỉnh "
        "(DOCX, phụ lục XLSX, PDF); demo — tạo báo cáo mẫu cho kỳ quý vừa kết thúc."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        opened = sub.add_parser("open", help="Mở kỳ báo cáo (quý, 6 tháng, năm).")
        opened.add_argument("--period", required=True, help="Kỳ: 2025-Q4, 2025-H2 hoặc 2025.")
        opened.add_argument("--due", default=None, help="Hạn gửi báo cáo (YYYY-MM-DD; mặc định ngày 15 tháng cuối kỳ).")
        opened.add_argument("--closes", default=None, help="Ngày khóa sổ (YYYY-MM-DD; mặc định 30 ngày sau hạn).")
        generate = sub.add_parser("generate", help="Xuất báo cáo tổng hợp của tỉnh ra DOCX, XLSX và PDF.")
        generate.add_argument("--period", required=True, help="Kỳ: 2025-Q4, 2025-H2 hoặc 2025.")
        generate.add_argument("--out", required=True, help="Thư mục ghi tệp (tạo nếu chưa có).")
        sub.add_parser("demo", help="Tạo dữ liệu mẫu (chạy lại không tạo trùng).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ReportError as error:
            raise CommandError(f"{error.message} [{error.code}]") from None

    def _open(self, options: dict[str, Any]) -> None:
        period = s.report_period_open(
            key=options["period"],
            due_on=_date(options["due"]),
            closes_on=_date(options["closes"]),
            actor=None,
            at=timezone.now(),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã mở kỳ {period.label}: hạn gửi {period.due_on:%d/%m/%Y}, khóa sổ {period.closes_on:%d/%m/%Y}."
            )
        )

    def _generate(self, options: dict[str, Any]) -> None:
        key = period_defaults(key=options["period"]).key
        period = ReportPeriod.objects.filter(key=key).first()
        if period is None:
            raise CommandError(f"Chưa mở kỳ báo cáo {key}: chạy trước «cchc report open --period {key}».")
        report = ProvinceReport.objects.filter(period=period).first()
        if report is None:
            report = s.province_report_prepare(period=period, actor=None, at=timezone.now())
            self.stdout.write(f"Đã lập dự thảo báo cáo tổng hợp {period.label} từ các báo cáo đã tiếp nhận.")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for ext in tqdm(FORMATS, desc="Xuất báo cáo", unit="tệp", disable=options.get("verbosity", 1) < 1):
            generated = province_report_file(report=report, ext=ext)
            path = out / generated.filename
            path.write_bytes(generated.content)
            written.append(path)
        for path in written:
            self.stdout.write(self.style.SUCCESS(f"  {path} ({vi_number(path.stat().st_size)} byte)"))

    def _demo(self, options: dict[str, Any]) -> None:
        demo_only("cchc report demo")
        try:
            result = report_demo(now=timezone.now())
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in demo_lines(result):
            self.stdout.write(line)

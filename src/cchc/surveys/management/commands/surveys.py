"""``cchc surveys import FILE``, ``cchc surveys export``, ``cchc surveys demo``, ``cchc surveys summary``."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.common.demo import demo_only
from cchc.common.spreadsheets import csv_writer
from cchc.surveys.constants import GroupBy
from cchc.surveys.demo import surveys_demo
from cchc.surveys.errors import SurveyError
from cchc.surveys.export import summary_rows
from cchc.surveys.selectors import questionnaire_export, satisfaction_summary
from cchc.surveys.services import SHIPPED_QUESTIONNAIRE, questionnaire_import_file

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Khảo sát sự hài lòng. Lệnh con: import (nạp bộ câu hỏi JSON), export (in bộ câu hỏi JSON), "
        "demo (dữ liệu minh họa), summary (tổng hợp mức độ hài lòng ra CSV)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Nạp một bộ câu hỏi (mặc định: phiếu SIPAS kèm theo gói).")
        load.add_argument("file", nargs="?", type=Path, default=None, help="Tệp JSON «cchc-questionnaire».")
        dump = sub.add_parser("export", help="In các bộ câu hỏi dạng JSON.")
        dump.add_argument("--code", default="", help="Chỉ bộ câu hỏi có mã này.")
        dump.add_argument("--version", type=int, default=None, help="Chỉ phiên bản này.")
        dump.add_argument("--output", "-o", type=Path, default=None, help="Ghi ra tệp thay vì in ra màn hình.")
        demo = sub.add_parser(
            "demo", help="Bộ câu hỏi, một đợt khảo sát và các phiếu mô phỏng (chạy lại không thêm gì)."
        )
        demo.add_argument("--responses", type=int, default=200, help="Số phiếu của đợt minh họa (mặc định 200).")
        demo.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1).")
        summary = sub.add_parser("summary", help="Tổng hợp mức độ hài lòng theo cơ quan, lĩnh vực hoặc cấp (CSV).")
        summary.add_argument("--from", dest="start", required=True, help="Từ ngày (YYYY-MM-DD, giờ Việt Nam).")
        summary.add_argument("--to", dest="end", required=True, help="Đến hết ngày (YYYY-MM-DD).")
        summary.add_argument("--by", choices=GroupBy.values, default=GroupBy.AGENCY)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import":
                path = options["file"] or SHIPPED_QUESTIONNAIRE
                self.stdout.write(f"Nạp bộ câu hỏi từ {path} ...")
                result = questionnaire_import_file(path=path, at=timezone.now())
                self.stdout.write(self.style.SUCCESS(result.summary()))
            elif action == "export":
                self._export(options)
            elif action == "demo":
                self._demo(options["responses"], options["seed"])
            else:
                self._summary(options)
        except SurveyError as exc:
            raise CommandError(f"Không thực hiện được, không có thay đổi nào: {exc}") from exc

    def _export(self, options: dict[str, Any]) -> None:
        documents = questionnaire_export(code=options["code"] or None, version=options["version"])
        if not documents:
            raise CommandError("Không có bộ câu hỏi nào khớp.")
        payload: Any = documents[0] if len(documents) == 1 else documents
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        if options["output"] is None:
            self.stdout.write(text, ending="")
        else:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Đã ghi {options['output']}.")

    def _demo(self, responses: int, seed: int) -> None:
        demo_only("cchc surveys demo")
        from tqdm import tqdm

        with tqdm(total=responses, desc="Phiếu khảo sát", unit="phiếu", disable=None) as bar:
            result = surveys_demo(responses=responses, seed=seed, at=timezone.now(), progress=bar.update)
        what = "Đã tạo" if result.created_campaign else "Đã có"
        self.stdout.write(
            f"{what} đợt khảo sát «{result.campaign.code}»: thêm {result.added} phiếu, có {result.total} phiếu."
        )
        self.stdout.write(self.style.SUCCESS(f"Đường dẫn trả lời: /khao-sat/{result.campaign.code}/"))

    def _summary(self, options: dict[str, Any]) -> None:
        start = datetime.combine(_day(options["start"]), time(0), tzinfo=VN)
        end = datetime.combine(_day(options["end"]) + timedelta(days=1), time(0), tzinfo=VN)
        summary = satisfaction_summary(start=start, end=end, by=options["by"])
        writer = csv_writer(self.stdout)
        for row in summary_rows(summary):
            writer.writerow(row)

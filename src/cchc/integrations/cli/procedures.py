"""``cchc integrations procedures import [--file F | --from-portal] [--since DATE] [--dry-run]``: the national
procedure database (CSDL quốc gia về TTHC) into the catalogue (``cchc.integrations.national_procedures``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from cchc.integrations.constants import IntegrationError
from cchc.integrations.national_procedures.errors import NationalProcedureError
from cchc.integrations.national_procedures.services import (
    procedures_fetch,
    procedures_import,
    procedures_read_file,
)


def _date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"Ngày «{value}» không đúng dạng YYYY-MM-DD hoặc dd/MM/yyyy.")


def add(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "procedures", help="Nạp thủ tục hành chính từ CSDL quốc gia về TTHC vào danh mục."
    )
    actions = parser.add_subparsers(dest="procedures_action", required=True)
    load = actions.add_parser(
        "import",
        help="Nạp các thủ tục (từ tệp xuất hoặc từ CSDL quốc gia) vào danh mục: phiên bản mới khi nội dung thay "
        "đổi, ghi nhận quyết định công bố và ngày công khai.",
    )
    where = load.add_mutually_exclusive_group(required=True)
    where.add_argument("--file", type=Path, help="Tệp JSON xuất từ CSDL quốc gia về TTHC (docs/integrations.md).")
    where.add_argument("--from-portal", action="store_true", help="Lấy từ CSDL quốc gia về TTHC (LayDanhSachTTHC).")
    load.add_argument("--since", type=_date, default=None, help="Chỉ các thủ tục cập nhật từ ngày này (YYYY-MM-DD).")
    load.add_argument("--dry-run", action="store_true", help="Chỉ báo cáo thay đổi, không ghi gì vào danh mục.")
    actions.add_parser(
        "demo",
        help="(Chỉ khi DEBUG) ghi nhận quyết định công bố và ngày công khai minh họa cho các thủ tục của bản "
        "trình diễn, để chỉ số 1.1 và 1.2 (QĐ 766) có dữ liệu.",
    )
    return parser


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    at = timezone.now()
    if options.get("procedures_action") == "demo":
        from cchc.common.demo import demo_only
        from cchc.integrations.national_procedures.demo import publications_demo

        demo_only("cchc integrations procedures demo")
        recorded = publications_demo(at=at)
        out(f"Đã ghi nhận {recorded} quyết định công bố minh họa (dữ liệu trình diễn, không phải quyết định thật).")
        return 0
    since: date | None = options.get("since")
    path: Path | None = options.get("file")
    source = str(path) if path else "CSDL quốc gia về TTHC"
    out(f"Nạp thủ tục từ {source}{f' (cập nhật từ {since:%d/%m/%Y})' if since else ''} ...")
    try:
        procedures = procedures_read_file(path=path, since=since) if path else procedures_fetch(since=since)
        report = procedures_import(procedures=procedures, at=at, source=source, dry_run=bool(options.get("dry_run")))
    except NationalProcedureError as exc:
        out(f"Không nạp được, danh mục không thay đổi: {exc}")
        return 1
    except IntegrationError as exc:
        out(f"Không lấy được dữ liệu từ CSDL quốc gia về TTHC, danh mục không thay đổi: [{exc.code}] {exc.message}")
        return 1
    for line in report.lines():
        out(line)
    if report.dry_run:
        out("Chạy thử (--dry-run): không ghi gì vào danh mục.")
    elif report.changed:
        out("Đã cập nhật danh mục thủ tục.")
    else:
        out("Danh mục đã khớp với CSDL quốc gia; không có thay đổi.")
    return 0

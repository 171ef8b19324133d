"""``cchc integrations feedback pull [--tu-dau | --tu-ngay DD/MM/YYYY] [--so-luong N]``: import the feedback
received by the national feedback system (``cchc.integrations.national_feedback.pull``)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from cchc.integrations.constants import Partner
from cchc.integrations.national_feedback.protocol import PAGE_SIZE


def _day(value: str) -> date:
    try:
        parsed = time.strptime(value.strip(), "%d/%m/%Y")
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{value}» phải có dạng DD/MM/YYYY (ví dụ 01/01/2026)") from None


def _size(value: str) -> int:
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 1 <= size <= 500:
        raise argparse.ArgumentTypeError(f"«{value}»: số phản ánh mỗi trang phải từ 1 đến 500")
    return size


def add(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "feedback", help="Trao đổi phản ánh, kiến nghị với hệ thống PAKN quốc gia (pull: nhận phản ánh mới)."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    pull = sub.add_parser(
        "pull",
        help="Nhận các phản ánh, kiến nghị hệ thống quốc gia tiếp nhận về cơ quan của tỉnh từ lần nhận trước "
        "(mỗi phản ánh chỉ nhận một lần).",
    )
    pull.add_argument(
        "--tu-dau",
        dest="restart",
        action="store_true",
        help="Đọc lại từ đầu (ví dụ sau khi bổ sung danh mục cơ quan); không đổi vị trí đã lưu.",
    )
    pull.add_argument(
        "--tu-ngay", dest="since", type=_day, help="Đọc lại các phản ánh tiếp nhận từ ngày này (DD/MM/YYYY)."
    )
    pull.add_argument(
        "--so-luong", dest="page_size", type=_size, default=PAGE_SIZE, help="Số phản ánh mỗi trang (1-500)."
    )
    return parser


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    from cchc.integrations.national_feedback.pull import pakn_pull

    if options["restart"] and options["since"] is not None:
        out("Chọn một trong hai: --tu-dau (đọc lại từ đầu) hoặc --tu-ngay (đọc lại từ một ngày).")
        return 2
    report = pakn_pull(restart=options["restart"], since=options["since"], page_size=options["page_size"])
    out(
        f"Đã nhận {len(report.imported)} phản ánh mới, {report.already} phản ánh đã có, "
        f"bỏ qua {len(report.skipped)}; vị trí tiếp theo: {report.position or '(đầu danh sách)'}."
    )
    for code in report.imported:
        out(f"  + {code}")
    for skipped in report.skipped:
        out(f"  ! {skipped.national_id or '(không mã)'} [{skipped.code}] {skipped.reason}")
    if report.error is not None:
        out(f"Lỗi khi gọi {Partner.PAKN.label} ({report.error.code}): {report.error.message}")
        return 1
    return 0

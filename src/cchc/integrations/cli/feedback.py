"""``cchc integrations feedback pull [--tu-dau | --tu-ngay DD/MM/YYYY] [--so-luong N]``: import the feedback
received by the national feedback system (``cchc.integrations.national_feedback.pull``).

``cchc integrations feedback demo [--don-vi CODE …]`` (DEBUG only): file sample feedback on the simulated
national system (its ``GuiPAKN`` control service), for the demo; then ``pull`` imports it."""

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
    demo = sub.add_parser(
        "demo", help="(Chỉ khi DEBUG) gửi vài phản ánh mẫu lên bộ mô phỏng hệ thống PAKN quốc gia để trình diễn."
    )
    demo.add_argument(
        "--don-vi",
        dest="agencies",
        nargs="+",
        default=["so-tu-phap", "van-phong-ubnd"],
        help="Mã cơ quan (trong danh mục của tỉnh) được phản ánh; mặc định so-tu-phap van-phong-ubnd.",
    )
    return parser


DEMO_ITEMS = (
    ("Thời gian giải quyết thủ tục cấp Phiếu lý lịch tư pháp quá dài",
     "Tôi nộp hồ sơ cấp Phiếu lý lịch tư pháp trực tuyến đã quá hẹn trả 5 ngày nhưng chưa nhận được kết quả."),
    ("Đề nghị niêm yết đầy đủ thủ tục hành chính tại Bộ phận một cửa",
     "Tại Bộ phận một cửa chưa niêm yết đủ thành phần hồ sơ và lệ phí của thủ tục chứng thực bản sao."),
)  # fmt: skip


def _demo(options: dict[str, Any], out: Callable[[str], None]) -> int:
    from django.conf import settings

    from cchc.integrations.client import PartnerClient
    from cchc.integrations.constants import IntegrationError

    if not settings.DEBUG:
        out("Lệnh «demo» chỉ dùng khi phát triển, trình diễn (DEBUG bật) với bộ mô phỏng hệ thống quốc gia.")
        return 2
    items = [
        {
            "TieuDe": title,
            "NoiDung": content,
            "HoTenNguoiGui": "Nguyễn Văn An",
            "SoDienThoai": "0905000111",
            "Email": "an.nguyen@example.vn",
            "MaDonVi": code,
        }
        for code in options["agencies"]
        for title, content in DEMO_ITEMS
    ]
    try:
        answer = PartnerClient(Partner.PAKN).call("GuiPAKN", {"data": items}, subject="pakn:demo")
    except IntegrationError as exc:
        out(f"Không gửi được phản ánh mẫu ({exc.code}): {exc.message}")
        return 1
    filed = [str(row.get("MaPAKN")) for row in answer.get("result") or []]
    out(f"Đã gửi {len(filed)} phản ánh mẫu lên bộ mô phỏng: {', '.join(filed)}.")
    out("Nhận về hệ thống: cchc integrations feedback pull")
    return 0


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    from cchc.integrations.national_feedback.pull import pakn_pull

    if options["action"] == "demo":
        return _demo(options, out)
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

"""``cchc integrations status``: where each national system's connection stands (the monitoring page's
figures, :func:`cchc.integrations.selectors.integrations_status`), in Vietnamese."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from cchc.common.numbers import vi_number
from cchc.integrations.display import age, rate
from cchc.integrations.selectors import integrations_status

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def add(subparsers: Any) -> argparse.ArgumentParser:
    return subparsers.add_parser(
        "status",
        help="Tình trạng liên thông từng hệ thống: tồn đọng, thư chết, tỉ lệ lỗi 1 giờ và 24 giờ qua, lỗi gần nhất.",
    )


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    status = integrations_status(at=timezone.now())
    out(f"Tình trạng liên thông lúc {status.at.astimezone(VN):%H:%M %d/%m/%Y}")
    for p in status.partners:
        out("")
        out(f"{p.label} ({p.partner.value})")
        if p.has_outbox:
            out(
                f"  Tồn đọng: {vi_number(p.pending)} (đang thử lại {vi_number(p.retrying)}); "
                f"chờ lâu nhất: {age(p.oldest_undelivered_s)}; thư chết: {vi_number(p.dead)}"
            )
        else:
            out("  Không gửi qua hàng đợi (lấy dữ liệu theo lệnh): không có tồn đọng.")
        out(f"  Tỉ lệ lỗi 1 giờ qua: {rate(p.failed_hour, p.calls_hour)}")
        out(f"  Tỉ lệ lỗi 24 giờ qua: {rate(p.failed_day, p.calls_day)}")
        for d in p.dead_letters:
            out(
                f"  Thư chết số {d.pk}: sự kiện #{d.event_id} {d.event.topic} ({d.stream}), "
                f"{vi_number(d.attempts)} lần thử; lỗi: {_one_line(d.last_error)}"
            )
        errors = [a for a in p.attempts if a.error or a.error_code]
        if errors:
            last = errors[0]
            out(
                f"  Lỗi gần nhất: {last.started_at.astimezone(VN):%H:%M:%S %d/%m/%Y} {last.operation} "
                f"[{last.error_code or last.outcome}] {_one_line(last.error)}"
            )
    return 0


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

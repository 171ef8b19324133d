"""``cchc integrations reconcile [--from DATE --to DATE] [--dry-run]``: the reconciliation of the dossiers
with the national portal (``cchc.integrations.national_portal.reconciliation``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils import timezone

from cchc.integrations.constants import IntegrationError, IntegrationErrorCode
from cchc.integrations.national_portal.payload import VN_TZ
from cchc.integrations.national_portal.reconciliation import dossiers_reconcile, reconcile_period
from cchc.integrations.national_portal.tasks import DEFAULT_DAYS


def add(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "reconcile",
        help="Đối soát hồ sơ với Cổng Dịch vụ công quốc gia và gửi lại hồ sơ khác biệt.",
        description=(
            "So sánh số lượng và trạng thái các hồ sơ tiếp nhận trong kỳ với Cổng Dịch vụ công quốc gia; "
            "hồ sơ khác biệt được gửi lại trạng thái hiện tại qua hộp thư sự kiện."
        ),
    )
    parser.add_argument(
        "--from", dest="date_from", default="", help=f"Từ ngày (YYYY-MM-DD; mặc định {DEFAULT_DAYS} ngày gần nhất)."
    )
    parser.add_argument(
        "--to", dest="date_to", default="", help="Đến ngày (YYYY-MM-DD, tính cả ngày này; mặc định hôm nay)."
    )
    parser.add_argument("--dry-run", action="store_true", help="Chỉ báo cáo khác biệt, không gửi lại.")
    return parser


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise IntegrationError(
            IntegrationErrorCode.BAD_INPUT, f"{name} «{value}» không phải ngày hợp lệ (dạng YYYY-MM-DD)."
        ) from None


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    now = timezone.now()
    start, end = reconcile_period(DEFAULT_DAYS, today=now.astimezone(VN_TZ).date())
    try:
        if options.get("date_from"):
            start = _day(options["date_from"], "--from")
        if options.get("date_to"):
            end = _day(options["date_to"], "--to")
        report = dossiers_reconcile(start=start, end=end, at=now, resend=not options.get("dry_run"))
    except IntegrationError as exc:
        out(f"Không đối soát được ({exc.code}): {exc.message}")
        return 2
    for line in report.lines():
        out(line)
    return 0

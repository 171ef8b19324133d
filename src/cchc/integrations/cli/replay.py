"""``cchc integrations replay [--partner P] (--delivery ID | --all)``: send the connections' dead
letters again (:mod:`cchc.integrations.replay`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from cchc.common.numbers import vi_number
from cchc.integrations.constants import IntegrationError, Partner
from cchc.integrations.replay import dead_letter_replay, dead_letters_replay, partner_parse
from cchc.outbox.constants import OutboxError


def add(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "replay", help="Gửi lại thư chết (lần chuyển đã hết số lần thử) của các hệ thống quốc gia."
    )
    parser.add_argument(
        "--partner", default=None, help="Chỉ hệ thống này: " + ", ".join(p.value for p in Partner) + "."
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--delivery", default=None, help="Số của lần chuyển cần gửi lại.")
    which.add_argument("--all", action="store_true", help="Mọi thư chết (của hệ thống đã chọn, nếu có).")
    return parser


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    at = timezone.now()
    try:
        partner = partner_parse(options.get("partner"))
        if options.get("delivery") is not None:
            delivery = dead_letter_replay(delivery_id=options["delivery"], at=at, partner=partner)
            out(
                f"Đã đưa lần chuyển số {delivery.pk} (sự kiện #{delivery.event_id} → {delivery.subscriber}) "
                "về hàng chờ gửi."
            )
            return 0
        if options.get("all"):
            count = dead_letters_replay(at=at, partner=partner)
            whose = f" của {partner.label}" if partner is not None else ""
            out(f"Đã đưa {vi_number(count)} thư chết{whose} về hàng chờ gửi.")
            return 0
    except (IntegrationError, OutboxError) as exc:
        out(f"[{exc.code}] {exc.message}")
        return 1
    out("[integration.bad_input] Dùng --delivery SỐ (một lần chuyển) hoặc --all (mọi thư chết), có thể kèm --partner.")
    return 2

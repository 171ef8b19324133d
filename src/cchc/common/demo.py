"""The one guard of every command that writes demo data or demo accounts (issue 12 item 4).

Demo accounts come with passwords printed on the terminal, demo data (simulated dossiers, survey
responses, PAR rounds, reports) mixes with the real figures: none of it belongs in a real installation.
Each demo command calls :func:`demo_only` first, so it refuses to run unless DEBUG is on (the
development settings, ``make run``); the production settings refuse DEBUG, so it never runs there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def demo_only(command: str) -> None:
    """Refuse ``command`` (as typed, e.g. ``"cchc par demo"``) unless DEBUG is on."""
    if not settings.DEBUG:
        raise CommandError(
            f"«{command}» chỉ dùng cho bản chạy thử (DEBUG=1): lệnh này tạo dữ liệu hoặc tài khoản minh họa "
            "và không được chạy trên hệ thống vận hành thật."
        )

"""Vietnamese wording of moments for appointment slips and messages."""

from __future__ import annotations

from datetime import datetime

from cchc.calendars.constants import WEEKDAY_NAMES
from cchc.calendars.working import VN_TZ


def format_moment(at: datetime) -> str:
    """``16:30 thứ Hai, 06/01/2025`` (in Asia/Ho_Chi_Minh)."""
    local = at.astimezone(VN_TZ)
    return f"{local:%H:%M} {WEEKDAY_NAMES[local.weekday()]}, {local:%d/%m/%Y}"


def format_appointment(at: datetime) -> str:
    """``16 giờ 30 phút, thứ Hai, ngày 06 tháng 01 năm 2025``: the wording of the receipt slip (form 01)."""
    local = at.astimezone(VN_TZ)
    return (
        f"{local:%H} giờ {local:%M} phút, {WEEKDAY_NAMES[local.weekday()]}, "
        f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    )

"""How a statutory processing time reads and what it weighs, shared by the spec (import) and the models."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from cchc.catalogue.constants import WORKING_HOURS_PER_DAY, TimeUnit


def cutoff_text(cutoff: time) -> str:
    """``15 giờ``, ``15 giờ 30`` (the decree's own wording, "sau 15 giờ")."""
    return f"{cutoff.hour} giờ" + (f" {cutoff.minute:02d}" if cutoff.minute else "")


def processing_time_text(value: int, unit: str, cutoff: time | None = None) -> str:
    """The statutory time as a sentence fragment: "5 ngày làm việc", "8 giờ làm việc", "15 ngày",
    "trong ngày làm việc; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo" (form 01
    capitalises its first letter)."""
    if unit == TimeUnit.SAME_DAY:
        text = "trong ngày làm việc"
        if cutoff is not None:
            text += f"; tiếp nhận sau {cutoff_text(cutoff)} thì trả trong ngày làm việc tiếp theo"
        return text
    return f"{value} {TimeUnit(unit).label}"


def statutory_hours(value: int, unit: str) -> Decimal:
    """The statutory time in working hours, the bound the internal steps must fit.

    Working days and calendar days weigh 8 working hours a day (N calendar days hold at most N working
    days); a same-day procedure weighs one working day (8 hours), the most it can have when received at
    the opening; working hours weigh themselves.
    """
    if unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS):
        return Decimal(value) * WORKING_HOURS_PER_DAY
    if unit == TimeUnit.SAME_DAY:
        return WORKING_HOURS_PER_DAY
    return Decimal(value)

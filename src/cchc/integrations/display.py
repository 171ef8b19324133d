"""How the monitoring page and ``cchc integrations status`` write their figures (Vietnamese numbers)."""

from __future__ import annotations

from cchc.common.numbers import vi_age as age
from cchc.common.numbers import vi_number

__all__ = ["age", "rate"]


def rate(failed: int, calls: int) -> str:
    """ "12,5 % (1/8 lần gọi)", or "— (chưa có lần gọi)"."""
    if not calls:
        return "— (chưa có lần gọi)"
    return f"{vi_number(failed * 100 / calls, 1)} % ({vi_number(failed)}/{vi_number(calls)} lần gọi)"

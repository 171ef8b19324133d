"""How the monitoring page and ``cchc integrations status`` write their figures (Vietnamese numbers)."""

from __future__ import annotations

from cchc.common.numbers import vi_number


def age(seconds: float | None) -> str:
    """A waiting time as the page and the command show it ("3 phút 5 giây", "2 ngày 1 giờ")."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{vi_number(int(seconds))} giây"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{vi_number(minutes)} phút {vi_number(int(seconds % 60))} giây"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{vi_number(hours)} giờ {vi_number(minutes)} phút"
    return f"{vi_number(hours // 24)} ngày {vi_number(hours % 24)} giờ"


def rate(failed: int, calls: int) -> str:
    """ "12,5 % (1/8 lần gọi)", or "— (chưa có lần gọi)"."""
    if not calls:
        return "— (chưa có lần gọi)"
    return f"{vi_number(failed * 100 / calls, 1)} % ({vi_number(failed)}/{vi_number(calls)} lần gọi)"

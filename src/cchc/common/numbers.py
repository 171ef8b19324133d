"""Numbers as Vietnamese readers write them: dots between thousands, a comma before decimals
(1.234.567,5). One rule for pages, PDFs, spreadsheets' captions, e-mails and the command line.

Templates: ``{% load vi_format %}{{ value|so }}`` (as needed) or ``{{ value|so:1 }}`` (one decimal).
Django's own ``floatformat`` / ``intcomma`` follow the same rule through the ``vi`` formats of
``cchc/formats/vi`` (Django's lack the thousands grouping).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = int | float | Decimal


def vi_number(value: Number | str | None, places: int | None = None, *, trim: bool = False) -> str:
    """``value`` in the Vietnamese format: ``vi_number(1234567.5, 1)`` → "1.234.567,5".

    ``places``: decimals to round to (half up); ``None`` keeps the value's own (an integer: none).
    ``trim``: drop trailing zeros of the decimals ("12,50" → "12,5"; "3,00" → "3"). ``None`` → "";
    a value that is not a number is returned as text, unchanged.
    """
    if value is None:
        return ""
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:,f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vi_seconds(seconds: float) -> str:
    """A duration the command line reports: "14,8 giây", "2 phút 5,0 giây"."""
    minutes, rest = divmod(float(seconds), 60)
    if minutes < 1:
        return f"{vi_number(rest, 1)} giây"
    return f"{vi_number(int(minutes))} phút {vi_number(rest, 1)} giây"


def vi_age(seconds: float | None) -> str:
    """How long something has waited, as the status pages and commands show it: "—" (nothing waits),
    "12 giây", "3 phút 5 giây", "2 giờ 3 phút", "2 ngày 1 giờ"."""
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

"""One parsing layer for numbers, ids and dates that arrive in URLs, query strings and form fields.

``str.isdigit()`` and ``int()`` accept far more than a client should send: ``"²"`` is a digit to
``isdigit`` but not to ``int``, ``"١٢"`` (Arabic-Indic) is 12 to ``int``, and ``int("9" * 20)`` is a
fine Python number that no PostgreSQL ``bigint`` column holds. Each of these once ended a request in
HTTP 500. Everything here accepts ASCII digits only, within bounds that fit the column the value is
compared with, and dates within 1900-2100; anything else is a :class:`ParamError` with a Vietnamese
message (the ``*_or_none`` variants answer ``None`` for pages that just ignore a bad filter).

The URL converter :class:`IdConverter` (``<id:pk>``, registered once by ``cchc.common``'s app
config) is the bounded replacement of Django's ``<int:…>``, which matches any number of digits.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from cchc.common.errors import DomainError
from cchc.common.numbers import vi_number

# Bounds of the database columns the values are compared with.
INT32_MAX = 2_147_483_647  # PostgreSQL integer (IntegerField, PositiveIntegerField)
BIGINT_MAX = 9_223_372_036_854_775_807  # PostgreSQL bigint (BigAutoField primary keys)
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
YEAR_MIN, YEAR_MAX = FIRST_DAY.year, LAST_DAY.year

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,30}(?:[.,][0-9]{0,30})?|[.,][0-9]{1,30})")

# path("x/<id:pk>/"): at most 18 ASCII digits, so every match fits a bigint.
ID_PATTERN = "[0-9]{1,18}"
PARAM_INVALID = "param.invalid"


class ParamError(DomainError[str], ValueError):
    """A URL, query or form parameter that is not a value this platform accepts: 400, code
    ``param.invalid`` (still a ``ValueError`` for the callers that catch one)."""

    statuses = {PARAM_INVALID: 400}

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(PARAM_INVALID, message, http_status)


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def parse_int(raw: object, *, low: int = 0, high: int = INT32_MAX, label: str = "Giá trị") -> int:
    """An integer written in ASCII digits (an optional sign), ``low <= value <= high``."""
    text = _text(raw)
    if not _INTEGER.fullmatch(text):
        raise ParamError(f"{label} phải là số nguyên (chữ số 0-9).")
    value = int(text)
    if not low <= value <= high:
        raise ParamError(f"{label} phải từ {low} đến {high}.")
    return value


def int_or_none(raw: object, *, low: int = 0, high: int = INT32_MAX) -> int | None:
    """:func:`parse_int`, or ``None`` when ``raw`` is missing or not acceptable."""
    try:
        return parse_int(raw, low=low, high=high)
    except ParamError:
        return None


def parse_id(raw: object, *, label: str = "Mã") -> int:
    """A database id: ASCII digits only (no sign), 1 to the bigint maximum."""
    if not _DIGITS.fullmatch(_text(raw)):
        raise ParamError(f"{label} phải là số nguyên dương (chữ số 0-9).")
    return parse_int(raw, low=1, high=BIGINT_MAX, label=label)


def id_or_none(raw: object) -> int | None:
    """:func:`parse_id`, or ``None`` when ``raw`` is missing or not an id."""
    try:
        return parse_id(raw)
    except ParamError:
        return None


def parse_year(raw: object, *, label: str = "Năm") -> int:
    """A calendar year from 1900 to 2100."""
    return parse_int(raw, low=YEAR_MIN, high=YEAR_MAX, label=label)


def year_or_none(raw: object) -> int | None:
    return int_or_none(raw, low=YEAR_MIN, high=YEAR_MAX)


def parse_date(raw: object, *, label: str = "Ngày") -> date:
    """An ISO day ``YYYY-MM-DD`` (ASCII digits) from 1/1/1900 to 31/12/2100."""
    text = _text(raw)
    if not _ISO_DAY.fullmatch(text):
        raise ParamError(f"{label} phải có dạng năm-tháng-ngày (ví dụ 2026-01-31).")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ParamError(f"{label} không phải là một ngày có thật.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ParamError(f"{label} phải trong khoảng năm {YEAR_MIN} đến năm {YEAR_MAX}.")
    return day


def date_or_none(raw: object) -> date | None:
    try:
        return parse_date(raw)
    except ParamError:
        return None


def parse_decimal(
    raw: object,
    *,
    low: Decimal,
    high: Decimal,
    places: int = 2,
    label: str = "Giá trị",
) -> Decimal:
    """A finite decimal number (``.`` or ``,`` as the decimal mark, no exponent, ASCII digits) with at
    most ``places`` decimals, ``low <= value <= high``."""
    text = _text(raw)
    if not _DECIMAL.fullmatch(text):
        raise ParamError(f"{label} phải là một số (ví dụ 12,5).")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ParamError(f"{label} phải là một số (ví dụ 12,5).") from None
    if not low <= value <= high:
        raise ParamError(f"{label} phải từ {_plain(low)} đến {_plain(high)}.")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ParamError(f"{label} có tối đa {places} chữ số thập phân.")
    return value


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


class DayField(forms.DateField):
    """A form's date, refused outside 1900-2100 (a date near year 1 or 9999 overflows any arithmetic)."""

    default_validators = [
        MinValueValidator(FIRST_DAY, message=f"Ngày phải từ năm {YEAR_MIN} trở đi."),
        MaxValueValidator(LAST_DAY, message=f"Ngày phải trước năm {YEAR_MAX + 1}."),
    ]


class BoundedIntegerField(forms.IntegerField):
    """A form's integer that fits the PostgreSQL ``integer`` column it is stored in (unless the caller
    gives a narrower ``max_value``/``min_value``)."""

    def __init__(self, *, max_value: int = INT32_MAX, min_value: int = -INT32_MAX - 1, **kwargs: Any) -> None:
        messages = {
            "invalid": "Vui lòng nhập một số nguyên.",
            "max_value": f"Số quá lớn (tối đa {vi_number(max_value)}).",
            "min_value": f"Số quá nhỏ (tối thiểu {vi_number(min_value)}).",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(max_value=max_value, min_value=min_value, error_messages=messages, **kwargs)


class IdConverter:
    """``<id:name>``: a database id in the URL, at most 18 ASCII digits (always fits a bigint)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))

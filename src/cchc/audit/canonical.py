"""Canonical serialisation of audit events, the input of the chain hash.

The same event must hash to the same value on SQLite and PostgreSQL, today and after a dump and
reload, so the serialisation is fixed here and nowhere else:

- JSON with sorted keys, no insignificant whitespace, UTF-8 (``ensure_ascii=False``);
- datetimes as UTC ISO 8601 with microseconds (``2025-04-26T01:30:00.000000+00:00``), dates as ISO;
- decimals and floats as strings (a float stored in PostgreSQL ``jsonb`` may come back as an int,
  a decimal would come back as a float), UUIDs as strings, sets sorted, tuples as lists;
- mapping keys as strings.

``before`` and ``after`` are normalised with :func:`canonical_value` *before* they are stored, so
what is read back from the database is exactly what was hashed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def utc_iso(moment: datetime) -> str:
    """An aware datetime as UTC ISO 8601 with microseconds; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Thời điểm phải có múi giờ (aware datetime).")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_value(value: Any) -> JsonValue:
    """``value`` as plain JSON data that survives a round trip through any database unchanged."""
    if isinstance(value, Enum):  # TextChoices / IntegerChoices: their stored value
        return canonical_value(value.value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("Không ghi được giá trị NaN hoặc vô hạn vào nhật ký.")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("Không ghi được giá trị NaN hoặc vô hạn vào nhật ký.")
        return str(value)
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((canonical_value(v) for v in value), key=canonical_json)
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    raise TypeError(f"Không ghi được kiểu {type(value).__name__} vào nhật ký kiểm toán.")


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (sorted keys, compact, UTF-8 characters kept)."""
    return json.dumps(
        canonical_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def chain_hash(payload: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of the event's fields plus the previous event's hash."""
    text = canonical_json({**payload, "prev_hash": prev_hash})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

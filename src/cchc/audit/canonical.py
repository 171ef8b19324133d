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
import hmac
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
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
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # performance: the usual, exact types
        return value  # type: ignore[no-any-return]
    if kind is dict:
        return {str(k): canonical_value(v) for k, v in value.items()}
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


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""``json.dumps`` with these arguments, built once (``json.dumps`` builds an encoder at every call)."""


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (sorted keys, compact, UTF-8 characters kept)."""
    return _ENCODER.encode(canonical_value(value))


def _digest(text: str, key: bytes | None) -> str:
    if key is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def chain_hash(payload: Mapping[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key`` (hex) of the canonical JSON of the event's fields plus the previous event's
    hash; plain SHA-256 without a key (events written before the chain was keyed: cchc.audit.keys)."""
    return _digest(canonical_json({**payload, "prev_hash": prev_hash}), key)


@dataclass(frozen=True)
class ChainText:
    """The text :func:`chain_hash` hashes for an event whose place in the chain is not known yet.

    ``head + prev_hash + middle + str(sequence) + tail`` is exactly
    ``canonical_json({**payload, "prev_hash": prev_hash})`` for the payload with that ``sequence``,
    so whoever learns the chain's head (the database, under the chain's lock) can finish the text
    and hash it without serialising the event again.
    """

    head: str
    middle: str
    tail: str

    def text(self, *, sequence: int, prev_hash: str) -> str:
        return f"{self.head}{prev_hash}{self.middle}{int(sequence)}{self.tail}"

    def hash(self, *, sequence: int, prev_hash: str, key: bytes | None = None) -> str:
        return _digest(self.text(sequence=sequence, prev_hash=prev_hash), key)


def chain_text(payload: Mapping[str, JsonValue]) -> ChainText:
    """The :class:`ChainText` of ``payload``: the event's hashed fields without ``sequence`` and
    ``prev_hash``, every value already canonical (:func:`canonical_value`; ``audit_record``
    normalises ``before`` and ``after`` before anything else sees them).

    performance: the values are serialised once, key by key in sorted order, as the encoder of
    :func:`canonical_json` does with ``sort_keys`` (the test suite holds the two texts equal).
    """
    if "prev_hash" in payload or "sequence" in payload or not all(isinstance(key, str) for key in payload):
        raise ValueError("payload: string keys, without the chain position (sequence, prev_hash).")
    groups: list[list[str]] = [[], [], []]  # keys before "prev_hash", between it and "sequence", after
    encode = _ENCODER.encode
    for key in sorted(payload):
        groups[0 if key < "prev_hash" else 1 if key < "sequence" else 2].append(f"{encode(key)}:{encode(payload[key])}")
    before, between, after = ("".join(f"{item}," for item in group) for group in groups)
    return ChainText(
        head="{" + before + '"prev_hash":"',
        middle='",' + between + '"sequence":',
        tail=("," + after[:-1] if after else "") + "}",
    )

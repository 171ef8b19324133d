"""The feedback code (mã phản ánh) ``PA-YYMMDD-NNNN``: the reception date in Vietnam time and a 4-digit
number within the day, gapless (like the dossier code, ``cchc.dossiers.codes``); beyond 9,999 a day the
number grows a digit. The lookup code given to the citizen is a separate random secret."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from cchc.feedback.models import FeedbackSequence

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PREFIX = "PA"
# no 0/O, 1/I/L: read aloud over the phone and typed on a phone without confusion
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LOOKUP_LENGTH = 8

_TABLE = FeedbackSequence._meta.db_table
_NEXT_SQL = (
    f"INSERT INTO {_TABLE} (day, last_value) VALUES (%s, 1) "
    f"ON CONFLICT (day) DO UPDATE SET last_value = {_TABLE}.last_value + 1 "
    "RETURNING last_value"
)


def reception_day(at: datetime) -> date:
    """The reception date in Vietnam time (the YYMMDD of the code)."""
    return at.astimezone(VN_TZ).date()


def feedback_code_next(*, day: date) -> str:
    """Take the next number of ``day`` and return the code; call it inside the submission's transaction.

    concurrency: one statement creates the day's row at 1 or adds one to it, locking the row until the
    caller's transaction ends; a rolled-back submission gives its number back, so numbers stay gapless.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL, [connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return f"{PREFIX}-{day:%y%m%d}-{int(row[0]):04d}"


def lookup_code_new() -> str:
    """A fresh random lookup code (8 characters, about 40 bits), shown once to the citizen."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(LOOKUP_LENGTH))


def lookup_code_normalise(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def lookup_code_hash(value: str) -> str:
    """What is stored of a lookup code: its SHA-256 (the code itself is never stored)."""
    return hashlib.sha256(lookup_code_normalise(value).encode()).hexdigest()

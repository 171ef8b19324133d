"""Counting the round trips a block of code makes to PostgreSQL, from libpq's own protocol trace.

A round trip is a message that asks the server to answer: a simple ``Query`` or an extended-protocol
``Sync``. Django's query log cannot tell: it shows a statement psycopg never sent (its ``COMMIT``
when the transaction was already committed) and misses one it did (psycopg's ``BEGIN``).
"""

from __future__ import annotations

import os
import tempfile
from types import TracebackType

from django.db import connection


class RoundTrips:
    """``with RoundTrips() as trips: ...`` then ``trips.queries``: the text of each round trip."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def __enter__(self) -> RoundTrips:
        connection.ensure_connection()
        self._fd, self._path = tempfile.mkstemp(prefix="cchc-pgtrace-")
        connection.connection.pgconn.trace(self._fd)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        connection.connection.pgconn.untrace()
        with open(self._path, encoding="utf-8", errors="replace") as trace:
            for line in trace:
                fields = line.rstrip("\n").split("\t")
                # [timestamp,] direction, length, message type, contents
                if "F" in fields[:2] and ("Query" in fields or "Sync" in fields):
                    self.queries.append(fields[-1].strip().strip('"') if "Query" in fields else "Sync")
        os.close(self._fd)
        os.unlink(self._path)

    @property
    def count(self) -> int:
        return len(self.queries)

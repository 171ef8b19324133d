"""What the benchmarks share: the machine's load, a percentile, and a scratch PostgreSQL database made for one
run and dropped after it (``DATABASE_URL`` names the server and the base of the name)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def loadavg() -> list[float]:
    """/proc/loadavg's 1-, 5- and 15-minute figures: recorded with every measurement."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_scratch_database(suffix: str, run: Callable[[], int], *, keep: bool = False) -> int:
    """``run()`` with ``DATABASE_URL`` pointing at a new database ``<name>_<suffix>`` on the server of
    ``DATABASE_URL`` (PostgreSQL only) and Django's settings module set; the database is dropped afterwards
    (unless ``keep``), its connections closed first."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)  # noqa: T201
        return 2
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    try:
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

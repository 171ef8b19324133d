"""Benchmark of deadline computation: add_working_days and add_working_hours per second.

Run with ``make bench`` (or ``python benchmarks/calendar_deadlines.py``). The calendar comes from
``working_calendar()`` as the application builds it (the ``holidays`` package, the overrides and the
office hours from the database, migrated into a fresh temporary SQLite database or, when
DATABASE_URL points to PostgreSQL, a temporary database created beside it and dropped afterwards).
Receipt moments are random minutes in 2021-2026; amounts are random (1-60 days, 1-120 hours).
Prints the figures and writes them to docs/benchmarks.json under the key "calendar_deadlines"
(``--no-write``: print only). Exit status 1 when the target is not met.
Target (issue 3 §8): at least 100,000 deadline computations per second.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
TARGET = 100_000
N = int(os.environ.get("CALENDAR_BENCH_N", "200000"))


def _fresh_database() -> tuple[str, object | None]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["CCHC_VAR_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-cal-")
        os.environ.pop("DATABASE_URL", None)
        return "SQLite", None
    import psycopg

    parts = urlparse(url)
    name = f"cchc_bench_cal_{os.getpid()}"
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{name}"))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return "PostgreSQL", drop


def _rate(fn, items) -> float:  # type: ignore[no-untyped-def]
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for args in items:
            fn(*args)
        best = max(best, len(items) / (time.perf_counter() - start))
    return best


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    backend, drop = _fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        from cchc.calendars.selectors import working_calendar
        from cchc.calendars.working import VN_TZ

        started = time.perf_counter()
        calendar = working_calendar()
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        lookups = 2000
        for _ in range(lookups):
            working_calendar()
        lookup_us = (time.perf_counter() - started) / lookups * 1e6

        rng = random.Random(20250106)
        base = datetime(2021, 1, 1, tzinfo=VN_TZ)
        span = 6 * 365 * 24 * 60
        moments = [base + timedelta(minutes=rng.randrange(span)) for _ in range(N)]
        days = [(m, rng.randint(1, 60)) for m in moments]
        hours = [(m, rng.randint(1, 120)) for m in moments]
        days_rate = _rate(calendar.add_working_days, days)
        hours_rate = _rate(calendar.add_working_hours, hours)
        pairs = [(m, m + timedelta(days=rng.randint(1, 90))) for m in moments]
        count_rate = _rate(calendar.working_seconds_between, pairs)
    finally:
        if drop is not None:
            drop()  # type: ignore[operator]

    figures = {
        "backend": backend,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": datetime.now(tz=VN_TZ).date().isoformat(),
        "computations": N,
        "calendar_build_s": round(build_s, 3),
        "working_calendar_lookup_us": round(lookup_us, 1),
        "add_working_days_per_s": round(days_rate),
        "add_working_hours_per_s": round(hours_rate),
        "working_seconds_between_per_s": round(count_rate),
        "target_per_s": TARGET,
    }
    print(f"Deadline computation ({backend}, {N:,} receipts in 2021-2026, best of 3):")
    print(f"  calendar build (day table 2000-{datetime.now(tz=VN_TZ).year + 5}): {build_s:.3f} s")
    print(f"  working_calendar() when cached: {lookup_us:.0f} µs (one version query)")
    print(f"  add_working_days:        {days_rate:>10,.0f} deadlines/s")
    print(f"  add_working_hours:       {hours_rate:>10,.0f} deadlines/s")
    print(f"  working_seconds_between: {count_rate:>10,.0f} counts/s")
    ok = min(days_rate, hours_rate) >= TARGET
    print(f"  target ≥ {TARGET:,}/s: {'met' if ok else 'NOT met'}")

    out = ROOT / "docs" / "benchmarks.json"
    if "--no-write" not in sys.argv and out.parent.exists():
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data.setdefault("calendar_deadlines", {})[backend] = figures
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

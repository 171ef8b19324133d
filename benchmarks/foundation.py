"""Benchmarks of the foundation: registry load, program import, succession look-ups, pages.

Run with ``make bench``. Uses a fresh database: a temporary SQLite file, or, when DATABASE_URL
points to PostgreSQL, a temporary database created beside it and dropped afterwards. Prints the
figures and writes them to docs/benchmarks.json under the key "foundation".
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "src/cchc/program/data/qd-4831-2021-khanh-hoa.txt"


def _fresh_database() -> tuple[str, object | None]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        tmp = tempfile.mkdtemp(prefix="cchc-bench-")
        os.environ["CCHC_VAR_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        return "SQLite", None
    import psycopg

    parts = urlparse(url)
    name = f"cchc_bench_{os.getpid()}"
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


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _page(client, url: str, runs: int = 30) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": len(ctx.captured_queries),
    }


def main() -> int:
    backend, cleanup = _fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    results: dict[str, object] = {}
    try:
        call_command("migrate", verbosity=0)
        from cchc.org.selectors import agency_successors_on
        from cchc.org.services import org_load_khanh_hoa
        from cchc.program.models import AgencyRef, Program
        from cchc.program.services import program_import

        _, results["org_load_s"] = _timed(lambda: org_load_khanh_hoa())
        _, results["org_reload_noop_s"] = _timed(lambda: org_load_khanh_hoa())
        text = SEED.read_text(encoding="utf-8")
        _, results["program_import_s"] = _timed(
            lambda: program_import(source=text, source_name=SEED.name, at=timezone.now())
        )
        again, results["program_reimport_noop_s"] = _timed(
            lambda: program_import(source=text, source_name=SEED.name, at=timezone.now())
        )
        assert again.unchanged, "re-import must be a no-op"

        refs = list(AgencyRef.objects.filter(agency__isnull=False).select_related("agency"))
        day = date(2026, 1, 1)
        start = time.perf_counter()
        rounds = 0
        while time.perf_counter() - start < 2.0:
            for ref in refs:
                agency_successors_on(ref.agency, day)
            rounds += 1
        elapsed = time.perf_counter() - start
        results["successor_lookups_per_s"] = round(rounds * len(refs) / elapsed)

        program = Program.objects.get()
        client = Client()
        results["page_overview"] = _page(client, f"/chuong-trinh/{program.pk}/")
        results["page_task_list"] = _page(client, "/nhiem-vu/")
        results["page_task_search"] = _page(client, "/nhiem-vu/?q=so+noi+vu")
        results["page_agency_list"] = _page(client, "/co-quan/")
        for key in ("org_load_s", "org_reload_noop_s", "program_import_s", "program_reimport_noop_s"):
            results[key] = round(float(results[key]), 3)  # type: ignore[arg-type]
    finally:
        if cleanup:
            cleanup()  # type: ignore[operator]

    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "database": backend,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    print(f"CCHC foundation benchmarks ({meta['database']}, {meta['machine']}, {meta['date']})")
    for key, value in results.items():
        print(f"  {key:28} {value}")
    out = ROOT / "docs/benchmarks.json"
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data.setdefault("foundation", {})[backend] = {**meta, **results}
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

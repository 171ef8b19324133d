"""Benchmark of the once-only look-up (issue 16 item 5): the usable stored documents of one person for the
document types of a procedure, with 1 000 000 stored documents (target ≤ 20 ms p95).

Run with ``python benchmarks/records.py [--rows N] [--lookups N] [--keep]`` and ``DATABASE_URL`` pointing at a
PostgreSQL server: a fresh database ``<name>_bench`` is created (dropped at the end unless ``--keep``), the
migrations run, ``N`` rows are bulk-loaded with COPY (200 000 people, about 5 documents each across 40 types;
a share withdrawn, superseded or expired), ANALYZE, then the look-up is timed exactly as the portal calls it
(``cchc.records.selectors.reusable_for``, 5 document types, random people). Prints the figures and writes
them to docs/benchmarks.json under "records" with the date, the machine and /proc/loadavg before and after
(unless ``--no-write``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from scratch import in_scratch_database, loadavg

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()
    return in_scratch_database("bench", lambda: _run(args, os.environ["DATABASE_URL"]), keep=args.keep)


def _run(args: argparse.Namespace, url: str) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "records", verbosity=0)
    import psycopg

    from cchc.records.models import StoredDocument
    from cchc.records.selectors import reusable_for

    rng = random.Random(16)
    people = max(1, args.rows // 5)
    types = [f"loai-giay-to-{n:02d}" for n in range(40)]
    today = date(2026, 12, 7)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    columns = (
        "owner_id_number, owner_kind, document_type_code, name, issuing_body, issued_on, valid_until, file, "
        "sha256, size, content_type, source, digitisation_code, source_dossier_code, created_at, withdrawn_at, "
        "withdrawn_reason"
    )
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        with cursor.copy(f"COPY {StoredDocument._meta.db_table} ({columns}) FROM STDIN") as copy:
            for n in range(args.rows):
                owner = f"{n % people:012d}"
                expired = rng.random() < 0.1
                withdrawn = created if rng.random() < 0.03 else None
                copy.write_row(
                    (
                        owner,
                        "citizen",
                        rng.choice(types),
                        "Giấy tờ",
                        "",
                        None,
                        today - timedelta(days=1) if expired else None,
                        f"records/{n}.pdf",
                        "0" * 64,
                        1000,
                        "application/pdf",
                        "digitised",
                        "",
                        "",
                        created + timedelta(seconds=n),
                        withdrawn,
                        "x" if withdrawn else "",
                    )
                )
        conn.commit()
        cursor.execute(f"ANALYZE {StoredDocument._meta.db_table}")
        conn.commit()
    load_s = time.perf_counter() - started
    before = loadavg()
    timings = []
    for _ in range(args.lookups):
        owner = f"{rng.randrange(people):012d}"
        wanted = rng.sample(types, 5)
        t0 = time.perf_counter()
        reusable_for(owner_id_number=owner, type_codes=wanted, on=today)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"rows {args.rows}, loaded in {load_s:.1f} s")
    print(
        f"look-up ({args.lookups} random people, 5 types): median {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms (target ≤ {TARGET_P95_MS} ms), max {timings[-1]:.2f} ms"
    )
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data["records"] = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "rows": args.rows,
            "load_s": round(load_s, 1),
            "lookups": args.lookups,
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(timings[-1], 2),
            "target_p95_ms": TARGET_P95_MS,
            "loadavg_before": before,
            "loadavg_after": loadavg(),
        }
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())

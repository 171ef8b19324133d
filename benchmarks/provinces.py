"""Benchmark of ``cchc province setup`` (issue 18: any province set up in ≤ 2 minutes on this machine).

Run with ``make bench`` (PostgreSQL: DATABASE_URL; a database "<name>_bench" is made, migrated and dropped).
Times the whole command for one province (default 79, Thành phố Hồ Chí Minh, the largest: 168 units from
1/7/2025, about 490 before, from three old provinces), catalogue included, then a second run (idempotent:
nothing written). The migration is not timed. Writes the figures to docs/benchmarks.json under "provinces"
with the date, the machine and /proc/loadavg before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from io import StringIO
from pathlib import Path

from scratch import in_scratch_database, loadavg

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default="79", help="province code (default 79, Thành phố Hồ Chí Minh)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()
    return in_scratch_database("provinces_bench", lambda: _run(args), keep=args.keep)


def _run(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from cchc.org.models import AdministrativeUnit, Agency, UnitSuccession

    before = loadavg()
    out = StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    call_command("province", "setup", args.code, "--at", "2025-07-01T00:00+07:00", stdout=out, verbosity=0)
    first_s, first_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall = time.perf_counter()
    call_command("province", "setup", args.code, "--at", "2025-07-01T00:00+07:00", stdout=StringIO(), verbosity=0)
    second_s = time.perf_counter() - wall
    counts = {
        "units": AdministrativeUnit.objects.count(),
        "unit_successions": UnitSuccession.objects.count(),
        "agencies": Agency.objects.count(),
    }
    print(out.getvalue().splitlines()[1])
    print(f"province setup {args.code}: {first_s:.1f} s (CPU {first_cpu:.1f} s; target ≤ {TARGET_S:.0f} s), {counts}")
    print(f"second run (nothing to write): {second_s:.1f} s")
    if not args.no_write:
        path = ROOT / "docs" / "benchmarks.json"
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data["provinces"] = {
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "database": "PostgreSQL",
            "province": args.code,
            "records": counts,
            "setup_s": round(first_s, 1),
            "setup_cpu_s": round(first_cpu, 1),
            "second_run_s": round(second_s, 1),
            "target_s": TARGET_S,
            "loadavg_before": before,
            "loadavg_after": loadavg(),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if first_s <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

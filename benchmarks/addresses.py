"""Benchmark of address resolution (issue 18: ≥ 2,000 addresses/s, accuracy on ≥ 300 real-form old addresses).

Run with ``make bench`` (no database needed). Resolves the 310 old addresses of
src/cchc/org/tests/data/addresses-old.csv again and again for a few seconds, with the province given
(as the portal and the counter do) and without, after a warm-up that loads the packages' data (timed
apart). Prints the figures and writes them to docs/benchmarks.json under "addresses" with the date, the
machine and /proc/loadavg: on a loaded machine the wall-clock rate falls with the load, so the CPU-time
rate (one core's worth) is recorded beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/cchc/org/tests/data/addresses-old.csv"
TARGET_PER_S = 2000


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [round(x, 2) for x in os.getloadavg()]


def _run(rows: list[dict[str, str]], *, with_province: bool, seconds: float) -> dict[str, object]:
    from cchc.org.addresses import address_resolve

    done = right = 0
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        for row in rows:
            result = address_resolve(row["address"], province=row["province"] if with_province else None)
            if done < len(rows):
                right += result.status == row["expected_status"] and " ".join(result.codes) == row["expected_codes"]
            done += 1
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "addresses": done,
        "per_s_wall": round(done / wall_s),
        "per_s_cpu": round(done / cpu_s),
        "accuracy": round(right / len(rows), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per mode (default 3 s)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    import django

    django.setup()
    from cchc.org.addresses import address_resolve

    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    before = _loadavg()
    start = time.perf_counter()
    for code in sorted({row["province"] for row in rows}):
        address_resolve("", province=code)  # loads the packages' data and the province's table
    address_resolve(rows[0]["address"])
    warm_s = round(time.perf_counter() - start, 2)
    figures = {
        "with_province": _run(rows, with_province=True, seconds=args.seconds),
        "without_province": _run(rows, with_province=False, seconds=args.seconds),
    }
    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "address_set": f"{len(rows)} addresses, {len({row['province'] for row in rows})} provinces ({DATA.name})",
        "warm_up_s": warm_s,
        "target_per_s": TARGET_PER_S,
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
    }
    print(f"CCHC address resolution ({meta['machine']}, {meta['date']}, load {before} → {meta['loadavg_after']})")  # noqa: T201
    print(f"  warm-up (packages' data)   {warm_s} s")  # noqa: T201
    for mode, values in figures.items():
        print(  # noqa: T201
            f"  {mode:26} {values['per_s_wall']} /s wall, {values['per_s_cpu']} /s CPU "
            f"(target ≥ {TARGET_PER_S}), accuracy {values['accuracy']:.2%}"
        )
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data["addresses"] = {**meta, **figures}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the province maps (issue 18 item 4): the schematic of every province built from the units'
centres and areas (``cchc.org.geo.province_map``), once per process.

Run with ``make bench`` (no database needed). Reads the packages' units of the 34 provinces first (timed
apart: the same warm-up the addresses pay), then builds each province's map from cold and records the
time of each, the slowest, the total and the size of the GeoJSON a page carries. Writes the figures to
docs/benchmarks.json under "maps" with the date, the machine and /proc/loadavg.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    import django

    django.setup()
    from cchc.org.geo import province_map
    from cchc.org.units_data import _vp_provinces, province_units

    codes = sorted(_vp_provinces())
    before = _loadavg()
    start = time.perf_counter()
    for code in codes:
        province_units(code)
    warm_s = round(time.perf_counter() - start, 2)
    per: dict[str, dict[str, float | int]] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    for code in codes:
        t = time.perf_counter()
        found = province_map(code)
        per[code] = {
            "units": len(found.regions),
            "ms": round((time.perf_counter() - t) * 1000, 1),
            "geojson_kb": round(len(found.geojson.encode("utf-8")) / 1024, 1),
        }
    total_s, total_cpu = round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)
    slowest = max(per, key=lambda c: per[c]["ms"])
    largest = max(per, key=lambda c: per[c]["geojson_kb"])
    figures = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "provinces": len(codes),
        "units": sum(int(p["units"]) for p in per.values()),
        "warm_up_s": warm_s,
        "all_maps_s": total_s,
        "all_maps_cpu_s": total_cpu,
        "slowest": {"code": slowest, **per[slowest]},
        "largest_geojson": {"code": largest, **per[largest]},
        "khanh_hoa": per.get("56"),
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
    }
    print(f"CCHC province maps ({figures['machine']}, {figures['date']}, load {before} → {figures['loadavg_after']})")  # noqa: T201
    print(f"  warm-up (packages' units of {len(codes)} provinces)  {warm_s} s")  # noqa: T201
    print(f"  {figures['units']} units, all maps {total_s} s (CPU {total_cpu} s)")  # noqa: T201
    print(f"  slowest {figures['slowest']}, largest {figures['largest_geojson']}")  # noqa: T201
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data["maps"] = figures
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

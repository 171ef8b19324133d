"""Benchmarks of the indicators at 10 M dossiers (issue 4 §5): rollup rebuild, dashboards, rollup = direct.

Run ``python benchmarks/indicators.py [--keep-db NAME] [--dossiers N] [--no-write]`` with
``DATABASE_URL`` pointing to PostgreSQL (the admin database). The data set is loaded by
``benchmarks/bulkload.py`` into the kept database (default ``cchc_bench_10m``, created when missing and
reused when it already holds N dossiers). Then:

(a) the full rollup rebuild (``cchc.indicators.rollups.rollups_rebuild``) — target ≤ 10 min;
(b) in a fresh process (the web process: its resident memory is measured, target < 500 MB), the
    province dashboard ``/chi-so/?ky=…`` for a quarter and a year, server time through Django's test
    client, warm, ``--runs`` requests (default 21, the first not counted): p50 / p95 — target
    p95 ≤ 150 ms; the figures behind it (``indicators_dashboard``: every unit and the months of the
    trend) from the rollups (``method="rollup"``) and computed directly from the dossier table
    (``method="direct"``), and the ratio;
(c) rollup == direct for those periods and the current year, every figure of every unit (OK / MISMATCH).

The figures go to docs/benchmarks.json under "indicators" (the other keys stay) with the date (UTC),
the machine and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bulkload  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TARGET_REBUILD_S = 600
TARGET_PAGE_P95_MS = 150
TARGET_RSS_MB = 500
DASHBOARD_URL = "/chi-so/"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def _stats(times_ms: list[float]) -> dict[str, float]:
    return {
        "runs": len(times_ms),
        "p50_ms": round(statistics.median(times_ms), 1),
        "p95_ms": round(_percentile(times_ms, 0.95), 1),
        "max_ms": round(max(times_ms), 1),
    }


def _memory() -> dict[str, float]:
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _rollups() -> Any:
    try:
        from cchc.indicators import rollups
    except ImportError:
        return None
    return rollups


# --- (a) rebuild --------------------------------------------------------------------------------


def bench_rebuild() -> dict[str, object] | None:
    rollups = _rollups()
    if rollups is None or not hasattr(rollups, "rollups_rebuild"):
        bulkload._say("(a) cchc.indicators.rollups.rollups_rebuild not present: rebuild not measured")
        return None
    from django.db import connection

    bulkload._say("(a) full rollup rebuild …")
    started = time.perf_counter()
    result = rollups.rollups_rebuild(progress=sys.stderr.isatty())
    elapsed = time.perf_counter() - started
    bulkload._say(f"(a) rebuild: {elapsed:.1f} s")
    sizes = {}
    with connection.cursor() as cursor:
        for table in ("indicators_dossierfact", "indicators_paymentfact", "indicators_indicatorrollup"):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {table}")
                sizes[table] = cursor.fetchone()[0]
    stages = {name: round(seconds, 1) for name, seconds in getattr(result, "stages", {}).items()}
    return {"rebuild_s": round(elapsed, 1), "stages_s": stages, "result": repr(result)[:300], "rows": sizes}


# --- (b, c) the web process -----------------------------------------------------------------------


def _compute(source: str | None, period: Any, at: datetime, units: bool) -> Any:
    from cchc.indicators import compute

    kwargs: dict[str, Any] = {"period": period, "at": at}
    if source is not None:
        kwargs[_switch()] = source
    if units:
        return compute.indicators_compute_units(**kwargs)
    return compute.indicators_compute(**kwargs)


def _months(period: Any, at: datetime) -> list[Any]:
    """The months of the trend chart on the dashboard: those of the period's year begun by ``at``."""
    from cchc.indicators.periods import period_parse

    months = [period_parse(f"{period.first.year}-{m:02d}") for m in range(1, 13)]
    return [month for month in months if month.start < at]


def _dashboard(source: str | None, period: Any, at: datetime) -> list[Any]:
    """Every figure of the province dashboard (``views.overview``): every unit over the period and the
    province per month of the year (the trend) — through ``indicators_dashboard`` (one batch, what the
    page calls) when it exists, else through the separate computations."""
    from cchc.indicators import compute

    months = _months(period, at)
    batch = getattr(compute, "indicators_dashboard", None)
    if batch is None:
        return [*_compute(source, period, at, True), *(_compute(source, m, at, False) for m in months)]
    kwargs: dict[str, Any] = {"period": period, "trend": months, "at": at, "units": True}
    if source is not None:
        kwargs[_switch()] = source
    dashboard = batch(**kwargs)
    return [*dashboard.units, *(report for _, report in dashboard.trend)]


def _switch() -> str:
    """The name of the engine's rollup/direct switch (``method``), or "" when there is none."""
    import inspect

    from cchc.indicators import compute

    parameters = inspect.signature(compute.indicators_compute_units).parameters
    return next((name for name in ("method", "source") if name in parameters), "")


def _supports_source() -> bool:
    return bool(_switch())


def _time(fn: Any, runs: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, value


def _page(period_key: str, runs: int) -> dict[str, object] | None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    url = f"{DASHBOARD_URL}?ky={period_key}"
    response = client.get(url)
    if response.status_code in (302, 403):  # staff only: a superuser of the benchmark
        user, _ = get_user_model().objects.get_or_create(
            username="bench-indicators", defaults={"is_staff": True, "is_superuser": True}
        )
        client.force_login(user)
        response = client.get(url)
    if response.status_code != 200:
        return {"url": url, "status": response.status_code}
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(ctx.captured_queries))
    return {
        "url": url,
        "status": response.status_code,
        "queries": max(queries),
        **_stats(times),
        "bytes": len(response.content),
    }


def _same(rollup: list[Any], direct: list[Any]) -> tuple[bool, str]:
    if len(rollup) != len(direct):
        return False, f"{len(rollup)} units from the rollups, {len(direct)} computed directly"
    for a, b in zip(rollup, direct, strict=True):
        left, right = a.as_dict(), b.as_dict()
        left.pop("at", None), right.pop("at", None)
        if left != right:
            for ga, gb in zip(left["groups"], right["groups"], strict=True):
                for ia, ib in zip(ga["indicators"], gb["indicators"], strict=True):
                    if ia != ib:
                        diff = {k: (ia[k], ib[k]) for k in ia if ia[k] != ib.get(k)}
                        return False, f"{a.scope_label}: {ia['code']} {diff}"
            return False, f"{a.scope_label}: totals differ"
    return True, f"{len(rollup)} reports (every unit, every month of the trend), every figure equal"


def measure(args: argparse.Namespace) -> dict[str, object]:
    """The web-process part: the dashboard pages, their figures from the rollups and directly (a
    minute or more per direct run at 10 M dossiers), the comparison, memory."""
    from cchc.indicators.periods import period_parse

    at = datetime.fromisoformat(args.at) if args.at else datetime.now(tz=VN)
    figures: dict[str, object] = {"at": at.isoformat(), "periods": {}}
    source = _supports_source()
    periods: dict[str, Any] = figures["periods"]  # type: ignore[assignment]
    for key in args.periods:
        period = period_parse(key)
        row: dict[str, Any] = {"label": period.label, "trend_months": len(_months(period, at))}
        bulkload._say(f"(b) {key}: dashboard page …")
        row["page"] = _page(key, args.runs)
        row["memory_after_pages"] = _memory()
        if not source:
            periods[key] = row
            continue
        bulkload._say(f"(b) {key}: its figures from the rollups …")
        times, rollup = _time(lambda p=period: _dashboard("rollup", p, at), args.runs)
        row["rollup"] = _stats(times[1:])
        if args.direct_runs < 1:  # --direct-runs 0: the rollup figures only (no ratio, no comparison)
            periods[key] = row
            continue
        bulkload._say(f"(b) {key}: the same computed directly from the dossier table ({args.direct_runs} runs) …")
        times, direct = _time(lambda p=period: _dashboard("direct", p, at), args.direct_runs)
        row["direct"] = _stats(times)
        row["ratio_direct_over_rollup"] = round(row["direct"]["p50_ms"] / row["rollup"]["p50_ms"], 1)
        ok, detail = _same(rollup, direct)
        row["rollup_equals_direct"] = ok
        row["comparison"] = detail
        bulkload._say(f"(c) {key}: rollup == direct: {'OK' if ok else 'MISMATCH'} ({detail})")
        periods[key] = row
    figures["memory"] = _memory()
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def _print(figures: dict[str, Any]) -> None:
    load = figures.get("load") or {}
    print(f"CCHC indicator benchmarks ({figures['machine']}, {figures['date']})")  # noqa: T201
    how = f"loaded in {load.get('load_s')} s" if load.get("loaded") else "kept database"
    print(f"    data set: {load.get('dossiers_stored', 0):,} dossiers ({how})")  # noqa: T201
    rebuild = figures.get("rebuild")
    if rebuild:
        print(  # noqa: T201
            f"(a) full rollup rebuild {rebuild['rebuild_s']} s (target ≤ {TARGET_REBUILD_S} s: "
            f"{_met(rebuild['rebuild_s'] <= TARGET_REBUILD_S)}); rows {rebuild['rows']}"
        )
        if rebuild.get("stages_s"):
            stages = ", ".join(f"{name} {seconds} s" for name, seconds in rebuild["stages_s"].items())
            print(f"      stages: {stages}")  # noqa: T201
    else:
        print("(a) rollup rebuild: not measured (no rollups)")  # noqa: T201
    web = figures["web"]
    for key, row in web["periods"].items():
        print(f"(b) {row['label']} ({key})")  # noqa: T201
        page = row.get("page")
        if page and page.get("status") == 200:
            print(  # noqa: T201
                f"      page {page['url']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, "
                f"{page['queries']} queries "
                f"(target p95 ≤ {TARGET_PAGE_P95_MS} ms: {_met(page['p95_ms'] <= TARGET_PAGE_P95_MS)})"
            )
        else:
            print(f"      page: {page}")  # noqa: T201
        n = row["trend_months"]
        if "rollup" in row and "direct" not in row:
            r = row["rollup"]
            print(f"      its figures from the rollups: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms")  # noqa: T201
        elif "rollup" in row:
            r, d = row["rollup"], row["direct"]
            print(  # noqa: T201
                f"      its figures (every unit + {n} months of trend) from the rollups: p50 {r['p50_ms']} ms, "
                f"p95 {r['p95_ms']} ms; computed directly: {d['p50_ms'] / 1000:.1f} s ({d['runs']} run(s)): "
                f"×{row['ratio_direct_over_rollup']}"
            )
            verdict = "OK" if row["rollup_equals_direct"] else "MISMATCH"
            print(f"(c)   rollup == direct: {verdict} ({row['comparison']})")  # noqa: T201
    memory = web["memory"]
    print(  # noqa: T201
        f"(b) web process: peak resident {memory.get('VmHWM')} MB, now {memory.get('VmRSS')} MB "
        f"(target < {TARGET_RSS_MB} MB: {_met(memory.get('VmHWM', 1e9) < TARGET_RSS_MB)}); "
        f"load average {web['load_average']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", default="cchc_bench_10m", metavar="NAME")
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--base", type=int, default=300_000, help="dossiers simulated before replication")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    parser.add_argument("--no-rebuild", action="store_true", help="skip (a): use the rollups as they are")
    parser.add_argument("--runs", type=int, default=21, help="page and rollup runs per period (the first warms)")
    parser.add_argument("--direct-runs", type=int, default=1, help="direct runs (a minute or two each at 10 M)")
    parser.add_argument("--periods", nargs="+", default=["2026-Q3", "2025"])
    parser.add_argument("--at", default="", help="the moment the figures are computed at (default: now)")
    parser.add_argument("--web", action="store_true", help=argparse.SUPPRESS)  # the measuring child process
    args = parser.parse_args()

    bulkload.database(args.keep_db)
    bulkload.django_setup()
    if args.web:
        try:  # start as a web process does (cchc.config.wsgi), where the tree has it
            from cchc.config.startup import process_ready
        except ImportError:
            pass
        else:
            process_ready()
        print(json.dumps(measure(args)))  # noqa: T201
        return 0

    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "database": "PostgreSQL",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    figures["load"] = bulkload.load(dossiers=args.dossiers, base=args.base)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    figures["rebuild"] = None if args.no_rebuild else bench_rebuild()
    connections.close_all()
    command = [sys.executable, __file__, "--web", "--keep-db", args.keep_db, "--runs", str(args.runs)]
    command += ["--direct-runs", str(args.direct_runs), "--periods", *args.periods]
    if args.at:
        command += ["--at", args.at]
    env = dict(os.environ, DATABASE_URL=os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres")
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    figures["web"] = json.loads(done.stdout.strip().splitlines()[-1])
    _print(figures)
    out = ROOT / "docs" / "benchmarks.json"
    if not args.no_write:
        if figures["load"].get("loaded"):
            bulkload.record({**figures["load"], **bulkload.describe()})
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data_set = data.get("indicators", {}).get("data_set")  # how the kept database was loaded
        data["indicators"] = {**figures, "data_set": data_set} if data_set else figures
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks of the outbox's dispatcher (issue 13 §6, "Speed"): delivery rate, and transitions during a drain.

Run with ``make bench`` or ``python benchmarks/outbox.py [--events N] [--dossiers N] [--no-write]``.
Uses a fresh database (a temporary PostgreSQL database beside DATABASE_URL, dropped afterwards; or a
temporary SQLite file), then measures:

(a) events delivered per second to a no-op subscriber: ``--events`` (default 100,000) events over
    20,000 streams written at once, then drained (fan-out included) by one dispatcher process, then
    (PostgreSQL) a second backlog by two dispatcher processes at once — target ≥ 2,000 events/s;
(b) "a notification backlog of 100,000 events drains without blocking transitions": the p95 of dossier
    transitions (``benchmarks/dossiers.py``'s workload: reception → steps → processed → returned)
    without a drain (before and after, pooled) and while a dispatcher process drains a backlog of
    ``--events`` events for a subscriber that waits ``--notify-ms`` per event (an e-mail relay's
    round trip) and, second, for a no-op subscriber (the drain at full CPU speed); the ratio of each
    p95 to the quiet one — target ≤ 1.10. On a 2-core machine the no-op drain competes for the CPU
    with the transitions (two processes and two database backends on two cores): that ratio
    measures CPU sharing, not blocking; the lock waits seen by the transitions are counted apart
    (``pg_stat_activity`` sampled by the drainer: samples where the driving backend waited on a lock).

Figures go to docs/benchmarks.json under "outbox" with /proc/loadavg before and after each part.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_EVENTS_PER_S = 2000
TARGET_P95_RATIO = 1.10
STREAMS = 20_000


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [round(x, 2) for x in os.getloadavg()]


def _load_events(n: int, topic: str) -> None:
    """``n`` events over ``STREAMS`` streams, written in one statement (PostgreSQL) or in bulk."""
    from django.db import connection, transaction

    from cchc.outbox.models import OutboxEvent

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {OutboxEvent._meta.db_table} "
                    "(topic, schema_version, stream, payload, occurred_at, created_at, fanned_out) "
                    "SELECT %s, 1, 'bench:' || (g %% %s), jsonb_build_object('n', g), now(), now(), false "
                    "FROM generate_series(1, %s) g",
                    [topic, STREAMS, n],
                )
        else:
            from django.utils import timezone

            at = timezone.now()
            OutboxEvent.objects.bulk_create(
                (
                    OutboxEvent(topic=topic, stream=f"bench:{g % STREAMS}", payload={"n": g}, occurred_at=at)
                    for g in range(1, n + 1)
                ),
                batch_size=5000,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _clear() -> None:
    from django.db import connection

    from cchc.outbox.models import Delivery, DispatchMinute, OutboxEvent

    with connection.cursor() as cursor:
        for model in (Delivery, DispatchMinute, OutboxEvent):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table}" if connection.vendor == "sqlite" else f"TRUNCATE {table} CASCADE")


def _remaining() -> int:
    from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent

    return (
        OutboxEvent.objects.filter(fanned_out=False).count()
        + Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).count()
    )


def _register(noop_ms: float = 0.0) -> None:
    from cchc.outbox.registry import register

    if noop_ms > 0:
        pause = noop_ms / 1000

        @register("bench-notify", topics={"bench.notify"})
        def notify(event: Any) -> None:
            time.sleep(pause)

    register("bench-noop", topics={"bench.noop"})(lambda event: None)


def _drainer(batch: int, go: Any, stop: Any, results: Any, noop_ms: float, watch_pid: int) -> None:
    """A dispatcher process: rounds until the backlog is gone (``stop`` unset) or ``stop`` is set."""
    from django.db import connection, connections

    connections.close_all()
    _register(noop_ms)
    from cchc.outbox.dispatch import dispatch_once

    go.wait()
    started = time.time()
    delivered = 0
    lock_waits = samples = 0
    rounds = 0
    try:
        while not stop.is_set():
            result = dispatch_once(batch=batch)
            delivered += result.delivered
            rounds += 1
            if watch_pid and rounds % 5 == 0:  # is the transitions' backend waiting on a lock?
                with connection.cursor() as cursor:
                    cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [watch_pid])
                    row = cursor.fetchone()
                samples += 1
                lock_waits += bool(row and row[0] == "Lock")
            if not result.busy:
                if stop.is_set() or watch_pid == 0 and _remaining() == 0:
                    break
                time.sleep(0.05)
        results.put((started, time.time(), delivered, lock_waits, samples, ""))
    except Exception as exc:
        results.put((started, time.time(), delivered, lock_waits, samples, repr(exc)))
        raise
    finally:
        connections.close_all()


def _run_drainers(count: int, batch: int, *, noop_ms: float = 0.0, watch_pid: int = 0, during: Any = None) -> dict:
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    go, stop, results = context.Event(), context.Event(), context.Queue()
    processes = [
        context.Process(target=_drainer, args=(batch, go, stop, results, noop_ms, watch_pid)) for _ in range(count)
    ]
    for process in processes:
        process.start()
    time.sleep(1.0)  # the children have set Django up
    go.set()
    outcome = during() if during is not None else None
    if during is not None:
        stop.set()
    rows = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    errors = [row[5] for row in rows if row[5]]
    if errors:
        raise RuntimeError(f"drainer failed: {errors}")
    started, ended = min(r[0] for r in rows), max(r[1] for r in rows)
    return {
        "delivered": sum(r[2] for r in rows),
        "seconds": round(ended - started, 2),
        "lock_wait_samples": sum(r[3] for r in rows),
        "samples": sum(r[4] for r in rows),
        "during": outcome,
    }


def bench_rate(events: int, dispatchers: int, batch: int) -> dict[str, object]:
    """(a) ``events`` to the no-op subscriber, drained by ``dispatchers`` processes from the common start."""
    _clear()
    _load_events(events, "bench.noop")
    load = _loadavg()
    run = _run_drainers(dispatchers, batch)
    left = _remaining()
    return {
        "events": events,
        "streams": STREAMS,
        "dispatchers": dispatchers,
        "batch": batch,
        "seconds": run["seconds"],
        "events_per_s": round(run["delivered"] / run["seconds"]) if run["seconds"] else None,
        "undelivered_after": left,
        "loadavg_before": load,
        "loadavg_after": _loadavg(),
    }


def _transitions(setup: dict[str, Any], dossiers: int, moment: Any) -> tuple[list[float], Any]:
    from dossiers import _drive

    timings, moment = _drive(setup, dossiers, moment)
    return [t * 1000 for values in timings.values() for t in values], moment


def bench_transitions_during_drain(events: int, dossiers: int, batch: int, notify_ms: float) -> dict[str, object]:
    """(b) transitions' p95 quiet (before and after) and during a drain, for an I/O-like and a no-op subscriber."""
    from django.db import connection
    from dossiers import _percentile, _transition_setup

    _clear()
    setup = _transition_setup(0)
    _, moment = _transitions(setup, 1, setup["at"])  # warm
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = int(cursor.fetchone()[0])
    out: dict[str, object] = {"dossiers_per_run": dossiers, "events": events, "loadavg_before": _loadavg()}
    quiet: list[float] = []
    runs: dict[str, dict[str, object]] = {}

    def quiet_run() -> None:
        nonlocal moment
        values, moment = _transitions(setup, dossiers, moment + timedelta(days=1))
        quiet.extend(values)

    quiet_run()
    for label, topic, pause in (("notify_io", "bench.notify", notify_ms), ("noop_cpu", "bench.noop", 0.0)):
        _clear()
        _load_events(events, topic)

        def during() -> list[float]:
            nonlocal moment
            values, moment = _transitions(setup, dossiers, moment + timedelta(days=1))
            return values

        run = _run_drainers(1, batch, noop_ms=pause, watch_pid=backend, during=during)
        values = run["during"]
        runs[label] = {
            "subscriber_ms_per_event": pause,
            "p95_ms": round(_percentile(values, 0.95), 2),
            "median_ms": round(statistics.median(values), 2),
            "transitions": len(values),
            "drained_meanwhile": run["delivered"],
            "drain_events_per_s": round(run["delivered"] / run["seconds"]) if run["seconds"] else None,
            "lock_wait_samples": f"{run['lock_wait_samples']}/{run['samples']}",
        }
        quiet_run()
    _clear()
    quiet_p95 = _percentile(quiet, 0.95)
    out["quiet"] = {
        "p95_ms": round(quiet_p95, 2),
        "median_ms": round(statistics.median(quiet), 2),
        "transitions": len(quiet),
    }
    for row in runs.values():
        row["p95_ratio"] = round(float(row["p95_ms"]) / quiet_p95, 3)  # type: ignore[arg-type]
    out["during_drain"] = runs
    out["loadavg_after"] = _loadavg()
    return out


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--dossiers", type=int, default=100, help="dossiers per transitions run of (b)")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--notify-ms", type=float, default=1.0, help="the I/O-like subscriber's wait per event")
    parser.add_argument("--only", choices=["rate", "transitions"])
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from dossiers import VN, _fresh_database

    backend, drop = _fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    _register(args.notify_ms)
    figures: dict[str, object] = {}
    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "database": backend,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg_start": _loadavg(),
    }
    print(f"CCHC outbox benchmarks ({backend}, {meta['machine']}, {meta['date']}; load {meta['loadavg_start']})")
    try:
        call_command("migrate", verbosity=0)
        if args.only != "transitions":
            figures["rate_1"] = bench_rate(args.events, 1, args.batch)
            if backend == "PostgreSQL":
                figures["rate_2"] = bench_rate(args.events, 2, args.batch)
            for key in ("rate_1", "rate_2"):
                r = figures.get(key)
                if isinstance(r, dict):
                    rate = r["events_per_s"] or 0
                    print(
                        f"(a) {r['events']:,} events to a no-op subscriber, {r['dispatchers']} dispatcher(s), batch "
                        f"{r['batch']}: {r['seconds']} s, {rate:,} events/s (target ≥ {TARGET_EVENTS_PER_S:,}: "
                        f"{_met(rate >= TARGET_EVENTS_PER_S)}); undelivered after {r['undelivered_after']}; "
                        f"load {r['loadavg_before']} → {r['loadavg_after']}"
                    )
        if args.only != "rate":
            from cchc.catalogue.services import catalogue_import_demo
            from cchc.org.services import org_load_khanh_hoa

            org_load_khanh_hoa()
            catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=VN))
            t = bench_transitions_during_drain(args.events, args.dossiers, args.batch, args.notify_ms)
            figures["transitions_during_drain"] = t
            q = t["quiet"]
            print(
                f"(b) transitions ({t['dossiers_per_run']} dossiers per run): quiet p95 {q['p95_ms']} ms "
                f"(median {q['median_ms']} ms, {q['transitions']} transitions, before and after)"
            )
            for label, row in t["during_drain"].items():
                print(
                    f"      during a drain of {t['events']:,} events ({label}, {row['subscriber_ms_per_event']} ms per "
                    f"event; drained {row['drained_meanwhile']:,} meanwhile at {row['drain_events_per_s']:,}/s): "
                    f"p95 {row['p95_ms']} ms, ratio {row['p95_ratio']} (target ≤ {TARGET_P95_RATIO}: "
                    f"{_met(row['p95_ratio'] <= TARGET_P95_RATIO)}); lock waits seen {row['lock_wait_samples']}"
                )
            print(f"      load {t['loadavg_before']} → {t['loadavg_after']}")
    finally:
        if drop is not None:
            drop()  # type: ignore[operator]

    out = ROOT / "docs" / "benchmarks.json"
    if not args.no_write and not args.only and out.parent.exists():
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data.setdefault("outbox", {})[backend] = {**meta, **figures, "loadavg_end": _loadavg()}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

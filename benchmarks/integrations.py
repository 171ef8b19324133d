"""Benchmarks of the national portal sync (issue 14, "Speed and faults").

Run with ``make bench`` or ``python benchmarks/integrations.py [--transitions N] [--no-write]``
(PostgreSQL: DATABASE_URL; a fresh database beside it, dropped afterwards). It starts the shipped
simulator (``cchc simulator national``, storage in memory) and measures:

(a) sync throughput: ``--backlog`` dossiers taken through their lifecycle with no dispatcher running,
    then their events (one per transition) delivered to the simulator by the adapter
    (``integrations.dvcqg``, batched DongBoHoSoMC calls) in this process — target ≥ 500 events/s;
(b) the fault run: ``--transitions`` transitions (default 10,000) driven through the services while
    two ``cchc outbox dispatch`` processes deliver them; the simulator answers HTTP 500 to 10 % of
    the calls in the first and last thirds and is down (connections closed unanswered) in the middle
    third; one dispatcher is killed with SIGKILL twice during the run and restarted. After the
    simulator heals and the backlog drains: every event stored exactly once by the simulator (its
    duplicates, the redeliveries after the kills, are acknowledged and not stored again), none out of
    order per dossier, none lost, every dossier's status at the portal equal to ours, and
    ``cchc integrations reconcile`` reporting no difference.

The dispatchers of (b) retry quickly (backoff from 0.2 s, capped at 2 s, no dead letter) so that the
run measures delivery, not waiting; the defaults (2 s doubling to an hour, 8 attempts) are for
production. Figures go to docs/benchmarks.json under "integrations" with /proc/loadavg.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_EVENTS_PER_S = 500
SUBSCRIBER = "integrations.dvcqg"


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def _start_simulator(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc", "simulator", "national", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the simulator did not start: {line!r}")
    return process, line.strip().rsplit(" ", 1)[1]


def _sim(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    import urllib.request

    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read().decode("utf-8"))


def _counts() -> dict[str, int]:
    from django.db.models import Count

    from cchc.outbox.models import Delivery

    rows = Delivery.objects.filter(subscriber=SUBSCRIBER).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _unfanned() -> int:
    from cchc.outbox.models import OutboxEvent

    return OutboxEvent.objects.filter(fanned_out=False).count()


def _dossier_events() -> int:
    from cchc.outbox.models import OutboxEvent

    return OutboxEvent.objects.filter(topic__startswith="dossier.").count()


def bench_throughput(setup: dict[str, Any], dossiers: int, moment: datetime) -> tuple[dict[str, object], datetime]:
    """(a): the backlog's events delivered to the simulator by the adapter, in this process."""
    from dossiers import _drive

    from cchc.outbox.dispatch import outbox_drain

    outbox_drain()  # what the set-up left, so that (a) counts only its own events
    before = _counts().get("delivered", 0)
    timings, moment = _drive(setup, dossiers, moment)
    events = sum(len(v) for v in timings.values())
    load_before = _loadavg()
    started = time.perf_counter()
    outbox_drain(only=[SUBSCRIBER], batch=500)
    seconds = time.perf_counter() - started
    delivered = _counts().get("delivered", 0) - before
    return {
        "dossiers": dossiers,
        "events": events,
        "delivered": delivered,
        "seconds": round(seconds, 2),
        "events_per_s": round(delivered / seconds) if seconds else None,
        "batch": 500,
        "loadavg_before": load_before,
        "loadavg_after": _loadavg(),
    }, moment


def _dispatcher(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cchc", "outbox", "dispatch", "--idle-sleep", "0.05", "--batch", "200"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_faults(
    setup: dict[str, Any], transitions: int, moment: datetime, base: str, env: dict[str, str]
) -> dict[str, object]:
    """(b): the fault run (see the module)."""
    from django.core.management import call_command
    from dossiers import _drive

    per_dossier = 1 + (len(setup["version"].steps) - 1) + 2  # receive, the steps, processed, returned
    dossiers = max(3, transitions // per_dossier)
    chunk = max(1, dossiers // 30)
    events_before = _dossier_events()
    stored_before = int(_sim(base, "GET", "/_data/dossier_stats").get("events", 0))
    dispatch_env = {
        **env,
        "CCHC_OUTBOX_BACKOFF_BASE_S": "0.2",
        "CCHC_OUTBOX_BACKOFF_CAP_S": "2",
        "CCHC_OUTBOX_MAX_ATTEMPTS": "100000",
    }
    dispatchers = [_dispatcher(dispatch_env), _dispatcher(dispatch_env)]
    kills: list[float] = []
    kill_at = {dossiers // 4, (3 * dossiers) // 4}
    load_before = _loadavg()
    started = time.perf_counter()
    done = 0
    phase = ""
    try:
        while done < dossiers:
            third = "first" if done < dossiers / 3 else "middle" if done < 2 * dossiers / 3 else "last"
            if third != phase:
                phase = third
                if third == "middle":
                    _sim(base, "POST", "/_control", {"mode": "down", "rate": 1.0})
                else:
                    _sim(base, "POST", "/_control", {"mode": "error", "rate": 0.1, "seed": 7})
            step = min(chunk, dossiers - done)
            if any(done <= k < done + step for k in kill_at):
                victim = dispatchers[0]
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                kills.append(round(time.perf_counter() - started, 2))
                dispatchers[0] = _dispatcher(dispatch_env)
            _, moment = _drive(setup, step, moment)
            done += step
        driven_s = time.perf_counter() - started
        _sim(base, "POST", "/_control", {"mode": "ok"})
        healed_at = time.perf_counter()
        events = _dossier_events() - events_before
        deadline = time.time() + 600
        while time.time() < deadline:
            counts = _counts()
            if not counts.get("pending") and not _unfanned():
                break
            time.sleep(0.5)
        drained_s = time.perf_counter() - healed_at
    finally:
        for process in dispatchers:
            process.send_signal(signal.SIGTERM)
        for process in dispatchers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    counts = _counts()
    stats = _sim(base, "GET", "/_data/dossier_stats")
    portal = {row["MaHoSo"]: int(row["TrangThaiHoSo"]) for row in _sim(base, "GET", "/_data/dossiers")}
    from cchc.dossiers.constants import DossierStatus
    from cchc.dossiers.models import Dossier

    ours = {code: DossierStatus(status).sync_code for code, status in Dossier.objects.values_list("code", "status")}
    differ = sorted(code for code, status in ours.items() if portal.get(code) != status)
    out = io.StringIO()
    call_command("integrations", "reconcile", stdout=out)
    return {
        "transitions": events,
        "dossiers": dossiers,
        "driven_s": round(driven_s, 1),
        "transitions_per_s_during_faults": round(events / driven_s),
        "dispatchers": 2,
        "kills_at_s": kills,
        "drained_after_heal_s": round(drained_s, 1),
        "deliveries": counts,
        "simulator": stats,
        "stored": int(stats.get("events", 0)) - stored_before,
        "stored_once": int(stats.get("events", 0)) - stored_before == events,
        "lost": events - (int(stats.get("events", 0)) - stored_before),
        "status_differences": len(differ),
        "status_differences_sample": differ[:5],
        "reconcile_output": out.getvalue().strip()[-500:],
        "loadavg_before": load_before,
        "loadavg_after": _loadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=600, help="dossiers whose events (a) delivers")
    parser.add_argument("--transitions", type=int, default=10_000, help="transitions of the fault run (b)")
    parser.add_argument("--only", choices=["throughput", "faults"])
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from dossiers import VN, _fresh_database, _transition_setup

    backend, drop = _fresh_database()
    if backend != "PostgreSQL":
        print("benchmarks/integrations.py: PostgreSQL only (DATABASE_URL=postgres://…)")
        return 2
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "DJANGO_SETTINGS_MODULE": "cchc.config.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    simulator, base = _start_simulator(env)
    env["CCHC_NATIONAL_URL"] = os.environ["CCHC_NATIONAL_URL"] = base
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DEBUG", "LOG_LEVEL")})
    import django

    django.setup()
    from django.core.management import call_command

    from cchc.outbox.registry import subscriber

    assert subscriber(SUBSCRIBER) is not None, f"{SUBSCRIBER} is not registered with CCHC_NATIONAL_URL set"
    figures: dict[str, object] = {}
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg_start": _loadavg(),
    }
    print(f"CCHC national sync benchmarks ({backend}, {meta['machine']}, {meta['date']}; load {meta['loadavg_start']})")
    try:
        call_command("migrate", verbosity=0)
        from cchc.catalogue.services import catalogue_import_demo
        from cchc.org.services import org_load_khanh_hoa

        org_load_khanh_hoa()
        catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=VN))
        setup = _transition_setup(0)
        moment = setup["at"]
        if args.only != "faults":
            a, moment = bench_throughput(setup, args.backlog, moment)
            figures["throughput"] = a
            rate = a["events_per_s"] or 0
            print(
                f"(a) {a['delivered']:,} dossier events ({a['dossiers']} dossiers) delivered to the simulator in "
                f"{a['seconds']} s: {rate:,} events/s (target ≥ {TARGET_EVENTS_PER_S}: "
                f"{'met' if rate >= TARGET_EVENTS_PER_S else 'NOT met'}); load {a['loadavg_before']} → "
                f"{a['loadavg_after']}"
            )
        if args.only != "throughput":
            b = bench_faults(setup, args.transitions, moment + timedelta(days=1), base, env)
            figures["faults"] = b
            s = b["simulator"]
            print(
                f"(b) {b['transitions']:,} transitions ({b['dossiers']} dossiers) in {b['driven_s']} s "
                f"({b['transitions_per_s_during_faults']}/s) with 10 % HTTP 500, the middle third down, the "
                f"dispatcher killed (SIGKILL) at {b['kills_at_s']} s; drained {b['drained_after_heal_s']} s after "
                f"healing. Deliveries {b['deliveries']}; simulator {s}; every event stored once: {b['stored_once']}, "
                f"lost {b['lost']}; status differences "
                f"{b['status_differences']}; reconcile: {b['reconcile_output'].splitlines()[-1:]}"
            )
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
        if drop is not None:
            drop()  # type: ignore[operator]
    if not args.no_write and figures:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data.setdefault("integrations", {}).setdefault("runs", []).append(
            {**meta, **figures, "loadavg_end": _loadavg()}
        )
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

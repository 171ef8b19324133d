"""Benchmark of online payment (issue 15, "Figures"): IPN confirmations per second through the real view.

Run with ``python benchmarks/payments.py [--orders N] [--no-write]`` (DATABASE_URL → PostgreSQL for the
figure of record). Uses a fresh database (a temporary PostgreSQL database beside DATABASE_URL, dropped
afterwards; or a temporary SQLite file): the Khánh Hòa registry, the dossier tests' procedure with a
200,000-đồng fee, ``--orders`` dossiers received at the counter, one pending order each. Then, timed:
each order's signed success IPN (as the gateway sends it) through Django's full stack (URL routing,
middleware, ``payments.web.views.ipn``): signature check, the order and dossier locks, the payment
recorded through the dossier executor (its audit and outbox events), the IPN log row; one process,
with the CPU per IPN (client, and the PostgreSQL backend read from /proc: what a busy shared machine
inflates least). Then the same IPNs again (duplicates, answered 02, nothing changed), and other
orders' IPNs shared by ``--workers`` processes at once (a server's workers). Target ≥ 300
confirmations/s.

Figures go to docs/benchmarks.json under "payments" (per database) with the date, the machine and
/proc/loadavg before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_PER_S = 300


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [round(x, 2) for x in os.getloadavg()]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def _prepare(n: int, spare: int) -> tuple[list[str], list[int]]:
    """``n`` received dossiers with a pending order each: their signed success IPN query strings; and
    ``spare`` received dossiers without one (the baseline's)."""
    from django.conf import settings
    from django.utils import timezone

    from cchc.dossiers.tests.conftest import build_world, receive
    from cchc.payments import services
    from cchc.payments import vnpay_protocol as p

    world = build_world()
    config = settings.CCHC_PAYMENTS["vnpay"]
    now = timezone.now()
    queries = []
    for i in range(n):
        dossier = receive(world)
        order = services.order_start(dossier=dossier, client_ip="127.0.0.1", at=now - timedelta(seconds=n - i))
        params = {
            "vnp_Amount": str(int(order.amount) * 100),
            "vnp_BankCode": "NCB",
            "vnp_OrderInfo": order.order_info,
            "vnp_PayDate": p.format_time(now),
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": config["tmn_code"],
            "vnp_TransactionNo": str(14_000_000 + i),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": order.txn_ref,
        }
        queries.append(p.signed_query(params, config["hash_secret"]))
    return queries, [receive(world).pk for _ in range(spare)]


def _backend_cpu() -> Any:
    """CPU seconds of this connection's PostgreSQL backend (``benchmarks/dossiers.py``'s reader)."""
    from dossiers import _backend_cpu_reader

    return _backend_cpu_reader()


def _run(queries: list[str], expected: str) -> dict[str, Any]:
    """The IPNs one after the other through the test client (one process, one connection)."""
    from django.test import Client

    client = Client()
    client.get("/thanh-toan/vnpay/ipn/")  # warm: URLconf, middleware (a 97, logged; not counted)
    backend = _backend_cpu()
    timings: list[float] = []
    codes: dict[str, int] = {}
    before = _loadavg()
    cpu, db = time.process_time(), backend()
    start = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter()
        response = client.get("/thanh-toan/vnpay/ipn/?" + query)
        timings.append((time.perf_counter() - t0) * 1000)
        code = response.json()["RspCode"]
        codes[code] = codes.get(code, 0) + 1
    seconds = time.perf_counter() - start
    cpu, db = time.process_time() - cpu, backend() - db
    n = len(queries)
    return {
        "ipns": n,
        "expected_code": expected,
        "codes": codes,
        "seconds": round(seconds, 2),
        "per_s": round(n / seconds),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "cpu_ms_per_ipn": {"client": round(cpu / n * 1000, 3), "backend": round(db / n * 1000, 3) if db >= 0 else None},
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
    }


def _baseline(ids: list[int]) -> dict[str, Any]:
    """The same payment recorded by ``dossier_record_payment`` alone (the dossier executor, no HTTP, no
    order, no log) on other received dossiers (``ids``), measured in the same conditions: the IPN's
    overhead over the bare transition, a ratio a busy machine distorts less than the rates."""
    from decimal import Decimal

    from django.utils import timezone

    from cchc.dossiers import services as dossier_services
    from cchc.dossiers.constants import PaymentChannel
    from cchc.dossiers.models import Dossier

    dossiers = list(Dossier.objects.filter(pk__in=ids).order_by("id"))
    n = len(dossiers)
    backend = _backend_cpu()
    cpu, db = time.process_time(), backend()
    start = time.perf_counter()
    for i, dossier in enumerate(dossiers):
        dossier_services.dossier_record_payment(
            dossier=dossier,
            actor=None,
            at=timezone.now(),
            amount=Decimal(200000),
            channel=PaymentChannel.ONLINE_GATEWAY,
            receipt_number=f"BASE-{i}",
        )
    seconds = time.perf_counter() - start
    cpu, db = time.process_time() - cpu, backend() - db
    return {
        "payments": n,
        "seconds": round(seconds, 2),
        "per_s": round(n / seconds),
        "cpu_ms_per_payment": {
            "client": round(cpu / n * 1000, 3),
            "backend": round(db / n * 1000, 3) if db >= 0 else None,
        },
    }


def _worker(queries: list[str], go: Any, results: Any) -> None:
    from django.db import connections

    connections.close_all()
    go.wait()
    results.put(_run(queries, "00"))
    connections.close_all()


def _run_parallel(queries: list[str], workers: int) -> dict[str, Any]:
    """The IPNs shared by ``workers`` processes at once (a server's workers, the gateway sending in parallel)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    go, results = context.Event(), context.Queue()
    chunks = [queries[i::workers] for i in range(workers)]
    processes = [context.Process(target=_worker, args=(chunk, go, results)) for chunk in chunks]
    for process in processes:
        process.start()
    before = _loadavg()
    start = time.perf_counter()
    go.set()
    rows = [results.get(timeout=600) for _ in processes]
    seconds = time.perf_counter() - start
    for process in processes:
        process.join()
    codes: dict[str, int] = {}
    for row in rows:
        for code, count in row["codes"].items():
            codes[code] = codes.get(code, 0) + count
    return {
        "workers": workers,
        "ipns": len(queries),
        "codes": codes,
        "seconds": round(seconds, 2),
        "per_s": round(len(queries) / seconds),
        "per_worker_per_s": [row["per_s"] for row in rows],
        "median_ms": [row["median_ms"] for row in rows],
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="IPNs per run (the parallel run: workers × orders)")
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel run (1: none)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from dossiers import _fresh_database

    backend, drop = _fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "database": backend,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg_start": _loadavg(),
    }
    print(f"CCHC payment benchmark ({backend}, {meta['machine']}, {meta['date']}; load {meta['loadavg_start']})")
    figures: dict[str, Any] = {}
    try:
        call_command("migrate", verbosity=0)
        queries, spare = _prepare(args.orders * (1 + args.workers), args.orders)
        one, parallel = queries[: args.orders], queries[args.orders :]
        figures["confirm"] = _run(one, "00")
        figures["duplicates"] = _run(one, "02")
        if args.workers > 1:
            figures["confirm_parallel"] = _run_parallel(parallel, args.workers)
        figures["record_payment_baseline"] = _baseline(spare)
        from cchc.payments.models import PaymentOrder

        figures["payments_recorded"] = PaymentOrder.objects.filter(applied=True).count()
    finally:
        if drop is not None:
            drop()  # type: ignore[operator]
    for key in ("confirm", "duplicates"):
        r = figures[key]
        met = "met" if key != "confirm" or r["per_s"] >= TARGET_PER_S else "NOT met"
        print(
            f"{key}: {r['ipns']} IPNs in {r['seconds']} s = {r['per_s']}/s (median {r['median_ms']} ms, p95 "
            f"{r['p95_ms']} ms; CPU per IPN {r['cpu_ms_per_ipn']} ms), answers {r['codes']}"
            + (f"; target ≥ {TARGET_PER_S}/s: {met}" if key == "confirm" else "")
            + f"; load {r['loadavg_before']} → {r['loadavg_after']}"
        )
    if "confirm_parallel" in figures:
        r = figures["confirm_parallel"]
        met = "met" if r["per_s"] >= TARGET_PER_S else "NOT met"
        print(
            f"confirm, {r['workers']} processes: {r['ipns']} IPNs in {r['seconds']} s = {r['per_s']}/s "
            f"(per worker {r['per_worker_per_s']}), answers {r['codes']}; target ≥ {TARGET_PER_S}/s: {met}; "
            f"load {r['loadavg_before']} → {r['loadavg_after']}"
        )
    b = figures["record_payment_baseline"]
    c = figures["confirm"]
    ratio = round(c["seconds"] / c["ipns"] / (b["seconds"] / b["payments"]), 2)
    figures["ipn_to_bare_transition_ratio"] = ratio
    print(
        f"baseline: dossier_record_payment alone {b['per_s']}/s (CPU {b['cpu_ms_per_payment']} ms); "
        f"an IPN costs {ratio}× the bare transition's wall time"
    )
    print(f"payments recorded by IPN: {figures['payments_recorded']} (one per order)")
    out = ROOT / "docs" / "benchmarks.json"
    if not args.no_write and out.parent.exists():
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data.setdefault("payments", {})[backend] = {**meta, **figures, "loadavg_end": _loadavg()}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the public verification pages (issue 16, "Figures": verification page p95 ≤ 150 ms): the page a
stranger opens from the QR code of a signed result (``/xac-minh/<mã>/``) and of a signed receipt
(``/bien-lai/<mã>/``), whole — the request through every middleware, the stored file read back, its SHA-256, the
PAdES signature checked by pyHanko against the province root, the revocation state, the template rendered.

Run with ``python benchmarks/verification.py [--dossiers N] [--requests N] [--keep] [--no-write]`` and
``DATABASE_URL`` pointing at PostgreSQL. The data are the demo's, made as ``make setup`` makes them in a database
``<name>_verify_bench`` created for the run and dropped after (unless ``--keep``): the registry, the development
certificates (in a temporary CCHC_SIGNING_DIR), the catalogue, ``N`` simulated dossiers (their results signed
as the outbox signs them), then the outbox drained (the receipts signed). Timed: ``--requests`` GETs per page
kind, cycling over the signed documents, with Django's test client in this process (no network: the page's
own cost). Figures go to docs/benchmarks.json under "verification_pages" with the date, the machine and
/proc/loadavg before and after (unless ``--no-write``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scratch import in_scratch_database, loadavg, percentile

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=150, help="simulated dossiers (default 150)")
    parser.add_argument("--requests", type=int, default=300, help="page requests per kind (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="cchc-verify-bench-"))
    os.environ["CCHC_SIGNING_DIR"] = str(var / "signing")
    os.environ["CCHC_MEDIA_ROOT"] = str(var / "media")
    try:
        return in_scratch_database("verify_bench", lambda: _run(args), keep=args.keep)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _time_pages(client: object, paths: list[str], requests: int, must_show: str) -> dict[str, object]:
    from django.test import Client

    assert isinstance(client, Client)
    for path in paths[:3]:  # warm-up: templates, the root certificate, the validation context
        client.get(path)
    before = loadavg()
    times = []
    for i in range(requests):
        path = paths[i % len(paths)]
        t0 = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, response.status_code)
        assert must_show in response.content.decode(), path
    return {
        "documents": len(paths),
        "requests": requests,
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "target_p95_ms": TARGET_P95_MS,
    }


def _run(args: argparse.Namespace) -> int:
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.disable(logging.WARNING)
    from django.test import Client
    from django.urls import reverse

    from cchc.dossiers.constants import ResultStatus
    from cchc.dossiers.models import ResultDocument
    from cchc.outbox.dispatch import outbox_drain
    from cchc.receipts.models import Receipt

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("org", "load", verbosity=0)
    call_command("signing", "setup", verbosity=0)
    call_command("catalogue", "import", "--at", "2025-07-01T00:00+07:00", verbosity=0)
    call_command("demo_staff", verbosity=0)
    call_command("simulate", "--dossiers", str(args.dossiers), "--seed", "1", "--from", "2025-07-01", verbosity=0)
    outbox_drain()
    prepare_s = round(time.perf_counter() - started, 1)

    results = [
        reverse("results:verify", kwargs={"token": token})
        for token in ResultDocument.objects.filter(status=ResultStatus.SIGNED).values_list("token", flat=True)
    ]
    receipts = [
        reverse("receipts:verify", kwargs={"code": code})
        for code in Receipt.objects.exclude(signed_sha256="").values_list("code", flat=True)
    ]
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "dossiers": args.dossiers,
        "prepare_s": prepare_s,
    }
    print(
        f"CCHC verification pages ({meta['machine']}, {meta['date']}; {len(results)} signed results, "
        f"{len(receipts)} signed receipts; prepared in {prepare_s} s)"
    )
    if not results or not receipts:
        print("no signed result or receipt in the simulated data", file=sys.stderr)
        return 1
    client = Client()
    figures = {
        "result": _time_pages(client, results, args.requests, 'data-signature="valid"'),
        "receipt": _time_pages(client, receipts, args.requests, 'data-signature="valid"'),
    }
    for kind, f in figures.items():
        print(
            f"  {kind}: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, max {f['max_ms']} ms over {f['requests']} "
            f"requests (target p95 ≤ {TARGET_P95_MS} ms); load {f['loadavg_before']} → {f['loadavg_after']}"
        )
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data["verification_pages"] = {**meta, **figures}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

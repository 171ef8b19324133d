"""Benchmark of the citizen's sign-in (issue 15, "Figures"): the login round trip through the development
identity provider, target under 300 ms of server time.

Run with ``python benchmarks/identity.py [--logins N] [--no-write]`` (DATABASE_URL → PostgreSQL for the
figure of record; a fresh database beside it, dropped afterwards). The shipped provider runs as its own
process (``cchc identity dev-provider``, as ``make run`` starts it); the platform is driven in this
process through Django's full stack (test client). Each sign-in is the whole redirect chain a browser
follows, every step timed:

1. the platform's sign-in request (``/dich-vu-cong/dinh-danh/dang-nhap/``: state, nonce, PKCE, the
   redirect to the provider);
2. at the provider over HTTP: the authorization request, its login page, the password posted, the
   authorization answered with the redirect back (code and state);
3. the platform's callback: state checked, the code exchanged at the provider's token endpoint (a
   server-to-server call, inside this step), the ID token's signature checked against the provider's
   keys, the claims mapped, the citizen's session opened.

"Server time" is the sum of the three steps' wall times: everything but a browser's rendering and
its network (both servers are on 127.0.0.1, so the loopback's share is in it: an upper bound). The
first sign-in (keys fetched, caches warmed) is not counted. Figures go to docs/benchmarks.json under
"identity" with the date, the machine and /proc/loadavg before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_MS = 300

from payments import _loadavg, _percentile  # noqa: E402 (the benchmarks' shared helpers)


def _one(client: Any, username: str) -> dict[str, float]:
    from cchc.identity.constants import SESSION_KEY
    from cchc.identity.tests.conftest import CALLBACK, provider_login

    t0 = time.perf_counter()
    start = client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    t1 = time.perf_counter()
    assert start.status_code == 302, start.status_code
    back = provider_login(start["Location"], username)
    t2 = time.perf_counter()
    parts = urlsplit(back)
    assert parts.path == CALLBACK, back
    done = client.get(parts.path + "?" + parts.query)
    t3 = time.perf_counter()
    assert done.status_code == 302, done.status_code
    assert "/xac-thuc/" not in done["Location"], done["Location"]
    assert client.session.get(SESSION_KEY), "the citizen is not signed in"
    return {"platform_start": t1 - t0, "provider": t2 - t1, "platform_callback": t3 - t2, "total": t3 - t0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=100, help="sign-ins timed (after one not counted)")
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
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from cchc.identity.provider.citizens import ACCOUNTS
    from cchc.identity.tests.conftest import point_at, start_provider

    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "database": backend,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg_start": _loadavg(),
    }
    print(f"CCHC sign-in benchmark ({backend}, {meta['machine']}, {meta['date']}; load {meta['loadavg_start']})")
    process = None
    try:
        call_command("migrate", verbosity=0)
        process, issuer = start_provider(Path(tempfile.mkdtemp(prefix="cchc-bench-idp-")))
        point_at(settings, issuer)
        users = sorted(ACCOUNTS)
        _one(Client(HTTP_HOST="127.0.0.1"), users[0])  # warm: the provider's keys, URLconf, templates
        before = _loadavg()
        rows = [_one(Client(HTTP_HOST="127.0.0.1"), users[i % len(users)]) for i in range(args.logins)]
        after = _loadavg()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if drop is not None:
            drop()  # type: ignore[operator]

    def ms(key: str) -> dict[str, float]:
        values = [row[key] * 1000 for row in rows]
        return {
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
        }

    figures = {
        "logins": len(rows),
        "server_time": ms("total"),
        "steps": {key: ms(key) for key in ("platform_start", "provider", "platform_callback")},
        "target_ms": TARGET_MS,
        "loadavg_before": before,
        "loadavg_after": after,
    }
    total = figures["server_time"]
    met = "met" if total["p95_ms"] < TARGET_MS else "NOT met"
    print(
        f"{len(rows)} sign-ins: server time median {total['median_ms']} ms, p95 {total['p95_ms']} ms, "
        f"max {total['max_ms']} ms; target < {TARGET_MS} ms (p95): {met}; load {before} → {after}"
    )
    for key, step in figures["steps"].items():
        print(f"  {key}: median {step['median_ms']} ms, p95 {step['p95_ms']} ms")
    out = ROOT / "docs" / "benchmarks.json"
    if not args.no_write and out.parent.exists():
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data.setdefault("identity", {})[backend] = {**meta, **figures, "loadavg_end": _loadavg()}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

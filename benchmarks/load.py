"""The load test (issue 17 item 4) and the process-kill faults (item 5): gunicorn with the production settings
against 1,000,000 dossiers in PostgreSQL, driven by locust (``benchmarks/locustfile.py``) on this machine.

Run (``DATABASE_URL`` names the PostgreSQL admin database; the data set lives in the kept database
``--keep-db``, default ``cchc_bench_load``, made by ``benchmarks/bulkload.py`` when missing or short)::

    python benchmarks/load.py --duration 600 --users 180 --spawn-rate 10 --record  # the 10-minute run
    python benchmarks/load.py --duration 60 --users 30                            # a short calibration
    python benchmarks/load.py --find-max --step-users 20 --step-duration 60       # the highest rate at p95 ≤ 250 ms
    python benchmarks/load.py --duration 120 --users 30 --faults                  # kill -9 during the load

What it does:

1. the data set: ``bulkload.load`` (reused when the database holds it), the indicator rollups when empty;
2. the load's accounts (reception officers of the desk with the most online procedures, a manager; one
   password) and its parameters (look-ups: real dossier codes with their phone numbers; the desk's
   dossiers; the online procedures with their mandatory components) in a JSON file for locust;
3. the stack as systemd would run it (docs/deploy.md): gunicorn (``cchc.config.gunicorn``, ``--workers``,
   default 2 × cores + 1), the outbox dispatcher and the task worker (``cchc db_worker``), each a process of
   its own, with the production settings (``cchc.config.production``), Redis as the cache, uploads in a
   temporary media root, plain HTTP on a free port of 127.0.0.1 (the environment file
   ``var/bench-load.env`` keeps the audit key between runs);
4. locust headless for ``--duration`` seconds (``--users``, ``--spawn-rate``), its CSV statistics, the
   server's memory (RSS of gunicorn's master and workers, sampled every 2 s);
5. ``--faults``: kill -9 one gunicorn worker at a third of the run and the task worker at half of it (the
   task worker is started again 2 s later, as systemd's ``Restart=always`` does; gunicorn's master replaces
   its worker itself);
6. afterwards, for every acknowledged submission (the 302 to its confirmation page, recorded by the load
   client): the dossier is stored, each component's file is in storage with its size and SHA-256, its
   audit event exists; the audit chain verifies from the head taken before the run (``cchc audit verify
   --anchor``, in a process with the production settings); the outbox backlog drains to zero;
7. a table per endpoint (requests, failures, p50/p95/p99, rate) and, with ``--record``, the figures in
   docs/benchmarks.json under "load" (``--find-max``: "load_max"; ``--faults``: "faults").

Every process it starts is stopped at the end (also on Ctrl-C). PostgreSQL only. Traffic: 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bulkload  # noqa: E402

TARGET_RPS = 200
TARGET_P95_MS = 250
PASSWORD = "tai-thu-" + "x" * 4 + "-2026"  # the load's accounts only (a throwaway database)
WORDS = ["khai sinh", "ly lich tu phap", "dat dai", "kinh doanh", "chung thuc", "ho tich", "xay dung", "giay phep"]
ENV_FILE = ROOT / "var" / "bench-load.env"
LOOKUPS = 2000
AGENCY_DOSSIERS = 2000


def _say(message: str) -> None:
    bulkload._say(message)


def _loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the data set and the load's parameters -------------------------------------------------------------


def prepare(*, dossiers: int, base: int, seed: int) -> dict[str, Any]:
    """The data set (bulkload), the rollups, the accounts, the locust parameters (returned)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cchc.accounts.constants import Area, Role
    from cchc.accounts.models import AgencyMembership
    from cchc.accounts.services import membership_grant
    from cchc.catalogue.constants import ServiceType
    from cchc.catalogue.models import Procedure
    from cchc.catalogue.selectors import procedure_version_current
    from cchc.dossiers.models import Dossier
    from cchc.dossiers.portal.views import _application_form
    from cchc.org.models import Agency

    figures = bulkload.load(dossiers=dossiers, base=base, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('indicators_dossierfact') IS NOT NULL")
        has_facts = cursor.fetchone()[0]
        empty = True
        if has_facts:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM indicators_dossierfact)")
            empty = not cursor.fetchone()[0]
    if empty:
        _say("indicator rollups: cchc indicators rebuild …")
        t = time.perf_counter()
        call_command("indicators", "rebuild")
        _say(f"indicator rollups rebuilt in {time.perf_counter() - t:.0f} s")

    now = timezone.now()
    today = timezone.localdate(now)
    offers: dict[int, list[dict[str, Any]]] = {}
    codes: list[str] = []
    for procedure in Procedure.objects.order_by("code"):
        try:
            version = procedure_version_current(procedure=procedure, at=now)
        except Exception:  # noqa: BLE001 (not in force today: not offered)
            continue
        codes.append(procedure.code)
        if version.service_type == ServiceType.IN_PERSON:
            continue
        form, _ = _application_form(version)
        if any(name in form.fields and form.fields[name].required for name in ("commune", "competent_agency")):
            continue
        field = form.fields.get("receiving_agency")
        if field is None:
            continue
        documents = [n for n, f in form.fields.items() if n.startswith("doc_") and f.required]
        for value, _label in field.choices:
            if value:
                offers.setdefault(int(str(value)), []).append({"procedure": procedure.code, "documents": documents})
    if not offers:
        raise SystemExit("load: no procedure can be filed online in this database")
    desk_id = max(offers, key=lambda k: len(offers[k]))
    desk = Agency.objects.get(pk=desk_id)
    users = get_user_model()
    officers = []
    for n in range(1, 7):
        username = f"tai-tiep-nhan-{n}"
        user, _ = users.objects.get_or_create(username=username, defaults={"first_name": f"Cán bộ tải {n}"})
        user.set_password(PASSWORD)
        user.save()
        if (
            not AgencyMembership.objects.valid_on(today)
            .filter(user=user, agency=desk, area=Area.ONE_STOP, role=Role.RECEPTION)
            .exists()
        ):
            membership_grant(
                user=user, agency=desk, role=Role.RECEPTION, area=Area.ONE_STOP, valid_from=today, actor=None, at=now
            )
        officers.append(username)
    manager, _ = users.objects.get_or_create(username="tai-quan-ly", defaults={"first_name": "Quản lý tải"})
    manager.set_password(PASSWORD)
    manager.is_staff = True
    manager.save()

    sample = (
        Dossier.objects.exclude(code="")
        .exclude(applicant_phone="")
        .order_by("?")
        .values_list("code", "applicant_phone")[:LOOKUPS]
    )
    desk_codes = list(
        Dossier.objects.filter(receiving_agency=desk)
        .exclude(code="")
        .order_by("-id")
        .values_list("code", flat=True)[:AGENCY_DOSSIERS]
    )
    agencies = list(
        Agency.objects.filter(pk__in=Dossier.objects.values("competent_agency_id").distinct()[:200])
        .exclude(code="")
        .values_list("code", flat=True)[:50]
    )
    return {
        "data_set": figures,
        "desk": {"id": desk.pk, "name": desk.name},
        "params": {
            "password": PASSWORD,
            "officers": officers,
            "manager": manager.username,
            "words": WORDS,
            "procedures": codes,
            "apply": [{"agency": desk.pk, **offer} for offer in offers[desk_id]],
            "lookups": [list(x) for x in sample],
            "agency_dossiers": desk_codes,
            "agencies": agencies,
        },
    }


# --- the stack --------------------------------------------------------------------------------------------


def stack_env(database_url: str, port: int, workers: int, media: Path, var: Path) -> dict[str, str]:
    ENV_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not ENV_FILE.exists():
        fd = os.open(ENV_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"SECRET_KEY={secrets.token_urlsafe(64)}\nCCHC_AUDIT_KEYS=bench:{secrets.token_urlsafe(64)}\n")
    kept = dict(line.split("=", 1) for line in ENV_FILE.read_text().split() if "=" in line)
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cchc.config.production",
            "DEBUG": "0",
            "SECRET_KEY": kept["SECRET_KEY"],
            # the load's events under the bench key; the data set's own (development key) stay listed to verify
            "CCHC_AUDIT_KEYS": kept["CCHC_AUDIT_KEYS"],
            "DATABASE_URL": database_url,
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CCHC_VAR_DIR": str(var),
            "CCHC_MEDIA_ROOT": str(media),
            "CCHC_STORAGE_URL": "",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CCHC_SITE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_MAX_REQUESTS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return env


class Stack:
    """gunicorn, the outbox dispatcher and the task worker as separate processes (see the module)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        py = sys.executable
        self.argv = {
            "web": [py, "-m", "gunicorn", "-c", "python:cchc.config.gunicorn", "cchc.config.wsgi"],
            "outbox": [py, "-m", "cchc", "outbox", "dispatch"],
            "tasks": [py, "-m", "cchc", "db_worker"],
        }

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            self.argv[name], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_all(self, port: int) -> None:
        for name in self.argv:
            self.start(name)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if self.procs["web"].poll() is not None:
                    raise SystemExit(f"gunicorn ended: see {self.logs / 'web.log'}") from None
                time.sleep(0.5)

    def web_pids(self) -> list[int]:
        master = self.procs["web"].pid
        return [master, *children(master)]

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for p in self.procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` (``/proc/PID/stat`` fields 14-15), or None when it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


# --- one locust run ---------------------------------------------------------------------------------------


def run_locust(
    *, port: int, users: int, spawn_rate: float, duration: int, work: Path, stack: Stack, faults: bool
) -> dict[str, Any]:
    prefix = work / f"locust-{users}"
    env = {**os.environ, "CCHC_LOAD_PARAMS": str(work / "params.json"), "CCHC_LOAD_ACKS": str(work / "acks.jsonl")}
    env["CCHC_LOAD_PDF"] = str(work / "upload.pdf")
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{duration}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    log = (work / "locust.log").open("ab")
    started = time.monotonic()
    loc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    samples: list[float] = []
    cpu_first: dict[int, float] = {}
    cpu_last: dict[int, float] = {}
    events: list[dict[str, Any]] = []
    killed_web = killed_tasks = False
    try:
        while loc.poll() is None:
            elapsed = time.monotonic() - started
            pids = stack.web_pids()
            samples.append(rss_mib(pids))
            for pid in pids:
                used = cpu_seconds(pid)
                if used is not None:
                    cpu_first.setdefault(pid, used)
                    cpu_last[pid] = used
            if faults and not killed_web and elapsed > duration / 3:
                workers = children(stack.procs["web"].pid)
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    events.append({"at_s": round(elapsed, 1), "killed": "gunicorn worker", "pid": workers[0]})
                killed_web = True
            if faults and not killed_tasks and elapsed > duration / 2:
                pid = stack.procs["tasks"].pid
                os.killpg(pid, signal.SIGKILL)
                stack.procs["tasks"].wait()
                events.append({"at_s": round(elapsed, 1), "killed": "task worker (cchc db_worker)", "pid": pid})
                time.sleep(2)
                stack.start("tasks")  # systemd's Restart=always
                killed_tasks = True
            time.sleep(2)
    except BaseException:
        os.killpg(loc.pid, signal.SIGTERM)
        loc.wait()
        raise
    rows = list(csv.DictReader((Path(f"{prefix}_stats.csv")).open(encoding="utf-8")))
    endpoints = {}
    total: dict[str, Any] = {}
    for row in rows:
        entry = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "p99_ms": float(row["99%"] or 0),
            "rps": round(float(row["Requests/s"]), 1),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            endpoints[f"{row['Type']} {row['Name']}"] = entry
    failures_csv = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_csv.open(encoding="utf-8"))) if failures_csv.exists() else []
    cpu_s = sum(cpu_last[pid] - cpu_first[pid] for pid in cpu_last)
    return {
        "users": users,
        # the application's own CPU (gunicorn master + workers; not PostgreSQL's) per request: what bounds the
        # rate on a given number of cores
        "server_cpu_ms_per_request": round(cpu_s * 1000 / total["requests"], 1) if total.get("requests") else None,
        "spawn_rate": spawn_rate,
        "duration_s": duration,
        "total": total,
        "endpoints": endpoints,
        "failures": [{k: r[k] for k in ("Method", "Name", "Error", "Occurrences")} for r in failures][:20],
        "server_rss_mib": {
            "max": round(max(samples), 1) if samples else 0,
            "mean": round(sum(samples) / len(samples), 1) if samples else 0,
            "processes": len(stack.web_pids()),
        },
        "faults": events,
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{'endpoint':46} {'requests':>9} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")  # noqa: T201
    for name, e in sorted(result["endpoints"].items()):
        print(  # noqa: T201
            f"{name[:46]:46} {e['requests']:9d} {e['failures']:5d} {e['p50_ms']:6.0f} {e['p95_ms']:6.0f} "
            f"{e['p99_ms']:6.0f} {e['rps']:7.1f}"
        )
    t = result["total"]
    print(  # noqa: T201
        f"{'TOTAL':46} {t['requests']:9d} {t['failures']:5d} {t['p50_ms']:6.0f} {t['p95_ms']:6.0f} "
        f"{t['p99_ms']:6.0f} {t['rps']:7.1f}\n"
        f"users {result['users']}, {result['duration_s']} s; server RSS (gunicorn master + workers): "
        f"max {result['server_rss_mib']['max']} MiB, mean {result['server_rss_mib']['mean']} MiB; "
        f"gunicorn CPU per request {result['server_cpu_ms_per_request']} ms"
    )
    for event in result["faults"]:
        print(f"fault at {event['at_s']} s: kill -9 {event['killed']} (pid {event['pid']})")  # noqa: T201


# --- the checks afterwards --------------------------------------------------------------------------------


def chain_head() -> str:
    from cchc.audit.models import AuditEvent

    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return f"{head[0]}:{head[1]}" if head else ""


def backlog() -> int:
    """Events not fanned out yet plus deliveries pending or dead (cchc.outbox.selectors.outbox_status)."""
    from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent

    waiting = OutboxEvent.objects.filter(fanned_out=False).count()
    return waiting + Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD]).count()


def check_acknowledged(acks: Path, media: Path, env: dict[str, str], anchor: str, drain_s: int) -> dict[str, Any]:
    """Every acknowledged submission stored with its files and audit event; the chain; the outbox."""
    from django.contrib.contenttypes.models import ContentType

    from cchc.audit.models import AuditEvent
    from cchc.dossiers.models import Dossier, DossierDocument

    entries = [json.loads(line) for line in acks.read_text().splitlines()] if acks.exists() else []
    pks = [e["pk"] for e in entries]
    stored = set(Dossier.objects.filter(pk__in=pks).values_list("pk", flat=True))
    missing_files = 0
    documents = 0
    for doc in DossierDocument.objects.filter(dossier_id__in=pks).exclude(file=""):
        documents += 1
        path = media / doc.file.name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != doc.sha256:
            missing_files += 1
    dossier_type = ContentType.objects.get_for_model(Dossier)
    audited = set(
        int(x)
        for x in AuditEvent.objects.filter(target_type=dossier_type, target_id__in=[str(p) for p in pks])
        .values_list("target_id", flat=True)
        .distinct()
    )
    verify = subprocess.run(
        [sys.executable, "-m", "cchc", "audit", "verify", *(["--anchor", anchor] if anchor else [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    deadline = time.monotonic() + drain_s
    pending = backlog()
    while pending and time.monotonic() < deadline:
        time.sleep(2)
        pending = backlog()
    return {
        "acknowledged": len(pks),
        "stored": len(stored),
        "documents": documents,
        "files_missing_or_wrong": missing_files,
        "with_audit_event": len(audited),
        "audit_verify_ok": verify.returncode == 0,
        "audit_verify_output": verify.stdout.strip()[-300:],
        "outbox_pending_after_drain": pending,
    }


# --- main ---------------------------------------------------------------------------------------------------


def record(key: str, figures: dict[str, Any]) -> None:
    out = ROOT / "docs" / "benchmarks.json"
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data[key] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        **figures,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", default="cchc_bench_load", metavar="NAME")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=150_000, help="dossiers simulated before replication")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    parser.add_argument("--users", type=int, default=180, help="locust users (default 180: ≈ 200 req/s, see docs)")
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--find-max", action="store_true", help="step the users until p95 > 250 ms or errors")
    parser.add_argument("--step-users", type=int, default=20)
    parser.add_argument("--step-duration", type=int, default=60)
    parser.add_argument("--max-users", type=int, default=400)
    parser.add_argument("--faults", action="store_true", help="kill -9 a web worker and the task worker")
    parser.add_argument("--drain", type=int, default=120, help="seconds allowed for the outbox to drain")
    parser.add_argument("--record", action="store_true", help="write the figures to docs/benchmarks.json")
    args = parser.parse_args()

    bulkload.database(args.keep_db)
    database_url = os.environ["DATABASE_URL"]
    bulkload.django_setup()
    loadavg_before = _loadavg()
    t = time.perf_counter()
    prepared = prepare(dossiers=args.dossiers, base=args.base, seed=args.seed)
    prepare_s = time.perf_counter() - t
    from cchc.common.tests.files import pdf_bytes
    from cchc.dossiers.models import Dossier

    work = Path(tempfile.mkdtemp(prefix="cchc-load-"))
    media = work / "media"
    media.mkdir()
    (work / "params.json").write_text(json.dumps(prepared["params"], ensure_ascii=False), encoding="utf-8")
    (work / "upload.pdf").write_bytes(pdf_bytes() + b"%" + b"0" * 150_000 + b"\n%%EOF\n")  # ~150 KB
    port = free_port()
    # a kept var directory: collectstatic (hashed, compressed copies) is done once, not on every run
    env = stack_env(database_url, port, args.workers, media, ROOT / "var" / "bench-load")
    stored = Dossier.objects.count()
    _say(f"{stored:,} dossiers; desk {prepared['desk']['name']}; work dir {work}; port {port}")
    manifest = ROOT / "var" / "bench-load" / "static" / "staticfiles.json"
    sources = max((p.stat().st_mtime for p in (ROOT / "src" / "cchc").rglob("static/**/*") if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < sources:  # compressing every asset takes minutes
        subprocess.run(
            [sys.executable, "-m", "cchc", "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True
        )
    anchor = chain_head()
    stack = Stack(env, work)
    results: list[dict[str, Any]] = []
    try:
        stack.start_all(port)
        _say(f"gunicorn ({args.workers} workers), outbox dispatcher, task worker: started")
        if args.find_max:
            users = args.step_users
            while users <= args.max_users:
                _say(f"step: {users} users, {args.step_duration} s")
                result = run_locust(
                    port=port, users=users, spawn_rate=max(args.spawn_rate, users / 10), duration=args.step_duration,
                    work=work, stack=stack, faults=False,
                )  # fmt: skip
                print_table(result)
                results.append(result)
                if result["total"]["p95_ms"] > TARGET_P95_MS or result["total"]["failures"]:
                    break
                users += args.step_users
        else:
            _say(f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.duration} s")
            result = run_locust(
                port=port, users=args.users, spawn_rate=args.spawn_rate, duration=args.duration, work=work,
                stack=stack, faults=args.faults,
            )  # fmt: skip
            print_table(result)
            results.append(result)
        checks = check_acknowledged(work / "acks.jsonl", media, env, anchor, args.drain)
    finally:
        stack.stop()
        _say("stack stopped")
    print(json.dumps(checks, ensure_ascii=False, indent=2))  # noqa: T201
    good = [r for r in results if r["total"]["p95_ms"] <= TARGET_P95_MS and not r["total"]["failures"]]
    best = max(good, key=lambda r: r["total"]["rps"]) if good else None
    figures: dict[str, Any] = {
        "dossiers": stored,
        "database": args.keep_db,
        "gunicorn_workers": args.workers,
        "prepare_s": round(prepare_s, 1),
        "target": {"rps": TARGET_RPS, "p95_ms": TARGET_P95_MS, "duration_s": 600, "errors": 0},
        "runs": results,
        "highest_rps_within_p95": best["total"]["rps"] if best else None,
        "checks": checks,
        "loadavg_before": loadavg_before,
        "loadavg_after": _loadavg(),
        "note": "load generator (locust) on the same 2-core machine",
    }
    if best:
        print(f"highest rate with p95 ≤ {TARGET_P95_MS} ms and no error: {best['total']['rps']} req/s")  # noqa: T201
    if args.record:
        record("load_faults" if args.faults else ("load_max" if args.find_max else "load"), figures)
    ok = (
        checks["stored"] == checks["acknowledged"]
        and checks["files_missing_or_wrong"] == 0
        and checks["with_audit_event"] == checks["acknowledged"]
        and checks["audit_verify_ok"]
        and checks["outbox_pending_after_drain"] == 0
    )
    if not args.faults and not args.find_max:
        ok = ok and results[-1]["total"]["failures"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Where a request's CPU goes (issue 17 item 4): the load test's requests replayed in-process, each timed in
process CPU time, with cProfile on demand.

The load test (``benchmarks/load.py``) reports the CPU the gunicorn workers spend per request over its
whole mix; on 2 cores that bounds the rate (200 req/s needs < 10 ms per request, PostgreSQL's own CPU
aside). This benchmark finds where that CPU goes, one endpoint at a time, without the load generator and
gunicorn in the way:

1. the data set (``bulkload.load``, e.g. 100,000 dossiers; reused when the database holds it) and the load's
   accounts and parameters (``load.prepare``: officers of the busiest desk, a manager, look-ups, the desk's
   dossiers, the online procedures);
2. the production settings as ``load.py`` gives them to gunicorn (``load.stack_env``: ``cchc.config.production``,
   DEBUG off, Redis as the cache and the sessions' fast copy, JSON logs at WARNING, whitenoise with the
   hashed static files of a kept ``var/bench-load``), the WSGI application of ``cchc.config.wsgi``;
3. each endpoint of the locustfile's mix, called through the WSGI application as gunicorn calls it (an
   environ, the cookies the previous answers set, the CSRF token of the page before, the response body
   read to its end): ``--runs`` times after two warm-up calls, each call timed with
   ``time.process_time()`` (this process's CPU: PostgreSQL's and Redis's are not in it) and
   ``time.perf_counter()`` (every procedure page is called once before: a long run's steady state, each
   worker having read every version in force once); the median per endpoint, and the mix's mean: the
   endpoints weighted as the locustfile's users and tasks call them (16 citizens, 3 officers, 1 manager;
   the tasks' weights; the login of a user's start left out: once per user);
4. ``--profile N``: each endpoint's calls again under cProfile, its N costliest functions by cumulative
   time (written to ``--profile-dir``, one text file per endpoint, and the first lines printed).

Run (``DATABASE_URL`` names the PostgreSQL admin database)::

    python benchmarks/request_cpu.py --keep-db cchc_bench_request_cpu --dossiers 100000 --base 20000 \
        --runs 30 --label after --record          # figures in docs/benchmarks.json "request_cpu"
    python benchmarks/request_cpu.py --runs 10 --profile 40 --profile-dir /tmp/profiles

``--drop`` drops the data set's database at the end. The figures are CPU time, so they hold on a loaded
machine better than wall times; the load average is recorded with them. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bulkload  # noqa: E402
import load  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WARMUP = 2

# The locustfile's mix (benchmarks/locustfile.py): user classes' weights, and per class each task's weight
# and the endpoints one run of the task calls (the login of a user's start is left out: once per user).
MIX: dict[str, tuple[int, dict[str, tuple[int, list[str]]]]] = {
    "citizen": (
        16,
        {
            "search": (30, ["citizen: search"]),
            "procedure": (30, ["citizen: procedure page"]),
            "lookup": (20, ["citizen: lookup form", "citizen: lookup", "citizen: status page"]),
            "submit": (3, ["citizen: apply form", "citizen: submit online", "citizen: confirmation"]),
        },
    ),
    "officer": (
        3,
        {
            "queue": (10, ["officer: queue"]),
            "dossier": (10, ["officer: dossier page"]),
            "receive": (
                3,
                ["officer: queue (cho-tiep-nhan)", "officer: online dossier page", "officer: receive (transition)"],
            ),
        },
    ),
    "manager": (
        1,
        {
            "overview": (5, ["manager: dashboard province"]),
            "agency": (3, ["manager: dashboard agency"]),
            "drill_down": (2, ["manager: drill-down"]),
            "export": (1, ["manager: export CSV"]),
        },
    ),
}


def mix_weights() -> dict[str, float]:
    """Each endpoint's share of the mix's requests (users of a class run their tasks at the same pace)."""
    total_users = sum(w for w, _ in MIX.values())
    calls: dict[str, float] = {}
    for users, tasks in MIX.values():
        task_total = sum(w for w, _ in tasks.values())
        for weight, endpoints in tasks.values():
            for name in endpoints:
                calls[name] = calls.get(name, 0.0) + users / total_users * weight / task_total
    whole = sum(calls.values())
    return {name: n / whole for name, n in calls.items()}


# --- a WSGI client: the environ gunicorn builds, the cookies a browser keeps ---------------------------------


class Answer:
    def __init__(
        self, status: int, headers: list[tuple[str, str]], body: bytes, cpu_s: float, wall_s: float, queries: int
    ) -> None:
        self.queries = queries
        self.status = status
        self.headers = headers
        self.body = body
        self.cpu_s = cpu_s
        self.wall_s = wall_s

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def csrf(self) -> str:
        found = CSRF.search(self.text)
        return found.group(1) if found else ""


class WsgiClient:
    """Calls the WSGI application in this process, keeping cookies like the load test's client."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        data: dict[str, Any] | None = None,
        multipart: bool = False,
    ) -> Answer:
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        url = urlparse(path)
        query = url.query or (urlencode(params) if params else "")
        body = b""
        content_type = ""
        if data is not None:
            if multipart:
                body = encode_multipart(BOUNDARY, data)
                content_type = MULTIPART_CONTENT
            else:
                body = urlencode(data).encode()
                content_type = "application/x-www-form-urlencoded"
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": url.path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_USER_AGENT": "cchc-request-cpu",
            "HTTP_ACCEPT": "text/html,*/*",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started["status"] = int(status.split()[0])
            started["headers"] = headers

        from django.db import connection

        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        cpu = time.process_time()
        wall = time.perf_counter()
        with connection.execute_wrapper(count):
            result = self.application(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        cpu_s = time.process_time() - cpu
        wall_s = time.perf_counter() - wall
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return Answer(started["status"], started["headers"], content, cpu_s, wall_s, queries)


# --- the endpoints ---------------------------------------------------------------------------------------------


class Replay:
    """The locustfile's requests, with their state (sessions, CSRF tokens, the dossiers filed to receive)."""

    def __init__(self, application: Any, params: dict[str, Any], pdf: bytes, seed: int) -> None:
        import random

        self.app = application
        self.params = params
        self.pdf = pdf
        self.rng = random.Random(seed)
        self.citizen = WsgiClient(application)
        self.officer = WsgiClient(application)
        self.manager = WsgiClient(application)
        self.submitted: list[int] = []
        self.samples: dict[str, list[tuple[float, float, int]]] = {}

    def _keep(self, name: str, answer: Answer, expected: tuple[int, ...] = (200,)) -> Answer:
        if answer.status not in expected:
            raise SystemExit(f"request_cpu: {name}: HTTP {answer.status} (expected {expected})")
        self.samples.setdefault(name, []).append((answer.cpu_s, answer.wall_s, answer.queries))
        return answer

    def login(self, client: WsgiClient, username: str) -> None:
        page = self._keep("staff: login page", client.request("GET", "/mot-cua/dang-nhap/"))
        data = {"username": username, "password": self.params["password"], "csrfmiddlewaretoken": page.csrf()}
        self._keep("staff: login", client.request("POST", "/mot-cua/dang-nhap/", data=data), (302,))

    def search(self) -> None:
        q = {"q": self.rng.choice(self.params["words"])}
        self._keep("citizen: search", self.citizen.request("GET", "/dich-vu-cong/", params=q))

    def procedure(self) -> None:
        code = self.rng.choice(self.params["procedures"])
        self._keep("citizen: procedure page", self.citizen.request("GET", f"/dich-vu-cong/thu-tuc/{code}/"))

    def lookup(self) -> None:
        reference, phone = self.rng.choice(self.params["lookups"])
        page = self._keep("citizen: lookup form", self.citizen.request("GET", "/dich-vu-cong/tra-cuu/"))
        data = {"reference": reference, "factor": phone, "csrfmiddlewaretoken": page.csrf()}
        answer = self._keep(
            "citizen: lookup", self.citizen.request("POST", "/dich-vu-cong/tra-cuu/", data=data), (302,)
        )
        self._keep("citizen: status page", self.citizen.request("GET", answer.header("Location")))

    def submit(self) -> None:
        offer = self.rng.choice(self.params["apply"])
        url = f"/dich-vu-cong/thu-tuc/{offer['procedure']}/nop-truc-tuyen/"
        page = self._keep("citizen: apply form", self.citizen.request("GET", url))
        n = self.rng.randrange(10**8)
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": page.csrf(),
            "applicant_kind": "citizen",
            "applicant_name": "Nguyễn Văn Tải",
            "applicant_id_number": f"0561{n:08d}",
            "applicant_phone": f"09{n:08d}",
            "applicant_email": f"tai{n}@example.vn",
            "applicant_address": "Phường Nha Trang",
            "receiving_agency": str(offer["agency"]),
        }
        from django.core.files.uploadedfile import SimpleUploadedFile

        for name in offer["documents"]:
            data[name] = SimpleUploadedFile(f"{name}.pdf", self.pdf, content_type="application/pdf")
        answer = self._keep(
            "citizen: submit online", self.citizen.request("POST", url, data=data, multipart=True), (302,)
        )
        location = answer.header("Location")
        if "/da-nop/" not in location:
            raise SystemExit(f"request_cpu: submission answered {location!r}")
        self.submitted.append(int(location.rstrip("/").rsplit("/", 1)[1]))
        self._keep("citizen: confirmation", self.citizen.request("GET", location))

    def queue(self) -> None:
        tab = self.rng.choice(["cua-toi", "co-quan", "qua-han", "den-han-hom-nay"])
        self._keep("officer: queue", self.officer.request("GET", "/mot-cua/", params={"hang-doi": tab}))

    def dossier(self) -> None:
        code = self.rng.choice(self.params["agency_dossiers"])
        self._keep("officer: dossier page", self.officer.request("GET", f"/mot-cua/ho-so/{code}/"))

    def receive(self) -> None:
        name = "officer: queue (cho-tiep-nhan)"
        self._keep(name, self.officer.request("GET", "/mot-cua/", params={"hang-doi": "cho-tiep-nhan"}))
        if not self.submitted:
            return
        pk = self.submitted.pop(0)
        page = self._keep(
            "officer: online dossier page", self.officer.request("GET", f"/mot-cua/ho-so-truc-tuyen/{pk}/")
        )
        data = {"csrfmiddlewaretoken": page.csrf()}
        self._keep(
            "officer: receive (transition)",
            self.officer.request("POST", f"/mot-cua/ho-so-truc-tuyen/{pk}/tiep-nhan/", data=data),
            (302,),
        )

    def overview(self) -> None:
        self._keep("manager: dashboard province", self.manager.request("GET", "/chi-so/"))

    def agency(self) -> None:
        code = self.rng.choice(self.params["agencies"])
        self._keep("manager: dashboard agency", self.manager.request("GET", f"/chi-so/co-quan/{code}/"))

    def drill_down(self) -> None:
        code = self.rng.choice(["ONLINE_SUBMISSION", "PROGRESS_ON_TIME", "ONLINE_PAYMENT"])
        params = {"chi-tieu": code, "phan": self.rng.choice(["num", "den"])}
        self._keep("manager: drill-down", self.manager.request("GET", "/chi-so/ho-so/", params=params))

    def export(self) -> None:
        params = {"dinh-dang": "csv", "bang": "chi-so"}
        self._keep("manager: export CSV", self.manager.request("GET", "/chi-so/", params=params))

    def tasks(self) -> list[Callable[[], None]]:
        """Each task once, in an order that files the dossiers before they are received."""
        return [
            self.search,
            self.procedure,
            self.lookup,
            self.submit,
            self.queue,
            self.dossier,
            self.receive,
            self.overview,
            self.agency,
            self.drill_down,
            self.export,
        ]


def summarise(samples: dict[str, list[tuple[float, float, int]]], skip: int) -> dict[str, Any]:
    endpoints: dict[str, Any] = {}
    for name, values in sorted(samples.items()):
        kept = values[skip:] if len(values) > skip else values
        cpu = [c * 1000 for c, _, _ in kept]
        wall = [w * 1000 for _, w, _ in kept]
        endpoints[name] = {
            "runs": len(kept),
            "cpu_ms_median": round(statistics.median(cpu), 2),
            "cpu_ms_p90": round(sorted(cpu)[int(0.9 * (len(cpu) - 1))], 2),
            "wall_ms_median": round(statistics.median(wall), 2),
            "queries_median": statistics.median(q for _, _, q in kept),
        }
    weights = mix_weights()
    mix = sum(weights[n] * endpoints[n]["cpu_ms_median"] for n in weights if n in endpoints)
    covered = sum(weights[n] for n in weights if n in endpoints)
    return {
        "endpoints": endpoints,
        "mix_cpu_ms_per_request": round(mix / covered, 2) if covered else None,
        "mix_weights": {n: round(w, 4) for n, w in sorted(weights.items())},
    }


def profile(replay: Replay, runs: int, top: int, out: Path) -> None:
    """Each task's calls under cProfile; the costliest functions by cumulative time, one file per task."""
    out.mkdir(parents=True, exist_ok=True)
    for task in replay.tasks():
        profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures (waits on PostgreSQL left out)
        profiler.enable()
        for _ in range(runs):
            task()
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        path = out / f"{task.__name__}.txt"
        path.write_text(text.getvalue(), encoding="utf-8")
        print(f"profile of {task.__name__} ({runs} runs): {path}")  # noqa: T201


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", default="cchc_bench_request_cpu", metavar="NAME")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=20_000, help="dossiers simulated before replication")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed calls per task (after 2 warm-up calls)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile: the N costliest functions")
    parser.add_argument("--profile-dir", default="", help="where the profiles go (default: a temporary directory)")
    parser.add_argument("--label", default="", help='the figures\' name in docs/benchmarks.json ("before", "after")')
    parser.add_argument("--record", action="store_true", help="write the figures to docs/benchmarks.json")
    parser.add_argument("--drop", action="store_true", help="drop the data set's database at the end")
    args = parser.parse_args()
    if args.record and not args.label:
        parser.error("--record needs --label")

    bulkload.database(args.keep_db)
    database_url = os.environ["DATABASE_URL"]
    work = Path(tempfile.mkdtemp(prefix="cchc-request-cpu-"))
    media = work / "media"
    media.mkdir()
    var = ROOT / "var" / "bench-load"  # kept, as load.py keeps it: the hashed static files are made once
    env = load.stack_env(database_url, 80, 1, media, var)
    os.environ.update({k: v for k, v in env.items() if not k.startswith("GUNICORN_")})
    manifest = var / "static" / "staticfiles.json"
    sources = max((p.stat().st_mtime for p in (ROOT / "src" / "cchc").rglob("static/**/*") if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < sources:
        subprocess.run(
            [sys.executable, "-m", "cchc", "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True
        )
    loadavg_before = load._loadavg()
    bulkload.django_setup()  # the production settings (DJANGO_SETTINGS_MODULE set above)
    prepared = load.prepare(dossiers=args.dossiers, base=args.base, seed=args.seed)
    from cchc.common.tests.files import pdf_bytes
    from cchc.config.wsgi import application
    from cchc.dossiers.models import Dossier

    stored = Dossier.objects.count()
    pdf = pdf_bytes() + b"%" + b"0" * 150_000 + b"\n%%EOF\n"  # the load test's ~150 KB upload
    replay = Replay(application, prepared["params"], pdf, args.seed)
    replay.login(replay.officer, prepared["params"]["officers"][0])
    replay.login(replay.manager, prepared["params"]["manager"])
    # a long run's steady state: each gunicorn worker has shown every procedure page after its first minutes
    # (the process's copy of the versions in force, cchc.catalogue.selectors), so every one is seen once here
    for code in prepared["params"]["procedures"]:
        replay.citizen.request("GET", f"/dich-vu-cong/thu-tuc/{code}/")
    load._say(f"{stored:,} dossiers; {args.runs} timed runs of each task after {WARMUP} warm-up runs")
    for _ in range(WARMUP + args.runs):
        for task in replay.tasks():
            task()
    figures = summarise(replay.samples, WARMUP)
    print(f"\n{'endpoint':40} {'runs':>5} {'CPU ms':>8} {'p90':>8} {'wall ms':>8} {'queries':>7}")  # noqa: T201
    for name, e in figures["endpoints"].items():
        print(  # noqa: T201
            f"{name:40} {e['runs']:5d} {e['cpu_ms_median']:8.2f} {e['cpu_ms_p90']:8.2f} {e['wall_ms_median']:8.2f} "
            f"{e['queries_median']:7}"
        )
    print(f"mix (weighted as the locustfile): {figures['mix_cpu_ms_per_request']} ms CPU per request")  # noqa: T201
    if args.profile:
        profile(replay, max(3, args.runs // 3), args.profile, Path(args.profile_dir or work / "profiles"))
    from django.db import connections

    connections.close_all()
    loadavg_after = load._loadavg()
    if args.record:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        entry = data.get("request_cpu", {})
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        entry[args.label] = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "commit": commit,
            "dossiers": stored,
            "settings": "cchc.config.production as load.py sets it (Redis cache and sessions, DEBUG off)",
            "runs_per_task": args.runs,
            "loadavg_before": loadavg_before,
            "loadavg_after": loadavg_after,
            **figures,
        }
        data["request_cpu"] = entry
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.drop:
        import psycopg

        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.keep_db}" WITH (FORCE)')
        load._say(f"database {args.keep_db} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

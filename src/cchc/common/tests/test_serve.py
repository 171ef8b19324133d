"""``cchc serve`` (issue 17 item 1): gunicorn with the production settings, the outbox dispatcher and the
task worker, supervised; the health and readiness endpoints; JSON logs carrying the request id.

Real processes on a free port against the test database (PostgreSQL: production refuses SQLite) and the
machine's Redis. ``--no-setup``: the test database is migrated already; static files are not collected
here, so the test reads only pages without assets (the health endpoints); collectstatic and whitenoise's
hashed, compressed files are exercised by `make serve` (docs/deploy.md)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from cchc.common.management.commands.serve import read_env_file, write_env_file

pytestmark = [pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.fixture
def env_file(tmp_path: Path, db: None) -> Path:
    """The environment of a one-machine deployment on the test database (the test itself writes nothing:
    the processes read it on their own connections)."""
    if connection.vendor != "postgresql":
        pytest.skip("production settings refuse SQLite")
    db = connection.settings_dict
    path = tmp_path / "serve.env"
    write_env_file(
        path,
        {
            "DJANGO_SETTINGS_MODULE": "cchc.config.production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "CCHC_AUDIT_KEYS": f"k1:{secrets.token_urlsafe(64)}",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CACHE_URL": "redis://127.0.0.1:6379/15",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CCHC_VAR_DIR": str(tmp_path / "var"),
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "GUNICORN_BIND": f"127.0.0.1:{_free_port()}",
            "WEB_CONCURRENCY": "1",
        },
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # it holds secrets
    return path


def _start(env_file: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return subprocess.Popen(
        [sys.executable, "-m", "cchc", "serve", "--no-setup", "--env-file", str(env_file)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_ready(base: str, serve: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert serve.poll() is None, log.read_text()
        try:
            if _get(base + "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer in 60 s:\n" + log.read_text())


def _stop(serve: subprocess.Popen[bytes]) -> None:
    if serve.poll() is None:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=40)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()


def test_serve_runs_the_stack_answers_ready_and_stops_every_process(env_file: Path, tmp_path: Path) -> None:
    base = "http://" + read_env_file(env_file)["GUNICORN_BIND"]
    log = tmp_path / "serve.log"
    serve = _start(env_file, log)
    try:
        _wait_ready(base, serve, log)
        children = _children(serve.pid)
        assert len(children) == 3, children  # gunicorn, the dispatcher, the task worker

        status, headers, body = _get(base + "/readyz", {"X-Request-ID": "kiem-tra-san-sang-1"})
        ready = json.loads(body)
        assert status == 200, json.dumps(ready, ensure_ascii=False)
        assert ready["status"] == "ready"
        assert {name for name, check in ready["checks"].items() if check["ok"]} == {
            "database",
            "cache",
            "storage",
            "worker",
        }
        assert ready["checks"]["cache"]["backend"] != "LocMemCache"  # Redis, shared by the processes
        assert headers["X-Request-ID"] == "kiem-tra-san-sang-1"
        assert "no-store" in headers["Cache-Control"]

        status, _, body = _get(base + "/khong-co-trang-nay", {"X-Request-ID": "kiem-tra-404"})
        assert status == 404
    finally:
        _stop(serve)
    assert serve.returncode == 0, log.read_text()
    assert not [pid for pid in children if _alive(pid)]  # nothing left behind

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert {"path": "/readyz", "status": 200, "request_id": "kiem-tra-san-sang-1"}.items() <= next(
        line for line in access if line["path"] == "/readyz"
    ).items()
    # the application's own line for the 404 carries the same id as the access line
    assert any(line["logger"] == "django.request" and line["request_id"] == "kiem-tra-404" for line in lines)
    assert any(line["logger"] == "gunicorn.access" and line["request_id"] == "kiem-tra-404" for line in access)


def test_a_process_that_dies_stops_the_others_with_an_error() -> None:
    """A supervisor (systemd) restarts the whole when one part dies: serve does not run on half-started."""
    from cchc.common.management.commands.serve import supervise

    programs = {
        "web": [sys.executable, "-c", "import time; time.sleep(60)"],
        "outbox": [sys.executable, "-c", "import sys, time; time.sleep(0.5); sys.exit(-9)"],
        "tasks": [sys.executable, "-c", "import time; time.sleep(60)"],
    }
    started = time.monotonic()
    code = supervise(programs, dict(os.environ))
    assert code != 0
    assert time.monotonic() - started < 30  # the sleeping ones were stopped, not waited for

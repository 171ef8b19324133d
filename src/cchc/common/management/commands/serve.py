"""``cchc serve`` (``make serve``, issue 17 item 1): the production stack on one machine.

Starts, with the production settings (``cchc.config.production``) and the environment of ``--env-file``:

- gunicorn serving the WSGI application (``cchc.config.gunicorn``; whitenoise serves the static files),
- the outbox dispatcher (``cchc outbox dispatch``: notifications, the national sync, signing),
- the background task worker (``cchc db_worker``: exports, reminders),

after the database's migrations and ``collectstatic`` (``--no-setup`` skips them). It supervises the three
processes: when one ends the others are stopped and the command exits with an error, so that systemd (or
an operator) restarts the whole; SIGTERM / Ctrl-C stops them gracefully. A deployment on several machines
runs the same three programs under systemd instead (docs/deploy.md); this command is the one-machine form.

The environment file (``KEY=value`` lines; variables already in the environment win) is created on first
use with random secrets (``SECRET_KEY``, the audit chain's key), PostgreSQL database ``cchc`` on
127.0.0.1, Redis database 1 for the cache, plain HTTP on 127.0.0.1 (no HTTPS redirect: put nginx with TLS
in front for anything else). Its permissions are 600: it holds secrets.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CHILDREN_STOP_S = 30


def default_env(var_dir: Path) -> dict[str, str]:
    """The first environment of a one-machine deployment (random secrets; see the module)."""
    return {
        "DJANGO_SETTINGS_MODULE": "cchc.config.production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CCHC_AUDIT_KEYS": f"k1:{secrets.token_urlsafe(64)}",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cchc",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CCHC_VAR_DIR": str(var_dir / "serve"),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CCHC_SITE_URL": "http://127.0.0.1:8000",
        "GUNICORN_BIND": "127.0.0.1:8000",
    }


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise CommandError(f"{path}:{number}: dòng không đúng dạng KEY=giá_trị.")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# cchc serve: môi trường chạy thật trên một máy (tạo tự động; giữ bí mật)\n" + "".join(
        f"{key}={value}\n" for key, value in values.items()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of ``url`` when it does not exist; True when created."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


class Command(BaseCommand):
    help = (
        "Chạy hệ thống như khi vận hành thật trên một máy: gunicorn, bộ gửi outbox và bộ chạy việc nền, "
        "với cấu hình production (make serve)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--env-file", default=str(Path(settings.VAR_DIR) / "serve.env"))
        parser.add_argument("--no-setup", action="store_true", help="bỏ qua migrate và collectstatic")
        parser.add_argument("--bind", default="", help="địa chỉ của gunicorn (mặc định: GUNICORN_BIND)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["env_file"])
        if not path.exists():
            write_env_file(path, default_env(Path(settings.VAR_DIR)))
            self.stdout.write(f"Đã tạo tệp môi trường {path} (bí mật ngẫu nhiên, quyền 600).")
        values = read_env_file(path)
        env = {**os.environ, **values}
        # the environment wins over the file (twelve-factor), except the settings module: this command
        # runs under the development settings that `cchc` defaults to; its children run the file's
        env.update({key: os.environ[key] for key in values if key in os.environ})
        env["DJANGO_SETTINGS_MODULE"] = values.get("DJANGO_SETTINGS_MODULE", "cchc.config.production")
        if options["bind"]:
            env["GUNICORN_BIND"] = options["bind"]
        cchc = [sys.executable, "-m", "cchc"]
        database = env.get("DATABASE_URL", "")
        if not database.startswith("postgres"):
            raise CommandError("cchc serve cần PostgreSQL: đặt DATABASE_URL=postgres://… trong tệp môi trường.")
        if not options["no_setup"]:
            if ensure_database(database):
                self.stdout.write(f"Đã tạo cơ sở dữ liệu {urlsplit(database).path.lstrip('/')}.")
            for step in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]):
                self.stdout.write(f"cchc {' '.join(step)}")
                if subprocess.run([*cchc, *step], env=env, check=False).returncode != 0:
                    raise CommandError(f"cchc {step[0]} không thành công: xem thông báo ở trên.")
        programs = {
            "web": [sys.executable, "-m", "gunicorn", "-c", "python:cchc.config.gunicorn", "cchc.config.wsgi"],
            "outbox": [*cchc, "outbox", "dispatch"],
            "tasks": [*cchc, "db_worker"],
        }
        self.stdout.write(
            f"Đang chạy: web (gunicorn, {env.get('GUNICORN_BIND', '127.0.0.1:8000')}), outbox, tasks. Dừng: Ctrl-C."
        )
        self.stdout.flush()
        code = supervise(programs, env)
        if code:
            raise CommandError(f"Một tiến trình đã dừng (mã {code}): đã dừng các tiến trình còn lại.")


def supervise(programs: dict[str, list[str]], env: dict[str, str]) -> int:
    """Start ``programs``, wait until one ends or a stop signal comes, then stop all (SIGTERM, SIGKILL after
    CHILDREN_STOP_S). Returns 0 after a stop signal, else the ended program's exit code (1 if it was 0)."""
    stopping: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    children = {name: subprocess.Popen(argv, env=env) for name, argv in programs.items()}
    code = 0
    try:
        while not stopping:
            ended = {name: p.returncode for name, p in children.items() if p.poll() is not None}
            if ended:
                name, returned = next(iter(ended.items()))
                sys.stderr.write(f"cchc serve: tiến trình {name} đã dừng (mã {returned}).\n")
                code = returned or 1
                break
            time.sleep(0.2)
    finally:
        for p in children.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + CHILDREN_STOP_S
        for p in children.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code

"""Throwaway PostgreSQL clusters, streaming replicas and PgBouncer for tests and benchmarks (issue 17 item 3).

The machine's PostgreSQL (127.0.0.1:5432) is shared: it is never restarted and its configuration is never
touched. What needs a replica, a pooler or a database restart makes its own here, with the Debian binaries
(``/usr/lib/postgresql/<version>/bin``, ``/usr/sbin/pgbouncer``):

- :class:`Cluster` — ``initdb`` in a temporary directory, on a free port of 127.0.0.1, trust authentication
  (replication included: only 127.0.0.1, and the cluster lives for a test), no ``fsync`` (a throwaway
  cluster need not survive a power cut; it starts in about a second);
  ``start``, ``stop``, ``restart`` (fast shutdown, then start: what an operator's ``systemctl restart`` does;
  the postmaster is this process's child, so it is reaped here);
- :meth:`Cluster.replica` — a hot standby made with ``pg_basebackup -R`` (the same steps as docs/deploy.md),
  streaming from the primary, on another free port; :meth:`Cluster.wait_replayed` waits until it has
  replayed everything the primary wrote; :meth:`Cluster.pause_replay` / :meth:`Cluster.resume_replay`;
- :class:`PgBouncer` — ``pool_mode = transaction`` in front of a cluster, on a free port, any database name.

Everything is torn down even on failure: :func:`throwaway` and :func:`pgbouncer` are context managers that
stop the processes (fast shutdown, else immediate, else SIGKILL) and remove the directories. Ports are always
free ones picked by the kernel, never fixed, so parallel test runs do not collide.

PostgreSQL refuses to run as root: when this process is root, every server command runs as the ``postgres``
operating-system user (``runuser``), and the directories are handed to it. The clusters live in memory
(``/dev/shm``) when it has room (:func:`scratch_dir`).

Use (a test, a benchmark)::

    with pgcluster.throwaway(replica=True) as (primary, standby):
        primary.execute("CREATE DATABASE cchc")
        standby.wait_replayed(primary)
        with pgcluster.pgbouncer(primary) as bouncer:
            ...  # DATABASE_URL=bouncer.url("cchc"), DATABASE_REPLICA_URL=standby.url("cchc")
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

PG_VERSION = os.environ.get("CCHC_PG_VERSION", "15")
PG_BIN = Path(os.environ.get("CCHC_PG_BIN", f"/usr/lib/postgresql/{PG_VERSION}/bin"))
PGBOUNCER = os.environ.get("CCHC_PGBOUNCER", "/usr/sbin/pgbouncer")
OS_USER = "postgres"


class ClusterError(RuntimeError):
    """A throwaway cluster could not be made or driven (the message carries the server's log tail). Not a
    refusal of a request: tests and benchmarks make these clusters, never a request."""


def available() -> str | None:
    """Why throwaway clusters cannot be made on this machine, or None."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {PG_BIN}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root and there is no {OS_USER!r} user"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def pgbouncer_available() -> str | None:
    return None if Path(PGBOUNCER).exists() else f"no PgBouncer at {PGBOUNCER} (Debian package pgbouncer)"


def scratch_dir() -> str | None:
    """Where clusters live: memory (``/dev/shm``) when it has room — a cluster is written and removed in a
    fraction of the time a busy disk takes (measured under load: removing two clusters 7.6 s on disk) —
    else the system's temporary directory. ``CCHC_PG_SCRATCH`` overrides."""
    chosen = os.environ.get("CCHC_PG_SCRATCH")
    if chosen:
        return chosen
    shm = "/dev/shm"
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    return shm if os.access(shm, os.W_OK) and stats.f_bavail * stats.f_frsize > 1 << 30 else None


def free_port() -> int:
    """A port the kernel says is free on 127.0.0.1 (the caller binds it right after; a clash is retried)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", OS_USER, "--", *argv] if os.geteuid() == 0 else argv


def _hand_over(path: Path) -> None:
    """Make ``path`` (a directory made by this process) the server user's."""
    if os.geteuid() == 0:
        entry = pwd.getpwnam(OS_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _run(argv: list[str], timeout: float = 60) -> str:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, timeout=timeout, check=False, cwd="/")
    if done.returncode != 0:
        raise ClusterError(
            f"{Path(argv[0]).name} failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr[-1500:]}"
        )
    return done.stdout


def _wait_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


class Cluster:
    """One PostgreSQL cluster in ``directory`` (data in ``directory/data``), served on 127.0.0.1:``port``."""

    def __init__(self, directory: Path, port: int, *, standby: bool = False) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "server.log"
        self.port = port
        self.standby = standby
        self.process: subprocess.Popen[bytes] | None = None

    # ---- making

    @classmethod
    def create(cls, parent: Path, name: str = "primary") -> Cluster:
        directory = parent / name
        directory.mkdir()
        _hand_over(directory)
        cluster = cls(directory, free_port())
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "--no-instructions",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--wal-segsize=1",  # MB: a throwaway cluster's few writes need no 16 MB segments
            ]
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{directory}'",
            "fsync": "off",
            "full_page_writes": "off",
            "wal_level": "replica",
            "max_wal_senders": "5",
            "hot_standby": "on",
            "hot_standby_feedback": "on",
            "shared_buffers": "32MB",
            "max_connections": "60",
            "jit": "off",
            "wal_receiver_status_interval": "1s",
            "wal_retrieve_retry_interval": "200ms",
            "logging_collector": "off",
            # dynamic shared memory as files of the data directory: removed with it even after a kill, never
            # left in /dev/shm beside the machine's own server's segments
            "dynamic_shared_memory_type": "mmap",
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        hba = "host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\nlocal all all trust\n"
        cluster._write_as_server(cluster.data / "postgresql.auto.conf", conf, append=True)
        cluster._write_as_server(cluster.data / "pg_hba.conf", hba)
        return cluster

    def replica(self, name: str = "replica") -> Cluster:
        """A streaming hot standby of this (running) cluster: ``pg_basebackup -R`` on a free port."""
        directory = self.directory.parent / name
        directory.mkdir()
        _hand_over(directory)
        standby = Cluster(directory, free_port(), standby=True)
        _run(
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-D",
                str(standby.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]
        )
        standby._write_as_server(
            standby.data / "postgresql.auto.conf",
            f"unix_socket_directories = '{directory}'\n",
            append=True,
        )
        return standby

    def _write_as_server(self, path: Path, text: str, *, append: bool = False) -> None:
        with path.open("a" if append else "w", encoding="utf-8") as handle:
            handle.write(text)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(OS_USER)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    # ---- running

    def start(self) -> None:
        """Start the postmaster as this process's child (so it is reaped here, not left a zombie of init) and
        wait until it accepts connections."""
        if self.process is not None and self.process.poll() is None:
            return
        log = self.log.open("ab")
        self.process = subprocess.Popen(
            _as_server_user([str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port)]),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise ClusterError(f"PostgreSQL did not start on port {self.port}:\n{self.log_tail()}")
            with contextlib.suppress(psycopg.Error), self.connect(connect_timeout=2):
                return
            time.sleep(0.05)
        self.kill()
        raise ClusterError(f"PostgreSQL did not accept connections in 30 s:\n{self.log_tail()}")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` (SIGINT: sessions cut, clean shutdown), ``immediate`` (SIGQUIT) or ``smart`` (SIGTERM)."""
        if self.process is None:
            return
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[mode])
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def restart(self) -> None:
        """What an operator's restart does: every connection is cut, the server comes back on the same port."""
        self.stop("fast")
        self.start()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def kill(self) -> None:
        """Teardown: a fast shutdown (10 s at most), else an immediate one, else SIGKILL to the postmaster's
        process group (the backends go with it)."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGQUIT, 5)):
            pid = self.pid()
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # ---- using

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True, **kwargs
        )

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(database) as conn:
            cursor = conn.execute(sql)  # type: ignore[call-overload]  # only this module's literal statements
            return list(cursor.fetchall()) if cursor.description else []

    def current_lsn(self) -> str:
        return str(self.execute("SELECT pg_current_wal_lsn()")[0][0])

    def wait_replayed(self, primary: Cluster, timeout: float = 20) -> None:
        """Wait until this standby has replayed everything ``primary`` has written so far."""
        target = primary.current_lsn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if rows and rows[0][0]:
                return
            time.sleep(0.05)
        raise ClusterError(f"the standby did not replay up to {target} in {timeout} s\n{self.log_tail()}")

    def wait_streaming(self, timeout: float = 20) -> None:
        """Wait until this standby's WAL receiver streams (after a start or a primary's restart)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.Error):
                if self.execute("SELECT status FROM pg_stat_wal_receiver") == [("streaming",)]:
                    return
            time.sleep(0.05)
        raise ClusterError(f"the standby is not streaming after {timeout} s\n{self.log_tail()}")

    def pause_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.execute("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            if time.monotonic() > deadline:
                raise ClusterError("the standby did not pause its replay")
            time.sleep(0.02)

    def resume_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_resume()")


class PgBouncer:
    """PgBouncer in ``pool_mode = transaction`` in front of ``cluster``, any database name, on a free port."""

    def __init__(self, cluster: Cluster, directory: Path, pool_size: int = 10) -> None:
        self.cluster = cluster
        self.directory = directory
        self.port = free_port()
        self.log = directory / "pgbouncer.log"
        self.process: subprocess.Popen[bytes] | None = None
        (directory / "users.txt").write_text('"postgres" ""\n')
        ini = directory / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={cluster.port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            "admin_users = postgres\n"
            f"auth_file = {directory / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\n"
            "max_client_conn = 200\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            "server_reset_query =\n"
            "stats_period = 1\n"
            f"logfile = {self.log}\n"
        )
        for path in (directory, directory / "users.txt", ini):
            _hand_over(path)
        self.ini = ini

    def start(self) -> None:
        # its own ``-u`` switches user (no runuser in between): it stays this process's child and is reaped here
        user = ["-u", OS_USER] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(
            [PGBOUNCER, *user, str(self.ini)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
        )
        if not _wait_port(self.port, 15):
            self.stop()
            raise ClusterError(f"PgBouncer did not listen on {self.port}: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # safe shutdown: in-flight transactions finish
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def show(self, what: str) -> list[dict[str, str]]:
        """``SHOW <what>`` on PgBouncer's admin console (simple query protocol: psql), as rows by column."""
        import csv

        out = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "pgbouncer"]
            + ["--csv", "-c", f"SHOW {what}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
        return list(csv.DictReader(out.splitlines()))

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@contextlib.contextmanager
def throwaway(*, replica: bool = False) -> Iterator[tuple[Cluster, Cluster | None]]:
    """A running primary (and, with ``replica=True``, a streaming standby of it); everything stopped and
    removed on exit, whatever happened."""
    problem = available()
    if problem:
        raise ClusterError(problem)
    parent = Path(tempfile.mkdtemp(prefix="cchc-pg-", dir=scratch_dir()))
    _hand_over(parent)
    made: list[Cluster] = []
    try:
        primary = Cluster.create(parent)
        made.append(primary)
        for attempt in range(3):  # a free port can be taken between the check and the bind
            try:
                primary.start()
                break
            except ClusterError:
                if attempt == 2:
                    raise
                primary.port = free_port()
        standby = None
        if replica:
            standby = primary.replica()
            made.append(standby)
            standby.start()
            standby.wait_streaming()
        yield primary, standby
    finally:
        for cluster in reversed(made):
            cluster.kill()
        shutil.rmtree(parent, ignore_errors=True)


@contextlib.contextmanager
def pgbouncer(cluster: Cluster, pool_size: int = 10) -> Iterator[PgBouncer]:
    """PgBouncer (transaction pooling) in front of ``cluster``; stopped and its directory removed on exit."""
    directory = Path(tempfile.mkdtemp(prefix="cchc-pgbouncer-"))
    bouncer = PgBouncer(cluster, directory, pool_size)
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()
        shutil.rmtree(directory, ignore_errors=True)

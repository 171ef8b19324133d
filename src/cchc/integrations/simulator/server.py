"""The simulator's HTTP server, storage and failure injection (see the package documentation)."""

from __future__ import annotations

import json
import random
import secrets
import socket
import sqlite3
import ssl
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODES = ("ok", "down", "error", "slow", "timeout", "malformed", "duplicate")


class Rejected(Exception):
    """A service refuses the request: answered ``{"error_code": code, "message": message}`` (HTTP 200,
    the portal's error shape)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class Store:
    """The simulator's storage: one SQLite connection shared by the request threads under a lock."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.lock = threading.RLock()
        for schema in SCHEMAS:
            self.db.executescript(schema)

    def tables(self) -> list[str]:
        rows = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return [r[0] for r in rows if not r[0].startswith("sqlite_")]


Service = Callable[[Store, dict[str, Any]], dict[str, Any]]
Inspector = Callable[[Store, dict[str, str]], Any]
SERVICES: dict[str, Service] = {}
INSPECTORS: dict[str, Inspector] = {}
SCHEMAS: list[str] = []
# whether a service's answer holds items to acknowledge twice in "duplicate" mode: the key of its list
ACK_LISTS: dict[str, str] = {}


def service(name: str, *, ack_list: str = "result") -> Callable[[Service], Service]:
    """Register the handler of ``service`` (called under the store's lock, in a transaction: a
    :class:`Rejected` or any exception rolls its writes back). It returns the answer's fields besides
    ``error_code``; ``ack_list`` names its list of per-item acknowledgements."""

    def add(handler: Service) -> Service:
        SERVICES[name] = handler
        ACK_LISTS[name] = ack_list
        return handler

    return add


def inspector(name: str) -> Callable[[Inspector], Inspector]:
    def add(handler: Inspector) -> Inspector:
        INSPECTORS[name] = handler
        return handler

    return add


class _Control:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mode = "ok"
        self.rate = 1.0
        self.times: int | None = None
        self.delay = 0.5
        self.random = random.Random(1)
        self.calls = 0
        self.injected: dict[str, int] = {}

    def set(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            mode = data.get("mode", "ok")
            if mode not in MODES:
                raise ValueError(f"«mode» phải là một trong {', '.join(MODES)}")
            self.mode = mode
            self.rate = float(data.get("rate", 1.0))
            times = data.get("times")
            self.times = int(times) if times is not None else None
            self.delay = float(data.get("delay", 30.0 if mode == "timeout" else 0.5))
            if "seed" in data:
                self.random = random.Random(int(data["seed"]))
            return self.state()

    def state(self) -> dict[str, Any]:
        return {"mode": self.mode, "rate": self.rate, "times": self.times, "delay": self.delay}

    def draw(self) -> str:
        """The misbehaviour of this call ("ok" when none), counted."""
        with self.lock:
            self.calls += 1
            if self.mode == "ok" or self.random.random() >= self.rate:
                return "ok"
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            self.injected[mode] = self.injected.get(mode, 0) + 1
            return mode


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], store: Store, username: str, password: str) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.username, self.password = username, password
        self.sessions: set[str] = set()
        self.control = _Control()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.control.mode != "ok" or (args and str(args[1] if len(args) > 1 else "").startswith("5")):
            sys.stderr.write("national-simulator: " + (format % args) + "\n")

    def _answer(self, status: int, data: Any, *, raw: bytes | None = None) -> None:
        body = raw if raw is not None else json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if raw is not None else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length).decode("utf-8")) if length else {}

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        server = self.server
        if url.path == "/_health":
            self._answer(200, {"ok": True})
        elif url.path == "/_stats":
            with server.control.lock:
                self._answer(200, {"calls": server.control.calls, "injected": dict(server.control.injected)})
        elif url.path.startswith("/_data/") and url.path[7:] in INSPECTORS:
            with server.store.lock:
                self._answer(200, INSPECTORS[url.path[7:]](server.store, query))
        else:
            self._answer(404, {"error_code": "404", "message": "Không có đường dẫn này."})

    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        try:
            data = self._json()
        except (ValueError, UnicodeDecodeError) as exc:
            self._answer(400, {"error_code": "400", "message": f"Nội dung không phải JSON hợp lệ: {exc}"})
            return
        if self.path == "/_control":
            try:
                if data.get("expire_sessions"):
                    server.sessions.clear()
                self._answer(200, server.control.set(data))
            except (ValueError, TypeError) as exc:
                self._answer(400, {"error_code": "400", "message": str(exc)})
            return
        if self.path == "/_reset":
            with server.store.lock:
                for table in server.store.tables():
                    server.store.db.execute(f'DELETE FROM "{table}"')
            with server.control.lock:
                server.control.calls, server.control.injected = 0, {}
            self._answer(200, {"ok": True})
            return
        if self.path not in ("/api/auth", "/api/service"):
            self._answer(404, {"error_code": "404", "message": "Không có đường dẫn này."})
            return
        mode = server.control.draw()
        if mode == "down":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode == "error":
            self._answer(500, {"error_code": "500", "message": "Lỗi hệ thống (mô phỏng)."})
            return
        if mode in ("slow", "timeout"):
            time.sleep(server.control.delay)
        if mode == "malformed":
            self._answer(200, None, raw=b"<html><body>502 Bad Gateway</body></html>")
            return
        if not isinstance(data, dict):
            self._answer(400, {"error_code": "400", "message": "Nội dung phải là một đối tượng JSON."})
            return
        if self.path == "/api/auth":
            if data.get("username") == server.username and data.get("password") == server.password:
                token = secrets.token_hex(16)
                server.sessions.add(token)
                self._answer(200, {"error_code": "0", "session": token})
            else:
                self._answer(200, {"error_code": "1", "message": "Sai tên đăng nhập hoặc mật khẩu."})
            return
        if data.get("session") not in server.sessions:
            self._answer(200, {"error_code": "401", "message": "Phiên làm việc không hợp lệ hoặc đã hết hạn."})
            return
        name = data.get("service")
        handler = SERVICES.get(name) if isinstance(name, str) else None
        if handler is None:
            self._answer(200, {"error_code": "404", "message": f"Không có dịch vụ «{name}»."})
            return
        store = server.store
        with store.lock:
            store.db.execute("BEGIN")
            try:
                answer = handler(store, data)
            except Rejected as exc:
                store.db.execute("ROLLBACK")
                self._answer(200, {"error_code": exc.code, "message": exc.message})
                return
            except Exception as exc:  # a defect of the simulator: say so, keep serving
                store.db.execute("ROLLBACK")
                self._answer(500, {"error_code": "500", "message": f"Lỗi của bộ mô phỏng: {exc!r}"})
                return
            store.db.execute("COMMIT")
        answer = {"error_code": "0", "message": "Thành công", **answer}
        ack = ACK_LISTS.get(str(name), "result")
        items = answer.get(ack)
        if mode == "duplicate" and isinstance(items, list):
            answer[ack] = [item for item in items for _ in (0, 1)]
        self._answer(200, answer)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8090,
    db: str = ":memory:",
    username: str = "cchc",
    password: str = "cchc-mo-phong",
    tls_cert: str = "",
    tls_key: str = "",
    tls_client_ca: str = "",
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted; ``ready(base_url)`` is called once listening."""
    from cchc.integrations.simulator import dossiers, feedback, procedures  # noqa: F401  (register services)

    store = Store(db)
    server = _Server((host, port), store, username, password)
    scheme = "http"
    if tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key or None)
        if tls_client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(tls_client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    base = f"{scheme}://{host}:{server.server_address[1]}"
    if ready is not None:
        ready(base)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.db.close()

"""The SMS / Zalo provider simulator shipped with the project (``cchc notifications sms-simulator``).

A small HTTP server speaking :class:`~cchc.notifications.gateways.HttpGateway`'s protocol, for
development and for the tests (run as a real subprocess). Standard library only.

- ``POST /messages`` (bearer token checked when ``--token`` is given): records the message and answers
  ``{"id": "sim-…"}``; a repeated ``reference`` answers the first message's id (nothing sent twice).
- ``GET /messages``: every message received, oldest first; ``DELETE /messages`` forgets them.
- ``POST /_control`` ``{"fail": "500" | "timeout" | null, "times": n, "delay": seconds}``: the next ``n``
  messages (every one when ``times`` is absent) fail with HTTP 500, or are answered only after ``delay``
  seconds (default 30: longer than the gateway's timeout); ``null`` heals it. Answers the state.
- ``GET /_health``: ``{"ok": true}``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _State:
    def __init__(self, token: str) -> None:
        self.token = token
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.by_reference: dict[str, str] = {}
        self.fail: str | None = None
        self.times: int | None = None
        self.delay = 30.0
        self.counter = 0

    def control(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            fail = data.get("fail")
            if fail not in (None, "500", "timeout"):
                raise ValueError('«fail» phải là "500", "timeout" hoặc null')
            self.fail = fail
            times = data.get("times")
            self.times = int(times) if times is not None else None
            self.delay = float(data.get("delay", 30.0))
            return {"fail": self.fail, "times": self.times, "delay": self.delay}

    def failure(self) -> str | None:
        """The failure the next message gets (and count it)."""
        with self.lock:
            if self.fail is None:
                return None
            failure = self.fail
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.fail, self.times = None, None
            return failure


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        sys.stderr.write("sms-simulator: " + (format % args) + "\n")

    def _answer(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length).decode("utf-8") or "{}") if length else {}
        if not isinstance(data, dict):
            raise ValueError("nội dung phải là một đối tượng JSON")
        return data

    def do_GET(self) -> None:  # noqa: N802
        state = self.server.state
        if self.path == "/_health":
            self._answer(200, {"ok": True})
        elif self.path == "/messages":
            with state.lock:
                self._answer(200, list(state.messages))
        else:
            self._answer(404, {"error": "không có đường dẫn này"})

    def do_DELETE(self) -> None:  # noqa: N802
        state = self.server.state
        if self.path != "/messages":
            self._answer(404, {"error": "không có đường dẫn này"})
            return
        with state.lock:
            state.messages.clear()
            state.by_reference.clear()
        self._answer(200, {"ok": True})

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        try:
            data = self._json()
        except (ValueError, UnicodeDecodeError) as exc:
            self._answer(400, {"error": f"JSON không hợp lệ: {exc}"})
            return
        if self.path == "/_control":
            try:
                self._answer(200, state.control(data))
            except (ValueError, TypeError) as exc:
                self._answer(400, {"error": str(exc)})
            return
        if self.path != "/messages":
            self._answer(404, {"error": "không có đường dẫn này"})
            return
        if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
            self._answer(401, {"error": "sai mã xác thực"})
            return
        to, text = data.get("to"), data.get("text")
        if not isinstance(to, str) or not to or not isinstance(text, str) or not text:
            self._answer(400, {"error": "thiếu «to» hoặc «text»"})
            return
        failure = state.failure()
        if failure == "500":
            self._answer(500, {"error": "lỗi mô phỏng"})
            return
        if failure == "timeout":
            time.sleep(state.delay)
        reference = str(data.get("reference") or "")
        with state.lock:
            if reference and reference in state.by_reference:
                self._answer(200, {"id": state.by_reference[reference], "duplicate": True})
                return
            state.counter += 1
            message_id = f"sim-{state.counter:06d}"
            record = {
                "id": message_id,
                "channel": data.get("channel", ""),
                "to": to,
                "text": text,
                "reference": reference,
            }
            state.messages.append(record)
            if reference:
                state.by_reference[reference] = message_id
        self._answer(201, {"id": message_id})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], token: str) -> None:
        super().__init__(address, _Handler)
        self.state = _State(token)


def make_server(host: str = "127.0.0.1", port: int = 0, token: str = "") -> _Server:
    """A simulator bound to ``host:port`` (port 0: a free one, see ``server.server_address``)."""
    return _Server((host, port), token)


def serve(host: str = "127.0.0.1", port: int = 0, token: str = "") -> None:
    """Run until interrupted; prints the address on the first line (the tests read it)."""
    server = make_server(host, port, token)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    sys.stdout.write(f"Mô phỏng cổng SMS/Zalo đang chạy tại http://{bound_host}:{bound_port}/messages\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

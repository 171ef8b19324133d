"""A development time-stamping authority (RFC 3161 over HTTP), so that signatures are PAdES B-T
(ETSI EN 319 142-1: the signature time is proven by a timestamp token, not by the server's clock).

A separate process: ``cchc signing tsa-simulator [--port 8091]`` (``make run`` starts it and sets
``CCHC_TSA_URL``), or ``python -m cchc.signing.tsa --dir var/signing --port 8091`` without Django (the
tests start it this way). It answers ``POST /`` with ``Content-Type: application/timestamp-query`` by an
``application/timestamp-reply`` signed with the development TSA certificate that ``cchc signing setup``
issues under the province's development root (``tsa.pem`` / ``tsa.key`` in ``CCHC_SIGNING_DIR``), using
pyHanko's ``DummyTimeStamper``. It fails on command, to show the retry: ``POST /dieu-khien/hong`` makes
every request answer 503 until ``POST /dieu-khien/phuc-hoi``.

Legal basis: NĐ 23/2025/NĐ-CP (dịch vụ cấp dấu thời gian is a trust service of a licensed provider):
production points ``CCHC_TSA_URL`` at such a provider and never runs this.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_QUERY = 64 * 1024
FAIL_PATH = "/dieu-khien/hong"
RECOVER_PATH = "/dieu-khien/phuc-hoi"


class TimestampServer(ThreadingHTTPServer):
    """The HTTP server with its stamper and its failure switch."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], directory: Path) -> None:
        from asn1crypto import keys, pem, x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        def load(name: str) -> bytes:
            data = (directory / name).read_bytes()
            return pem.unarmor(data)[2] if pem.detect(data) else data

        tsa_cert = x509.Certificate.load(load("tsa.pem"))
        tsa_key = keys.PrivateKeyInfo.load(load("tsa.key"))
        self.stamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)
        self.failing = threading.Event()
        super().__init__(address, TimestampHandler)


class TimestampHandler(BaseHTTPRequestHandler):
    server: TimestampServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        return

    def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        state = "đang hỏng (thử nghiệm)" if self.server.failing.is_set() else "đang hoạt động"
        self._answer(200, f"Dịch vụ cấp dấu thời gian (phát triển): {state}.\n".encode())

    def do_POST(self) -> None:  # noqa: N802
        from asn1crypto import tsp

        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_QUERY:
            self._answer(413, "Yêu cầu quá lớn.\n".encode())
            return
        body = self.rfile.read(length)
        if self.path == FAIL_PATH:
            self.server.failing.set()
            self._answer(200, "Đã chuyển sang chế độ hỏng.\n".encode())
            return
        if self.path == RECOVER_PATH:
            self.server.failing.clear()
            self._answer(200, "Đã hoạt động lại.\n".encode())
            return
        if self.server.failing.is_set():
            self._answer(503, "Dịch vụ cấp dấu thời gian tạm ngừng (thử nghiệm).\n".encode())
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != QUERY_TYPE:
            self._answer(415, f"Cần Content-Type {QUERY_TYPE}.\n".encode())
            return
        try:
            request = tsp.TimeStampReq.load(body)
            request.native  # noqa: B018 (parse it all now: a malformed query is refused here)
            reply = self.server.stamper.request_tsa_response(request)
        except (ValueError, TypeError, KeyError):
            self._answer(400, "Yêu cầu cấp dấu thời gian không hợp lệ.\n".encode())
            return
        except Exception as exc:  # noqa: BLE001 (a simulator: say it, never drop the connection)
            self._answer(500, f"Không cấp được dấu thời gian ({type(exc).__name__}).\n".encode())
            return
        self._answer(200, reply.dump(), REPLY_TYPE)


def serve(directory: Path, *, host: str = "127.0.0.1", port: int = 8091) -> TimestampServer:
    """A started server (its own thread); ``shutdown()`` stops it. ``port=0``: any free port."""
    server = TimestampServer((host, port), directory)
    threading.Thread(target=server.serve_forever, name="tsa-simulator", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cchc.signing.tsa", description="Dịch vụ cấp dấu thời gian RFC 3161 (mô phỏng, phát triển)."
    )
    parser.add_argument("--dir", default=os.environ.get("CCHC_SIGNING_DIR", "var/signing"), help="Thư mục chứng thư")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    options = parser.parse_args(argv)
    directory = Path(options.dir)
    if not (directory / "tsa.pem").exists():
        sys.stderr.write(f"Chưa có chứng thư dấu thời gian trong {directory}: chạy «cchc signing setup».\n")
        return 2
    server = TimestampServer((options.host, options.port), directory)
    host, port = server.server_address[:2]
    sys.stdout.write(f"Dịch vụ cấp dấu thời gian (phát triển) tại http://{host!s}:{port}/\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

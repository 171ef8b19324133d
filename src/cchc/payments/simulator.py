"""The payment gateway simulator shipped with the project (``cchc payments gateway-simulator``).

A small HTTP server speaking VNPay 2.1.0 (:mod:`cchc.payments.vnpay_protocol`) as the real gateway
does, for development (``make run``) and the tests (a real subprocess). Standard library only.

- ``GET /paymentv2/vpcpay.html?…`` (the payment address): the signature, merchant code, version,
  amount and expiry are checked (an error page otherwise, as the gateway shows one); the page asks for
  a test card. ``POST /paymentv2/pay`` (``txn_ref``, ``card``, ``action=pay|cancel``) settles it:

  ================  ==================================================================
  9704000000000018  succeeds (``vnp_ResponseCode`` 00)
  9704000000000026  fails: insufficient balance (51)
  9704000000000034  times out: the bank never answers; no IPN, no return; query says 01
  9704000000000042  cancelled by the customer (24), as the "Hủy" button
  ================  ==================================================================

  then sends the IPN (a GET to ``--ipn-url``, retried until answered ``00``/``02``, up to 5 times; it
  is also kept for ``GET /_ipn``) and redirects the browser to ``vnp_ReturnUrl`` with the same signed
  parameters. A reference is paid once: paying it again shows an error page.
- ``POST /merchant_webapi/api/transaction`` (JSON): ``querydr`` and ``refund``, signed with ``|``.
- ``POST /_control`` ``{"mode": …, "times": n, "delay": s}``: ``down`` (every page and API 503),
  ``slow`` (the API answers after ``delay`` s, default 30), ``ipn_none`` (no IPN), ``ipn_duplicate``
  (each IPN twice), ``ipn_tamper`` (the amount changed after signing), ``ipn_wrong_amount`` (another
  amount, correctly signed), ``null`` heals; ``{"set_status": {"txn_ref": …, "status": …}}`` rewrites
  what the gateway holds (``paid``, ``failed``, ``pending``, ``refunded``, ``forget``).
- ``GET /_ipn``: the IPNs produced and not yet taken (taken by this call); ``GET /_data``: every
  transaction and refund; ``DELETE /_data``: forget everything; ``GET /_health``.
"""

from __future__ import annotations

import html
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cchc.payments import vnpay_protocol as p

CARDS = {
    "9704000000000018": "success",
    "9704000000000026": "fail",
    "9704000000000034": "timeout",
    "9704000000000042": "cancel",
}
CARD_LABELS = {
    "success": "thanh toán thành công",
    "fail": "không đủ số dư (mã 51)",
    "timeout": "ngân hàng không phản hồi (quá thời gian chờ)",
    "cancel": "khách hàng hủy giao dịch (mã 24)",
}
RESPONSE_CODES = {"success": "00", "fail": "51", "cancel": "24"}
QUERY_STATUS = {"paid": "00", "pending": "01", "failed": "02", "refunded": "06"}
MODES = {None, "down", "slow", "ipn_none", "ipn_duplicate", "ipn_tamper", "ipn_wrong_amount"}


def _now() -> datetime:
    return datetime.now(p.VN)


class _State:
    def __init__(self, tmn_code: str, secret: str, ipn_url: str) -> None:
        self.tmn_code, self.secret, self.ipn_url = tmn_code, secret, ipn_url
        self.lock = threading.Lock()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self.ipn_queue: list[dict[str, Any]] = []
        self.ipn_sent: list[dict[str, Any]] = []
        self.mode: str | None = None
        self.times: int | None = None
        self.delay = 30.0
        self.counter = 14000000

    def control(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if "set_status" in data:
                change = data["set_status"]
                ref, status = str(change["txn_ref"]), str(change["status"])
                if status == "forget":
                    self.transactions.pop(ref, None)
                elif ref in self.transactions and status in QUERY_STATUS:
                    self.transactions[ref]["status"] = status
                else:
                    raise ValueError("giao dịch hoặc trạng thái không hợp lệ")
                return {"txn_ref": ref, "status": status}
            mode = data.get("mode")
            if mode not in MODES:
                raise ValueError(f"«mode» phải là một trong {sorted(m for m in MODES if m)} hoặc null")
            self.mode = mode
            times = data.get("times")
            self.times = int(times) if times is not None else None
            self.delay = float(data.get("delay", 30.0))
            if "ipn_url" in data:
                self.ipn_url = str(data["ipn_url"] or "")
            return {"mode": self.mode, "times": self.times, "delay": self.delay, "ipn_url": self.ipn_url}

    def active(self, *modes: str) -> str | None:
        """The misbehaviour in force if it is one of ``modes`` (and count it)."""
        with self.lock:
            if self.mode is None or self.mode not in modes:
                return None
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = None, None
            return mode

    def reset(self) -> None:
        with self.lock:
            self.transactions.clear()
            self.refunds.clear()
            self.ipn_queue.clear()
            self.ipn_sent.clear()
            self.mode, self.times = None, None


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)} — Cổng thanh toán mô phỏng</title></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}<p><small>Cổng thanh toán mô phỏng VNPay 2.1.0 (CCHC)</small></p>"
        "</body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        sys.stderr.write("payment-simulator: " + (format % args) + "\n")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _html(self, status: int, title: str, body: str) -> None:
        self._send(status, _page(title, body).encode(), "text/html; charset=utf-8")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # --- routing --------------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        state = self.server.state
        url = urlsplit(self.path)
        if url.path == "/_health":
            self._json(200, {"ok": True})
        elif url.path == "/_ipn":
            with state.lock:
                taken, state.ipn_queue = state.ipn_queue, []
            self._json(200, taken)
        elif url.path == "/_data":
            with state.lock:
                self._json(
                    200,
                    {"transactions": state.transactions, "refunds": state.refunds, "ipn_sent": state.ipn_sent},
                )
        elif url.path == "/paymentv2/vpcpay.html":
            if state.active("down"):
                self._html(503, "Hệ thống đang bảo trì", "<p>Cổng thanh toán tạm thời không phục vụ.</p>")
                return
            self._payment_page(dict(parse_qsl(url.query, keep_blank_values=True)))
        else:
            self._json(404, {"error": "không có đường dẫn này"})

    def do_DELETE(self) -> None:  # noqa: N802
        if urlsplit(self.path).path != "/_data":
            self._json(404, {"error": "không có đường dẫn này"})
            return
        self.server.state.reset()
        self._json(200, {"ok": True})

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        path = urlsplit(self.path).path
        raw = self._body()
        if path == "/paymentv2/pay":
            if state.active("down"):
                self._html(503, "Hệ thống đang bảo trì", "<p>Cổng thanh toán tạm thời không phục vụ.</p>")
                return
            self._pay(dict(parse_qsl(raw.decode("utf-8", "replace"))))
            return
        try:
            data = json.loads(raw.decode("utf-8") or "{}") if raw else {}
            if not isinstance(data, dict):
                raise ValueError("nội dung phải là một đối tượng JSON")
        except (ValueError, UnicodeDecodeError) as exc:
            self._json(400, {"error": f"JSON không hợp lệ: {exc}"})
            return
        if path == "/_control":
            try:
                self._json(200, state.control(data))
            except (ValueError, TypeError, KeyError) as exc:
                self._json(400, {"error": str(exc)})
        elif path == "/merchant_webapi/api/transaction":
            if state.active("down"):
                self._json(503, {"error": "bảo trì"})
                return
            if state.active("slow"):
                time.sleep(state.delay)
            self._json(200, self._api(data))
        else:
            self._json(404, {"error": "không có đường dẫn này"})

    # --- the payment page ------------------------------------------------------------------------------

    def _refuse(self, code: str, text: str) -> None:
        self._html(
            400, "Giao dịch không hợp lệ", f'<p id="error" data-code="{code}">Mã lỗi {code}: {html.escape(text)}</p>'
        )

    def _payment_page(self, params: dict[str, str]) -> None:
        state = self.server.state
        if not p.verify(params, state.secret):
            self._refuse("70", "Sai chữ ký.")
            return
        if params.get("vnp_TmnCode") != state.tmn_code:
            self._refuse("02", "Mã website (TmnCode) không hợp lệ.")
            return
        if params.get("vnp_Version") != p.VERSION or params.get("vnp_Command") != "pay":
            self._refuse("03", "Phiên bản hoặc lệnh không được hỗ trợ.")
            return
        amount = params.get("vnp_Amount", "")
        if not amount.isdigit() or int(amount) <= 0 or params.get("vnp_CurrCode") != "VND":
            self._refuse("03", "Số tiền hoặc loại tiền không hợp lệ.")
            return
        try:
            expires = p.parse_time(params.get("vnp_ExpireDate", ""))
            p.parse_time(params.get("vnp_CreateDate", ""))
        except ValueError:
            self._refuse("03", "Thời điểm tạo hoặc hết hạn không đúng dạng.")
            return
        if expires < _now():
            self._refuse("11", "Đã hết hạn chờ thanh toán.")
            return
        ref = params.get("vnp_TxnRef", "")
        with state.lock:
            known = state.transactions.get(ref)
            if known is not None and known["status"] in ("paid", "refunded"):
                self._refuse("02", "Giao dịch này đã được thanh toán.")
                return
            if known is not None and known["amount"] != amount:
                self._refuse("03", "Mã giao dịch đã dùng với số tiền khác.")
                return
            if known is None:
                state.transactions[ref] = {
                    "txn_ref": ref,
                    "amount": amount,
                    "order_info": params.get("vnp_OrderInfo", ""),
                    "return_url": params.get("vnp_ReturnUrl", ""),
                    "create_date": params.get("vnp_CreateDate", ""),
                    "expire_date": params.get("vnp_ExpireDate", ""),
                    "status": "pending",
                    "response_code": "",
                    "transaction_no": "",
                    "pay_date": "",
                }
        dong = f"{int(amount) // 100:,}".replace(",", ".")
        cards = "".join(f"<li><code>{c}</code>: {CARD_LABELS[k]}</li>" for c, k in CARDS.items())
        self._html(
            200,
            "Thanh toán trực tuyến",
            f'<p>Nội dung: <span id="order-info">{html.escape(params.get("vnp_OrderInfo", ""))}</span></p>'
            f'<p>Số tiền: <strong id="amount">{dong}</strong> VND</p>'
            '<form method="post" action="/paymentv2/pay">'
            f'<input type="hidden" name="txn_ref" value="{html.escape(ref)}">'
            '<label for="card">Số thẻ</label> <input id="card" name="card" autocomplete="off"> '
            '<button type="submit" name="action" value="pay">Thanh toán</button> '
            '<button type="submit" name="action" value="cancel">Hủy giao dịch</button></form>'
            f"<p>Thẻ thử nghiệm:</p><ul>{cards}</ul>",
        )

    def _pay(self, form: dict[str, str]) -> None:
        state = self.server.state
        ref = form.get("txn_ref", "")
        kind = "cancel" if form.get("action") == "cancel" else CARDS.get(form.get("card", "").replace(" ", ""))
        with state.lock:
            tx = state.transactions.get(ref)
            if tx is None:
                self._refuse("91", "Không tìm thấy giao dịch.")
                return
            if tx["status"] in ("paid", "refunded"):
                self._refuse("02", "Giao dịch này đã được thanh toán.")
                return
            if kind is None:
                self._html(400, "Thẻ không hợp lệ", '<p id="error" data-code="12">Số thẻ không đúng.</p>')
                return
            if kind == "timeout":
                tx["status"] = "pending"
                self._html(504, "Quá thời gian chờ", '<p id="error" data-code="timeout">Ngân hàng không phản hồi.</p>')
                return
            state.counter += 1
            tx["status"] = "paid" if kind == "success" else "failed"
            tx["response_code"] = RESPONSE_CODES[kind]
            tx["transaction_no"] = str(state.counter) if kind == "success" else "0"
            tx["pay_date"] = p.format_time(_now())
            callback = {
                "vnp_Amount": tx["amount"],
                "vnp_BankCode": "NCB" if kind == "success" else "VNPAY",
                "vnp_BankTranNo": f"NCB{state.counter}" if kind == "success" else "",
                "vnp_CardType": "ATM",
                "vnp_OrderInfo": tx["order_info"],
                "vnp_PayDate": tx["pay_date"],
                "vnp_ResponseCode": tx["response_code"],
                "vnp_TmnCode": state.tmn_code,
                "vnp_TransactionNo": tx["transaction_no"],
                "vnp_TransactionStatus": "00" if kind == "success" else "02",
                "vnp_TxnRef": ref,
            }
            return_url = tx["return_url"]
        query = p.signed_query(callback, state.secret)
        self._ipn(callback, query)
        self._send(302, b"", "text/plain", {"Location": f"{return_url}?{query}"})

    def _ipn(self, callback: dict[str, str], query: str) -> None:
        """Produce the IPN (misbehaving as told), deliver it to ``--ipn-url`` when set, keep it for ``/_ipn``."""
        state = self.server.state
        mode = state.active("ipn_none", "ipn_duplicate", "ipn_tamper", "ipn_wrong_amount")
        if mode == "ipn_none":
            return
        queries = [query]
        if mode == "ipn_duplicate":
            queries = [query, query]
        elif mode == "ipn_tamper":  # changed after signing: the signature no longer matches
            queries = [
                query.replace(f"vnp_Amount={callback['vnp_Amount']}", f"vnp_Amount={int(callback['vnp_Amount']) // 10}")
            ]
        elif mode == "ipn_wrong_amount":  # another amount, signed: only the amount check catches it
            queries = [
                p.signed_query({**callback, "vnp_Amount": str(int(callback["vnp_Amount"]) + 100000)}, state.secret)
            ]
        with state.lock:
            for q in queries:
                state.ipn_queue.append({"txn_ref": callback["vnp_TxnRef"], "query": q})
            url = state.ipn_url
        if url:
            for q in queries:
                threading.Thread(target=self._deliver, args=(url, q), daemon=True).start()

    def _deliver(self, url: str, query: str) -> None:
        state = self.server.state
        for attempt in range(5):
            try:
                with urllib.request.urlopen(f"{url}?{query}", timeout=10) as response:  # noqa: S310
                    answer = json.loads(response.read())
            except (urllib.error.URLError, OSError, ValueError) as exc:
                answer = {"error": str(exc)}
            with state.lock:
                state.ipn_sent.append({"query": query, "answer": answer, "attempt": attempt + 1})
            if answer.get("RspCode") in ("00", "02"):
                return
            time.sleep(min(2**attempt, 10))

    # --- the merchant web API ------------------------------------------------------------------------

    def _answer(self, request: dict[str, Any], fields: tuple[str, ...], **values: str) -> dict[str, Any]:
        state = self.server.state
        state.counter += 1
        answer: dict[str, Any] = {
            "vnp_ResponseId": f"R{state.counter}",
            "vnp_Command": request.get("vnp_Command", ""),
            "vnp_TmnCode": state.tmn_code,
            "vnp_TxnRef": request.get("vnp_TxnRef", ""),
            **values,
        }
        answer["vnp_SecureHash"] = p.sign_fields(answer, fields, state.secret)
        return answer

    def _api(self, data: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        command = data.get("vnp_Command")
        fields = p.QUERY_ANSWER_FIELDS if command == "querydr" else p.REFUND_ANSWER_FIELDS
        if command not in ("querydr", "refund"):
            return {"vnp_ResponseCode": "03", "vnp_Message": "Lệnh không hợp lệ"}
        request_fields = p.QUERY_FIELDS if command == "querydr" else p.REFUND_FIELDS
        if not p.verify_fields(data, request_fields, state.secret):
            return {"vnp_ResponseCode": "97", "vnp_Message": "Sai chữ ký"}
        if data.get("vnp_TmnCode") != state.tmn_code:
            return self._answer(data, fields, vnp_ResponseCode="02", vnp_Message="Mã website không hợp lệ")
        with state.lock:
            tx = state.transactions.get(str(data.get("vnp_TxnRef", "")))
            if tx is None:
                return self._answer(data, fields, vnp_ResponseCode="91", vnp_Message="Không tìm thấy giao dịch")
            common = {
                "vnp_Amount": tx["amount"],
                "vnp_BankCode": "NCB",
                "vnp_PayDate": tx["pay_date"],
                "vnp_TransactionNo": tx["transaction_no"],
                "vnp_TransactionType": "01",
                "vnp_OrderInfo": tx["order_info"],
            }
            if command == "querydr":
                return self._answer(
                    data,
                    fields,
                    vnp_ResponseCode="00",
                    vnp_Message="Truy vấn thành công",
                    vnp_TransactionStatus=QUERY_STATUS[tx["status"]],
                    vnp_PromotionCode="",
                    vnp_PromotionAmount="",
                    **common,
                )
            if tx["status"] not in ("paid", "refunded"):
                return self._answer(
                    data,
                    fields,
                    vnp_ResponseCode="95",
                    vnp_Message="Giao dịch chưa thành công, không hoàn tiền",
                    **common,
                )
            if str(data.get("vnp_Amount")) != tx["amount"]:
                return self._answer(
                    data, fields, vnp_ResponseCode="03", vnp_Message="Số tiền hoàn không hợp lệ", **common
                )
            if tx["status"] == "paid":  # idempotency: a second refund of the same transaction answers the first
                tx["status"] = "refunded"
                state.refunds.append(
                    {"txn_ref": tx["txn_ref"], "amount": tx["amount"], "by": data.get("vnp_CreateBy", "")}
                )
            return self._answer(
                data,
                fields,
                vnp_ResponseCode="00",
                vnp_Message="Hoàn tiền thành công",
                vnp_TransactionStatus="06",
                **{**common, "vnp_TransactionType": "02"},
            )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        super().__init__(address, _Handler)
        self.state = state


def make_server(host: str = "127.0.0.1", port: int = 0, *, tmn_code: str, secret: str, ipn_url: str = "") -> _Server:
    """A simulator bound to ``host:port`` (port 0: a free one, see ``server.server_address``)."""
    return _Server((host, port), _State(tmn_code, secret, ipn_url))


def serve(host: str, port: int, *, tmn_code: str, secret: str, ipn_url: str = "") -> None:
    """Run until interrupted; prints the address on the first line (the tests read it)."""
    server = make_server(host, port, tmn_code=tmn_code, secret=secret, ipn_url=ipn_url)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    sys.stdout.write(f"Cổng thanh toán mô phỏng (VNPay 2.1.0) đang chạy tại http://{bound_host}:{bound_port}/\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["CARDS", "make_server", "serve"]

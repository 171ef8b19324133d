"""The simulator's national feedback system (Hệ thống tiếp nhận, trả lời phản ánh, kiến nghị quốc gia).

The protocol is inferred (no official specification is public: domain-vn §2.6; the names follow the
Vietnamese field names the national portal uses elsewhere, dates ``yyyyMMddHHmmss`` in Vietnam time):

- ``GuiPAKN`` ``{"data": [item, …]}``: a citizen files feedback on the national system (a control for
  the tests and the demo: the items are stored as given, so a test can file a malformed one; the
  system gives ``MaPAKN`` and ``NgayTiepNhan`` when they are missing) → ``{"result": [{"MaPAKN"}, …]}``.
- ``LayDanhSachPAKN`` ``{"data": {"TuViTri": "<position>", "TuNgay": "yyyyMMddHHmmss", "SoLuong": 100}}``:
  the feedback received about the province's agencies after the position the previous page gave
  (``TuViTri``, empty: from the start; or received at or after ``TuNgay``), at most ``SoLuong`` (1-500)
  → ``{"result": [item, …], "ViTriTiep": "<position>", "ConTiep": true|false}``. An item: ``MaPAKN``,
  ``TieuDe``, ``NoiDung``, ``HoTenNguoiGui``, ``SoDienThoai``, ``Email``, ``DiaChi``, ``MaDonVi`` (the
  agency addressed, by the province's registry code) or ``MaDinhDanhDonVi`` (its electronic
  identifier), ``NgayTiepNhan``.
- ``TraLoiPAKN`` ``{"data": {"MaPAKN", "NoiDungTraLoi", "NgayTraLoi", "MaDonViTraLoi", "TenDonViTraLoi",
  "MaPhanAnhTinh"}, "idempotencyKey": "<key>"}``: the province's answer. A key already seen is
  acknowledged again without a second answer; an unknown ``MaPAKN`` is refused (``error_code`` "404"),
  a missing field or a bad date too ("400") → ``{"result": [{"MaPAKN", "TrangThai": "DaTraLoi"}]}``.

Inspectors: ``GET /_data/pakn`` (the filed feedback and whether answered), ``GET /_data/pakn_answers``
(``?MaPAKN=…``: the answers received, with ``calls``: how many times each key came).
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from cchc.integrations.simulator.server import SCHEMAS, Rejected, Store, inspector, service

SCHEMAS.append(
    "CREATE TABLE IF NOT EXISTS pakn ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, ma TEXT NOT NULL UNIQUE, received TEXT NOT NULL,"
    " item TEXT NOT NULL, answered INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS pakn_answers ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ma TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,"
    " data TEXT NOT NULL, calls INTEGER NOT NULL DEFAULT 1, received_at REAL NOT NULL);"
)

DATE_FORMAT = "%Y%m%d%H%M%S"
PAGE_MAX = 500


def _now_vn() -> str:
    """Now, ``yyyyMMddHHmmss`` in Vietnam time (UTC+7, no daylight saving), whatever the machine's zone."""
    return time.strftime(DATE_FORMAT, time.gmtime(time.time() + 7 * 3600))


def _date(value: Any, field: str) -> str:
    text = str(value or "")
    try:
        time.strptime(text, DATE_FORMAT)
    except ValueError:
        raise Rejected("400", f"«{field}» phải có dạng yyyyMMddHHmmss (nhận «{text}»).") from None
    return text


@service("GuiPAKN")
def file_feedback(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    items = request.get("data")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Rejected("400", "«data» phải là danh sách các phản ánh, kiến nghị.")
    result = []
    for item in items:
        received = str(item.get("NgayTiepNhan") or _now_vn())
        next_seq = store.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM pakn").fetchone()[0]
        ma = str(item.get("MaPAKN") or f"PAKN-{received[:4]}-{next_seq:06d}")
        stored = {**item, "MaPAKN": ma, "NgayTiepNhan": item.get("NgayTiepNhan", received)}
        try:
            store.db.execute(
                "INSERT INTO pakn (ma, received, item) VALUES (?, ?, ?)",
                (ma, received, json.dumps(stored, ensure_ascii=False)),
            )
        except sqlite3.IntegrityError:
            raise Rejected("409", f"Đã có phản ánh, kiến nghị mã «{ma}».") from None
        result.append({"MaPAKN": ma})
    return {"result": result}


@service("LayDanhSachPAKN")
def list_feedback(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    query = request.get("data") or {}
    if not isinstance(query, dict):
        raise Rejected("400", "«data» phải là một đối tượng.")
    try:
        after = int(query.get("TuViTri") or 0)
        size = int(query.get("SoLuong") or 100)
    except (TypeError, ValueError):
        raise Rejected("400", "«TuViTri» và «SoLuong» phải là số.") from None
    if not 1 <= size <= PAGE_MAX:
        raise Rejected("400", f"«SoLuong» phải từ 1 đến {PAGE_MAX}.")
    since = _date(query["TuNgay"], "TuNgay") if query.get("TuNgay") else ""
    rows = store.db.execute(
        "SELECT seq, item FROM pakn WHERE seq > ? AND received >= ? ORDER BY seq LIMIT ?",
        (after, since, size + 1),
    ).fetchall()
    page = rows[:size]
    position = page[-1][0] if page else after
    return {
        "result": [json.loads(item) for _, item in page],
        "ViTriTiep": str(position),
        "ConTiep": len(rows) > size,
    }


@service("TraLoiPAKN")
def answer_feedback(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    data = request.get("data")
    key = request.get("idempotencyKey")
    if not isinstance(data, dict):
        raise Rejected("400", "«data» phải là một đối tượng.")
    if not isinstance(key, str) or not key:
        raise Rejected("400", "Thiếu «idempotencyKey».")
    ma = str(data.get("MaPAKN") or "")
    for field in ("MaPAKN", "NoiDungTraLoi", "MaDonViTraLoi"):
        if not str(data.get(field) or "").strip():
            raise Rejected("400", f"Thiếu «{field}».")
    _date(data.get("NgayTraLoi"), "NgayTraLoi")
    seen = store.db.execute("SELECT ma FROM pakn_answers WHERE idempotency_key = ?", (key,)).fetchone()
    if seen is not None:
        store.db.execute("UPDATE pakn_answers SET calls = calls + 1 WHERE idempotency_key = ?", (key,))
        return {"result": [{"MaPAKN": seen[0], "TrangThai": "DaTraLoi"}]}
    if store.db.execute("SELECT 1 FROM pakn WHERE ma = ?", (ma,)).fetchone() is None:
        raise Rejected("404", f"Không tìm thấy phản ánh, kiến nghị mã «{ma}».")
    store.db.execute(
        "INSERT INTO pakn_answers (ma, idempotency_key, data, received_at) VALUES (?, ?, ?, ?)",
        (ma, key, json.dumps(data, ensure_ascii=False), time.time()),
    )
    store.db.execute("UPDATE pakn SET answered = answered + 1 WHERE ma = ?", (ma,))
    return {"result": [{"MaPAKN": ma, "TrangThai": "DaTraLoi"}]}


@inspector("pakn")
def show_feedback(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    rows = store.db.execute("SELECT seq, item, answered FROM pakn ORDER BY seq").fetchall()
    return [{"seq": seq, "answered": answered, **json.loads(item)} for seq, item, answered in rows]


@inspector("pakn_answers")
def show_answers(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    sql, args = "SELECT ma, idempotency_key, data, calls FROM pakn_answers", []
    if query.get("MaPAKN"):
        sql, args = sql + " WHERE ma = ?", [query["MaPAKN"]]
    rows = store.db.execute(sql + " ORDER BY id", args).fetchall()
    return [{"MaPAKN": ma, "idempotency_key": key, "calls": calls, **json.loads(data)} for ma, key, data, calls in rows]

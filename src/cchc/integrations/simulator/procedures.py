"""The simulator's national procedure database (CSDL quốc gia về TTHC). Standard library only.

Services (the format of one procedure: ``cchc.integrations.national_procedures.format``; inferred, no
official specification is public):

- ``LayDanhSachTTHC`` ``{"data": {"TuNgay": "dd/MM/yyyy" | "", "TrangSo": 1, "SoBanGhi": 100}}`` →
  ``{"result": {"TongSo", "TrangSo", "SoBanGhi", "DanhSachTTHC": [...]}}``: the procedures changed on or
  after TuNgay (all without it), oldest change first, one page;
- ``LayThuTuc`` ``{"data": {"MaTTHC": "…"}}`` → ``{"result": <thủ tục>}``, or ``TTHC_KHONG_TON_TAI``;
- ``CapNhatTTHC`` ``{"data": <thủ tục>}`` (tests and the demo: what the ministry or the province does on
  the national database): publish a procedure or replace it; ``NgayCapNhat`` is set to now unless given.

Refusals use the portal's error shape (``Rejected``): ``DU_LIEU_KHONG_HOP_LE`` for a request that is
not what the service reads. The inspector ``/_data/procedures`` lists what is stored.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from cchc.integrations.simulator.server import SCHEMAS, Rejected, Store, inspector, service

SCHEMAS.append(
    "CREATE TABLE IF NOT EXISTS national_procedures ("
    " code TEXT PRIMARY KEY, name TEXT NOT NULL, updated TEXT NOT NULL, body TEXT NOT NULL)"
)

VN = timezone(timedelta(hours=7))
INVALID = "DU_LIEU_KHONG_HOP_LE"
NOT_FOUND = "TTHC_KHONG_TON_TAI"
_CODE = re.compile(r"^[0-9]\.[0-9]{6}(\.[A-Z0-9]{1,10})?$")
_MAX_PAGE = 500


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    data = payload.get("data")
    if not isinstance(data, dict):
        raise Rejected(INVALID, "Thiếu «data» (một đối tượng JSON).")
    return data


def _day(text: Any, what: str) -> datetime:
    if isinstance(text, str):
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text.strip(), pattern).replace(tzinfo=VN)
            except ValueError:
                continue
    raise Rejected(INVALID, f"«{what}» phải là ngày dạng dd/MM/yyyy, nhận «{text}».")


def _updated(text: Any) -> datetime:
    if isinstance(text, str):
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text.strip(), pattern).replace(tzinfo=VN)
            except ValueError:
                continue
    raise Rejected(INVALID, f"«NgayCapNhat» phải có dạng dd/MM/yyyy HH:mm:ss, nhận «{text}».")


def _int(data: dict[str, Any], key: str, default: int, maximum: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise Rejected(INVALID, f"«{key}» phải là số nguyên từ 1 đến {maximum}.")
    return value


@service("CapNhatTTHC")
def publish(store: Store, payload: dict[str, Any]) -> dict[str, Any]:
    data = _data(payload)
    code = data.get("MaTTHC")
    if not isinstance(code, str) or not _CODE.match(code):
        raise Rejected(INVALID, f"«MaTTHC» không đúng dạng (ví dụ 1.001193), nhận «{code}».")
    name = data.get("TenTTHC")
    if not isinstance(name, str) or not name.strip():
        raise Rejected(INVALID, "Thiếu «TenTTHC».")
    decision = data.get("QuyetDinhCongBo")
    if not isinstance(decision, dict) or not isinstance(decision.get("SoKyHieu"), str):
        raise Rejected(INVALID, "Thiếu «QuyetDinhCongBo» (SoKyHieu, NgayBanHanh).")
    _day(decision.get("NgayBanHanh"), "QuyetDinhCongBo.NgayBanHanh")
    if data.get("NgayCongKhai"):
        _day(data["NgayCongKhai"], "NgayCongKhai")
    updated = _updated(data["NgayCapNhat"]) if data.get("NgayCapNhat") else datetime.now(tz=VN)
    record = {**data, "NgayCapNhat": updated.strftime("%d/%m/%Y %H:%M:%S")}
    store.db.execute(
        "INSERT INTO national_procedures (code, name, updated, body) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated = excluded.updated, body = excluded.body",
        (code, name, updated.strftime("%Y-%m-%d %H:%M:%S"), json.dumps(record, ensure_ascii=False)),
    )
    return {"result": {"MaTTHC": code, "NgayCapNhat": record["NgayCapNhat"]}}


@service("LayDanhSachTTHC")
def list_changed(store: Store, payload: dict[str, Any]) -> dict[str, Any]:
    data = _data(payload)
    since = _day(data["TuNgay"], "TuNgay").strftime("%Y-%m-%d") if data.get("TuNgay") else ""
    page = _int(data, "TrangSo", 1, 1_000_000)
    size = _int(data, "SoBanGhi", 100, _MAX_PAGE)
    total = store.db.execute("SELECT count(*) FROM national_procedures WHERE updated >= ?", (since,)).fetchone()[0]
    rows = store.db.execute(
        "SELECT body FROM national_procedures WHERE updated >= ? ORDER BY updated, code LIMIT ? OFFSET ?",
        (since, size, (page - 1) * size),
    ).fetchall()
    return {
        "result": {
            "TongSo": total,
            "TrangSo": page,
            "SoBanGhi": size,
            "DanhSachTTHC": [json.loads(row[0]) for row in rows],
        }
    }


@service("LayThuTuc")
def get_one(store: Store, payload: dict[str, Any]) -> dict[str, Any]:
    code = _data(payload).get("MaTTHC")
    if not isinstance(code, str) or not code:
        raise Rejected(INVALID, "Thiếu «MaTTHC».")
    row = store.db.execute("SELECT body FROM national_procedures WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise Rejected(NOT_FOUND, f"Không có thủ tục mã «{code}» trên CSDL quốc gia về TTHC.")
    return {"result": json.loads(row[0])}


@inspector("procedures")
def stored(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    rows = store.db.execute("SELECT code, name, updated FROM national_procedures ORDER BY code").fetchall()
    return [{"MaTTHC": code, "TenTTHC": name, "NgayCapNhat": updated} for code, name, updated in rows]

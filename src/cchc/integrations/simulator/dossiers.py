"""The simulator's dossier services: the national portal's dossier sync (``DongBoHoSoMC``) and its
reconciliation (``DoiSoatHoSo``).

Basis: the field names and codes are inferred from public implementations of the portal's sync
(domain-vn §2.6: FDVC, another C# model, F766-doc; no official specification is public) and the status
codes 1-10 from domain-vn §2.5. The per-item error codes below are the simulator's own (the portal's code
table is not public); the messages are Vietnamese.

``DongBoHoSoMC`` ``{"isUpdating": "true" | "false", "data": [item, …]}`` → ``{"result": [{"MaHoSo",
"MaGiaoDich", "error_code", "message"}, …]}``, one acknowledgement per item:

- each item is checked against the documented fields (required fields, ``TrangThaiHoSo`` 1-10,
  ``yyyyMMddHHmmss`` dates, ``KenhThucHien`` 1-3, ``LoaiDoiTuong`` 1-4, ``TrichYeuHoSo`` ≤ 1000 characters,
  ``NguoiXuLy`` ≤ 50); a failing item is answered with a non-zero ``error_code`` and the reason, recorded
  as a rejection, and stores nothing;
- ``MaGiaoDich`` de-duplicates: a repeat is acknowledged ("0") but stored once and counted as a duplicate;
- an item whose ``SoThuTu`` is lower than the last stored one of its ``MaHoSo`` arrived out of order: it is
  stored among the dossier's events, counted as an anomaly, and does not overwrite the newer state.

``DoiSoatHoSo`` ``{"data": {"TuNgay", "DenNgay", "DanhSachMaHoSo", "Trang", "SoLuong"}}`` → the stored
dossiers received (``NgayTiepNhan``) in the period, or those named, a page at a time: ``{"result":
[{"MaHoSo", "TrangThaiHoSo", "NgayTiepNhan", "SoThuTu"}], "TongSo": n, "Trang": p}``.

Inspectors: ``GET /_data/dossiers[?MaHoSo=…]`` (the current states; with ``MaHoSo`` the full item),
``GET /_data/dossier_events?MaHoSo=…`` (its events in arrival order, with the items),
``GET /_data/dossier_stats`` (``dossiers``, ``events``, ``duplicates``, ``out_of_order``, ``rejected``),
``GET /_data/dossier_rejections[?MaHoSo=…]``.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from cchc.integrations.simulator.server import SCHEMAS, Rejected, Store, inspector, service

SCHEMAS.append(
    """
    CREATE TABLE IF NOT EXISTS sim_dossier (
        ma_ho_so TEXT PRIMARY KEY,
        trang_thai INTEGER NOT NULL,
        ngay_tiep_nhan TEXT NOT NULL,
        so_thu_tu INTEGER NOT NULL,
        ma_giao_dich TEXT NOT NULL,
        item TEXT NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sim_dossier_event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ma_ho_so TEXT NOT NULL,
        ma_giao_dich TEXT NOT NULL UNIQUE,
        so_thu_tu INTEGER NOT NULL,
        trang_thai INTEGER NOT NULL,
        out_of_order INTEGER NOT NULL DEFAULT 0,
        is_updating TEXT NOT NULL,
        item TEXT NOT NULL,
        received_at REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sim_dossier_event_ma_ho_so ON sim_dossier_event (ma_ho_so, id);
    CREATE INDEX IF NOT EXISTS sim_dossier_ngay_tiep_nhan ON sim_dossier (ngay_tiep_nhan);
    CREATE TABLE IF NOT EXISTS sim_dossier_rejection (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ma_ho_so TEXT NOT NULL,
        ma_giao_dich TEXT NOT NULL,
        error_code TEXT NOT NULL,
        message TEXT NOT NULL,
        item TEXT NOT NULL,
        received_at REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sim_dossier_counter (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    """
)

REQUIRED = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "KenhThucHien",
    "ChuHoSo",
    "LoaiDoiTuong",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "DonViXuLy",
    "MaGiaoDich",
    "SoThuTu",
)
DATES = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "NgayYeuCauBoSung", "NgayTuChoi")
HISTORY_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")
PORTAL_TIME = "%Y%m%d%H%M%S"

# the simulator's per-item error codes (the portal's own table is not public)
MISSING, BAD_STATUS, BAD_DATE, BAD_CHANNEL, BAD_KIND, TOO_LONG, BAD_HISTORY, BAD_TYPE = (
    "101",
    "102",
    "103",
    "104",
    "105",
    "106",
    "107",
    "108",
)


class _ItemRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _int_in(value: Any, low: int, high: int) -> int | None:
    """``value`` as an integer within [low, high] (a JSON number or a string of digits), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if low <= number <= high else None


def _date_ok(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        return False
    try:
        datetime.strptime(value, PORTAL_TIME)  # noqa: DTZ007 (a wall-clock time of the portal's format)
    except ValueError:
        return False
    return True


def validate_item(item: Any) -> tuple[int, int]:
    """Check one sync item against the documented fields; (TrangThaiHoSo, SoThuTu), or _ItemRejected."""
    if not isinstance(item, dict):
        raise _ItemRejected(BAD_TYPE, "Mỗi hồ sơ đồng bộ phải là một đối tượng JSON.")
    missing = [name for name in REQUIRED if item.get(name) in (None, "")]
    if missing:
        raise _ItemRejected(MISSING, f"Thiếu trường bắt buộc: {', '.join(missing)}.")
    code = item["MaHoSo"]
    if not isinstance(code, str) or len(code) > 60 or any(ch.isspace() for ch in code):
        raise _ItemRejected(BAD_TYPE, f"MaHoSo «{code}» không hợp lệ (chuỗi tối đa 60 ký tự, không có khoảng trắng).")
    status = _int_in(item["TrangThaiHoSo"], 1, 10)
    if status is None:
        raise _ItemRejected(BAD_STATUS, f"TrangThaiHoSo «{item['TrangThaiHoSo']}» không hợp lệ (từ 1 đến 10).")
    if _int_in(item["KenhThucHien"], 1, 3) is None:
        raise _ItemRejected(
            BAD_CHANNEL, f"KenhThucHien «{item['KenhThucHien']}» không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)."
        )
    if _int_in(item["LoaiDoiTuong"], 1, 4) is None:
        raise _ItemRejected(BAD_KIND, f"LoaiDoiTuong «{item['LoaiDoiTuong']}» không hợp lệ (từ 1 đến 4).")
    for name in DATES:
        value = item.get(name, "")
        if value not in ("", None) and not _date_ok(value):
            raise _ItemRejected(BAD_DATE, f"{name} «{value}» không đúng định dạng yyyyMMddHHmmss.")
    summary = item.get("TrichYeuHoSo", "")
    if not isinstance(summary, str) or len(summary) > 1000:
        raise _ItemRejected(TOO_LONG, "TrichYeuHoSo phải là chuỗi tối đa 1000 ký tự.")
    history = item.get("QuaTrinhXuLyHoSo", [])
    if not isinstance(history, list):
        raise _ItemRejected(BAD_HISTORY, "QuaTrinhXuLyHoSo phải là một danh sách.")
    for index, line in enumerate(history, start=1):
        if not isinstance(line, dict):
            raise _ItemRejected(BAD_HISTORY, f"QuaTrinhXuLyHoSo dòng {index}: phải là một đối tượng JSON.")
        who = line.get("NguoiXuLy", "")
        if not isinstance(who, str) or not who or len(who) > 50:
            raise _ItemRejected(BAD_HISTORY, f"QuaTrinhXuLyHoSo dòng {index}: NguoiXuLy bắt buộc, tối đa 50 ký tự.")
        for name in HISTORY_DATES:
            value = line.get(name, "")
            if value not in ("", None) and not _date_ok(value):
                raise _ItemRejected(
                    BAD_DATE, f"QuaTrinhXuLyHoSo dòng {index}: {name} «{value}» không đúng định dạng yyyyMMddHHmmss."
                )
        if _int_in(line.get("TrangThai"), 1, 10) is None:
            raise _ItemRejected(BAD_HISTORY, f"QuaTrinhXuLyHoSo dòng {index}: TrangThai phải từ 1 đến 10.")
    sequence = _int_in(item["SoThuTu"], 1, 2**63 - 1)
    if sequence is None:
        raise _ItemRejected(BAD_TYPE, f"SoThuTu «{item['SoThuTu']}» phải là số nguyên dương.")
    if not isinstance(item["MaGiaoDich"], str) or len(item["MaGiaoDich"]) > 128:
        raise _ItemRejected(BAD_TYPE, "MaGiaoDich phải là chuỗi tối đa 128 ký tự.")
    return status, sequence


def _count(store: Store, name: str, by: int = 1) -> None:
    store.db.execute(
        "INSERT INTO sim_dossier_counter (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
        (name, by),
    )


def _ack(item: Any, code: str, message: str) -> dict[str, Any]:
    source = item if isinstance(item, dict) else {}
    return {
        "MaHoSo": source.get("MaHoSo", ""),
        "MaGiaoDich": source.get("MaGiaoDich", ""),
        "error_code": code,
        "message": message,
    }


@service("DongBoHoSoMC", ack_list="result")
def dong_bo_ho_so(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    items = request.get("data")
    if not isinstance(items, list):
        raise Rejected("2", "Trường «data» phải là danh sách hồ sơ đồng bộ.")
    updating = str(request.get("isUpdating", "false")).lower()
    if updating not in ("true", "false"):
        raise Rejected("2", "Trường «isUpdating» phải là «true» hoặc «false».")
    now = time.time()
    result = []
    for item in items:
        key = item.get("MaGiaoDich") if isinstance(item, dict) else None
        if isinstance(key, str) and key:
            seen = store.db.execute("SELECT 1 FROM sim_dossier_event WHERE ma_giao_dich = ?", (key,)).fetchone()
            if seen:  # idempotency: a repeat of a stored transaction is acknowledged, not stored again
                _count(store, "duplicates")
                result.append(_ack(item, "0", "Giao dịch đã được tiếp nhận trước đó (trùng MaGiaoDich)."))
                continue
        try:
            status, sequence = validate_item(item)
        except _ItemRejected as exc:
            source = item if isinstance(item, dict) else {}
            store.db.execute(
                "INSERT INTO sim_dossier_rejection (ma_ho_so, ma_giao_dich, error_code, message, item, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    str(source.get("MaHoSo", "")),
                    str(source.get("MaGiaoDich", "")),
                    exc.code,
                    exc.message,
                    json.dumps(item, ensure_ascii=False),
                    now,
                ),
            )
            _count(store, "rejected")
            result.append(_ack(item, exc.code, exc.message))
            continue
        code, key = item["MaHoSo"], str(item["MaGiaoDich"])
        last = store.db.execute("SELECT so_thu_tu FROM sim_dossier WHERE ma_ho_so = ?", (code,)).fetchone()
        late = last is not None and sequence < last[0]
        text = json.dumps(item, ensure_ascii=False)
        store.db.execute(
            "INSERT INTO sim_dossier_event (ma_ho_so, ma_giao_dich, so_thu_tu, trang_thai, out_of_order,"
            " is_updating, item, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (code, key, sequence, status, int(late), updating, text, now),
        )
        if late:
            _count(store, "out_of_order")
        else:
            store.db.execute(
                "INSERT INTO sim_dossier (ma_ho_so, trang_thai, ngay_tiep_nhan, so_thu_tu, ma_giao_dich, item,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ma_ho_so) DO UPDATE SET"
                " trang_thai = excluded.trang_thai, ngay_tiep_nhan = excluded.ngay_tiep_nhan,"
                " so_thu_tu = excluded.so_thu_tu, ma_giao_dich = excluded.ma_giao_dich, item = excluded.item,"
                " updated_at = excluded.updated_at",
                (code, status, str(item["NgayTiepNhan"]), sequence, key, text, now),
            )
        result.append(_ack(item, "0", "Đồng bộ thành công."))
    return {"result": result}


@service("DoiSoatHoSo", ack_list="result")
def doi_soat_ho_so(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    query = request.get("data")
    if not isinstance(query, dict):
        raise Rejected("2", "Trường «data» phải là đối tượng {TuNgay, DenNgay, DanhSachMaHoSo, Trang, SoLuong}.")
    page = _int_in(query.get("Trang", 1), 1, 10**9)
    size = _int_in(query.get("SoLuong", 1000), 1, 5000)
    if page is None or size is None:
        raise Rejected("2", "Trang phải là số nguyên dương; SoLuong từ 1 đến 5000.")
    where, params = [], []
    codes = query.get("DanhSachMaHoSo")
    if codes is not None:
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes) or len(codes) > 5000:
            raise Rejected("2", "DanhSachMaHoSo phải là danh sách tối đa 5000 mã hồ sơ.")
        where.append(f"ma_ho_so IN ({', '.join('?' for _ in codes) or 'NULL'})")
        params.extend(codes)
    for name, operator in (("TuNgay", ">="), ("DenNgay", "<=")):
        value = query.get(name)
        if value in (None, ""):
            continue
        if not _date_ok(value):
            raise Rejected("2", f"{name} «{value}» không đúng định dạng yyyyMMddHHmmss.")
        where.append(f"ngay_tiep_nhan {operator} ?")
        params.append(value)
    if codes is None and len(where) < 2:
        raise Rejected("2", "Cần TuNgay và DenNgay, hoặc DanhSachMaHoSo.")
    clause = " AND ".join(where)
    total = store.db.execute(f"SELECT COUNT(*) FROM sim_dossier WHERE {clause}", params).fetchone()[0]  # noqa: S608
    rows = store.db.execute(
        f"SELECT ma_ho_so, trang_thai, ngay_tiep_nhan, so_thu_tu FROM sim_dossier WHERE {clause}"  # noqa: S608
        " ORDER BY ma_ho_so LIMIT ? OFFSET ?",
        [*params, size, (page - 1) * size],
    ).fetchall()
    return {
        "result": [{"MaHoSo": r[0], "TrangThaiHoSo": r[1], "NgayTiepNhan": r[2], "SoThuTu": r[3]} for r in rows],
        "TongSo": total,
        "Trang": page,
    }


@inspector("dossiers")
def dossiers(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    code = query.get("MaHoSo")
    sql = (
        "SELECT s.ma_ho_so, s.trang_thai, s.ngay_tiep_nhan, s.so_thu_tu, s.ma_giao_dich, s.item,"
        " (SELECT COUNT(*) FROM sim_dossier_event e WHERE e.ma_ho_so = s.ma_ho_so) FROM sim_dossier s"
    )
    rows = store.db.execute(sql + (" WHERE s.ma_ho_so = ?" if code else "") + " ORDER BY s.ma_ho_so",
                            (code,) if code else ()).fetchall()  # fmt: skip
    answer = []
    for row in rows:
        entry: dict[str, Any] = {
            "MaHoSo": row[0],
            "TrangThaiHoSo": row[1],
            "NgayTiepNhan": row[2],
            "SoThuTu": row[3],
            "MaGiaoDich": row[4],
            "events": row[6],
        }
        if code:
            entry["item"] = json.loads(row[5])
        answer.append(entry)
    return answer


@inspector("dossier_events")
def dossier_events(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    code = query.get("MaHoSo")
    sql = "SELECT ma_ho_so, so_thu_tu, ma_giao_dich, trang_thai, out_of_order, is_updating, item FROM sim_dossier_event"
    rows = store.db.execute(sql + (" WHERE ma_ho_so = ?" if code else "") + " ORDER BY id",
                            (code,) if code else ()).fetchall()  # fmt: skip
    answer = []
    for row in rows:
        entry: dict[str, Any] = {
            "MaHoSo": row[0],
            "SoThuTu": row[1],
            "MaGiaoDich": row[2],
            "TrangThaiHoSo": row[3],
            "out_of_order": bool(row[4]),
            "isUpdating": row[5],
        }
        if code:
            entry["item"] = json.loads(row[6])
        answer.append(entry)
    return answer


@inspector("dossier_rejections")
def dossier_rejections(store: Store, query: dict[str, str]) -> list[dict[str, Any]]:
    code = query.get("MaHoSo")
    sql = "SELECT ma_ho_so, ma_giao_dich, error_code, message FROM sim_dossier_rejection"
    rows = store.db.execute(sql + (" WHERE ma_ho_so = ?" if code else "") + " ORDER BY id",
                            (code,) if code else ()).fetchall()  # fmt: skip
    return [{"MaHoSo": r[0], "MaGiaoDich": r[1], "error_code": r[2], "message": r[3]} for r in rows]


@inspector("dossier_stats")
def dossier_stats(store: Store, query: dict[str, str]) -> dict[str, int]:
    counters = dict(store.db.execute("SELECT name, value FROM sim_dossier_counter").fetchall())
    return {
        "dossiers": store.db.execute("SELECT COUNT(*) FROM sim_dossier").fetchone()[0],
        "events": store.db.execute("SELECT COUNT(*) FROM sim_dossier_event").fetchone()[0],
        "duplicates": int(counters.get("duplicates", 0)),
        "out_of_order": int(counters.get("out_of_order", 0)),
        "rejected": int(counters.get("rejected", 0)),
    }

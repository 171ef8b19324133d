"""The national feedback system's services, field names and dates, and the reading of one item.

Inferred: no official specification of the national PAKN system's interface is public (domain-vn §2.6);
the names follow the Vietnamese field names the national portal uses for dossiers (``Ma…``, ``Ngay…``
dates ``yyyyMMddHHmmss`` in Vietnam time). The simulator (``cchc.integrations.simulator.feedback``)
speaks the same. Services:

- ``LayDanhSachPAKN`` ``{"data": {"TuViTri", "TuNgay", "SoLuong"}}`` → ``{"result": [item …],
  "ViTriTiep", "ConTiep"}``: the feedback received about the province's agencies after a position;
- ``TraLoiPAKN`` ``{"data": {"MaPAKN", "NoiDungTraLoi", "NgayTraLoi", "MaDonViTraLoi",
  "TenDonViTraLoi", "MaPhanAnhTinh"}, "idempotencyKey"}``: the answer, deduplicated on the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

LIST_SERVICE = "LayDanhSachPAKN"
ANSWER_SERVICE = "TraLoiPAKN"
DATE_FORMAT = "%Y%m%d%H%M%S"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE_SIZE = 100


class SkipCode(StrEnum):
    """Why an item of the national list was not imported (stable; recorded as the attempt's error code)."""

    MALFORMED = "pakn.malformed"  # a required field is missing or unreadable
    AGENCY_UNKNOWN = "pakn.agency_unknown"  # the agency addressed is not in the province's registry
    REFUSED = "pakn.refused"  # the feedback service refused it (its own code is in the message)


class ItemSkipped(Exception):
    def __init__(self, code: SkipCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def date_format(at: datetime) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time."""
    return at.astimezone(VN_TZ).strftime(DATE_FORMAT)


def date_parse(value: Any, field: str) -> datetime:
    try:
        return datetime.strptime(str(value or ""), DATE_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError:
        raise ItemSkipped(
            SkipCode.MALFORMED, f"Trường «{field}» phải là ngày giờ dạng yyyyMMddHHmmss, nhận được «{value}»."
        ) from None


@dataclass(frozen=True)
class NationalItem:
    """One feedback as the national system lists it."""

    national_id: str
    subject: str
    content: str
    submitter_name: str
    phone: str
    email: str
    agency_code: str
    agency_identifier: str
    received_at: datetime


def _text(raw: dict[str, Any], field: str, *, required: bool = True) -> str:
    value = raw.get(field)
    if value is None or value == "":
        if required:
            raise ItemSkipped(SkipCode.MALFORMED, f"Thiếu trường «{field}».")
        return ""
    if not isinstance(value, str | int):
        raise ItemSkipped(SkipCode.MALFORMED, f"Trường «{field}» phải là chuỗi ký tự.")
    text = str(value).strip()
    if required and not text:
        raise ItemSkipped(SkipCode.MALFORMED, f"Trường «{field}» để trống.")
    return text


def item_read(raw: Any) -> NationalItem:
    """The item's fields, or :class:`ItemSkipped` (``pakn.malformed``) saying which one is wrong."""
    if not isinstance(raw, dict):
        raise ItemSkipped(SkipCode.MALFORMED, "Phần tử của danh sách không phải một đối tượng JSON.")
    agency_code = _text(raw, "MaDonVi", required=False)
    agency_identifier = _text(raw, "MaDinhDanhDonVi", required=False)
    if not agency_code and not agency_identifier:
        raise ItemSkipped(SkipCode.MALFORMED, "Thiếu cơ quan tiếp nhận (trường «MaDonVi» hoặc «MaDinhDanhDonVi»).")
    return NationalItem(
        national_id=_text(raw, "MaPAKN"),
        subject=_text(raw, "TieuDe"),
        content=_text(raw, "NoiDung"),
        submitter_name=_text(raw, "HoTenNguoiGui"),
        phone=_text(raw, "SoDienThoai", required=False),
        email=_text(raw, "Email", required=False),
        agency_code=agency_code,
        agency_identifier=agency_identifier,
        received_at=date_parse(raw.get("NgayTiepNhan"), "NgayTiepNhan"),
    )

"""Wording of the administrative layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): agency names, place and date.

legal: NĐ 30/2020 Phụ lục I Mục II (vn-data §1.2): the parent body (tên cơ quan chủ quản) and the issuing
body are written in upper case; the date is written in full with a leading 0 for a day below 10 and for
months 1 and 2 ("ngày 05 tháng 01 năm 2026", but "ngày 29 tháng 6 năm 2019"); the place name is the
administrative unit where the body sits, followed by a comma.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cchc.accounts.names import person_name as accounts_person_name
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# legal: NĐ 118/2025/NĐ-CP names the desk of a commune People's Committee "Bộ phận Một cửa".
ONE_STOP_DESK = "Bộ phận Một cửa"

_PROVINCE_PREFIXES = ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố ")


def vn_upper(text: str) -> str:
    """Upper case that keeps Vietnamese diacritics ("Khánh Hòa" -> "KHÁNH HÒA")."""
    return text.upper()


def local(at: datetime) -> datetime:
    return at.astimezone(VN_TZ)


def date_words(day: date) -> str:
    """``ngày 05 tháng 01 năm 2026`` per NĐ 30/2020 (leading 0 for days < 10 and months 1-2)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: date) -> str:
    """``Khánh Hòa, ngày 05 tháng 01 năm 2026``: ô số 4 of the layout (printed in italics)."""
    return f"{place}, {date_words(day)}"


def short_datetime(at: datetime | None) -> str:
    """``08:00 05/01/2026`` in Vietnam time, for tables; empty for None."""
    return "" if at is None else f"{local(at):%H:%M %d/%m/%Y}"


def short_date(at: datetime | None) -> str:
    return "" if at is None else f"{local(at):%d/%m/%Y}"


def place_name(agency: Agency) -> str:
    """The place name of the date line: the commune for a commune-level body, else the province.

    The area is the agency's own administrative unit, or the nearest parent's; the province name drops
    its "Tỉnh " prefix ("Khánh Hòa"), a commune keeps its kind ("Phường Nha Trang").
    """
    current: Agency | None = agency
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        unit = current.unit if current.unit_id is not None else None
        if unit is not None:
            if unit.level == Level.COMMUNE:
                return unit.name
            name = unit.name
            for prefix in _PROVINCE_PREFIXES:
                if name.startswith(prefix):
                    return name[len(prefix) :]
            return name
        current = current.parent
    return "Khánh Hòa"


@dataclass(frozen=True)
class Header:
    """The left column of the layout (ô số 2 and 3): parent body, issuing body and the number line."""

    parent: str
    issuer: str
    number: str
    place: str


def agency_header(agency: Agency, *, desk: bool, number: str = "") -> Header:
    """Parent and issuer of a document issued by ``agency`` (upper case, NĐ 30/2020 ô số 2).

    ``desk=True``: the document comes from the agency's one-stop desk. For a People's Committee the desk
    is its "Bộ phận Một cửa" under the committee's name; for a service centre or a department the agency
    itself issues, under its parent (e.g. "UBND TỈNH KHÁNH HÒA"). TT 01/2018's form header does the same
    (vn-data §2.2: TÊN CƠ QUAN CẤP TỈNH above TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG).
    """
    parent_agency = agency.parent if agency.parent_id is not None else None
    parent_name = (parent_agency.short_name or parent_agency.name) if parent_agency is not None else ""
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE and desk:
        parent_name, issuer = agency.name, ONE_STOP_DESK
    elif agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.level == Level.COMMUNE:
        parent_name, issuer = "", agency.name
    else:
        issuer = agency.name
    return Header(
        parent=vn_upper(parent_name),
        issuer=vn_upper(issuer),
        number=f"Số: {number}" if number else "Số: ……",
        place=place_name(agency),
    )


def person_name(user: Any) -> str:
    """An officer's full name as written (one field, never reordered: ``cchc.accounts.names``), or the
    login when no name is recorded; empty for None."""
    return accounts_person_name(user)

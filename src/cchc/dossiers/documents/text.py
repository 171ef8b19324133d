"""Wording of the administrative layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): agency names, place and date.

legal: NĐ 30/2020 Phụ lục I Mục II (vn-data §1.2): the parent body (tên cơ quan chủ quản) and the issuing
body are written in upper case; the date is written in full with a leading 0 for a day below 10 and for
months 1 and 2 ("ngày 05 tháng 01 năm 2026", but "ngày 29 tháng 6 năm 2019"); the place name is the
administrative unit where the body sits, followed by a comma.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cchc.calendars.constants import WEEKDAY_NAMES
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency
from cchc.org.selectors import agency_name_on, one_stop_desk_on

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

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


def moment_words(at: datetime) -> str:
    """``16 giờ 30 phút, thứ Ba, ngày 20 tháng 01 năm 2026`` in Vietnam time.

    The date part is :func:`date_words`, so every date of a form is written the same way (NĐ 30/2020:
    "tháng 7", "tháng 01"), never "tháng 07" in one line and "tháng 7" in another.
    """
    moment = local(at)
    return f"{moment:%H} giờ {moment:%M} phút, {WEEKDAY_NAMES[moment.weekday()]}, {date_words(moment.date())}"


def procedure_phrase(name: str) -> str:
    """``thủ tục Cấp Phiếu lý lịch tư pháp``; a name that already starts with "Thủ tục" is not doubled."""
    name = name.strip()
    if name[:7].lower() == "thủ tục":
        return "thủ tục" + name[7:]
    return f"thủ tục {name}"


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


def agency_header(agency: Agency, *, desk: bool, on: date, number: str = "") -> Header:
    """Parent and issuer of a document issued by ``agency`` on ``on`` (upper case, NĐ 30/2020 ô số 2).

    ``desk=True``: the document comes from the agency's one-stop desk, named as on ``on``
    (``cchc.org.selectors.one_stop_desk_on``: from 1/7/2025 the commune's Trung tâm Phục vụ hành chính
    công under "UBND PHƯỜNG …", the provincial centre under "UBND TỈNH KHÁNH HÒA"; before, the names of
    that time). Otherwise the agency itself issues under its parent; a commune People's Committee has
    no parent line. ``number`` is the "Số:" line's content; empty: the document has no number line.
    """
    if desk:
        one_stop = one_stop_desk_on(agency, on=on)
        parent_name, issuer = one_stop.parent, one_stop.issuer
    else:
        parent_agency = agency.parent if agency.parent_id is not None else None
        parent_name = (parent_agency.short_name or agency_name_on(parent_agency, on=on)) if parent_agency else ""
        issuer = agency_name_on(agency, on=on)
        if agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.level == Level.COMMUNE:
            parent_name = ""
    return Header(
        parent=vn_upper(parent_name),
        issuer=vn_upper(issuer),
        number=f"Số: {number}" if number else "",
        place=place_name(agency),
    )

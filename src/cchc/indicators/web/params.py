"""The GET parameters of the dashboards (Vietnamese, bookmarkable), parsed once for every page.

``?ky=2025-Q3`` the period (default: the current quarter), ``?cap=tinh|xa`` the government level
(empty: all), ``?co-cau=hien-tai|truoc-sap-xep`` the structure (current by default: units of the 2021
structure roll up into today's successors), ``?co-quan=`` / ``?thu-tuc=`` a scope, and on the
drill-down ``?chi-tieu=CODE&phan=num|den``. Bad input raises :class:`IndicatorError` with a stable
code and a Vietnamese message; the view answers 400 with that message.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.http import QueryDict

from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Part, Structure
from cchc.indicators.periods import VN_TZ, Period, period_parse
from cchc.indicators.scopes import Scope
from cchc.org.constants import Level

LEVELS: dict[str, tuple[str, str]] = {
    "": ("", "Tất cả các cấp"),
    "tinh": (Level.PROVINCE, "Cấp tỉnh (sở, ban, ngành)"),
    "xa": (Level.COMMUNE, "Cấp xã"),
}
STRUCTURES: dict[str, tuple[Structure, str]] = {
    "hien-tai": (Structure.CURRENT, "Theo tổ chức hiện nay"),
    "truoc-sap-xep": (Structure.HISTORICAL, "Theo tổ chức tại thời điểm giải quyết (trước sắp xếp)"),
}
PARTS: dict[str, Part] = {"num": Part.NUMERATOR, "den": Part.DENOMINATOR}
FORMATS = ("csv", "xlsx")


def current_quarter(at: datetime) -> str:
    day = at.astimezone(VN_TZ).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Query:
    """What a dashboard page shows: period, level, structure and, for some pages, a scope."""

    period: Period
    level_key: str = ""
    structure_key: str = "hien-tai"
    agency: str = ""
    procedure: str = ""
    export: str = ""  # "csv" / "xlsx" / ""
    table: str = ""  # which table to export

    @property
    def level(self) -> str:
        return LEVELS[self.level_key][0]

    @property
    def structure(self) -> Structure:
        return STRUCTURES[self.structure_key][0]

    @property
    def structure_label(self) -> str:
        return STRUCTURES[self.structure_key][1]

    @property
    def level_label(self) -> str:
        return LEVELS[self.level_key][1]

    @property
    def scope(self) -> Scope:
        return Scope(agency=self.agency, level=self.level, procedure=self.procedure)

    def params(self, **changes: str) -> dict[str, str]:
        """The page's parameters (defaults left out), with ``changes`` applied ("" removes one)."""
        values = {
            "ky": self.period.key,
            "cap": self.level_key,
            "co-cau": "" if self.structure_key == "hien-tai" else self.structure_key,
            "co-quan": self.agency,
            "thu-tuc": self.procedure,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    def querystring(self, **changes: str) -> str:
        return urlencode(self.params(**changes))


def _choice(data: QueryDict, name: str, allowed: Collection[str], label: str) -> str:
    value = (data.get(name) or "").strip()
    if value not in allowed:
        accepted = ", ".join(f"«{k}»" for k in allowed if k)
        raise IndicatorError(
            IndicatorErrorCode.UNKNOWN_SCOPE, f"Giá trị «{value}» của {label} không hợp lệ; dùng một trong: {accepted}."
        )
    return value


def query_parse(data: QueryDict, *, at: datetime, agency: str = "", procedure: str = "") -> Query:
    """The dashboard query of a request's GET parameters (``at``: now, for the default period)."""
    period = period_parse(data.get("ky") or current_quarter(at))
    level_key = _choice(data, "cap", LEVELS, "cấp")
    structure_key = data.get("co-cau") or "hien-tai"
    if structure_key not in STRUCTURES:
        _choice(data, "co-cau", STRUCTURES, "cơ cấu tổ chức")
    export = data.get("dinh-dang") or ""
    if export and export not in FORMATS:
        _choice(data, "dinh-dang", FORMATS, "định dạng tệp xuất")
    return Query(
        period=period,
        level_key=level_key,
        structure_key=structure_key,
        agency=agency or (data.get("co-quan") or "").strip(),
        procedure=procedure or (data.get("thu-tuc") or "").strip(),
        export=export,
        table=(data.get("bang") or "").strip(),
    )


def part_parse(data: QueryDict) -> tuple[str, Part]:
    """The indicator code and the part (numerator / denominator) of a drill-down."""
    code = (data.get("chi-tieu") or "").strip()
    if not code:
        raise IndicatorError(IndicatorErrorCode.UNKNOWN_INDICATOR, "Chưa chọn chỉ số (tham số «chi-tieu»).")
    raw = (data.get("phan") or "").strip()
    if raw not in PARTS:
        raise IndicatorError(
            IndicatorErrorCode.INVALID_PART, "Phần cần xem (tham số «phan») phải là «num» (tử số) hoặc «den» (mẫu số)."
        )
    return code, PARTS[raw]


def period_choices(today: date, first_year: int = 2021) -> list[tuple[int, list[tuple[str, str]]]]:
    """The periods offered in the picker, newest year first: the year, its halves, quarters, months."""
    years = []
    for year in range(today.year, first_year - 1, -1):
        keys = [f"{year}", f"{year}-H1", f"{year}-H2"] + [f"{year}-Q{q}" for q in range(1, 5)]
        keys += [f"{year}-{m:02d}" for m in range(1, 13)]
        years.append((year, [(key, period_parse(key).label) for key in keys if period_parse(key).first <= today]))
    return years

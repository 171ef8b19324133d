"""Figures by commune on a map of the province, with the same figures in a table beside it.

Used by the QĐ 766 dashboard (each commune's total score) and by a program target's page (the target's
figure in each commune). A commune's figure is that of its People's Committee (``Agency`` of kind
``ubnd`` at commune level attached to the unit, valid on the day): the agency that receives and decides
the commune's dossiers and is the commune-level agency QĐ 766/QĐ-TTg scores (the dashboard's commune
ranking, ``cchc.indicators.web.presenters.rankings``). A commune without a committee in the registry,
or whose figure has no data, is drawn grey and listed.

The shapes come from :func:`cchc.org.geo.province_map` (a schematic from the units' centres unless the
province drops in real boundaries). Reads only: nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings

from cchc.common.numbers import vi_number
from cchc.indicators.exports import Cell, Row, Table
from cchc.org.constants import AgencyKind, Level, UnitsDataError
from cchc.org.geo import ProvinceMap, province_map
from cchc.org.models import Agency
from cchc.org.units_data import province_units

NO_DATA_TEXT = "Chưa có dữ liệu"


@dataclass(frozen=True)
class CommuneFigure:
    code: str  # the unit's published code
    name: str
    value: Decimal | None
    agency: Agency | None = None
    href: str = ""
    note: str = ""  # why there is no figure

    @property
    def text(self) -> str:
        return NO_DATA_TEXT if self.value is None else vi_number(self.value, 2)


@dataclass
class CommuneMap:
    """What a page shows: the map's data (``chart``, for ``json_script``) and the same rows as a table."""

    key: str  # the table's ``?bang=`` key and the chart's element id
    title: str
    value_label: str  # the column of the figure: "Tổng điểm", "Giá trị (%)"
    geo: ProvinceMap
    figures: list[CommuneFigure] = field(default_factory=list)
    max_value: float = 100.0

    @property
    def missing(self) -> list[CommuneFigure]:
        return [f for f in self.figures if f.value is None]

    @property
    def measured(self) -> list[CommuneFigure]:
        return [f for f in self.figures if f.value is not None]

    @property
    def geo_id(self) -> str:
        return f"ban-do-{self.geo.code}"

    @property
    def data_id(self) -> str:
        return f"{self.key}-du-lieu"

    @property
    def geojson(self) -> Any:
        return json.loads(self.geo.geojson)

    @property
    def summary(self) -> str:
        """The chart's text alternative (its ``aria-label``): what it shows and where the numbers are."""
        measured = self.measured
        text = f"Bản đồ — {self.title}: {len(measured)} đơn vị cấp xã có số liệu"
        if measured:
            best = max(measured, key=lambda f: f.value or 0)
            worst = min(measured, key=lambda f: f.value or 0)
            if best.value == worst.value:
                text += f", đều {best.text}"
            else:
                text += f", cao nhất {best.name} ({best.text}), thấp nhất {worst.name} ({worst.text})"
        text += f"; {len(self.missing)} đơn vị chưa có dữ liệu (màu xám). Số liệu đầy đủ ở bảng bên cạnh."
        return text

    @property
    def chart(self) -> dict[str, Any]:
        values = [float(f.value) for f in self.measured if f.value is not None]
        return {
            "kind": "communes",
            "geo": self.geo_id,
            "aspect": self.geo.aspect,
            "title": self.title,
            "label": self.value_label,
            "min": min(values) if values else 0.0,
            "max": max(values) if values else self.max_value,
            "regions": [
                {"name": f.code, "label": f.name, "value": None if f.value is None else float(f.value), "text": f.text}
                for f in self.figures
            ],
        }

    def table(self) -> Table:
        """The map's figures, best first, then the communes without data (sorted by name)."""
        table = Table(
            key=self.key,
            title=f"{self.title} theo đơn vị hành chính cấp xã",
            headers=["Mã đơn vị", "Đơn vị hành chính", self.value_label],
        )
        ordered = sorted(self.measured, key=lambda f: (-(f.value or 0), f.name)) + sorted(
            self.missing, key=lambda f: f.name
        )
        for f in ordered:
            value = Cell(text=f.text, value=None if f.value is None else float(f.value), numeric=True, note=f.note)
            table.rows.append(Row([Cell.of(f.code), Cell.of(f.name, href=f.href), value], css=f"commune-{f.code}"))
        return table


def commune_committees(province: str, on: date) -> dict[str, Agency]:
    """Each commune-level unit's People's Committee valid on ``on`` (one query), by the unit's published
    code (a registry holding another code of the same unit, e.g. Khánh Hòa's 7 draft codes, is matched
    through ``other_codes``)."""
    units = province_units(province)
    codes = {**{c: c for c in units.units}, **units.other_codes}
    found: dict[str, Agency] = {}
    agencies = (
        Agency.objects.valid_on(on)
        .filter(kind=AgencyKind.PEOPLES_COMMITTEE, level=Level.COMMUNE, unit__code__in=list(codes))
        .select_related("unit")
        .order_by("pk")
    )
    for agency in agencies:
        assert agency.unit is not None  # filtered on its code
        published = codes[agency.unit.code]
        found.setdefault(published, agency)
    return found


def commune_map(
    *,
    key: str,
    title: str,
    value_label: str,
    values: Mapping[str, Decimal | None],
    committees: Mapping[str, Agency],
    href: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    province: str | None = None,
) -> CommuneMap | None:
    """The map of ``values`` (by agency code) over the province's communes; ``None`` when the province's
    units cannot be read (an unknown ``CCHC_PROVINCE_CODE``): the page then shows its tables only."""
    code = province or settings.CCHC_PROVINCE_CODE
    try:
        geo = province_map(code, boundaries_dir=settings.CCHC_MAP_BOUNDARIES_DIR)
    except UnitsDataError:
        return None
    result = CommuneMap(key=key, title=title, value_label=value_label, geo=geo)
    for region in geo.regions:
        agency = committees.get(region.code)
        value = values.get(agency.code) if agency is not None else None
        note = (notes or {}).get(agency.code, "") if agency is not None else ""
        if agency is None:
            note = "Chưa có Ủy ban nhân dân của đơn vị trong danh mục cơ quan."
        link = (href or {}).get(agency.code, "") if agency is not None else ""
        result.figures.append(CommuneFigure(region.code, region.name, value, agency, link, note))
    return result

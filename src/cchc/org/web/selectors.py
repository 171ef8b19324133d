"""Reads behind the public agency list (/co-quan/).

Validity is the registry's half-open ``[valid_from, valid_to)``: an agency is "đang hoạt động"
on a day when that day falls inside it, otherwise it is kept as history (a 2021 name that a
2025 merger replaced stays readable, because programs and dossiers refer to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.org.selectors import agency_list_for_public

VALID_NOW = "nay"
HISTORICAL = "lich-su"


@dataclass
class LevelSection:
    """Agencies of one government level, split into valid on the day and historical."""

    level: str
    label: str
    current: list[Agency] = field(default_factory=list)
    historical: list[Agency] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.current) + len(self.historical)


def agency_directory(*, on: date, text: str = "", validity: str = "") -> QuerySet[Agency]:
    """Agencies whose name contains ``text`` (accents and case ignored), all, only current or only historical."""
    if validity == VALID_NOW:
        return agency_list_for_public(on=on, query=text)
    qs = agency_list_for_public(query=text)
    if validity == HISTORICAL:
        qs = qs.exclude(pk__in=Agency.objects.valid_on(on).values("pk"))
    return qs


def agency_sections_by_level(*, agencies: QuerySet[Agency] | list[Agency], on: date) -> list[LevelSection]:
    """Group agencies by level in the order of government (central, province, district, commune)."""
    sections = {value: LevelSection(level=value, label=str(label)) for value, label in Level.choices}
    extra: dict[str, LevelSection] = {}
    for agency in agencies:
        section = sections.get(agency.level) or extra.setdefault(
            agency.level, LevelSection(level=agency.level, label=agency.level or "Khác")
        )
        (section.current if agency.is_valid_on(on) else section.historical).append(agency)
    return [s for s in [*sections.values(), *extra.values()] if s.count]

"""What the figures are computed for: the province, an administrative unit, an agency, a government
level, a procedure or a field (criteria combine), attributed by the current or the historical structure.

A dossier belongs to its competent agency (``Dossier.competent_agency``: the agency that decides, the
"đơn vị xử lý" the national portal scores). Across the 2025 reorganisation (district level ended,
communes and the two provinces merged on 1/7/2025, departments merged on 1/3/2025):

- ``Structure.CURRENT``: every agency's dossiers are attributed to the agency that carries its duties
  on the reference day (``cchc.org.selectors.agency_successions_map``: the main successor first, else
  the first partial one); an agency abolished without successor counts only in the province's
  figures. "UBND phường Nha Trang" then includes the dossiers of the old communes it replaced.
- ``Structure.HISTORICAL``: every dossier stays with the agency that handled it.

Each historical agency maps to exactly one reporting agency (or none), so per-agency counters add up:
rollups can store counters by the handling agency and regroup them with the same map.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F

from cchc.catalogue.models import Field, Procedure
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Structure
from cchc.org.constants import Level
from cchc.org.models import AdministrativeUnit, Agency
from cchc.org.selectors import agency_successions_map


@dataclass(frozen=True)
class Scope:
    """Criteria (all optional, combined with AND); none at all is the whole province."""

    unit: str = ""  # administrative unit code (56 the province, 22366 a commune ...)
    agency: str = ""  # agency registry code (so-tu-phap, ubnd-22366 ...)
    level: str = ""  # Level value
    procedure: str = ""  # national procedure code
    field: str = ""  # field code

    @property
    def is_province(self) -> bool:
        return not (self.unit or self.agency or self.level or self.procedure or self.field)

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class Organisation:
    """Every agency, and the reporting agency of each under one structure on one day (two queries).

    Shared by the computations of one process while the reference data are unchanged
    (:func:`organisation_load`): read it, never modify it or its agencies."""

    structure: Structure
    day: date
    agencies: dict[int, Agency]
    reporting: dict[int, int | None]  # handling agency id -> reporting agency id (None: province only)
    unit_parents: dict[int, int | None] = dataclasses.field(default_factory=dict)  # agency -> its unit's parent
    # the reference stamp it was read under (None: not shared), and what callers derive from it and
    # from the catalogue read under the same stamp (the engine's catalogue in force): kept with it
    stamp: tuple[str, int] | None = None
    memo: dict[str, object] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def report_as(self, agency_id: int) -> int | None:
        return self.reporting.get(agency_id)

    def handled_by(self, reporting_ids: Iterable[int]) -> set[int]:
        """The handling agencies whose dossiers count for any of ``reporting_ids``."""
        wanted = set(reporting_ids)
        return {pk for pk, target in self.reporting.items() if target in wanted}


# --- the reference stamp and the per-process cache ---------------------------------------------------

STAMP_TABLE = "indicators_reference_stamp"  # made, with its triggers, by migration indicators 0003
_KEPT = 8  # organisations kept, by (stamp, structure, day): mostly today's two under the last stamp

Stamp = tuple[str, int]  # the database's name, the stamp's value


def reference_stamp() -> Stamp | None:
    """The change stamp of the organisation and the catalogue (one query): a value that every write to
    their tables changes (database triggers) and that is never taken twice, even by a transaction
    rolled back; ``None`` where there is none (a database other than PostgreSQL or SQLite)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else (str(connection.settings_dict["NAME"]), int(row[0]))


@dataclass
class _Kept:
    """What this process keeps of the reference data, each thing under the stamp it was read under:
    a stamp is never taken twice, so whoever reads that stamp reads the same data."""

    organisations: dict[tuple[Stamp, str, date], Organisation] = dataclasses.field(default_factory=dict)
    memos: dict[Stamp, dict[str, object]] = dataclasses.field(default_factory=dict)  # other readers'


_KEPT_DATA = _Kept()


def reference_cache_clear() -> None:
    """Forget everything this process keeps of the reference data."""
    _KEPT_DATA.organisations, _KEPT_DATA.memos = {}, {}


def reference_memo(stamp: Stamp | None) -> dict[str, object] | None:
    """Where a reader keeps what it read under ``stamp`` (e.g. the catalogue); ``None`` without a stamp
    (then keep nothing). Only the last few stamps are remembered."""
    if stamp is None:
        return None
    found = _KEPT_DATA.memos.get(stamp)
    if found is None:
        if len(_KEPT_DATA.memos) >= 2:
            _KEPT_DATA.memos = {}
        found = _KEPT_DATA.memos[stamp] = {}
    return found


def organisation_load(*, structure: Structure, day: date) -> Organisation:
    """The organisation under ``structure`` on ``day``: read once per process while the reference stamp
    stays the same (1 query: the stamp), else read (2 queries more) and kept.

    The stamp is read before the tables: a write committed in between makes the next stamp differ, so
    what is kept is never older than its stamp says."""
    stamp = reference_stamp()
    if stamp is None:
        return _organisation_read(structure=structure, day=day)
    key = (stamp, Structure(structure).value, day)
    found = _KEPT_DATA.organisations.get(key)
    if found is None:
        found = _organisation_read(structure=structure, day=day, stamp=stamp)
        if len(_KEPT_DATA.organisations) >= _KEPT:
            _KEPT_DATA.organisations = {}
        _KEPT_DATA.organisations[key] = found
    return found


def _organisation_read(*, structure: Structure, day: date, stamp: Stamp | None = None) -> Organisation:
    # the agencies alone (their unit's parent as a column): a scope by unit needs no more
    rows = Agency.objects.annotate(unit_parent_id=F("unit__parent_id"))
    agencies = {a.pk: a for a in rows}
    parents = {pk: a.unit_parent_id for pk, a in agencies.items()}  # type: ignore[attr-defined]
    if structure == Structure.HISTORICAL:
        reporting: dict[int, int | None] = {pk: pk for pk in agencies}
    else:
        found = agency_successions_map(agencies.values(), day)
        reporting = {pk: (bearers[0].node.pk if bearers else None) for pk, bearers in found.items()}
    return Organisation(
        structure=Structure(structure),
        day=day,
        agencies=agencies,
        reporting=reporting,
        unit_parents=parents,
        stamp=stamp,
    )


@dataclass
class ResolvedScope:
    """A scope made concrete: which reporting agencies (None: all) and which procedures/fields."""

    scope: Scope
    reporting_ids: set[int] | None
    procedure: str = ""
    field: str = ""
    commune: bool = False  # every reporting agency in scope is commune-level: rows 6, 8, 9, 16, 17 get full marks
    names: list[str] = dataclasses.field(default_factory=list)

    @property
    def label(self) -> str:
        parts = list(self.names)
        if self.scope.level:
            parts.append(Level(self.scope.level).label)
        if self.procedure:
            parts.append(f"thủ tục {self.procedure}")
        if self.field:
            parts.append(f"lĩnh vực {self.field}")
        return ", ".join(parts) or "Toàn tỉnh"


def _unknown(message: str) -> IndicatorError:
    return IndicatorError(IndicatorErrorCode.UNKNOWN_SCOPE, message)


def _unit_ids(code: str, org: Organisation) -> tuple[set[int], list[str]]:
    units = AdministrativeUnit.objects.filter(code=code)
    if org.structure == Structure.CURRENT:
        units = units.valid_on(org.day)
    found = list(units)
    if not found:
        raise _unknown(f"Không tìm thấy đơn vị hành chính có mã «{code}».")
    return {u.pk for u in found}, [found[0].name]


def scope_resolve(scope: Scope, org: Organisation) -> ResolvedScope:
    """The reporting agencies a scope covers (current structure: agencies valid on ``org.day``)."""
    if scope.level and scope.level not in Level.values:
        raise _unknown(f"Cấp «{scope.level}» không hợp lệ; dùng một trong: {', '.join(Level.values)}.")
    targets = {t for t in org.reporting.values() if t is not None}
    candidates = [org.agencies[pk] for pk in targets]
    names: list[str] = []
    if scope.is_province or not (scope.unit or scope.agency or scope.level):
        resolved = ResolvedScope(scope, None, scope.procedure, scope.field, False, names)
        return _check_catalogue(resolved)
    chosen = candidates
    if scope.agency:
        chosen = [a for a in chosen if a.code == scope.agency]
        if not chosen:
            known = any(a.code == scope.agency for a in org.agencies.values())
            when = "" if not known else f" vào ngày {org.day:%d/%m/%Y} (đơn vị đã giải thể hoặc sáp nhập)"
            raise _unknown(f"Không tìm thấy cơ quan có mã «{scope.agency}»{when}.")
        names.append(chosen[0].name)
    if scope.unit:
        unit_ids, unit_names = _unit_ids(scope.unit, org)
        names.extend(unit_names)
        chosen = [a for a in chosen if a.unit_id in unit_ids or org.unit_parents.get(a.pk) in unit_ids]
    if scope.level:
        chosen = [a for a in chosen if a.level == scope.level]
    ids = {a.pk for a in chosen}
    commune = bool(chosen) and all(a.level == Level.COMMUNE for a in chosen)
    if scope.level == Level.COMMUNE:
        commune = True
    return _check_catalogue(ResolvedScope(scope, ids, scope.procedure, scope.field, commune, names))


def _check_catalogue(resolved: ResolvedScope) -> ResolvedScope:
    if resolved.procedure and not Procedure.objects.filter(code=resolved.procedure).exists():
        raise _unknown(f"Không tìm thấy thủ tục có mã «{resolved.procedure}».")
    if resolved.field and not Field.objects.filter(code=resolved.field).exists():
        raise _unknown(f"Không tìm thấy lĩnh vực có mã «{resolved.field}».")
    return resolved

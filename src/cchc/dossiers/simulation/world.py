"""What the simulator reads once before it plans: the catalogue, the agencies and the staff.

Everything here is loaded into plain objects so that planning a dossier costs no query. The rules of
eligibility are those the services apply (so a planned dossier is never refused):

- a procedure version is used at moment ``t`` only when it is in force then (published at or before
  ``t`` and not retired): the rule of ``procedure_version_current``;
- the competent agency must be valid on the day and listed by the version (by name, or by level and
  kind: any commune People's Committee valid on the day), as ``_check_competent`` requires;
- every agency a step names must be valid on the day (its officers act through memberships, which
  count only while the agency is valid);
- the receiving agency must have a unit code (``receiving_unit_code``) to number the dossier.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.calendars.selectors import WorkingCalendar, working_calendar
from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.models import ProcedureVersion
from cchc.dossiers.codes import receiving_unit_code
from cchc.dossiers.constants import DossierError
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

SIMULATED_NOTE = "Cán bộ mô phỏng (cchc simulate)"
SIMULATED_PREFIX = "mophong"

# How common each field (lĩnh vực) is among dossiers: civil status, certification and residence are
# the bulk of a province's one-stop-shop; construction, land and environment permits are rare.
FIELD_WEIGHTS: dict[str, float] = {
    "HOTICH": 30,
    "CHUNGTHUC": 24,
    "CUTRU": 14,
    "CANCUOC": 5,
    "LLTP": 3,
    "DUONGBO": 3,
    "XNC": 2,
    "HKD": 4,
    "DKDN": 2,
    "BTXH": 2,
    "BHXH": 2,
    "GDDT": 1,
    "VIECLAM": 1,
    "THUE": 1,
    "NCC": 0.5,
    "ATTP": 0.5,
    "LTHQ": 0.3,
    "DULICH": 0.2,
    "XAYDUNG": 1.5,
    "DATDAI": 1.5,
    "MOITRUONG": 0.1,
}
DEFAULT_FIELD_WEIGHT = 1.0


class SimulationSetupError(Exception):
    """The database lacks what the simulator needs (the registry, the catalogue); nothing was written.

    Not a :class:`cchc.common.errors.DomainError`: only the ``simulate`` command meets it, and it tells
    the operator which set-up step to run first; no request can cause it.
    """


@dataclass(frozen=True)
class StepTemplate:
    order: int
    name: str
    responsible: str
    agency_id: int | None
    staff_role: str
    duration_hours: Decimal
    is_inter_agency: bool


@dataclass(frozen=True)
class FeeTemplate:
    order: int
    kind: str
    name: str
    amount: Decimal | None
    table: tuple[Decimal, ...]
    table_raw: frozenset[Any]

    @property
    def initial_amount(self) -> Decimal | None:
        """The amount copied at reception (a table with a single amount is no real choice): the rule
        of the reception service, applied to the raw table values as it does."""
        if self.amount is None and len(self.table_raw) == 1:
            return Decimal(str(next(iter(self.table_raw))))
        return self.amount


@dataclass(frozen=True)
class VersionInfo:
    id: int
    procedure_id: int
    procedure_code: str
    field_code: str
    name: str
    published_at: datetime
    retired_at: datetime | None
    processing_time: int
    processing_time_unit: str
    processing_time_cutoff: time | None
    levels: tuple[str, ...]
    applicant_types: tuple[str, ...]
    competent: tuple[tuple[int | None, str, str], ...]  # (agency_id, level, kind) in order
    steps: tuple[StepTemplate, ...]
    fees: tuple[FeeTemplate, ...]
    weight: float

    def in_force(self, at: datetime) -> bool:
        return self.published_at <= at and (self.retired_at is None or self.retired_at > at)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    code: str
    name: str
    level: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    unit_code: str | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


@dataclass
class Holder:
    user_id: int
    username: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass
class World:
    """The catalogue, agencies, calendars and staff as the simulator sees them (loaded once)."""

    versions: list[VersionInfo]
    agencies: dict[int, AgencyInfo]
    communes: list[AgencyInfo]  # commune People's Committees (all periods), by code
    centres: list[AgencyInfo]  # provincial service centres, by code
    holders: dict[tuple[int, str], list[Holder]]
    changes: list[datetime] = field(default_factory=list)
    _calendars: dict[int, WorkingCalendar] = field(default_factory=dict)
    _eligible: dict[tuple[date, int], tuple[list[VersionInfo], list[float]]] = field(default_factory=dict)
    _communes_on: dict[date, tuple[list[AgencyInfo], list[float]]] = field(default_factory=dict)
    created_officers: int = 0

    # --- calendars ------------------------------------------------------------------------------

    def calendar(self, agency_id: int) -> WorkingCalendar:
        """The competent agency's working calendar, as the services take it (cached per agency)."""
        calendar = self._calendars.get(agency_id)
        if calendar is None:
            calendar = working_calendar(agency=Agency.objects.get(pk=agency_id))
            self._calendars[agency_id] = calendar
        return calendar

    # --- eligibility ----------------------------------------------------------------------------

    def first_publication(self) -> datetime | None:
        return min((v.published_at for v in self.versions), default=None)

    def communes_on(self, day: date) -> tuple[list[AgencyInfo], list[float]]:
        """Commune People's Committees valid on ``day`` with their weights (a long tail: a few wards
        of the provincial city receive far more than remote communes)."""
        cached = self._communes_on.get(day)
        if cached is None:
            valid = [c for c in self.communes if c.valid_on(day) and c.unit_code]
            weights = [1.0 / (1 + (rank % 23)) ** 0.8 for rank in range(len(valid))]
            cached = self._communes_on[day] = (valid, weights)
        return cached

    def centre_on(self, day: date) -> AgencyInfo | None:
        return next((c for c in self.centres if c.valid_on(day) and c.unit_code), None)

    def eligible(self, at: datetime, day: date) -> tuple[list[VersionInfo], list[float]]:
        """Versions a dossier submitted at ``at`` (day ``day``, Vietnam time) can be filed under."""
        key = (day, bisect.bisect_right(self.changes, at))
        cached = self._eligible.get(key)
        if cached is None:
            chosen = [v for v in self.versions if v.in_force(at) and self._usable(v, day)]
            cached = self._eligible[key] = (chosen, [v.weight for v in chosen])
        return cached

    def _usable(self, version: VersionInfo, day: date) -> bool:
        if not version.competent or not version.steps:
            return False
        agency_id, level, kind = version.competent[0]
        if agency_id is not None:
            agency = self.agencies.get(agency_id)
            if agency is None or not agency.valid_on(day):
                return False
        elif not (level == Level.COMMUNE and kind == AgencyKind.PEOPLES_COMMITTEE and self.communes_on(day)[0]):
            return False
        for step in version.steps:
            if step.agency_id is not None:
                agency = self.agencies.get(step.agency_id)
                if agency is None or not agency.valid_on(day):
                    return False
        return self.centre_on(day) is not None or bool(self.communes_on(day)[0])

    # --- staff ----------------------------------------------------------------------------------

    def officer(self, agency_id: int, role: str, day: date, draw: float) -> Holder:
        """One officer holding ``role`` at the agency on ``day`` (picked by ``draw`` in [0, 1)).

        When nobody holds it, a simulated officer is created and granted the role through
        ``membership_grant`` (from the agency's first day, without end), so every later pick of the
        same run and of later runs finds them.
        """
        pool = [h for h in self.holders.get((agency_id, role), ()) if h.valid_on(day)]
        if not pool:
            pool = [self._create_officer(agency_id, role)]
        return pool[min(int(draw * len(pool)), len(pool) - 1)]

    def _create_officer(self, agency_id: int, role: str) -> Holder:
        from django.utils import timezone

        agency = Agency.objects.get(pk=agency_id)
        username = f"{SIMULATED_PREFIX}.{role}.{agency_id}"
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name=f"{Role(role).label} (mô phỏng)")
            user.set_unusable_password()
            user.save()
        valid_from = agency.valid_from or date(2000, 1, 1)
        membership_grant(
            user=user,
            agency=agency,
            area=Area.ONE_STOP,
            role=role,
            valid_from=valid_from,
            note=SIMULATED_NOTE,
            actor=None,
            at=timezone.now(),
        )
        holder = Holder(user.pk, username, valid_from, None)
        self.holders.setdefault((agency_id, role), []).append(holder)
        self.holders[(agency_id, role)].sort(key=lambda h: h.user_id)
        self.created_officers += 1
        return holder

    def username(self, user_id: int) -> str:
        for holders in self.holders.values():
            for holder in holders:
                if holder.user_id == user_id:
                    return holder.username
        raise KeyError(user_id)


def _unit_code(agency: Agency) -> str | None:
    try:
        return receiving_unit_code(agency)
    except DossierError:
        return None


def _table(rows: Any) -> tuple[Decimal, ...]:
    amounts = []
    for row in rows or []:
        if isinstance(row, dict) and row.get("amount") is not None:
            amounts.append(Decimal(str(row["amount"])))
    return tuple(amounts)


def world_load() -> World:
    """Load the catalogue, agencies and staff; refuse clearly when the registry or catalogue is empty."""
    agencies_qs = Agency.objects.select_related("unit", "parent__unit", "parent__parent__unit")
    agencies: dict[int, AgencyInfo] = {}
    for agency in agencies_qs:
        agencies[agency.pk] = AgencyInfo(
            id=agency.pk,
            code=agency.code,
            name=agency.name,
            level=agency.level,
            kind=agency.kind,
            valid_from=agency.valid_from,
            valid_to=agency.valid_to,
            unit_code=_unit_code(agency),
        )
    if not agencies:
        raise SimulationSetupError("Chưa có danh mục cơ quan. Hãy nạp trước: cchc org load")
    versions_qs = (
        ProcedureVersion.objects.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED])
        .select_related("procedure", "field")
        .prefetch_related("steps", "fees", "competent_agencies")
        .order_by("procedure__code", "number")
    )
    per_field: dict[str, int] = {}
    raw = list(versions_qs)
    for version in raw:
        per_field[version.field.code] = per_field.get(version.field.code, 0) + 1
    versions: list[VersionInfo] = []
    for version in raw:
        if version.published_at is None:
            continue
        code = version.field.code
        weight = FIELD_WEIGHTS.get(code, DEFAULT_FIELD_WEIGHT) / per_field[code]
        versions.append(
            VersionInfo(
                id=version.pk,
                procedure_id=version.procedure_id,
                procedure_code=version.procedure.code,
                field_code=code,
                name=version.name,
                published_at=version.published_at,
                retired_at=version.retired_at,
                processing_time=version.processing_time,
                processing_time_unit=version.processing_time_unit,
                processing_time_cutoff=version.processing_time_cutoff,
                levels=tuple(version.levels or ()),
                applicant_types=tuple(version.applicant_types or ()),
                competent=tuple(
                    (row.agency_id, row.level, row.agency_kind)
                    for row in sorted(version.competent_agencies.all(), key=lambda r: (r.order, r.pk))
                ),
                steps=tuple(
                    StepTemplate(
                        order=s.order,
                        name=s.name,
                        responsible=s.responsible,
                        agency_id=s.agency_id,
                        staff_role=s.staff_role,
                        duration_hours=s.duration_hours,
                        is_inter_agency=s.is_inter_agency,
                    )
                    for s in sorted(version.steps.all(), key=lambda s: s.order)
                ),
                fees=tuple(
                    FeeTemplate(
                        order=f.order,
                        kind=f.kind,
                        name=f.name,
                        amount=f.amount,
                        table=_table(f.amount_table),
                        table_raw=frozenset(row.get("amount") for row in f.amount_table or [] if isinstance(row, dict)),
                    )
                    for f in sorted(version.fees.all(), key=lambda f: f.order)
                ),
                weight=weight,
            )
        )
    if not versions:
        raise SimulationSetupError(
            "Chưa có thủ tục nào được công bố trong danh mục. Hãy nạp trước: "
            "cchc catalogue import --at 2025-07-01T00:00+07:00"
        )
    changes = sorted({v.published_at for v in versions} | {v.retired_at for v in versions if v.retired_at})
    communes = sorted(
        (a for a in agencies.values() if a.level == Level.COMMUNE and a.kind == AgencyKind.PEOPLES_COMMITTEE),
        key=lambda a: (a.code, a.id),
    )
    centres = sorted(
        (a for a in agencies.values() if a.level == Level.PROVINCE and a.kind == AgencyKind.SERVICE_CENTRE),
        key=lambda a: (a.code, a.id),
    )
    holders: dict[tuple[int, str], list[Holder]] = {}
    for m in AgencyMembership.objects.filter(area=Area.ONE_STOP).select_related("user").order_by("user_id", "pk"):
        holders.setdefault((m.agency_id, m.role), []).append(
            Holder(m.user_id, m.user.get_username(), m.valid_from, m.valid_to)
        )
    return World(
        versions=versions, agencies=agencies, communes=communes, centres=centres, holders=holders, changes=changes
    )


def receiving_for(
    world: World, version: VersionInfo, day: date, *, commune: AgencyInfo | None, desk_anywhere: bool
) -> tuple[AgencyInfo, AgencyInfo]:
    """(receiving agency, competent agency) for a dossier of ``version`` filed on ``day``.

    A commune-level procedure is received and decided by the applicant's commune; a provincial one is
    received at the provincial service centre, or, from 1/7/2025, at any commune desk
    (``desk_anywhere``: NĐ 118/2025, reception regardless of administrative boundary).
    """
    agency_id, _, _ = version.competent[0]
    if agency_id is None:
        assert commune is not None
        return commune, commune
    competent = world.agencies[agency_id]
    centre = world.centre_on(day)
    if commune is not None and (centre is None or "commune" in version.levels[:1] or desk_anywhere):
        return commune, competent
    assert centre is not None
    return centre, competent


def weighted_index(weights: Sequence[float], draw: float) -> int:
    total = sum(weights)
    target = draw * total
    acc = 0.0
    for index, weight in enumerate(weights):
        acc += weight
        if target < acc:
            return index
    return len(weights) - 1


ONE_DAY = timedelta(days=1)

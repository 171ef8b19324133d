"""Writes of the agency registry: loading the Khánh Hòa reference data.

The registry records administrative units and agencies with validity periods and the succession
edges between them, so a duty written in 2021 can be followed to whoever carries it today.

Legal basis of the data shipped in ``cchc/org/data``:

- units before 1/7/2025: the GSO list of administrative units (snapshot 01/03/2025), codes per the
  national code system (QĐ 124/2004/QĐ-TTg);
- the merged province: Nghị quyết 202/2025/QH15 ngày 12/6/2025 (Khánh Hòa + Ninh Thuận, code 56 kept);
- the 65 commune-level units and their composition: Nghị quyết 1667/NQ-UBTVQH15 ngày 16/6/2025;
- the end of the district level: Luật Tổ chức chính quyền địa phương 2025;
- departments: QĐ 4831/QĐ-UBND (2021) and the 2025 reorganisation (NĐ 45/2025/NĐ-CP), each record
  with its own confidence (``agencies.json``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Max

from cchc.audit.services import audit_record, audit_snapshot
from cchc.org.constants import (
    AgencyKind,
    Confidence,
    Level,
    RegisterError,
    RegisterErrorCode,
    SuccessionKind,
    UnitKind,
)
from cchc.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyGroup,
    AgencyName,
    AgencySuccession,
    DocumentRegisterEntry,
    Signatory,
    UnitSuccession,
)
from cchc.org.selectors import agency_symbol

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_2025_03_FILE = "units-2025-03-01-khanh-hoa-ninh-thuan.json"
COMMUNES_2025_07_FILE = "khanh-hoa-communes-2025-07-01.json"
AGENCIES_FILE = "agencies.json"

MERGER_DAY = date(2025, 7, 1)
PROVINCE_CODE = "56"
NQ_202 = "Nghị quyết 202/2025/QH15 ngày 12/6/2025"
NQ_1667 = "Nghị quyết 1667/NQ-UBTVQH15 ngày 16/6/2025"
LAW_LOCAL_GOV_2025 = "Luật Tổ chức chính quyền địa phương 2025"
LAW_LOCAL_GOV_2015 = "Luật Tổ chức chính quyền địa phương 2015"
GSO_SOURCE = "Danh mục đơn vị hành chính (GSO, bản 01/03/2025)"
DISTRICT_DUTIES = "nhiệm vụ, quyền hạn của chính quyền cấp huyện trên địa bàn xã (phần không chuyển lên cấp tỉnh)"

_UNIT_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố": UnitKind.CITY,
    "thị xã": UnitKind.TOWN,
    "huyện": UnitKind.DISTRICT,
    "phường": UnitKind.WARD,
    "xã": UnitKind.COMMUNE,
    "thị trấn": UnitKind.TOWNSHIP,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` after each loading step."""

Key = tuple[str, date | None]
M = TypeVar("M", bound=models.Model)


class OrgDataError(ValueError):
    """The shipped data is inconsistent (an unknown reference, an unknown kind).

    Not a :class:`cchc.common.errors.DomainError`: the registry files ship with the code and only the
    ``cchc org load`` command reads them, so a mismatch is a defect of the release, not a refusal of a
    user's request.
    """


@dataclass
class LoadResult:
    """What a load did, per record type ("unit", "unit_succession", "agency", ...)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    communes_without_successor: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary_lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{kind}: {self.created[kind]} mới, {self.updated[kind]} cập nhật, {self.unchanged[kind]} không đổi"
            for kind in kinds
        ]


def _parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _parse_ref(ref: str) -> Key:
    """``"so-noi-vu"`` -> (code, None); ``"so-noi-vu@2025-07-01"`` -> (code, 2025-07-01)."""
    code, _, day = ref.partition("@")
    return code, _parse_day(day or None)


def _unit_kind(label: str) -> UnitKind:
    try:
        return _UNIT_KINDS[label.strip().lower()]
    except KeyError as exc:
        raise OrgDataError(f"Loại đơn vị hành chính không rõ: {label!r}") from exc


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Upserter:
    """Create or update records keyed on a natural key; count what changed.

    # idempotency: a record is saved only when a field differs, so a second load writes nothing
    # (and adds no history rows).
    """

    def __init__(self, result: LoadResult) -> None:
        self.result = result

    def upsert(self, label: str, existing: dict[Any, M], key: Any, model: type[M], values: dict[str, Any]) -> M:
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            obj.save()
            existing[key] = obj
            self.result.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.result.updated[label] += 1
        else:
            self.result.unchanged[label] += 1
        return obj


def _read_json(data_dir: Path, name: str) -> Any:
    with (data_dir / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def org_load_khanh_hoa(*, data_dir: Path | None = None, progress: ProgressCallback | None = None) -> LoadResult:
    """Load (or refresh) the Khánh Hòa registry: units, their succession, agencies and groups.

    Rules:
    - units and agencies are keyed on (code, valid_from), never code alone: the merged province keeps
      code 56 and new communes reuse old commune codes (NQ 202/2025/QH15, NQ 1667/NQ-UBTVQH15);
    - every old commune of Khánh Hòa and Ninh Thuận gets a successor per NQ 1667; a commune divided
      among several new units gets one partial SPLIT edge per new unit;
    - district-level units end on 1/7/2025 without successor (Luật Tổ chức chính quyền địa phương
      2025); their People's Committees transfer their duties to the UBND of each new commune formed
      from their communes;
    - UBND of every district and commune is generated from the units, with the same validity.

    Invariants: one transaction; a second run with the same data changes nothing (``result.changed``
    is False); records that are no longer in the data are left alone (the admin may have added them).
    """
    data_dir = data_dir or DATA_DIR
    result = LoadResult()
    loader = _Loader(result=result, progress=progress)
    loader.load_units(_read_json(data_dir, UNITS_2025_03_FILE), _read_json(data_dir, COMMUNES_2025_07_FILE))
    agencies_doc = _read_json(data_dir, AGENCIES_FILE)
    loader.load_agencies(agencies_doc["agencies"])
    loader.load_generated_committees()
    loader.load_agency_successions(agencies_doc["successions"])
    loader.load_groups(agencies_doc["groups"])
    result.communes_without_successor = loader.communes_without_successor()
    return result


class _Loader:
    def __init__(self, *, result: LoadResult, progress: ProgressCallback | None) -> None:
        self.result = result
        self.up = _Upserter(result)
        self.progress = progress
        self.units: dict[Key, AdministrativeUnit] = {
            (u.code, u.valid_from): u for u in AdministrativeUnit.objects.all()
        }
        self.agencies: dict[Key, Agency] = {(a.code, a.valid_from): a for a in Agency.objects.all()}
        self.unit_edges: dict[tuple[int, int | None, date], UnitSuccession] = {
            (e.predecessor_id, e.successor_id, e.effective_date): e for e in UnitSuccession.objects.all()
        }
        self.agency_edges: dict[tuple[int, int | None, date], AgencySuccession] = {
            (e.predecessor_id, e.successor_id, e.effective_date): e for e in AgencySuccession.objects.all()
        }
        # Filled by load_units, used for the generated committees.
        self.old_districts: list[AdministrativeUnit] = []
        self.old_communes: list[AdministrativeUnit] = []
        self.new_communes: list[AdministrativeUnit] = []
        self.commune_edges: list[tuple[AdministrativeUnit, AdministrativeUnit, str, bool, int]] = []

    def _step(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    # ---- units -------------------------------------------------------------------------------

    def _unit(self, *, code: str, valid_from: date | None, **values: Any) -> AdministrativeUnit:
        values.update(code=code, valid_from=valid_from)
        return self.up.upsert("unit", self.units, (code, valid_from), AdministrativeUnit, values)

    def load_units(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        new_province = self._unit(
            code=PROVINCE_CODE,
            valid_from=MERGER_DAY,
            name="Tỉnh Khánh Hòa",
            kind=UnitKind.PROVINCE,
            level=Level.PROVINCE,
            parent_id=None,
            valid_to=None,
            legal_basis=NQ_202,
        )
        old_provinces: list[AdministrativeUnit] = []
        for province in before["provinces"]:
            prov = self._unit(
                code=province["level1_id"],
                valid_from=None,
                name=province["name"],
                kind=_unit_kind(province["type"]),
                level=Level.PROVINCE,
                parent_id=None,
                valid_to=MERGER_DAY,
                legal_basis="",
            )
            old_provinces.append(prov)
            for district in province["level2s"]:
                dist = self._unit(
                    code=district["level2_id"],
                    valid_from=None,
                    name=district["name"],
                    kind=_unit_kind(district["type"]),
                    level=Level.DISTRICT,
                    parent_id=prov.pk,
                    valid_to=MERGER_DAY,
                    legal_basis="",
                )
                self.old_districts.append(dist)
                for commune in district["level3s"]:
                    self.old_communes.append(
                        self._unit(
                            code=commune["level3_id"],
                            valid_from=None,
                            name=commune["name"],
                            kind=_unit_kind(commune["type"]),
                            level=Level.COMMUNE,
                            parent_id=dist.pk,
                            valid_to=MERGER_DAY,
                            legal_basis="",
                        )
                    )
        loaded = len(old_provinces) + len(self.old_districts) + len(self.old_communes)
        self._step("Đơn vị hành chính trước 1/7/2025", loaded, loaded)

        effective = date.fromisoformat(after["effective"])
        if effective != MERGER_DAY:
            raise OrgDataError(f"Ngày hiệu lực không khớp: {effective}")
        old_by_code = {u.code: u for u in self.old_communes}
        destinations: Counter[str] = Counter(src["code"] for unit in after["units"] for src in unit["formed_from"])
        for item in after["units"]:
            kind = _unit_kind(item["kind"])
            new_unit = self._unit(
                code=item["code"],
                valid_from=MERGER_DAY,
                name=f"{kind.label} {item['name']}",
                kind=kind,
                level=Level.COMMUNE,
                parent_id=new_province.pk,
                valid_to=None,
                legal_basis=NQ_1667,
            )
            self.new_communes.append(new_unit)
            for src in item["formed_from"]:
                old = old_by_code.get(src["code"])
                if old is None:
                    raise OrgDataError(f"Xã cũ {src['code']} ({src['name']}) không có trong danh mục 01/03/2025")
                partial = src["how"] == "partial"
                kind_edge = SuccessionKind.SPLIT if destinations[src["code"]] > 1 else SuccessionKind.MERGE
                self.commune_edges.append((old, new_unit, kind_edge, partial, item["no"]))
        self._step("Đơn vị hành chính cấp xã từ 1/7/2025", len(self.new_communes), len(after["units"]))

        total = 0
        for prov in old_provinces:
            self._unit_edge(
                prov, new_province, SuccessionKind.MERGE, partial=False, legal_basis=NQ_202, note="Hợp nhất tỉnh."
            )
            total += 1
        for old, new_unit, edge_kind, partial, clause in self.commune_edges:
            self._unit_edge(
                old, new_unit, edge_kind, partial=partial, legal_basis=NQ_1667, note=f"Điều 1, khoản {clause}."
            )
            total += 1
        for dist in self.old_districts:
            self._unit_edge(
                dist,
                None,
                SuccessionKind.ABOLISH,
                partial=False,
                legal_basis=f"{NQ_1667}; {LAW_LOCAL_GOV_2025} (không tổ chức chính quyền cấp huyện)",
                note="Đơn vị hành chính cấp huyện kết thúc hoạt động; các xã thuộc huyện được sắp xếp theo NQ 1667.",
            )
            total += 1
        self._step("Kế thừa đơn vị hành chính", total, total)

    def _unit_edge(
        self,
        predecessor: AdministrativeUnit,
        successor: AdministrativeUnit | None,
        kind: str,
        *,
        partial: bool,
        legal_basis: str,
        note: str,
    ) -> None:
        key = (predecessor.pk, successor.pk if successor else None, MERGER_DAY)
        values = {
            "predecessor_id": predecessor.pk,
            "successor_id": successor.pk if successor else None,
            "effective_date": MERGER_DAY,
            "kind": kind,
            "partial": partial,
            "legal_basis": legal_basis,
            "confidence": Confidence.CONFIRMED,
            "note": note,
        }
        self.up.upsert("unit_succession", self.unit_edges, key, UnitSuccession, values)

    def communes_without_successor(self) -> list[str]:
        with_successor = {pred_id for pred_id, succ_id, _ in self.unit_edges if succ_id is not None}
        return [f"{u.code} {u.name}" for u in self.old_communes if u.pk not in with_successor]

    # ---- agencies ----------------------------------------------------------------------------

    def _unit_ref(self, ref: str | None) -> AdministrativeUnit | None:
        if not ref:
            return None
        try:
            return self.units[_parse_ref(ref)]
        except KeyError as exc:
            raise OrgDataError(f"Không tìm thấy đơn vị hành chính {ref!r}") from exc

    def _agency_ref(self, ref: str | None) -> Agency | None:
        if not ref:
            return None
        try:
            return self.agencies[_parse_ref(ref)]
        except KeyError as exc:
            raise OrgDataError(f"Không tìm thấy cơ quan {ref!r}") from exc

    def _agency(self, *, code: str, valid_from: date | None, **values: Any) -> Agency:
        values.update(code=code, valid_from=valid_from)
        return self.up.upsert("agency", self.agencies, (code, valid_from), Agency, values)

    def load_agencies(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            unit = self._unit_ref(record.get("unit"))
            parent = self._agency_ref(record.get("parent"))
            self._agency(
                code=record["code"],
                valid_from=_parse_day(record.get("valid_from")),
                valid_to=_parse_day(record.get("valid_to")),
                name=record["name"],
                short_name=record.get("short_name", ""),
                aliases=list(record.get("aliases", [])),
                kind=AgencyKind(record["kind"]),
                level=Level(record["level"]),
                unit_id=unit.pk if unit else None,
                parent_id=parent.pk if parent else None,
                legal_basis=record.get("legal_basis", ""),
                confidence=Confidence(record.get("confidence", Confidence.CONFIRMED)),
                review_note=record.get("review_note", ""),
                source=record.get("source", ""),
            )
        self._step("Cơ quan (danh mục biên soạn)", len(records), len(records))
        self.load_agency_names(records)

    def load_agency_names(self, records: list[dict[str, Any]]) -> None:
        """The names an agency had over time (``names`` of a record), each with its validity and basis."""
        existing = {(n.agency_id, n.valid_from): n for n in AgencyName.objects.all()}
        for record in records:
            agency = self.agencies[(record["code"], _parse_day(record.get("valid_from")))]
            for item in record.get("names", []):
                valid_from = _parse_day(item.get("valid_from"))
                self.up.upsert(
                    "agency_name",
                    existing,
                    (agency.pk, valid_from),
                    AgencyName,
                    {
                        "agency_id": agency.pk,
                        "valid_from": valid_from,
                        "valid_to": _parse_day(item.get("valid_to")),
                        "name": item["name"],
                        "legal_basis": item.get("legal_basis", ""),
                        "confidence": Confidence(item.get("confidence", Confidence.CONFIRMED)),
                        "review_note": item.get("review_note", ""),
                        "source": item.get("source", ""),
                    },
                )

    def _committee(self, unit: AdministrativeUnit, parent: Agency | None, *, legal_basis: str, source: str) -> Agency:
        local_name = _lower_first(unit.name)
        aliases = [f"UBND {local_name}"]
        if unit.kind == UnitKind.CITY:
            aliases.append(f"UBND TP {unit.name.removeprefix('Thành phố ')}")
        return self._agency(
            code=f"ubnd-{unit.code}",
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            name=f"Ủy ban nhân dân {local_name}",
            short_name=f"UBND {local_name}"[:50],
            aliases=aliases,
            kind=AgencyKind.PEOPLES_COMMITTEE,
            level=Level(unit.level),
            unit_id=unit.pk,
            parent_id=parent.pk if parent else None,
            legal_basis=legal_basis,
            confidence=Confidence.CONFIRMED,
            review_note="",
            source=source,
        )

    def load_generated_committees(self) -> None:
        """UBND of every district and commune, old and new, mirroring the units' validity."""
        self.committees: dict[int, Agency] = {}
        province_committees = {
            unit.pk: self.agencies.get((f"ubnd-{unit.code}", unit.valid_from))
            for unit in self.units.values()
            if unit.level == Level.PROVINCE
        }
        for dist in self.old_districts:
            self.committees[dist.pk] = self._committee(
                dist, province_committees.get(dist.parent_id or 0), legal_basis=LAW_LOCAL_GOV_2015, source=GSO_SOURCE
            )
        for commune in self.old_communes:
            self.committees[commune.pk] = self._committee(
                commune, self.committees.get(commune.parent_id or 0), legal_basis=LAW_LOCAL_GOV_2015, source=GSO_SOURCE
            )
        for commune in self.new_communes:
            self.committees[commune.pk] = self._committee(
                commune,
                province_committees.get(commune.parent_id or 0),
                legal_basis=f"{NQ_1667}; {LAW_LOCAL_GOV_2025}",
                source=NQ_1667,
            )
        total = len(self.old_districts) + len(self.old_communes) + len(self.new_communes)
        self._step("UBND cấp huyện, cấp xã", total, total)

    def _agency_edge(self, predecessor: Agency, successor: Agency | None, **values: Any) -> None:
        day = values["effective_date"]
        key = (predecessor.pk, successor.pk if successor else None, day)
        values.update(predecessor_id=predecessor.pk, successor_id=successor.pk if successor else None)
        self.up.upsert("agency_succession", self.agency_edges, key, AgencySuccession, values)

    def load_agency_successions(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            predecessor = self._agency_ref(record["predecessor"])
            if predecessor is None:
                raise OrgDataError(f"Thiếu cơ quan trước trong {record!r}")
            self._agency_edge(
                predecessor,
                self._agency_ref(record.get("successor")),
                kind=SuccessionKind(record["kind"]),
                partial=bool(record.get("partial", False)),
                functions=record.get("functions", ""),
                effective_date=date.fromisoformat(record["effective_date"]),
                legal_basis=record["legal_basis"],
                confidence=Confidence(record.get("confidence", Confidence.CONFIRMED)),
                note=record.get("note", ""),
                source=record.get("source", ""),
            )
        total = len(records)
        # Commune UBNDs follow their communes (NQ 1667).
        for old, new_unit, kind_edge, partial, clause in self.commune_edges:
            self._agency_edge(
                self.committees[old.pk],
                self.committees[new_unit.pk],
                kind=kind_edge,
                partial=partial,
                functions="nhiệm vụ trên phần địa bàn chuyển sang" if partial else "",
                effective_date=MERGER_DAY,
                legal_basis=f"{NQ_1667}; {LAW_LOCAL_GOV_2025}",
                confidence=Confidence.CONFIRMED,
                note=f"Theo sắp xếp đơn vị hành chính, NQ 1667 Điều 1, khoản {clause}.",
                source=NQ_1667,
            )
            total += 1
        # District UBNDs hand their duties to the UBND of each new commune on their territory.
        targets: dict[int, dict[int, AdministrativeUnit]] = defaultdict(dict)
        for old, new_unit, _kind, _partial, _clause in self.commune_edges:
            if old.parent_id is not None:
                targets[old.parent_id][new_unit.pk] = new_unit
        for dist in self.old_districts:
            for new_unit in _sorted_units(targets[dist.pk].values()):
                self._agency_edge(
                    self.committees[dist.pk],
                    self.committees[new_unit.pk],
                    kind=SuccessionKind.TRANSFER,
                    partial=True,
                    functions=DISTRICT_DUTIES,
                    effective_date=MERGER_DAY,
                    legal_basis=f"{NQ_1667}; {LAW_LOCAL_GOV_2025} (kết thúc hoạt động của chính quyền cấp huyện)",
                    confidence=Confidence.SECONDARY,
                    note="Phân định theo địa bàn: xã mới được hình thành (toàn bộ hoặc một phần) từ các xã của huyện.",
                    source=NQ_1667,
                )
                total += 1
        self._step("Kế thừa cơ quan", total, total)

    # ---- groups ------------------------------------------------------------------------------

    def load_groups(self, records: list[dict[str, Any]]) -> None:
        existing = {g.code: g for g in AgencyGroup.objects.all()}
        for record in records:
            self.up.upsert(
                "agency_group",
                existing,
                record["code"],
                AgencyGroup,
                {
                    "code": record["code"],
                    "name": record["name"],
                    "kinds": list(record.get("kinds", [])),
                    "levels": list(record.get("levels", [])),
                    "clauses": list(record.get("clauses", [])),
                    "scope_unit_code": record.get("scope_unit_code", ""),
                    "aliases": list(record.get("aliases", [])),
                    "description": record.get("description", ""),
                },
            )
        self._step("Nhóm cơ quan", len(records), len(records))


def _sorted_units(units: Iterable[AdministrativeUnit]) -> list[AdministrativeUnit]:
    return sorted(units, key=lambda u: u.code)


# --- the register of outgoing documents ------------------------------------------------------------

REGISTER_SNAPSHOT = ["agency_id", "year", "number", "symbol", "issued_on", "subject", "reference", "signer_name"]


@transaction.atomic
def document_register_issue(
    *,
    agency: Agency,
    on: date,
    type_code: str,
    subject: str,
    signer_name: str,
    signer_title: str,
    reference: str = "",
    number: int | None = None,
    actor: AbstractBaseUser | None,
    at: datetime,
) -> DocumentRegisterEntry:
    """Give a document its number in ``agency``'s register for the year of ``on`` and record it.

    legal: NĐ 30/2020/NĐ-CP Điều 15 (a body's documents are numbered in one series per year, from 01 on
    1 January to 31 December) and Điều 8 khoản 2 (the signer's position and full name are required
    elements). ``signer_title`` may hold several lines (authority prefix, position). The number line
    is "<number>/<type_code>-<agency symbol>" (Phụ lục I Mục II.3); a
    công văn has no type abbreviation (``type_code=""``).

    ``number=None`` takes the next free number; an explicit number (a document numbered by hand in the
    paper register) is refused when taken. With a ``reference`` the call is idempotent: the document
    already registered for it is returned unchanged.
    Concurrency: the agency row is locked, so two documents of one body never get the same number (the
    unique constraint on agency, year, number backs it).
    """
    signer_name = " ".join(signer_name.split())
    subject = " ".join(subject.split())
    if not signer_name:
        raise RegisterError(
            RegisterErrorCode.SIGNER_REQUIRED,
            "Văn bản phải ghi họ và tên người ký (Nghị định 30/2020/NĐ-CP, Điều 8 khoản 2).",
        )
    if not subject:
        raise RegisterError(RegisterErrorCode.SUBJECT_REQUIRED, "Văn bản phải có trích yếu nội dung để vào sổ.")
    if number is not None and number < 1:
        raise RegisterError(RegisterErrorCode.NUMBER_INVALID, "Số văn bản phải là số nguyên dương.")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # concurrency: one number at a time
    entries = DocumentRegisterEntry.objects.filter(agency=agency)
    if reference:
        existing = entries.filter(reference=reference).first()
        if existing is not None:
            return existing
    year_entries = entries.filter(year=on.year)
    if number is None:
        number = (year_entries.aggregate(m=Max("number"))["m"] or 0) + 1
    elif year_entries.filter(number=number).exists():
        raise RegisterError(
            RegisterErrorCode.NUMBER_TAKEN,
            f"Số {number:02d} năm {on.year} trong sổ văn bản đi của {agency.name} đã dùng.",
        )
    symbol = f"{type_code}-{agency_symbol(agency)}" if type_code else agency_symbol(agency)
    entry = DocumentRegisterEntry.objects.create(
        agency=agency,
        year=on.year,
        number=number,
        symbol=symbol,
        issued_on=on,
        subject=subject[:500],
        reference=reference,
        signer_name=signer_name[:200],
        signer_title="\n".join(" ".join(line.split()) for line in signer_title.splitlines() if line.strip())[:200],
    )
    audit_record(
        actor=actor,
        action="document_register.issue",
        target=entry,
        before=None,
        after=audit_snapshot(entry, REGISTER_SNAPSHOT),
        at=at,
    )
    return entry


@transaction.atomic
def signatory_record(
    *,
    agency: Agency,
    full_name: str,
    position: str,
    head_position: str = "",
    valid_from: date | None,
    note: str = "",
    actor: Any,
    at: datetime,
) -> Signatory:
    """Record who may sign ``agency``'s documents from ``valid_from`` (chức vụ, họ tên người ký).

    legal: NĐ 30/2020/NĐ-CP Điều 8 khoản 2 (the signature block names the signer's position and full
    name). The name is kept as written (one field). One audit event ``signatory.record``.
    """
    signatory = Signatory.objects.create(
        agency=agency,
        full_name=" ".join(full_name.split())[:200],
        position=" ".join(position.split())[:100],
        head_position=" ".join(head_position.split())[:100],
        valid_from=valid_from,
        note=note[:300],
    )
    audit_record(
        actor=actor,
        action="signatory.record",
        target=signatory,
        before=None,
        after=audit_snapshot(signatory, ["agency_id", "full_name", "position", "head_position", "valid_from"]),
        at=at,
    )
    return signatory

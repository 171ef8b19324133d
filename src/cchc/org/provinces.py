"""Setting up any province's registry: its units before and after 1/7/2025, their succession, and the
standard agencies of the 2025 organisation, each marked for a human check.

The units come from :func:`cchc.org.units_data.province_units` (the maintained packages, corrected by the
project's overlay where one exists); this module only writes them, with the same records, keys and
validity as ``cchc org load`` (:mod:`cchc.org.services`): units keyed on (code, valid_from), old units
valid until 30/6/2025 (``valid_to`` = 1/7/2025), new ones from 1/7/2025, one succession edge per
(old unit, new unit), partial where an old unit was divided.

Legal basis:
- Nghị quyết 202/2025/QH15 ngày 12/6/2025: the 34 provinces and centrally-run cities from 1/7/2025;
- the Standing Committee's resolutions of June 2025 arranging each province's communes (Khánh Hòa:
  Nghị quyết 1667/NQ-UBTVQH15); Luật Tổ chức chính quyền địa phương 2025 (no district level);
- Nghị định 45/2025/NĐ-CP: the specialised agencies (sở) under the provincial People's Committee;
- Nghị định 118/2025/NĐ-CP: the provincial and commune public-administration service centres
  (Trung tâm Phục vụ hành chính công); the commune centre's name per period is read from the commune's
  People's Committee (``cchc.org.selectors``, ``one-stop-desks.json``), so no record is made for it.

Rules:
- create only: a record already in the registry (loaded by ``cchc org load`` or corrected by hand) is
  never changed; where it differs from the packages, the summary lists it for a human check. A second run
  writes nothing (idempotency);
- one transaction; an unknown province or data that do not agree (``UnitsDataError``) refuse before any
  write;
- agencies made here are ``Confidence.UNCONFIRMED`` with a ``review_note``: the standard organisation is a
  template, each province confirms its own (names, which optional departments it has) by decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from cchc.common.text import fold
from cchc.org.constants import AgencyKind, Confidence, Level, SuccessionKind, UnitKind
from cchc.org.models import AdministrativeUnit, Agency, UnitSuccession
from cchc.org.units_data import ProvinceUnits, province_units

MERGER_DAY = date(2025, 7, 1)
LAW_LOCAL_GOV_2025 = "Luật Tổ chức chính quyền địa phương 2025"
ND_45 = "Nghị định 45/2025/NĐ-CP (tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh)"
ND_118 = "Nghị định 118/2025/NĐ-CP (thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông)"
REVIEW_NOTE = (
    "Tạo theo mẫu tổ chức chuẩn khi thiết lập tỉnh (cchc province setup); cần đối chiếu tên gọi và việc thành "
    "lập với quyết định của Ủy ban nhân dân tỉnh."
)

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` while loading."""


@dataclass(frozen=True)
class StandardAgency:
    """One agency of the 2025 provincial organisation: ``slug`` is the registry key shared by every province
    (the catalogue names agencies by it, e.g. ``so-noi-vu``); ``name`` may hold ``{province}``."""

    slug: str
    name: str
    kind: str
    legal_basis: str
    short_name: str = ""


# legal: NĐ 45/2025/NĐ-CP lists the specialised agencies every province has after the reorganisation of
# 2025 (the 13 below with the Văn phòng UBND and the Thanh tra); a province may also have Sở Dân tộc và Tôn
# giáo, Sở Ngoại vụ or others by its own decision: those are not made here (the review adds them).
STANDARD_AGENCIES: tuple[StandardAgency, ...] = (
    StandardAgency("van-phong-ubnd", "Văn phòng Ủy ban nhân dân {province}", AgencyKind.COMMITTEE_OFFICE, ND_45),
    StandardAgency("so-noi-vu", "Sở Nội vụ", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-tu-phap", "Sở Tư pháp", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-tai-chinh", "Sở Tài chính", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-cong-thuong", "Sở Công Thương", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-xay-dung", "Sở Xây dựng", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("so-y-te", "Sở Y tế", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency("thanh-tra-tinh", "Thanh tra {province}", AgencyKind.DEPARTMENT, ND_45),
    StandardAgency(
        "trung-tam-phuc-vu-hanh-chinh-cong",
        "Trung tâm Phục vụ hành chính công {province}",
        AgencyKind.SERVICE_CENTRE,
        ND_118,
        short_name="TTPVHCC",
    ),
    # The central branches that receive dossiers through the provincial centre (the catalogue names them).
    StandardAgency(
        "cong-an-tinh",
        "Công an {province}",
        AgencyKind.CENTRAL_BRANCH,
        "Luật Công an nhân dân; tổ chức theo Bộ Công an",
    ),
    StandardAgency(
        "cuc-thue-tinh", "Thuế {province}", AgencyKind.CENTRAL_BRANCH, "Tổ chức cơ quan thuế theo Bộ Tài chính (2025)"
    ),
    StandardAgency(
        "bao-hiem-xa-hoi-tinh",
        "Bảo hiểm xã hội {province}",
        AgencyKind.CENTRAL_BRANCH,
        "Luật Bảo hiểm xã hội; tổ chức theo Bộ Tài chính (2025)",
    ),
)

_OLD_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố": UnitKind.CITY,
    "thị xã": UnitKind.TOWN,
    "huyện": UnitKind.DISTRICT,
    "quận": UnitKind.URBAN_DISTRICT,
    "phường": UnitKind.WARD,
    "xã": UnitKind.COMMUNE,
    "thị trấn": UnitKind.TOWNSHIP,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


def _kind_of(name: str) -> UnitKind:
    """The kind a unit's name starts with ("Thị trấn Vạn Giã" → thị trấn); longest prefix first."""
    lower = name.lower()
    for prefix in sorted(_OLD_KINDS, key=len, reverse=True):
        if lower.startswith(prefix + " "):
            return _OLD_KINDS[prefix]
    return UnitKind.COMMUNE


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def agency_code(slug: str, province: str) -> str:
    """The registry code of a standard agency of ``province`` made by the setup: ``so-noi-vu-p01``.

    Agency codes are unique in the registry; Khánh Hòa's shipped registry uses the bare slugs, so a province
    set up beside it takes the slug with its code. An agency already in the registry under the same name for
    the province keeps its own code (:class:`SetupSummary.agency_codes` maps slug → code)."""
    return f"{slug}-p{province}"


@dataclass
class SetupSummary:
    """What ``province_setup`` did and what a person must check."""

    code: str
    name: str
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    units_after: int = 0
    units_before: int = 0
    agency_codes: dict[str, str] = field(default_factory=dict)  # standard slug → this province's agency code
    to_review: list[str] = field(default_factory=list)  # agencies made from the template (code name)
    partial_without_share: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # packages vs overlay (explained) or vs the registry

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()))

    def summary_lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.existing))
        return [f"{_LABELS.get(k, k)}: {self.created[k]} mới, {self.existing[k]} đã có" for k in kinds]

    def review_lines(self) -> list[str]:
        """The human check, in Vietnamese."""
        lines: list[str] = []
        if self.to_review:
            lines.append(
                f"{len(self.to_review)} cơ quan tạo theo mẫu, đánh dấu «chưa xác nhận, cần rà soát» (đối chiếu "
                "quyết định của UBND tỉnh; thêm sở đặc thù của tỉnh nếu có):"
            )
            lines += [f"  - {item}" for item in self.to_review]
        if self.partial_without_share:
            lines.append(
                f"{len(self.partial_without_share)} quan hệ kế thừa một phần chưa có tỷ lệ diện tích / dân số "
                "(nghị quyết sắp xếp của tỉnh cho biết; ghi vào tệp units-overlay):"
            )
            lines += [f"  - {item}" for item in self.partial_without_share]
        if self.differences:
            lines.append(f"{len(self.differences)} khác biệt giữa các nguồn cần người xem:")
            lines += [f"  - {item}" for item in self.differences]
        return lines


_LABELS = {
    "unit": "Đơn vị hành chính",
    "unit_succession": "Kế thừa đơn vị hành chính",
    "agency": "Cơ quan",
}


@transaction.atomic
def province_setup(code: str | int, *, progress: ProgressCallback | None = None) -> SetupSummary:
    """Write province ``code``'s units before and after 1/7/2025, their succession and its standard agencies.

    Raises :class:`cchc.org.constants.UnitsDataError` (``units.unknown_province``, ``units.packages_disagree``,
    ``units.disagree``) before writing anything. Create only: existing records are left as they are
    (differences reported); a second run creates nothing.
    """
    data = province_units(code)  # refuses here, before any write
    return _Setup(data, progress).run()


class _Setup:
    def __init__(self, data: ProvinceUnits, progress: ProgressCallback | None) -> None:
        self.data = data
        self.progress = progress
        self.summary = SetupSummary(code=data.code, name=data.name)
        self.units: dict[tuple[str, date | None], AdministrativeUnit] = {}
        codes = {data.code, *data.units, *data.other_codes, *data.old_units}
        codes |= {o.district_code for o in data.old_units.values()} | {o.province_code for o in data.old_units.values()}
        for unit in AdministrativeUnit.objects.filter(code__in=codes):
            self.units[(unit.code, unit.valid_from)] = unit

    def _step(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    def _unit(
        self, code: str, valid_from: date | None, aliases: tuple[str, ...] = (), **values: Any
    ) -> AdministrativeUnit:
        for key in (code, *aliases):
            found = self.units.get((key, valid_from))
            if found is not None:
                self.summary.existing["unit"] += 1
                if found.name != values["name"] or found.code != code:
                    self.summary.differences.append(
                        f"Đơn vị {code} «{values['name']}»: danh mục đang có ghi mã {found.code} «{found.name}» "
                        "(giữ nguyên, không sửa)"
                    )
                return found
        unit = AdministrativeUnit(code=code, valid_from=valid_from, **values)
        unit.save()
        self.units[(code, valid_from)] = unit
        self.summary.created["unit"] += 1
        return unit

    def run(self) -> SetupSummary:
        data = self.data
        merged = len(data.old_provinces) > 1
        province_kind = UnitKind.CITY_CENTRAL if data.name.startswith("Thành phố") else UnitKind.PROVINCE
        province = self._unit(
            data.code,
            MERGER_DAY if merged else None,
            name=data.name,
            kind=province_kind,
            level=Level.PROVINCE,
            parent=None,
            valid_to=None,
            legal_basis=data.legal_basis,
        )
        # Units before 1/7/2025: old provinces (a merged province's), districts, communes.
        old_provinces: dict[str, AdministrativeUnit] = {}
        districts: dict[str, AdministrativeUnit] = {}
        old: dict[str, AdministrativeUnit] = {}
        items = sorted(data.old_units.values(), key=lambda o: o.code)
        for n, item in enumerate(items, 1):
            if item.province_code not in old_provinces:
                if merged:
                    old_provinces[item.province_code] = self._unit(
                        item.province_code,
                        None,
                        name=item.province,
                        kind=UnitKind.CITY_CENTRAL if item.province.startswith("Thành phố") else UnitKind.PROVINCE,
                        level=Level.PROVINCE,
                        parent=None,
                        valid_to=MERGER_DAY,
                        legal_basis="",
                    )
                else:
                    old_provinces[item.province_code] = province
            if item.district_code not in districts:
                districts[item.district_code] = self._unit(
                    item.district_code,
                    None,
                    name=item.district,
                    kind=_kind_of(item.district),
                    level=Level.DISTRICT,
                    parent=old_provinces[item.province_code],
                    valid_to=MERGER_DAY,
                    legal_basis="",
                )
            if item.code == item.district_code:  # an island district without communes: the district is the unit
                old[item.code] = districts[item.district_code]
            else:
                old[item.code] = self._unit(
                    item.code,
                    None,
                    name=item.name,
                    kind=_kind_of(item.name),
                    level=Level.COMMUNE,
                    parent=districts[item.district_code],
                    valid_to=MERGER_DAY,
                    legal_basis="",
                )
            if n % 50 == 0 or n == len(items):
                self._step("Đơn vị hành chính trước 1/7/2025", n, len(items))
        self.summary.units_before = len(old)
        # Units from 1/7/2025.
        drafts: dict[str, list[str]] = {}
        for draft, published in data.other_codes.items():
            drafts.setdefault(published, []).append(draft)
        new: dict[str, AdministrativeUnit] = {}
        for n, unit in enumerate(sorted(data.units.values(), key=lambda u: u.code), 1):
            new[unit.code] = self._unit(
                unit.code,
                MERGER_DAY,
                tuple(drafts.get(unit.code, ())),
                name=unit.name,
                kind=_kind_of(unit.name),
                level=Level.COMMUNE,
                parent=province,
                valid_to=None,
                legal_basis=data.legal_basis,
            )
            if n % 50 == 0 or n == len(data.units):
                self._step("Đơn vị hành chính từ 1/7/2025", n, len(data.units))
        self.summary.units_after = len(new)
        self._successions(province, old_provinces if merged else {}, districts, old, new)
        self._agencies(province, [*old_provinces.values()] if merged else [], new)
        for diff in data.differences:
            self.summary.differences.append(
                f"{diff.code} ({diff.aspect}): dữ liệu dự án «{diff.overlay}», gói dữ liệu «{diff.packages}» "
                "(đã giải thích trong known_differences; nền tảng theo dữ liệu dự án)"
            )
        return self.summary

    def _successions(
        self,
        province: AdministrativeUnit,
        old_provinces: dict[str, AdministrativeUnit],
        districts: dict[str, AdministrativeUnit],
        old: dict[str, AdministrativeUnit],
        new: dict[str, AdministrativeUnit],
    ) -> None:
        pks = [u.pk for u in (*old_provinces.values(), *districts.values(), *old.values())]
        edges = {
            (e.predecessor_id, e.successor_id): e
            for e in UnitSuccession.objects.filter(predecessor_id__in=pks, effective_date=MERGER_DAY)
        }
        basis = f"{self.data.legal_basis}; {LAW_LOCAL_GOV_2025}"

        def edge(
            pred: AdministrativeUnit, succ: AdministrativeUnit | None, kind: str, partial: bool, note: str
        ) -> None:
            key = (pred.pk, succ.pk if succ else None)
            if key in edges:
                self.summary.existing["unit_succession"] += 1
                return
            edges[key] = UnitSuccession.objects.create(
                predecessor=pred,
                successor=succ,
                effective_date=MERGER_DAY,
                kind=kind,
                partial=partial,
                legal_basis=basis,
                confidence=Confidence.CONFIRMED if self.data.overlay else Confidence.SECONDARY,
                note=note,
            )
            self.summary.created["unit_succession"] += 1

        for prov in old_provinces.values():
            edge(prov, province, SuccessionKind.MERGE, False, "Hợp nhất tỉnh (NQ 202/2025/QH15).")
        source = ", ".join(self.data.sources)
        total = len(self.data.successors)
        for n, (old_code, successors) in enumerate(sorted(self.data.successors.items()), 1):
            for succ in successors:
                kind = SuccessionKind.SPLIT if len(successors) > 1 else SuccessionKind.MERGE
                note = f"Nguồn: {source}."
                if succ.share is not None:
                    note += f" Tỷ lệ chuyển sang: {succ.share:.0%}."
                elif succ.partial:
                    self.summary.partial_without_share.append(
                        f"{old_code} {old[old_code].name} → {succ.code} {new[succ.code].name}"
                    )
                if succ.package_default:
                    note += " Gói dữ liệu chọn đơn vị này làm mặc định (chỉ là gợi ý)."
                edge(old[old_code], new[succ.code], kind, succ.partial, note)
            if n % 100 == 0 or n == total:
                self._step("Kế thừa đơn vị hành chính", n, total)
        for dist in districts.values():
            if dist.pk not in {u.pk for u in old.values()}:
                edge(
                    dist,
                    None,
                    SuccessionKind.ABOLISH,
                    False,
                    "Đơn vị hành chính cấp huyện kết thúc hoạt động; các xã thuộc huyện được sắp xếp lại.",
                )

    def _agencies(
        self, province: AdministrativeUnit, old_provinces: list[AdministrativeUnit], new: dict[str, AdministrativeUnit]
    ) -> None:
        code = self.data.code
        pks = [province.pk, *(u.pk for u in old_provinces), *(u.pk for u in new.values())]
        existing = list(Agency.objects.filter(unit_id__in=pks, valid_to__isnull=True))
        # An agency still in force on the province's territory (Khánh Hòa's registry keeps some on the old
        # province unit) is found by its name or by the standard code.
        provincial = {province.pk, *(u.pk for u in old_provinces)}
        by_name = {(province.pk if a.unit_id in provincial else a.unit_id, fold(a.name)): a for a in existing}
        by_code = {a.code: a for a in existing if a.unit_id in provincial}
        committees = {a.unit_id: a for a in existing if a.kind == AgencyKind.PEOPLES_COMMITTEE}
        taken = set(Agency.objects.values_list("code", flat=True))
        local = _lower_first(province.name)

        def make(
            slug_code: str,
            *,
            unit: AdministrativeUnit,
            parent: Agency | None,
            slug: str = "",
            valid_from: date | None = MERGER_DAY,
            **values: Any,
        ) -> Agency:
            found = by_name.get((unit.pk, fold(values["name"]))) or by_code.get(slug) or by_code.get(slug_code)
            if found is not None:
                self.summary.existing["agency"] += 1
                return found
            agency_code_ = slug_code if slug_code not in taken else f"{slug_code}-{unit.code}"
            agency = Agency(
                code=agency_code_,
                valid_from=valid_from,
                valid_to=None,
                unit=unit,
                parent=parent,
                level=Level(unit.level),
                confidence=Confidence.UNCONFIRMED,
                review_note=REVIEW_NOTE,
                source=f"Mẫu tổ chức chuẩn 2025 (cchc province setup {code})",
                **values,
            )
            agency.save()
            taken.add(agency.code)
            by_code[agency.code] = agency
            by_name[(unit.pk, fold(agency.name))] = agency
            self.summary.created["agency"] += 1
            self.summary.to_review.append(f"{agency.code} {agency.name}")
            return agency

        ubnd = committees.get(province.pk) or make(
            f"ubnd-{code}",
            unit=province,
            parent=None,
            valid_from=province.valid_from,
            name=f"Ủy ban nhân dân {local}",
            short_name=f"UBND {local}"[:50],
            aliases=[f"UBND {local}"],
            kind=AgencyKind.PEOPLES_COMMITTEE,
            legal_basis=f"{self.data.legal_basis}; {LAW_LOCAL_GOV_2025}",
        )
        if province.pk in committees:
            self.summary.existing["agency"] += 1
        self.summary.agency_codes[f"ubnd-{code}"] = ubnd.code
        self.summary.agency_codes["ubnd-tinh"] = ubnd.code
        place = local.removeprefix("tỉnh ").removeprefix("thành phố ")
        for item in STANDARD_AGENCIES:
            # "Thanh tra tỉnh Khánh Hòa", "Công an thành phố Đà Nẵng"; Khánh Hòa's registry writes the same.
            name = item.name.format(province=local)
            agency = make(
                agency_code(item.slug, code),
                unit=province,
                parent=ubnd,
                slug=item.slug,
                name=name,
                short_name=item.short_name,
                aliases=[name.replace(local, place)] if "{province}" in item.name else [],
                kind=item.kind,
                legal_basis=item.legal_basis,
            )
            self.summary.agency_codes[item.slug] = agency.code
        self._step("Cơ quan cấp tỉnh", len(STANDARD_AGENCIES) + 1, len(STANDARD_AGENCIES) + 1)
        for n, unit in enumerate(new.values(), 1):
            if unit.pk in committees:
                self.summary.existing["agency"] += 1
                continue
            commune = _lower_first(unit.name)
            committees[unit.pk] = make(
                f"ubnd-{unit.code}",
                unit=unit,
                parent=ubnd,
                name=f"Ủy ban nhân dân {commune}",
                short_name=f"UBND {commune}"[:50],
                aliases=[f"UBND {commune}"],
                kind=AgencyKind.PEOPLES_COMMITTEE,
                legal_basis=f"{self.data.legal_basis}; {LAW_LOCAL_GOV_2025}",
            )
            if n % 50 == 0 or n == len(new):
                self._step("UBND cấp xã (kèm Trung tâm Phục vụ hành chính công cấp xã)", n, len(new))

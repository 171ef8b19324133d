"""Administrative units of any province from maintained packages, with the project's own data as an overlay.

Sources (pinned in pyproject.toml; licences and their compatibility with EUPL-1.2 in docs/provinces.md):

- ``vietnam-provinces`` 2025.10.1 (GPL-3.0-or-later): the 34 provinces and 3,321 commune-level units in
  force since 1/7/2025, names and codes as published by the General Statistics Office (Tổng cục Thống kê,
  Danh mục và mã số các đơn vị hành chính Việt Nam), data of 18/10/2025;
- ``vietnamadminunits`` 1.0.4 (MIT): the 63 provinces' units before 1/7/2025 with their codes, the
  old→new table (which new unit each old commune went to; a commune divided among several lists all of
  them, one flagged as the package's default), coordinates, and the address parser used by
  :mod:`cchc.org.addresses`.

Legal basis of what the data encodes: Nghị quyết 202/2025/QH15 (the 34 provinces), the Standing
Committee's resolutions of June 2025 arranging each province's communes (for Khánh Hòa Nghị quyết
1667/NQ-UBTVQH15 ngày 16/6/2025), Luật Tổ chức chính quyền địa phương 2025 (no district level), all
effective 1/7/2025.

The overlay (``data/units-overlay-<code>.json``) is the project's own reading of the resolution for a
province: which old communes formed each new unit, "full" or "partial" (a divided commune; ``share``
when the resolution gives the area or population moved), the legal basis, and the differences from the
packages that were checked and explained (``known_differences``). Where an overlay exists it is
authoritative for the succession; any difference from the packages that it does not explain refuses the
whole province (:class:`UnitsDataError`), so nothing is built from half-agreeing data. Agencies and their
validity stay in ``agencies.json`` (``cchc org load``).

Reading is pure: nothing here writes to the database; the result is immutable and cached per province.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from cchc.org.constants import UnitsDataError, UnitsDataErrorCode

DATA_DIR = Path(__file__).resolve().parent / "data"
EFFECTIVE = date(2025, 7, 1)
NQ_202 = "Nghị quyết 202/2025/QH15 ngày 12/6/2025"


@dataclass(frozen=True)
class Unit:
    """A commune-level unit in force since 1/7/2025 (xã, phường, đặc khu)."""

    code: str
    name: str  # with its kind, as published: "Xã Vạn Ninh"
    kind: str  # "xã", "phường", "đặc khu"
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class OldUnit:
    """A commune-level unit (or an island district without communes) that ended on 1/7/2025."""

    code: str
    name: str  # "Thị trấn Vạn Giã"
    district: str  # "Huyện Vạn Ninh"
    district_code: str
    province: str  # the old province: "Tỉnh Khánh Hòa"
    province_code: str


@dataclass(frozen=True)
class Successor:
    """One new unit an old one went to; ``partial`` when the old unit was divided among several."""

    code: str
    partial: bool
    package_default: bool = False  # the package's default pick for a divided commune: a hint, never a decision
    share: float | None = None  # share of the old unit moved, where the overlay records it


@dataclass(frozen=True)
class Difference:
    """A point on which the overlay and the packages disagree.

    ``aspect``: ``code`` (the same unit under another code), ``unit`` (a unit only one side has),
    ``old_unit`` (an old unit only one side has, or named otherwise), ``successors`` (an old unit that
    went elsewhere). ``code`` is the overlay's code where it has the unit, else the packages'."""

    code: str
    aspect: str
    overlay: str
    packages: str

    def key(self) -> tuple[str, str]:
        return (self.code, self.aspect)


@dataclass(frozen=True)
class ProvinceUnits:
    """One province after 1/7/2025: its units, the old units it took over and where each one went."""

    code: str
    name: str
    units: dict[str, Unit]
    old_units: dict[str, OldUnit]
    successors: dict[str, tuple[Successor, ...]]  # old code -> new units
    old_provinces: tuple[str, ...]  # names of the provinces it was formed from
    legal_basis: str
    sources: tuple[str, ...]
    overlay: bool = False
    differences: tuple[Difference, ...] = field(default=())  # explained ones (overlay's known_differences)
    other_codes: dict[str, str] = field(default_factory=dict)  # another source's code -> the published one

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def divided(self) -> dict[str, tuple[Successor, ...]]:
        """Old units divided among several new ones (an address there is ambiguous without more)."""
        return {code: succ for code, succ in self.successors.items() if len(succ) > 1}


# ---- package readers --------------------------------------------------------------------------------


@cache
def _vp_provinces() -> dict[str, dict[str, Any]]:
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    data = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    return {f"{p['code']:02d}": p for p in data}


@cache
def vau_data() -> _VauData:
    """vietnamadminunits' data, read once per process (immutable reference data)."""
    return _VauData()


class _VauData:
    """What ``vietnamadminunits`` ships: its SQLite data set and its 2025 conversion table."""

    def __init__(self) -> None:
        import vietnamadminunits

        root = Path(vietnamadminunits.__file__).resolve().parent / "data"
        self.converter = json.loads((root / "converter_2025.json").read_text(encoding="utf-8"))
        con = sqlite3.connect(f"file:{root / 'dataset.db'}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        try:
            self.new_rows = [dict(r) for r in con.execute("SELECT * FROM admin_units")]
            self.old_rows = [
                dict(r)
                for r in con.execute(
                    "SELECT province, district, ward, provinceCode, districtCode, wardCode, "
                    "provinceKey, districtKey, wardKey FROM admin_units_legacy"
                )
            ]
        finally:
            con.close()
        self.province_key_by_code = {r["provinceCode"]: r["provinceKey"] for r in self.new_rows}
        self.new_code = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in self.new_rows}
        self.old_by_key: dict[str, dict[str, Any]] = {}
        for r in self.old_rows:
            self.old_by_key[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"] = r


def _old_unit(row: dict[str, Any]) -> OldUnit:
    if row["wardCode"]:
        return OldUnit(
            code=row["wardCode"],
            name=row["ward"],
            district=row["district"],
            district_code=row["districtCode"],
            province=row["province"],
            province_code=row["provinceCode"],
        )
    # An island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): the district is the unit.
    return OldUnit(
        code=row["districtCode"],
        name=row["district"],
        district=row["district"],
        district_code=row["districtCode"],
        province=row["province"],
        province_code=row["provinceCode"],
    )


def package_province(code: str) -> ProvinceUnits:
    """The province as the two packages give it, without the overlay.

    Raises :class:`UnitsDataError` ``units.unknown_province`` for a code that is not one of the 34, and
    ``units.packages_disagree`` when the packages do not list the same units (matched by name: the codes of
    some units differ between them, see :func:`_match_units`).
    """
    code = _normal_code(code)
    vp = _vp_provinces().get(code)
    vau = vau_data()
    new_key = vau.province_key_by_code.get(code)
    if vp is None or new_key is None:
        known = ", ".join(sorted(_vp_provinces()))
        raise UnitsDataError(
            UnitsDataErrorCode.UNKNOWN_PROVINCE,
            f"Mã tỉnh «{code}» không phải mã của một trong 34 tỉnh, thành phố từ 1/7/2025 (các mã: {known}).",
        )
    units = {
        f"{w['code']:05d}": Unit(code=f"{w['code']:05d}", name=w["name"].strip(), kind=w["division_type"])
        for w in vp["wards"]
    }
    aliases = _match_units(code, units, [r for r in vau.new_rows if r["provinceCode"] == code])
    coords = {aliases[r["wardCode"]]: (r["wardLat"], r["wardLon"]) for r in vau.new_rows if r["provinceCode"] == code}
    units = {c: Unit(u.code, u.name, u.kind, latitude=coords[c][0], longitude=coords[c][1]) for c, u in units.items()}
    old_keys = vau.converter["DICT_PROVINCE"][new_key]
    old_units: dict[str, OldUnit] = {}
    successors: dict[str, list[Successor]] = defaultdict(list)
    for new_ward_key, olds in vau.converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
        new_code = aliases[vau.new_code[(new_key, new_ward_key)]]
        for old_key in olds:
            old = _old_unit(vau.old_by_key[old_key])
            old_units[old.code] = old
            successors[old.code].append(Successor(code=new_code, partial=False))
    for old_key, news in vau.converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        old = _old_unit(vau.old_by_key[old_key])
        old_units[old.code] = old
        for item in news:
            successors[old.code].append(
                Successor(
                    code=aliases[vau.new_code[(new_key, item["newWardKey"])]],
                    partial=True,
                    package_default=bool(item["isDefaultNewWard"]),
                )
            )
    old_provinces = tuple(sorted({r["province"] for r in vau.old_rows if r["provinceKey"] in old_keys}))
    return ProvinceUnits(
        code=code,
        name=vp["name"] if vp["name"].startswith("Thành phố") else f"Tỉnh {vp['name']}",
        units=units,
        old_units=old_units,
        successors={k: tuple(sorted(v, key=lambda s: s.code)) for k, v in successors.items()},
        old_provinces=old_provinces,
        legal_basis=NQ_202,
        sources=(_version("vietnam-provinces"), _version("vietnamadminunits")),
        other_codes={k: v for k, v in aliases.items() if k != v},
    )


_TYPOS = {
    "hoà": "hòa",
    "hoá": "hóa",
    "hoả": "hỏa",
    "hoè": "hòe",
    "thuỷ": "thủy",
    "thuỵ": "thụy",
    "uý": "úy",
    "khoá": "khóa",
}
_TYPO_RE = re.compile(r"\b(" + "|".join(_TYPOS) + r")\b")


def name_key(name: str) -> str:
    """A unit's name compared across sources: case, spaces, apostrophes, dashes and the old tone placement
    ("Hoà"/"Hòa") do not count; other diacritics do."""
    text = unicodedata.normalize("NFC", name).lower().replace("\u2019", "'").replace("\u2013", "-")
    text = _TYPO_RE.sub(lambda m: _TYPOS[m.group(1)], text)
    return " ".join(text.replace(" - ", "-").split())


def _match_units(code: str, units: dict[str, Unit], rows: list[dict[str, Any]]) -> dict[str, str]:
    """vietnamadminunits' code -> vietnam-provinces' code, matched by name within the province.

    The packages give the same units but, for some, different codes: vietnamadminunits keeps the codes of
    the draft list of July 2025, vietnam-provinces those of the General Statistics Office's published list
    (the code a new unit takes is that of one of the communes it was formed from). The published code wins;
    the draft code stays an alias (``ProvinceUnits.other_codes``).
    """
    by_name: dict[str, list[str]] = defaultdict(list)
    for unit in units.values():
        by_name[name_key(unit.name)].append(unit.code)
    aliases: dict[str, str] = {}
    unmatched: list[str] = []
    for row in rows:
        found = by_name.get(name_key(row["ward"]), [])
        if len(found) == 1:
            aliases[row["wardCode"]] = found[0]
        elif row["wardCode"] in found:
            aliases[row["wardCode"]] = row["wardCode"]
        else:
            unmatched.append(f"{row['wardCode']} {row['ward']}")
    missing = sorted(set(units) - set(aliases.values()))
    if unmatched or missing or len(set(aliases.values())) != len(aliases):
        raise UnitsDataError(
            UnitsDataErrorCode.PACKAGES_DISAGREE,
            f"Hai gói dữ liệu không khớp về các đơn vị cấp xã của tỉnh {code}: chỉ vietnamadminunits có "
            f"{', '.join(unmatched) or 'không'}; chỉ vietnam-provinces có "
            f"{', '.join(f'{c} {units[c].name}' for c in missing) or 'không'}. Chưa nạp gì.",
        )
    return aliases


def _version(dist: str) -> str:
    from importlib.metadata import version

    return f"{dist} {version(dist)}"


def _normal_code(code: str | int) -> str:
    text = str(code).strip()
    return text.zfill(2) if text.isdigit() else text


# ---- overlay ------------------------------------------------------------------------------------------


def overlay_path(code: str) -> Path:
    return DATA_DIR / f"units-overlay-{code}.json"


def _read_overlay(code: str, data_dir: Path | None) -> dict[str, Any] | None:
    path = (data_dir or DATA_DIR) / f"units-overlay-{code}.json"
    if not path.exists():
        return None
    overlay: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    communes = overlay.get("communes_file")
    if communes:
        overlay["communes"] = json.loads(((data_dir or DATA_DIR) / communes).read_text(encoding="utf-8"))
    old_file = overlay.get("old_units_file")
    if old_file:
        overlay["old_units"] = json.loads(((data_dir or DATA_DIR) / old_file).read_text(encoding="utf-8"))
    return overlay


def _fmt(successors: tuple[Successor, ...]) -> str:
    return ", ".join(f"{s.code}{' (một phần)' if s.partial else ''}" for s in successors) or "—"


def compare(packages: ProvinceUnits, overlay: dict[str, Any]) -> list[Difference]:
    """Every point on which the overlay and the packages disagree, in a stable order."""
    diffs: list[Difference] = []
    published = {name_key(u.name): u.code for u in packages.units.values()}
    matched: set[str] = set()
    for unit in overlay["communes"]["units"]:
        name = f"{unit['kind'].capitalize()} {unit['name']}"
        code = published.get(name_key(name))
        if code is None:
            diffs.append(Difference(unit["code"], "unit", name, "—"))
            continue
        matched.add(code)
        if code != unit["code"]:
            diffs.append(Difference(unit["code"], "code", unit["code"], code))
    for code in sorted(set(packages.units) - matched):
        diffs.append(Difference(code, "unit", "—", packages.units[code].name))
    overlay_old: dict[str, str] = {}
    for province in overlay.get("old_units", {}).get("provinces", []):
        for district in province["level2s"]:
            for commune in district["level3s"]:
                overlay_old[commune["level3_id"]] = commune["name"]
    if overlay_old:
        for code in sorted(set(overlay_old) | set(packages.old_units)):
            mine = overlay_old.get(code, "—")
            theirs = packages.old_units[code].name if code in packages.old_units else "—"
            if mine != theirs:
                diffs.append(Difference(code, "old_unit", mine, theirs))
    overlay_succ = _overlay_successors(overlay, packages.other_codes)
    for code in sorted(set(overlay_succ) | set(packages.successors)):
        mine_s = overlay_succ.get(code, ())
        theirs_s = packages.successors.get(code, ())
        if [(s.code, s.partial) for s in mine_s] != [(s.code, s.partial) for s in theirs_s]:
            diffs.append(Difference(code, "successors", _fmt(mine_s), _fmt(theirs_s)))
    return diffs


def _overlay_successors(overlay: dict[str, Any], other_codes: dict[str, str]) -> dict[str, tuple[Successor, ...]]:
    """Old code -> the overlay's new units, under the published codes (an overlay on draft codes is translated)."""
    out: dict[str, list[Successor]] = defaultdict(list)
    for unit in overlay["communes"]["units"]:
        new_code = other_codes.get(unit["code"], unit["code"])
        for src in unit["formed_from"]:
            out[src["code"]].append(Successor(code=new_code, partial=src["how"] == "partial", share=src.get("share")))
    return {k: tuple(sorted(v, key=lambda s: s.code)) for k, v in out.items()}


def province_units(code: str | int, *, data_dir: Path | None = None) -> ProvinceUnits:
    """The province's units, old units and succession: the packages, corrected by the overlay if any.

    Refuses (:class:`UnitsDataError`, nothing returned, nothing cached) an unknown province code, packages
    that disagree with each other, and any difference between the packages and the overlay that the
    overlay's ``known_differences`` does not explain (``units.disagree``, each one listed).
    """
    code = _normal_code(code)
    if data_dir is None:
        return _province_units_cached(code)
    return _province_units(code, data_dir)


@cache
def _province_units_cached(code: str) -> ProvinceUnits:
    return _province_units(code, None)


def _province_units(code: str, data_dir: Path | None) -> ProvinceUnits:
    packages = package_province(code)
    overlay = _read_overlay(code, data_dir)
    if overlay is None:
        return packages
    diffs = compare(packages, overlay)
    explained = {(d["code"], d["aspect"]): d for d in overlay.get("known_differences", [])}
    unexplained = [d for d in diffs if d.key() not in explained]
    if unexplained:
        lines = "; ".join(
            f"{d.code} ({_ASPECTS[d.aspect]}): dữ liệu dự án «{d.overlay}», gói dữ liệu «{d.packages}»"
            for d in unexplained
        )
        raise UnitsDataError(
            UnitsDataErrorCode.DISAGREE,
            f"Dữ liệu riêng của dự án và gói dữ liệu không khớp ở {len(unexplained)} đơn vị của tỉnh {code}, "
            f"chưa được giải thích trong known_differences: {lines}. Chưa nạp gì.",
        )
    successors = dict(packages.successors)
    successors.update(_overlay_successors(overlay, packages.other_codes))
    for old_code, new in list(successors.items()):
        # Keep the package's default flag as a hint beside the overlay's edges.
        defaults = {s.code for s in packages.successors.get(old_code, ()) if s.package_default}
        successors[old_code] = tuple(
            Successor(s.code, s.partial, package_default=s.code in defaults, share=s.share) for s in new
        )
    units = dict(packages.units)
    return ProvinceUnits(
        code=code,
        name=packages.name,
        units=units,
        old_units=packages.old_units,
        successors=successors,
        old_provinces=packages.old_provinces,
        legal_basis=overlay.get("legal_basis", packages.legal_basis),
        sources=(*packages.sources, overlay.get("source", overlay_path(code).name)),
        overlay=True,
        differences=tuple(d for d in diffs if d.key() in explained),
        other_codes=packages.other_codes,
    )


_ASPECTS = {
    "unit": "đơn vị từ 1/7/2025",
    "code": "mã đơn vị từ 1/7/2025",
    "old_unit": "đơn vị trước 1/7/2025",
    "successors": "đơn vị kế thừa",
}


def province_codes() -> list[str]:
    """The codes of the 34 provinces and centrally-run cities."""
    return sorted(_vp_provinces())

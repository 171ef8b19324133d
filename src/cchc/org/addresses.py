"""Addresses as citizens write them: an old (before 1/7/2025) or a new address → the unit in force today.

"Thị trấn Vạn Giã, huyện Vạn Ninh, Khánh Hòa" → Xã Vạn Ninh. An old commune divided among several new
units (NQ 1667/NQ-UBTVQH15 for Khánh Hòa: Phường Đông Hải of Phan Rang-Tháp Chàm went partly to Phường
Đông Hải, partly to Xã Phước Dinh) gives ``ambiguous`` with every candidate: the resolver never guesses
which part a house lies in (the package's default pick is shown as a hint only). Nothing here reaches
the network: the package's own converter geocodes a street online for divided communes, so it is not
used; its offline parser is, with the old→new table read by :mod:`cchc.org.units_data` (the project's
overlay wins where it exists).

Rules (``address_resolve``):
1. the text is read as an old address (ward, district, province) by vietnamadminunits' legacy parser;
   a commune found together with its district maps through the succession table;
2. otherwise as a new address (ward, province) by its 2025 parser;
3. ``province`` (a code of the 34) limits the answer to that province; a text that names no province
   is then read with each of the province's former provinces appended (Khánh Hòa: Khánh Hòa, Ninh Thuận),
   and, as a new address, with the province's name;
4. a unit the 2025 parser finds must have its own name in the text (the parser is lenient);
5. nothing found: ``unknown`` with a Vietnamese message (naming the other province when the address lies
   outside the one given).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from cchc.common.text import fold_words, normalize_spaces
from cchc.org.units_data import OldUnit, Unit, province_units, vau_data

Status = Literal["resolved", "ambiguous", "unknown"]
ISLAND_DISTRICTS = {"huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao"}


@dataclass(frozen=True)
class Resolution:
    """What an address resolves to. ``unit`` only when ``resolved``; ``candidates`` when ``ambiguous``."""

    status: Status
    text: str
    province_code: str | None = None
    unit: Unit | None = None
    candidates: tuple[Unit, ...] = ()
    hint: str | None = None  # the package's default pick among the candidates: shown, never applied
    old_unit: OldUnit | None = None
    street: str | None = None
    message: str = ""
    codes: tuple[str, ...] = field(default=())  # the unit's code, or the candidates' codes

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


@cache
def _parsers() -> tuple[Any, Any]:
    from vietnamadminunits.parser.parser_from_2025 import parse_address_from_2025
    from vietnamadminunits.parser.parser_legacy import parse_address_legacy

    return parse_address_legacy, parse_address_from_2025


@cache
def _new_province_of_old() -> dict[str, str]:
    """Old province key (vietnamadminunits) → code of the province that succeeded it on 1/7/2025."""
    vau = vau_data()
    code_by_key = {key: code for code, key in vau.province_key_by_code.items()}
    return {old: code_by_key[new] for new, olds in vau.converter["DICT_PROVINCE"].items() for old in olds}


def _from_old(parsed: Any) -> tuple[str, str] | None:
    """(new province code, old unit code) of a parsed old address, when it names a commune and its district."""
    if not parsed.province_key or not parsed.district_key:
        return None
    if parsed.ward_code:
        old_code = parsed.ward_code
    elif parsed.district_key in ISLAND_DISTRICTS and parsed.district_code:
        old_code = parsed.district_code
    else:
        return None
    new_code = _new_province_of_old().get(parsed.province_key)
    return (new_code, old_code) if new_code else None


def _old_result(text: str, new_code: str, old_code: str, street: str | None) -> Resolution | None:
    units = province_units(new_code)
    successors = units.successors.get(old_code)
    if not successors:
        return None
    old = units.old_units.get(old_code)
    where = f"{old.name}, {old.district}, {old.province}" if old else old_code
    if len(successors) == 1:
        unit = units.units[successors[0].code]
        return Resolution(
            "resolved",
            text,
            new_code,
            unit=unit,
            old_unit=old,
            street=street,
            codes=(unit.code,),
            message=f"{where} (trước 1/7/2025) nay là {unit.name}, {units.name}.",
        )
    candidates = tuple(units.units[s.code] for s in successors)
    hint = next((s.code for s in successors if s.package_default), None)
    names = "; ".join(c.name for c in candidates)
    return Resolution(
        "ambiguous",
        text,
        new_code,
        candidates=candidates,
        hint=hint,
        old_unit=old,
        street=street,
        codes=tuple(c.code for c in candidates),
        message=(
            f"{where} (trước 1/7/2025) được chia cho {len(candidates)} đơn vị: {names} ({units.name}). "
            "Địa chỉ chưa đủ để biết thuộc đơn vị nào: cần người chọn."
        ),
    )


def _read_old(text: str, province: str | None) -> Resolution | None:
    legacy, _new = _parsers()
    parsed = legacy(text, keep_street=True, level=3)
    found = _from_old(parsed)
    if found and (province is None or found[0] == province):
        return _old_result(text, found[0], found[1], parsed.street)
    return None


def _short(name: str) -> str:
    for kind in ("xã ", "phường ", "đặc khu "):
        if name.lower().startswith(kind):
            return fold_words(name[len(kind) :])
    return fold_words(name)


_KIND_WORDS = ("xa", "phuong", "dac khu", "p", "x", "f")


def _parts(text: str) -> set[str]:
    """The comma-separated parts of an address, folded, each also without a leading commune kind."""
    parts = set()
    for part in text.split(","):
        words = fold_words(part)
        parts.add(words)
        for kind in _KIND_WORDS:
            if words.startswith(kind + " "):
                parts.add(words[len(kind) + 1 :])
    return parts


def _read_new(text: str, province: str | None) -> Resolution | None:
    _legacy, new = _parsers()
    parsed = new(text, keep_street=True, level=2)
    if not parsed.ward_code or not parsed.province_code or (province is not None and parsed.province_code != province):
        return None
    units = province_units(parsed.province_code)
    unit = units.units.get(units.other_codes.get(parsed.ward_code, parsed.ward_code))
    # The 2025 parser is lenient (a street "Hai Bà Trưng" is read as Phường Hai Bà Trưng): the unit's own
    # name must be one whole part of the text, with or without its kind, or it is not what was written.
    if unit is None or _short(unit.name) not in _parts(text):
        return None
    return Resolution(
        "resolved",
        text,
        units.code,
        unit=unit,
        street=parsed.street,
        codes=(unit.code,),
        message=f"{unit.name}, {units.name} (đơn vị từ 1/7/2025).",
    )


def _with_province(text: str, province: str, read: Any, names: list[str]) -> Resolution | None:
    """The text read with each name of the province appended; several different answers: ambiguous."""
    found = [r for name in names if (r := read(f"{text}, {name}", province))]
    distinct = {r.codes: r for r in found}
    if len(distinct) == 1:
        return replace(next(iter(distinct.values())), text=text)
    if len(distinct) > 1:
        candidates = tuple(dict.fromkeys(u for r in distinct.values() for u in ((r.unit,) if r.unit else r.candidates)))
        return Resolution(
            "ambiguous",
            text,
            province,
            candidates=candidates,
            codes=tuple(c.code for c in candidates),
            message="Địa chỉ khớp với nhiều đơn vị: " + "; ".join(c.name for c in candidates) + ". Cần người chọn.",
        )
    return None


def address_resolve(text: str, *, province: str | None = None) -> Resolution:
    """The unit in force today for an address written the old or the new way (see the module's rules).

    ``province``: a province code of the 34 (``"56"``); an unknown code raises ``UnitsDataError``
    (``units.unknown_province``). Never writes; never reaches the network.
    """
    clean = normalize_spaces(text or "")
    if province is not None:
        province = province_units(province).code  # refuses an unknown code
    if not clean:
        return Resolution("unknown", clean, province, message="Chưa nhập địa chỉ.")
    result = _read_old(clean, province)
    if result is None and province is not None:
        units = province_units(province)
        result = _with_province(clean, province, _read_old, list(units.old_provinces))
    if result is None:
        result = _read_new(clean, province)
    if result is None and province is not None:
        result = _with_province(clean, province, _read_new, [province_units(province).name])
    if result is None and province is not None and (elsewhere := _read_old(clean, None) or _read_new(clean, None)):
        # Found, but in another province: say so rather than "not understood"; the unit is not this province's.
        where = elsewhere.unit.name if elsewhere.unit else " / ".join(c.name for c in elsewhere.candidates)
        other = province_units(elsewhere.province_code or "").name
        return Resolution(
            "unknown",
            clean,
            province,
            message=f"Địa chỉ thuộc {where}, {other}, không thuộc {province_units(province).name}.",
        )
    if result is None:
        return Resolution(
            "unknown",
            clean,
            province,
            message="Không nhận ra xã, phường (cũ hoặc mới) trong địa chỉ; hãy ghi rõ xã/phường, huyện/quận, tỉnh.",
        )
    return result

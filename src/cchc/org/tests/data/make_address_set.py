"""Builds ``addresses-old.csv``: old (pre-1/7/2025) addresses in the forms citizens write them, with the unit
each one belongs to today, from the packages' own lists of old units (see cchc.org.units_data).

Run from the repository root: ``PYTHONPATH=src python src/cchc/org/tests/data/make_address_set.py``.
Deterministic (seeded). The expected answer comes from the succession table (the project's overlay for
Khánh Hòa), not from the parser under test: an old unit with one successor expects that unit, a divided
one expects ``ambiguous`` with all of its successors.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from cchc.common.text import fold
from cchc.org.units_data import province_units

OUT = Path(__file__).resolve().parent / "addresses-old.csv"
PROVINCES = {"56": 90, "01": 50, "79": 50, "92": 30, "04": 25, "31": 25, "48": 20, "66": 20}  # code: addresses
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hùng Vương", "Quang Trung", "Lý Thường Kiệt", "Hai Bà Trưng"]
HAMLETS = ["Thôn 2", "Thôn Phú Hội", "Tổ 5", "Tổ dân phố 3", "Ấp 1", "Khu phố 4", "Xóm Mới"]
WARD_ABBR = {"Phường": "P.", "Xã": "X.", "Thị trấn": "TT."}
DISTRICT_ABBR = {"Quận": "Q.", "Huyện": "H.", "Thị xã": "TX.", "Thành phố": "TP."}


def _split(name: str, kinds: dict[str, str]) -> tuple[str, str]:
    for kind in sorted(kinds, key=len, reverse=True):
        if name.startswith(kind + " "):
            return kind, name[len(kind) + 1 :]
    return "", name


def _forms(rng: random.Random, ward: str, district: str, province: str) -> list[str]:
    wk, wn = _split(ward, WARD_ABBR)
    dk, dn = _split(district, DISTRICT_ABBR)
    pk, pn = _split(province, {"Tỉnh": "T.", "Thành phố": "TP."})
    house = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
    hamlet = rng.choice(HAMLETS)
    head = house if wk != "Xã" else hamlet
    full = f"Số {head}, {ward}, {district}, {province}" if wk != "Xã" else f"{head}, {ward}, {district}, {province}"
    city = "TP. " if pk == "Thành phố" else ""
    abbr = f"{head}, {WARD_ABBR.get(wk, '')} {wn}, {DISTRICT_ABBR.get(dk, '')} {dn}, {city}{pn}"
    return [
        full,
        " ".join(abbr.split()),
        fold(full),
        f"{ward.lower()}, {district.lower()}, {pn}",
        f"{WARD_ABBR.get(wk, '')}{wn}, {DISTRICT_ABBR.get(dk, '')}{dn}, {pn}",
        f"{head}, {ward}, {district}",  # no province: resolved with the province given (the form's own)
    ]


def main() -> int:
    rng = random.Random(2025)
    rows = []
    for code, count in PROVINCES.items():
        units = province_units(code)
        olds = sorted(units.old_units.values(), key=lambda u: u.code)
        divided = [u for u in olds if len(units.successors[u.code]) > 1]
        whole = [u for u in olds if len(units.successors[u.code]) == 1 and u.name != u.district]
        picks = rng.sample(whole, min(len(whole), count - min(len(divided), count // 6)))
        picks += rng.sample(divided, min(len(divided), count // 6))
        for old in picks:
            text = rng.choice(_forms(rng, old.name, old.district, old.province))
            succ = units.successors[old.code]
            rows.append(
                {
                    "address": text,
                    "province": code,
                    "old_code": old.code,
                    "expected_status": "resolved" if len(succ) == 1 else "ambiguous",
                    "expected_codes": " ".join(s.code for s in succ),
                }
            )
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    sys.stderr.write(f"{len(rows)} addresses -> {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The units of any province from the maintained packages, and the project's Khánh Hòa registry held
against them (issue 18 item 1)."""

import json
import shutil

import pytest

from cchc.org.constants import Level, UnitsDataError, UnitsDataErrorCode
from cchc.org.models import AdministrativeUnit, UnitSuccession
from cchc.org.tests.conftest import MERGER_DAY
from cchc.org.units_data import (
    DATA_DIR,
    Difference,
    Unit,
    _match_units,
    _read_overlay,
    compare,
    package_province,
    province_codes,
    province_units,
)

# Every difference between the project's Khánh Hòa data (khanh-hoa-communes-2025-07-01.json, NQ 1667/NQ-UBTVQH15,
# and units-2025-03-01-khanh-hoa-ninh-thuan.json, GSO 01/03/2025) and the packages, with where each source puts it.
# Checked and identical in both: the 65 new units (names, kinds), the 194 old communes of Khánh Hòa and Ninh Thuận
# (codes, names) and where every old commune went, whole or in part (19 partial edges, 8 divided communes).
# vietnam-provinces 2025.10.1 has no old→new table at all (it came with 2026.x, which needs Python ≥ 3.12).
KNOWN_DIFFERENCES = [
    # Only the codes of 7 new units differ. The project's file and vietnamadminunits 1.0.4 use the draft list
    # (Công văn 1027/CTK-CSCL, July 2025); vietnam-provinces 2025.10.1 uses the General Statistics Office's
    # published list (data of 18/10/2025). A new unit takes the code of one of its communes; the two lists chose
    # different ones. The platform uses the published code; the draft one stays in ProvinceUnits.other_codes.
    # Xã Cà Ná: draft 22909 (old Xã Phước Diêm), published 22910 (old Xã Cà Ná).
    Difference("22909", "code", "22909", "22910"),
    # Xã Phước Hà: draft 22900 (old Xã Nhị Hà), published 22885 (old Xã Phước Hà).
    Difference("22900", "code", "22900", "22885"),
    # Xã Phước Dinh: draft 22888 (old Xã An Hải), published 22903 (old Xã Phước Dinh).
    Difference("22888", "code", "22888", "22903"),
    # Xã Xuân Hải: draft 22861 (old Xã Hộ Hải), published 22858 (old Xã Xuân Hải).
    Difference("22861", "code", "22861", "22858"),
    # Xã Vĩnh Hải: draft 22846 (old Xã Vĩnh Hải), published 22868 (old Xã Thanh Hải).
    Difference("22846", "code", "22846", "22868"),
    # Phường Bắc Cam Ranh: draft 22411 (old Phường Cam Phúc Bắc), published 22408 (old Phường Cam Nghĩa).
    Difference("22411", "code", "22411", "22408"),
    # Phường Đông Hải: draft 22780 (old Phường Mỹ Hải), published 22779 (old Phường Mỹ Bình).
    Difference("22780", "code", "22780", "22779"),
]


def test_the_34_provinces_and_their_units():
    codes = province_codes()
    assert len(codes) == 34
    khanh_hoa = province_units("56")
    kinds = [u.kind for u in khanh_hoa.units.values()]
    assert (kinds.count("xã"), kinds.count("phường"), kinds.count("đặc khu")) == (48, 16, 1)
    assert khanh_hoa.old_provinces == ("Tỉnh Khánh Hòa", "Tỉnh Ninh Thuận")
    assert khanh_hoa.overlay
    assert khanh_hoa.units["22489"].name == "Xã Vạn Ninh"
    assert khanh_hoa.units["22489"].latitude is not None


def test_every_province_reads_and_every_old_unit_has_a_successor_there():
    total = 0
    for code in province_codes():
        units = province_units(code)
        total += len(units.units)
        for old_code, successors in units.successors.items():
            assert successors, (code, old_code)
            assert {s.code for s in successors} <= set(units.units), (code, old_code)
            assert old_code in units.old_units
    assert total == 3321


def test_khanh_hoa_registry_against_the_packages():
    """Every difference is in KNOWN_DIFFERENCES (explained above), and each one listed still occurs."""
    assert compare(package_province("56"), _read_overlay("56", None)) == KNOWN_DIFFERENCES
    overlay = json.loads((DATA_DIR / "units-overlay-56.json").read_text(encoding="utf-8"))
    explained = {(d["code"], d["aspect"]): (d["overlay"], d["packages"]) for d in overlay["known_differences"]}
    assert explained == {d.key(): (d.overlay, d.packages) for d in KNOWN_DIFFERENCES}


def test_where_the_old_phuong_dong_hai_went():
    """Old Phường Đông Hải (22768) of Phan Rang-Tháp Chàm, Ninh Thuận.

    - Project (NQ 1667/NQ-UBTVQH15, Điều 1, khoản 61 and the clause of Xã Phước Dinh): partly to the new Phường
      Đông Hải, partly to Xã Phước Dinh;
    - vietnamadminunits 1.0.4: divided between the same two, Phường Đông Hải its default pick;
    - vietnam-provinces 2025.10.1: no old→new table; it lists both new units (codes 22779, 22903).
    The platform: both, partial; an address in the old ward is ambiguous (see test_addresses).
    """
    units = province_units("56")
    old = units.old_units["22768"]
    assert (old.name, old.district) == ("Phường Đông Hải", "Thành phố Phan Rang - Tháp Chàm")
    went = {(s.code, s.partial, s.package_default) for s in units.successors["22768"]}
    assert went == {("22779", True, True), ("22903", True, False)}
    assert units.units["22779"].name == "Phường Đông Hải"
    assert units.units["22903"].name == "Xã Phước Dinh"
    assert units.other_codes["22780"] == "22779"


@pytest.mark.django_db
def test_the_loaded_registry_agrees_with_the_packages(registry):
    """The registry `cchc org load` writes has, for every old commune, the successors the packages give."""
    units = province_units("56")
    loaded: dict[str, set[tuple[str, bool]]] = {}
    for edge in UnitSuccession.objects.filter(
        predecessor__level=Level.COMMUNE, effective_date=MERGER_DAY
    ).select_related("predecessor", "successor"):
        code = units.other_codes.get(edge.successor.code, edge.successor.code)
        loaded.setdefault(edge.predecessor.code, set()).add((code, edge.partial))
    expected = {old: {(s.code, s.partial) for s in succ} for old, succ in units.successors.items()}
    assert loaded == expected
    old_communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to=MERGER_DAY)
    assert {u.code for u in old_communes} == set(units.old_units)


def test_unknown_province_is_refused_in_vietnamese():
    with pytest.raises(UnitsDataError) as err:
        province_units("99")
    assert err.value.code == UnitsDataErrorCode.UNKNOWN_PROVINCE
    assert "Mã tỉnh «99» không phải mã của một trong 34 tỉnh" in err.value.message
    assert err.value.http_status == 404


def _overlay_copy(tmp_path):
    for name in ("units-overlay-56.json", "khanh-hoa-communes-2025-07-01.json"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    shutil.copy(DATA_DIR / "units-2025-03-01-khanh-hoa-ninh-thuan.json", tmp_path)
    return tmp_path


def test_an_unexplained_disagreement_refuses_the_whole_province(tmp_path):
    data = _overlay_copy(tmp_path)
    communes_path = data / "khanh-hoa-communes-2025-07-01.json"
    communes = json.loads(communes_path.read_text(encoding="utf-8"))
    # Move old Thị trấn Vạn Giã (22489) from Xã Vạn Ninh to Xã Đại Lãnh: the packages say otherwise.
    van_ninh = next(u for u in communes["units"] if u["name"] == "Vạn Ninh")
    dai_lanh = next(u for u in communes["units"] if u["name"] == "Đại Lãnh")
    moved = next(s for s in van_ninh["formed_from"] if s["code"] == "22489")
    van_ninh["formed_from"].remove(moved)
    dai_lanh["formed_from"].append(moved)
    communes_path.write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnitsDataError) as err:
        province_units("56", data_dir=data)
    assert err.value.code == UnitsDataErrorCode.DISAGREE
    assert "22489 (đơn vị kế thừa)" in err.value.message
    assert "Chưa nạp gì" in err.value.message
    # The shipped data still reads (nothing was cached from the refused read).
    assert province_units("56").units["22489"].name == "Xã Vạn Ninh"


def test_a_known_difference_removed_from_the_overlay_is_refused(tmp_path):
    data = _overlay_copy(tmp_path)
    overlay_path = data / "units-overlay-56.json"
    overlay = json.loads(overlay_path.read_text(encoding="utf-8"))
    overlay["known_differences"] = [d for d in overlay["known_differences"] if d["code"] != "22780"]
    overlay_path.write_text(json.dumps(overlay, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnitsDataError) as err:
        province_units("56", data_dir=data)
    assert "22780 (mã đơn vị từ 1/7/2025): dữ liệu dự án «22780», gói dữ liệu «22779»" in err.value.message


def test_packages_that_list_different_units_are_refused():
    units = {"00001": Unit("00001", "Xã Một", "xã"), "00002": Unit("00002", "Xã Hai", "xã")}
    rows = [{"wardCode": "00001", "ward": "Xã Một"}, {"wardCode": "00009", "ward": "Xã Chín"}]
    with pytest.raises(UnitsDataError) as err:
        _match_units("99", units, rows)
    assert err.value.code == UnitsDataErrorCode.PACKAGES_DISAGREE
    assert "chỉ vietnamadminunits có 00009 Xã Chín" in err.value.message
    assert "chỉ vietnam-provinces có 00002 Xã Hai" in err.value.message
    # Spelling variants of one name are the same unit (Hoà/Hòa, apostrophes, dashes, double spaces).
    same = {"00001": Unit("00001", "Xã Ea H’leo", "xã"), "00002": Unit("00002", "Xã Chân Mây – Lăng Cô", "xã")}
    rows = [{"wardCode": "00003", "ward": "Xã Ea H'leo"}, {"wardCode": "00002", "ward": "Xã  Chân Mây - Lăng Cô"}]
    assert _match_units("99", same, rows) == {"00003": "00001", "00002": "00002"}


def test_the_overlay_carries_the_share_of_a_divided_commune(tmp_path):
    """A share the resolution gives (area or population moved) is the overlay's; the packages have none."""
    data = _overlay_copy(tmp_path)
    communes_path = data / "khanh-hoa-communes-2025-07-01.json"
    communes = json.loads(communes_path.read_text(encoding="utf-8"))
    for unit in communes["units"]:
        for src in unit["formed_from"]:
            if src["code"] == "22768":
                src["share"] = 0.8 if unit["name"] == "Đông Hải" else 0.2
    communes_path.write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")
    went = {s.code: s.share for s in province_units("56", data_dir=data).successors["22768"]}
    assert went == {"22779": 0.8, "22903": 0.2}
    assert all(s.share is None for s in province_units("56").successors["22768"])

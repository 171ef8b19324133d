"""Addresses as citizens write them → the unit in force today (issue 18 item 3, the resolver)."""

import csv
import socket
import sys
from pathlib import Path

import pytest

from cchc.org.addresses import address_resolve
from cchc.org.constants import UnitsDataError, UnitsDataErrorCode

ADDRESS_SET = Path(__file__).resolve().parent / "data" / "addresses-old.csv"
# Measured on 2026-12-07 over the 310 addresses of addresses-old.csv (8 provinces, 37 divided communes):
# with the province given: 310/310 right; without: 308/310 right, 2 unknown (no province in the text and a
# district name that is also a province's: "Thành phố Hải Dương"; a street that is a ward's name elsewhere).
# Never a wrong unit: a wrong answer is a guess.
FLOOR_WITH_PROVINCE = 1.0
FLOOR_WITHOUT_PROVINCE = 0.99


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The package's own converter geocodes online; the resolver must never reach the network."""

    def refuse(*args, **kwargs):
        raise AssertionError("address resolution tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_old_township_to_the_new_commune():
    result = address_resolve("Thị trấn Vạn Giã, huyện Vạn Ninh, tỉnh Khánh Hòa")
    assert result.status == "resolved"
    assert (result.unit.code, result.unit.name) == ("22489", "Xã Vạn Ninh")
    assert result.old_unit.name == "Thị trấn Vạn Giã"
    assert result.message.endswith("nay là Xã Vạn Ninh, Tỉnh Khánh Hòa.")
    # As the issue writes it, without the province: the platform's province is given.
    assert address_resolve("Thị trấn Vạn Giã, huyện Vạn Ninh", province="56").codes == ("22489",)


def test_abbreviations_no_diacritics_and_a_house_number():
    result = address_resolve("so 5 duong Le Loi, tt van gia, h van ninh, khanh hoa")
    assert result.codes == ("22489",)
    assert result.street == "So 5 Duong Le Loi"
    assert address_resolve("Thôn 3, X. Ninh Sơn, TX. Ninh Hòa, Khánh Hòa").unit.name == "Xã Bắc Ninh Hòa"
    assert address_resolve("45 Lê Lợi, P. Bến Nghé, Q. 1, TP. Hồ Chí Minh").unit.name == "Phường Sài Gòn"


def test_a_divided_commune_is_ambiguous_never_guessed():
    result = address_resolve("Phường Đông Hải, TP Phan Rang-Tháp Chàm, Ninh Thuận")
    assert result.status == "ambiguous"
    assert result.unit is None
    assert [c.name for c in result.candidates] == ["Phường Đông Hải", "Xã Phước Dinh"]
    assert result.hint == "22779"  # the package's default: shown as a hint only
    assert "cần người chọn" in result.message
    cam_tan = address_resolve("Xã Cam Tân, huyện Cam Lâm, Khánh Hòa")
    assert {c.name for c in cam_tan.candidates} == {"Xã Cam Hiệp", "Xã Cam Lâm", "Xã Suối Dầu"}


def test_a_new_address_resolves_to_itself():
    assert address_resolve("Phường Đông Hải, tỉnh Khánh Hòa").codes == ("22779",)
    assert address_resolve("Xã Vạn Ninh", province="56").codes == ("22489",)


def test_unknown_and_empty_addresses_say_what_is_missing():
    for text in ("", "   ", "không có địa chỉ nào ở đây"):
        result = address_resolve(text)
        assert result.status == "unknown"
        assert result.message
    # A street named like a ward elsewhere is not taken for that ward.
    assert address_resolve("81 Hai Bà Trưng, Phường Vĩnh Nguyên, Thành phố Nha Trang").status == "unknown"


def test_an_address_in_another_province_is_not_taken_for_this_one():
    result = address_resolve("45 Lê Lợi, P. Bến Nghé, Q. 1, TP. Hồ Chí Minh", province="56")
    assert result.status == "unknown"
    assert result.unit is None
    assert result.message == "Địa chỉ thuộc Phường Sài Gòn, Thành phố Hồ Chí Minh, không thuộc Tỉnh Khánh Hòa."


def test_an_unknown_province_code_is_refused():
    with pytest.raises(UnitsDataError) as err:
        address_resolve("Xã Vạn Ninh", province="63")
    assert err.value.code == UnitsDataErrorCode.UNKNOWN_PROVINCE


def _accuracy(rows, *, with_province):
    right, wrong, unknown, ambiguous = 0, [], [], []
    for row in rows:
        result = address_resolve(row["address"], province=row["province"] if with_province else None)
        if result.status == "ambiguous":
            ambiguous.append(f"{row['address']} → {' / '.join(c.name for c in result.candidates)}")
        if result.status == row["expected_status"] and " ".join(result.codes) == row["expected_codes"]:
            right += 1
        elif result.status == "unknown":
            unknown.append(row["address"])
        else:
            wrong.append((row["address"], row["expected_codes"], result.codes))
    return right, wrong, unknown, ambiguous


def test_accuracy_on_old_addresses_as_written():
    rows = list(csv.DictReader(ADDRESS_SET.open(encoding="utf-8")))
    assert len(rows) >= 300
    assert len({row["province"] for row in rows}) >= 5
    for with_province, floor in ((True, FLOOR_WITH_PROVINCE), (False, FLOOR_WITHOUT_PROVINCE)):
        right, wrong, unknown, ambiguous = _accuracy(rows, with_province=with_province)
        share = right / len(rows)
        sys.stdout.write(
            f"\nĐịa chỉ cũ ({'có' if with_province else 'không có'} mã tỉnh): {right}/{len(rows)} đúng ({share:.1%}), "
            f"{len(unknown)} không nhận ra, {len(wrong)} sai; {len(ambiguous)} địa chỉ cần người chọn:\n"
            + "".join(f"  {line}\n" for line in ambiguous)
        )
        assert not wrong, wrong
        assert share >= floor, unknown

"""The simulator's dossier services on their own, through the platform's client (real HTTP): what
``DongBoHoSoMC`` refuses and why, de-duplication, out-of-order arrivals, and ``DoiSoatHoSo``."""

from __future__ import annotations

from typing import Any

import pytest

from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode
from cchc.integrations.tests.simulator import NationalSimulator

pytestmark = pytest.mark.django_db


def _item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "MaHoSo": "56-260105-0001",
        "MaTTHC": "9.000101",
        "TenTTHC": "Cấp Phiếu lý lịch tư pháp",
        "MaLinhVuc": "LLTP",
        "TenLinhVuc": "Lý lịch tư pháp",
        "KenhThucHien": 1,
        "ChuHoSo": "Nguyễn Thị Lan",
        "LoaiDoiTuong": 1,
        "TrichYeuHoSo": "Cấp Phiếu lý lịch tư pháp — Nguyễn Thị Lan",
        "NgayNopHoSo": "20260105080000",
        "NgayTiepNhan": "20260105080000",
        "NgayHenTra": "20260112080000",
        "NgayTra": "",
        "TrangThaiHoSo": 2,
        "DonViXuLy": "Sở Tư pháp",
        "QuaTrinhXuLyHoSo": [{"NguoiXuLy": "tiepnhan", "ThoiDiemXuLy": "20260105080000", "TrangThai": 2}],
        "MaGiaoDich": "1:integrations.dvcqg",
        "SoThuTu": 1,
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def _sync(sim: NationalSimulator, *items: dict[str, Any]) -> list[dict[str, Any]]:
    client = PartnerClient("dvcqg")
    return list(client.call("DongBoHoSoMC", {"isUpdating": "false", "data": list(items)})["result"])


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        ({"ChuHoSo": None}, "101", "Thiếu trường bắt buộc: ChuHoSo."),
        ({"MaTTHC": "", "NgayTiepNhan": None}, "101", "Thiếu trường bắt buộc: MaTTHC, NgayTiepNhan."),
        ({"TrangThaiHoSo": 11}, "102", "TrangThaiHoSo «11» không hợp lệ (từ 1 đến 10)."),
        ({"TrangThaiHoSo": "0"}, "102", "TrangThaiHoSo «0» không hợp lệ"),
        ({"NgayHenTra": "2026-01-12"}, "103", "NgayHenTra «2026-01-12» không đúng định dạng yyyyMMddHHmmss."),
        ({"NgayTra": "20260231080000"}, "103", "NgayTra «20260231080000» không đúng định dạng"),
        ({"KenhThucHien": 4}, "104", "KenhThucHien «4» không hợp lệ"),
        ({"LoaiDoiTuong": 5}, "105", "LoaiDoiTuong «5» không hợp lệ (từ 1 đến 4)."),
        ({"TrichYeuHoSo": "x" * 1001}, "106", "TrichYeuHoSo phải là chuỗi tối đa 1000 ký tự."),
        ({"QuaTrinhXuLyHoSo": [{"NguoiXuLy": "x" * 51, "TrangThai": 2}]}, "107", "NguoiXuLy bắt buộc, tối đa 50"),
        ({"MaHoSo": "56 260105 0001"}, "108", "MaHoSo «56 260105 0001» không hợp lệ"),
    ],
)
def test_an_item_against_the_documented_fields_is_refused_with_its_reason(
    national_simulator: NationalSimulator, changes: dict[str, Any], code: str, reason: str
) -> None:
    good = _item(MaHoSo="56-260105-0002", MaGiaoDich="2:integrations.dvcqg")
    [bad_ack, good_ack] = _sync(national_simulator, _item(**changes), good)
    assert bad_ack["error_code"] == code
    assert reason in bad_ack["message"]
    assert good_ack["error_code"] == "0"  # one bad item does not refuse the batch
    assert [d["MaHoSo"] for d in national_simulator.data("dossiers")] == ["56-260105-0002"]
    assert national_simulator.data("dossier_stats")["rejected"] == 1
    assert national_simulator.data("dossier_rejections")[0]["message"] == bad_ack["message"]


def test_a_repeated_transaction_is_acknowledged_and_stored_once(national_simulator: NationalSimulator) -> None:
    assert _sync(national_simulator, _item())[0]["error_code"] == "0"
    assert _sync(national_simulator, _item(), _item())[1]["error_code"] == "0"
    assert len(national_simulator.data("dossier_events", MaHoSo="56-260105-0001")) == 1
    assert national_simulator.data("dossier_stats")["duplicates"] == 2


def test_an_older_event_arriving_late_is_counted_and_does_not_overwrite_the_newer_state(
    national_simulator: NationalSimulator,
) -> None:
    _sync(national_simulator, _item(SoThuTu=5, MaGiaoDich="5:x", TrangThaiHoSo=4))
    _sync(national_simulator, _item(SoThuTu=3, MaGiaoDich="3:x", TrangThaiHoSo=2))
    assert national_simulator.data("dossier_stats")["out_of_order"] == 1
    [state] = national_simulator.data("dossiers")
    assert (state["TrangThaiHoSo"], state["SoThuTu"], state["events"]) == (4, 5, 2)
    assert [e["out_of_order"] for e in national_simulator.data("dossier_events", MaHoSo="56-260105-0001")] == [
        False,
        True,
    ]


def test_the_reconciliation_service_answers_a_period_or_a_list(national_simulator: NationalSimulator) -> None:
    _sync(
        national_simulator,
        _item(),
        _item(MaHoSo="56-260106-0001", NgayTiepNhan="20260106090000", MaGiaoDich="2:x", TrangThaiHoSo=4),
    )
    client = PartnerClient("dvcqg")
    day = client.call("DoiSoatHoSo", {"data": {"TuNgay": "20260105000000", "DenNgay": "20260105235959"}})
    assert (day["TongSo"], [r["MaHoSo"] for r in day["result"]]) == (1, ["56-260105-0001"])
    named = client.call("DoiSoatHoSo", {"data": {"DanhSachMaHoSo": ["56-260106-0001", "56-000000-0000"]}})
    assert named["result"] == [
        {"MaHoSo": "56-260106-0001", "TrangThaiHoSo": 4, "NgayTiepNhan": "20260106090000", "SoThuTu": 1}
    ]
    with pytest.raises(IntegrationError) as caught:
        client.call("DoiSoatHoSo", {"data": {"TuNgay": "05/01/2026", "DenNgay": "20260105235959"}})
    assert caught.value.code == IntegrationErrorCode.REJECTED
    assert "TuNgay «05/01/2026» không đúng định dạng yyyyMMddHHmmss." in caught.value.message


def test_a_sync_call_without_a_list_is_refused_whole(national_simulator: NationalSimulator) -> None:
    with pytest.raises(IntegrationError) as caught:
        PartnerClient("dvcqg").call("DongBoHoSoMC", {"isUpdating": "false", "data": {"MaHoSo": "x"}})
    assert "Trường «data» phải là danh sách hồ sơ đồng bộ." in caught.value.message

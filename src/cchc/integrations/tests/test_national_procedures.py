"""The national procedure database into the catalogue: from a file and from the simulator over HTTP, a
new version only when the content changed, the differences reported, bad input refused with nothing
changed, and the publication facts recorded."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cchc.catalogue.constants import CodeStatus, VersionStatus
from cchc.catalogue.models import Procedure, ProcedurePublication, ProcedureVersion
from cchc.catalogue.services import catalogue_import, procedure_version_draft_from
from cchc.catalogue.tests.conftest import catalogue_data
from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Partner
from cchc.integrations.models import Attempt
from cchc.integrations.national_procedures.errors import NationalProcedureError, NationalProcedureErrorCode
from cchc.integrations.national_procedures.services import (
    Result,
    procedure_fetch_one,
    procedures_fetch,
    procedures_import,
    procedures_read_file,
)
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.org.services import org_load_khanh_hoa

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 1, 5, 8, 0, tzinfo=VN)
LATER = AT + timedelta(days=10)
CODE = "1.001193"

NATIONAL: dict[str, Any] = {
    "MaTTHC": CODE,
    "TenTTHC": "Thủ tục đăng ký khai sinh",
    "LinhVuc": {"MaLinhVuc": "HOTICH", "TenLinhVuc": "Hộ tịch"},
    "CapThucHien": ["Cấp Xã"],
    "DoiTuongThucHien": ["Công dân Việt Nam"],
    "ThanhPhanHoSo": [
        {"TenGiayTo": "Tờ khai đăng ký khai sinh", "SoBan": 1, "BatBuoc": True, "MauDon": "Mẫu TT 04"},
        {"TenGiayTo": "Giấy chứng sinh", "SoBan": 1, "BatBuoc": True},
    ],
    "PhiLePhi": [{"LoaiPhi": "Lệ phí", "TenPhiLePhi": "Lệ phí đăng ký khai sinh", "MucThu": 0}],
    "ThoiHanGiaiQuyet": {"GiaTri": 1, "DonViTinh": "Ngày làm việc"},
    "KetQuaThucHien": "Giấy khai sinh",
    "CanCuPhapLy": [{"SoKyHieu": "60/2014/QH13", "TrichYeu": "Luật Hộ tịch", "NgayHieuLuc": "01/01/2016"}],
    "QuyetDinhCongBo": {"SoKyHieu": "12/QĐ-UBND", "NgayBanHanh": "05/01/2026", "CoQuanBanHanh": "UBND tỉnh Khánh Hòa"},
    "NgayCongKhai": "07/01/2026",
    "NgayCapNhat": "07/01/2026 09:30:00",
}


def national(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(NATIONAL)
    data.update(changes)
    return data


def export(tmp_path: Path, *procedures: dict[str, Any], name: str = "tthc.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"DanhSachTTHC": list(procedures)}, ensure_ascii=False), encoding="utf-8")
    return path


def state() -> tuple[list[tuple[str, int, str]], list[tuple[str, str, date | None]]]:
    """Everything an import may write: versions (code, number, status) and publications."""
    versions = list(ProcedureVersion.objects.order_by("pk").values_list("procedure__code", "number", "status"))
    publications = list(
        ProcedurePublication.objects.order_by("pk").values_list("procedure__code", "decision_number", "public_date")
    )
    return versions, publications


def run_file(path: Path, *, at: datetime = AT, dry_run: bool = False) -> Any:
    return procedures_import(procedures=procedures_read_file(path=path), at=at, source=str(path), dry_run=dry_run)


@pytest.fixture
def catalogue(db: None) -> None:
    """The agency registry and one procedure in force (1.001193, version 1, code from a secondary source)."""
    org_load_khanh_hoa()
    catalogue_import(data=catalogue_data(), at=AT - timedelta(days=30))


def test_a_file_import_publishes_the_national_content_keeping_the_local_parts(catalogue: None, tmp_path: Path) -> None:
    report = run_file(export(tmp_path, national(TenTTHC="Đăng ký khai sinh")))

    [outcome] = report.procedures
    assert outcome.result == Result.NEW_VERSION
    assert outcome.version == 2
    assert "Tên thủ tục: «Thủ tục đăng ký khai sinh» → «Đăng ký khai sinh»" in outcome.changes
    added = "Căn cứ pháp lý: thêm «Luật Hộ tịch số 60/2014/QH13 (hiệu lực từ 01/01/2016)»"
    assert any(line.startswith(added) for line in outcome.changes)
    version = ProcedureVersion.objects.get(procedure__code=CODE, status=VersionStatus.PUBLISHED)
    assert (version.number, version.name, version.published_at) == (2, "Đăng ký khai sinh", AT)
    # the local parts stay: the internal procedure, the competent agencies, the document-type codes
    assert version.steps.count() == 4
    assert version.competent_agencies.get().agency_kind == "ubnd"
    assert list(version.documents.values_list("document_type_code", flat=True)) == [
        "to-khai-dang-ky-khai-sinh",
        "giay-chung-sinh",
    ]
    procedure = Procedure.objects.get(code=CODE)
    assert (procedure.name, procedure.code_status) == ("Đăng ký khai sinh", CodeStatus.CONFIRMED)
    publication = ProcedurePublication.objects.get()
    assert (publication.decision_number, publication.decision_date) == ("12/QĐ-UBND", date(2026, 1, 5))
    assert (publication.legal_basis_effective_date, publication.public_date) == (date(2016, 1, 1), date(2026, 1, 7))
    assert publication.version == version


def test_the_same_export_again_changes_nothing(catalogue: None, tmp_path: Path) -> None:
    path = export(tmp_path, national())
    run_file(path)
    before = state()

    report = run_file(path, at=LATER)

    assert [p.result for p in report.procedures] == [Result.UNCHANGED]
    assert report.procedures[0].changes == []
    assert not report.changed
    assert state() == before


def test_a_changed_export_makes_a_new_version_and_reports_each_difference(catalogue: None, tmp_path: Path) -> None:
    run_file(export(tmp_path, national()))
    changed = national(
        CapThucHien=["Cấp Tỉnh", "Cấp Xã"],
        ThanhPhanHoSo=[{"TenGiayTo": "Tờ khai đăng ký khai sinh", "SoBan": 2, "MauDon": "Mẫu TT 04"}],
        PhiLePhi=[{"LoaiPhi": "Lệ phí", "TenPhiLePhi": "Lệ phí đăng ký khai sinh", "MucThu": 8000}],
        ThoiHanGiaiQuyet={"GiaTri": 2, "DonViTinh": "Ngày làm việc"},
        CanCuPhapLy=[{"SoKyHieu": "99/2025/QH15", "TrichYeu": "Luật Hộ tịch (sửa đổi)", "NgayHieuLuc": "01/03/2026"}],
        QuyetDinhCongBo={"SoKyHieu": "30/QĐ-UBND", "NgayBanHanh": "20/02/2026"},
        NgayCongKhai=None,
    )

    report = run_file(export(tmp_path, changed, name="thay-doi.json"), at=LATER)

    [outcome] = report.procedures
    assert (outcome.result, outcome.version) == (Result.NEW_VERSION, 3)
    assert outcome.changes == [
        "Cấp thực hiện: Cấp xã → Cấp tỉnh, Cấp xã",
        "Thời hạn giải quyết: 1 ngày làm việc → 2 ngày làm việc",
        "Thành phần hồ sơ: thêm «Tờ khai đăng ký khai sinh» (2 bản, bắt buộc); "
        "bỏ «Tờ khai đăng ký khai sinh» (1 bản, bắt buộc); bỏ «Giấy chứng sinh» (1 bản, bắt buộc)",
        "Phí, lệ phí: thêm Lệ phí «Lệ phí đăng ký khai sinh»: 8.000 đồng; bỏ Lệ phí «Lệ phí đăng ký khai sinh»: 0 đồng",
        "Căn cứ pháp lý: thêm «Luật Hộ tịch (sửa đổi) số 99/2025/QH15 (hiệu lực từ 01/03/2026)»; "
        "bỏ «Luật Hộ tịch số 60/2014/QH13 (hiệu lực từ 01/01/2016)»",
        "Quyết định công bố: 12/QĐ-UBND ngày 05/01/2026 → 30/QĐ-UBND ngày 20/02/2026",
        "Ngày có hiệu lực muộn nhất của căn cứ pháp lý: 01/03/2026",
        "Ngày công khai trên CSDL quốc gia: (chưa có)",
    ]
    versions = ProcedureVersion.objects.filter(procedure__code=CODE).order_by("number")
    assert [(v.number, v.status) for v in versions] == [
        (1, VersionStatus.RETIRED),
        (2, VersionStatus.RETIRED),
        (3, VersionStatus.PUBLISHED),
    ]
    assert versions[2].processing_time == 2
    assert versions[2].fees.get().amount == 8000
    assert ProcedurePublication.objects.count() == 2
    assert any("Thời hạn giải quyết" in line for line in report.lines())


def test_a_later_publication_date_updates_the_facts_without_a_new_version(catalogue: None, tmp_path: Path) -> None:
    run_file(export(tmp_path, national(NgayCongKhai=None)))

    report = run_file(export(tmp_path, national(NgayCongKhai="12/01/2026"), name="cong-khai.json"), at=LATER)

    [outcome] = report.procedures
    assert outcome.result == Result.PUBLICATION
    assert outcome.changes == ["Ngày công khai trên CSDL quốc gia (12/QĐ-UBND): (chưa có) → 12/01/2026"]
    assert ProcedureVersion.objects.filter(procedure__code=CODE).count() == 2
    publication = ProcedurePublication.objects.get()
    assert (publication.public_date, publication.updated_at) == (date(2026, 1, 12), LATER)


def test_a_procedure_new_to_the_catalogue_is_a_draft_awaiting_its_local_parts(catalogue: None, tmp_path: Path) -> None:
    report = run_file(export(tmp_path, national(MaTTHC="2.000635", TenTTHC="Thủ tục mới", CapThucHien=["Cấp Tỉnh"])))

    [outcome] = report.procedures
    assert (outcome.result, outcome.version) == (Result.CREATED, 1)
    draft = ProcedureVersion.objects.get(procedure__code="2.000635")
    assert draft.status == VersionStatus.DRAFT
    assert (draft.levels, draft.applicant_types, draft.steps.count()) == (["province"], ["citizen"], 0)
    # its publication counts (indicators 1.1 and 1.2) though it is not in force here yet
    assert ProcedurePublication.objects.get(procedure__code="2.000635").version == draft
    # imported again, unchanged: the draft stays as it is
    assert run_file(export(tmp_path, national(MaTTHC="2.000635", TenTTHC="Thủ tục mới", CapThucHien=["Cấp Tỉnh"])))
    assert ProcedureVersion.objects.filter(procedure__code="2.000635").count() == 1


def test_a_draft_under_local_edit_is_not_overwritten(catalogue: None, tmp_path: Path) -> None:
    in_force = ProcedureVersion.objects.get(procedure__code=CODE)
    draft = procedure_version_draft_from(version=in_force, at=AT)

    report = run_file(export(tmp_path, national()))

    assert report.procedures[0].result == Result.DRAFT_IN_PROGRESS
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert ProcedureVersion.objects.get(pk=in_force.pk).status == VersionStatus.PUBLISHED
    assert ProcedurePublication.objects.filter(procedure__code=CODE).exists()


def test_dry_run_reports_and_writes_nothing(catalogue: None, tmp_path: Path) -> None:
    before = state()

    report = run_file(export(tmp_path, national(TenTTHC="Đăng ký khai sinh")), dry_run=True)

    assert report.procedures[0].result == Result.NEW_VERSION
    assert state() == before


@pytest.mark.parametrize(
    ("content", "code", "field", "words"),
    [
        ("{không phải json", NationalProcedureErrorCode.INVALID_FILE, "", "không phải JSON hợp lệ (dòng 1"),
        ('{"KhongPhai": []}', NationalProcedureErrorCode.INVALID_FILE, "DanhSachTTHC", "DanhSachTTHC"),
        (
            {"CapThucHien": ["Cấp Thôn"]},
            NationalProcedureErrorCode.UNKNOWN_VALUE,
            "DanhSachTTHC[1].CapThucHien[0]",
            "Cấp thực hiện «Cấp Thôn»",
        ),
        (
            {"ThoiHanGiaiQuyet": {"GiaTri": 3, "DonViTinh": "Tuần"}},
            NationalProcedureErrorCode.UNKNOWN_VALUE,
            "DanhSachTTHC[1].ThoiHanGiaiQuyet.DonViTinh",
            "Đơn vị thời hạn «Tuần»",
        ),
        (
            {"QuyetDinhCongBo": {"SoKyHieu": "1/QĐ", "NgayBanHanh": "31/02/2026"}},
            NationalProcedureErrorCode.INVALID_RECORD,
            "DanhSachTTHC[1].QuyetDinhCongBo.NgayBanHanh",
            "không đúng dạng dd/MM/yyyy",
        ),
        ({"MaTTHC": "2.000635"}, NationalProcedureErrorCode.DUPLICATE_CODE, "DanhSachTTHC[1].MaTTHC", "hai lần"),
        (
            {"ThoiHanGiaiQuyet": {"GiaTri": 2, "DonViTinh": "Giờ làm việc"}},
            NationalProcedureErrorCode.CATALOGUE_REFUSED,
            "steps",
            "vượt thời hạn",
        ),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_nothing_changes(
    catalogue: None, tmp_path: Path, content: Any, code: str, field: str, words: str
) -> None:
    # the first procedure of the file is valid and new: it must not be written either
    if isinstance(content, dict):
        path = export(tmp_path, national(MaTTHC="2.000635"), national(**content))
    else:
        path = tmp_path / "hong.json"
        path.write_text(content, encoding="utf-8")
    before = state()

    with pytest.raises(NationalProcedureError) as caught:
        run_file(path)

    assert caught.value.code == code
    assert words in str(caught.value)
    assert field in caught.value.field
    assert str(path) in str(caught.value)
    assert state() == before


def test_the_command_prints_the_changes_in_vietnamese(catalogue: None, tmp_path: Path) -> None:
    path = export(tmp_path, national(TenTTHC="Đăng ký khai sinh"))
    out = StringIO()

    call_command("integrations", "procedures", "import", "--file", str(path), "--dry-run", stdout=out)
    assert "1.001193 Đăng ký khai sinh: công bố phiên bản mới" in out.getvalue()
    assert "Chạy thử (--dry-run): không ghi gì vào danh mục." in out.getvalue()
    assert ProcedureVersion.objects.filter(procedure__code=CODE).count() == 1

    out = StringIO()
    call_command("integrations", "procedures", "import", "--file", str(path), stdout=out)
    assert "Tên thủ tục: «Thủ tục đăng ký khai sinh» → «Đăng ký khai sinh»" in out.getvalue()
    assert "Đã cập nhật danh mục thủ tục." in out.getvalue()

    bad = tmp_path / "hong.json"
    bad.write_text("[1]", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("integrations", "procedures", "import", "--file", str(bad), stdout=out)
    assert "Không nạp được, danh mục không thay đổi: [national_procedures.invalid_record]" in out.getvalue()


# --- from the simulator, over HTTP -------------------------------------------------------------------


def publish_on_simulator(*procedures: dict[str, Any]) -> None:
    client = PartnerClient(Partner.CSDL_TTHC)
    for procedure in procedures:
        client.call("CapNhatTTHC", {"data": procedure}, subject=procedure["MaTTHC"])


def test_import_from_the_simulator_pages_and_filters_by_date(
    catalogue: None, national_simulator: NationalSimulator
) -> None:
    publish_on_simulator(
        national(),
        national(MaTTHC="2.000635", TenTTHC="Thủ tục A", NgayCapNhat="01/12/2025 08:00:00"),
        national(MaTTHC="2.000636", TenTTHC="Thủ tục B", NgayCapNhat="02/01/2026 08:00:00"),
    )
    assert [p["MaTTHC"] for p in national_simulator.data("procedures")] == [CODE, "2.000635", "2.000636"]

    fetched = procedures_fetch(since=date(2026, 1, 1), page_size=1)

    assert [p.code for p in fetched] == ["2.000636", CODE]  # oldest change first; 2.000635 is older
    assert Attempt.objects.filter(operation="LayDanhSachTTHC").count() == 2  # one per page
    report = procedures_import(procedures=fetched, at=AT, source="simulator")
    assert {p.code: p.result for p in report.procedures} == {"2.000636": Result.CREATED, CODE: Result.NEW_VERSION}
    # the same again from the portal: nothing changes
    before = state()
    again = procedures_import(procedures=procedures_fetch(since=date(2026, 1, 1)), at=LATER, source="simulator")
    assert {p.result for p in again.procedures} == {Result.UNCHANGED}
    assert state() == before


def test_one_procedure_by_code_and_the_portal_error_shape(national_simulator: NationalSimulator, db: None) -> None:
    publish_on_simulator(national())
    assert procedure_fetch_one(code=CODE).decision.number == "12/QĐ-UBND"

    with pytest.raises(IntegrationError) as caught:
        procedure_fetch_one(code="1.999999")
    assert caught.value.code == IntegrationErrorCode.REJECTED
    assert "TTHC_KHONG_TON_TAI" in caught.value.message
    with pytest.raises(IntegrationError) as invalid:
        PartnerClient(Partner.CSDL_TTHC).call("LayDanhSachTTHC", {"data": {"TuNgay": "hôm qua"}}, subject="x")
    assert "DU_LIEU_KHONG_HOP_LE" in invalid.value.message
    with pytest.raises(IntegrationError):
        publish_on_simulator(national(MaTTHC="abc"))
    assert [p["MaTTHC"] for p in national_simulator.data("procedures")] == [CODE]


def test_the_command_from_the_portal_and_a_portal_that_is_down(
    catalogue: None, national_simulator: NationalSimulator
) -> None:
    publish_on_simulator(national(TenTTHC="Đăng ký khai sinh"))
    out = StringIO()
    call_command("integrations", "procedures", "import", "--from-portal", "--since", "2026-01-01", stdout=out)
    assert "1.001193 Đăng ký khai sinh: công bố phiên bản mới (phiên bản 2)" in out.getvalue()

    national_simulator.control(mode="error")
    before = state()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("integrations", "procedures", "import", "--from-portal", stdout=out)
    assert "[integration.partner_error]" in out.getvalue()
    assert state() == before


def test_since_keeps_the_procedures_changed_on_or_after_the_day(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        national(NgayCapNhat="31/12/2025 23:59:59"),
        national(MaTTHC="2.000635", NgayCapNhat="01/01/2026 00:00:00"),
        national(MaTTHC="2.000636", NgayCapNhat=None),
    )

    kept = procedures_read_file(path=path, since=date(2026, 1, 1))

    assert [p.code for p in kept] == ["2.000635", "2.000636"]  # without NgayCapNhat: kept
    assert len(procedures_read_file(path=path)) == 3


def test_the_recorded_publications_are_listed_read_only_in_the_admin(
    catalogue: None, tmp_path: Path, admin_client: Any
) -> None:
    run_file(export(tmp_path, national()))

    response = admin_client.get(reverse("admin:catalogue_procedurepublication_changelist"))

    assert response.status_code == 200
    assert "12/QĐ-UBND" in response.content.decode()
    publication = ProcedurePublication.objects.get()
    page = admin_client.get(reverse("admin:catalogue_procedurepublication_change", args=[publication.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read only: no save button

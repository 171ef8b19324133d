"""``cchc province setup``: a province adopts the platform in one command (issue 18 item 2)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from cchc.catalogue.models import CompetentAgency, Procedure
from cchc.org.models import AdministrativeUnit, Agency, UnitSuccession
from cchc.program.models import Program

AT = "2025-07-01T00:00+07:00"


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("province", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@override_settings(CCHC_PROVINCE_CODE="12")
def test_the_command_sets_up_the_configured_province_with_the_catalogue_and_says_what_to_check(capsys):
    # when: no code given, CCHC_PROVINCE_CODE (Lai Châu) is set up
    out, _ = _run("setup", "--at", AT)
    err = capsys.readouterr().err  # tqdm writes to the process's standard error

    # then: units, agencies and the catalogue, whose competent agencies are Lai Châu's
    assert "Tỉnh Lai Châu (mã 12): 38 đơn vị cấp xã từ 1/7/2025, 106 đơn vị trước 1/7/2025." in out
    assert "Cần người kiểm tra:" in out
    assert "55 cơ quan tạo theo mẫu, đánh dấu «chưa xác nhận, cần rà soát»" in out
    assert "… và 25 mục nữa" in out
    assert "Đã thiết lập tỉnh." in out
    assert "Đơn vị hành chính từ 1/7/2025: 100%" in err  # the progress bar
    assert Procedure.objects.count() == 54
    named = set(CompetentAgency.objects.filter(agency__isnull=False).values_list("agency__code", flat=True))
    assert named
    assert all(code.endswith("-p12") or code == "ubnd-12" for code in named)
    assert "chưa có ở tỉnh" not in out

    # when: run again
    again, _ = _run("setup", "--at", AT)

    # then
    assert "Tỉnh đã được thiết lập; không có thay đổi đơn vị, cơ quan." in again
    assert "Thủ tục không thay đổi: 54" in again


@pytest.mark.django_db
@override_settings(CCHC_PROVINCE_CODE="12")
def test_a_program_file_that_is_refused_leaves_nothing_half_loaded(tmp_path):
    # given: a file that is not a program decision
    bad = tmp_path / "khong-phai-chuong-trinh.txt"
    bad.write_text("Biên bản họp giao ban tuần.\n", encoding="utf-8")

    # when
    with pytest.raises(CommandError) as caught:
        _run("setup", "12", "--at", AT, "--program", str(bad))

    # then: units, agencies and catalogue rolled back with it
    assert "không có thay đổi nào" in str(caught.value)
    assert AdministrativeUnit.objects.count() == UnitSuccession.objects.count() == Agency.objects.count() == 0
    assert Procedure.objects.count() == Program.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_province_code_is_refused_with_its_code():
    with pytest.raises(CommandError) as caught:
        _run("setup", "99")

    assert str(caught.value).startswith("units.unknown_province: Mã tỉnh «99» không phải mã")
    assert AdministrativeUnit.objects.count() == 0

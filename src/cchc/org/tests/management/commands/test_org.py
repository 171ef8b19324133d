from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.org.models import AdministrativeUnit, Agency


def _run(*args):
    out = StringIO()
    call_command("org", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_org_load_shows_counts_then_says_nothing_changed_on_the_second_run():
    # when
    first = _run("load")
    second = _run("load")

    # then
    assert "unit: 278 mới" in first
    assert "Đã cập nhật danh mục." in first
    assert "Đơn vị hành chính cấp xã từ 1/7/2025: 65/65" in first
    assert "không có thay đổi" in second
    assert "unit: 0 mới, 0 cập nhật, 278 không đổi" in second
    assert AdministrativeUnit.objects.count() == 278
    assert Agency.objects.filter(code="so-noi-vu").count() == 2


@pytest.mark.django_db
def test_org_load_with_a_missing_data_dir_fails_cleanly(tmp_path):
    with pytest.raises(CommandError):
        _run("load", "--data-dir", str(tmp_path / "missing"))
    assert AdministrativeUnit.objects.count() == 0


def test_org_requires_a_subcommand():
    with pytest.raises(CommandError):
        _run()

"""``cchc par import | export | demo``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.audit.models import AuditEvent
from cchc.par.constants import AssessmentStatus
from cchc.par.models import Assessment, AssessmentRound, IndexSet
from cchc.par.tests.conftest import small_set


def test_import_then_export_round_trips(db, tmp_path):
    source = tmp_path / "bo-chi-so.json"
    source.write_text(json.dumps(small_set(), ensure_ascii=False), encoding="utf-8")
    out = StringIO()

    call_command("par", "import", str(source), stdout=out)
    exported = tmp_path / "xuat.json"
    call_command("par", "export", "--code", "thu-nghiem", "--out", str(exported), stdout=StringIO())
    again = StringIO()
    call_command("par", "import", str(exported), stdout=again)

    assert "Bộ chỉ số «thu-nghiem» đã tạo: 5 tiêu chí chấm điểm, tổng 10.00 điểm." in out.getvalue()
    assert "không thay đổi" in again.getvalue()
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["fields"][0]["criteria"][0]["sub_criteria"][0] == {
        "code": "1.1.1",
        "name": "Ban hành kế hoạch",
        "max_points": 1.5,
        "method": "self",
    }


def test_an_invalid_file_is_refused_with_its_errors_and_nothing_changes(db, tmp_path):
    data = small_set()
    data["fields"][1]["max_points"] = 5
    source = tmp_path / "sai.json"
    source.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("par", "import", str(source))

    assert "fields[1] (mã 2): điểm tối đa 5 khác tổng điểm các cấp con 4" in str(caught.value)
    assert "[par.points_mismatch]" in str(caught.value)
    assert not IndexSet.objects.exists()
    assert not AuditEvent.objects.exists()


def test_export_xlsx_needs_a_code_and_a_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("par", "export", "--format", "xlsx")


@pytest.mark.django_db
def test_demo_loads_the_sets_and_rounds_once(settings):
    settings.DEBUG = True  # a demo command (cchc.common.demo)
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()

    call_command("par", "demo", stdout=StringIO(), stderr=StringIO())
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("par", "demo", stdout=out, stderr=StringIO())

    assert set(IndexSet.objects.values_list("code", flat=True)) == {"kh-noi-bo-so-nganh-demo", "kh-noi-bo-cap-xa-demo"}
    assert AssessmentRound.objects.count() == 2
    assert Assessment.objects.filter(status=AssessmentStatus.FINALISED).count() == 4 + 3
    assert Assessment.objects.exclude(status=AssessmentStatus.DRAFT).count() == 9 + 8
    assert AuditEvent.objects.count() == events  # second run: nothing written
    assert "đã có, giữ nguyên" in out.getvalue()

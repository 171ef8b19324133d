"""``cchc program import`` / ``export``: exit codes, summary, and the export against its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.program.models import Program
from cchc.program.tests.conftest import (
    BINH_DINH_PATH,
    GIA_LAI_PATH,
    NINH_THUAN_PATH,
    PHU_YEN_PATH,
    QUANG_NGAI_PATH,
    SEED_PATH,
)

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parents[5] / "docs" / "program-export.schema.json"


def run(*args: str, capsys) -> str:
    call_command("program", *args)
    return capsys.readouterr().out


def test_import_prints_a_summary(khanh_hoa_registry, capsys):
    out = run("import", str(SEED_PATH), capsys=capsys)
    assert "(4831/QĐ-UBND, 24/12/2021): đã nhập mới." in out
    assert "6 nội dung cải cách" in out
    assert "24 chỉ tiêu" in out
    assert "16 nhóm trách nhiệm" in out
    assert "32 nhiệm vụ phụ lục" in out
    assert f"{SEED_PATH}:1: Hệ thống pháp luật" in out
    again = run("import", str(SEED_PATH), capsys=capsys)
    assert "không thay đổi" in again


def test_refused_import_exits_non_zero_with_the_code(khanh_hoa_registry, tmp_path):
    bad = tmp_path / "cut.txt"
    bad.write_text("\n".join(SEED_PATH.read_text(encoding="utf-8").split("\n")[:300]), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("program", "import", str(bad))
    assert "[program.truncated]" in str(info.value)
    assert str(bad) in str(info.value)
    assert Program.objects.count() == 0


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("program", "import", str(tmp_path / "none.txt"))


def test_strict_fails_on_unplaced_lines(khanh_hoa_registry):
    with pytest.raises(CommandError, match="--strict"):
        call_command("program", "import", str(SEED_PATH), "--strict")


def test_strict_passes_on_a_clean_document(khanh_hoa_registry, tmp_path, capsys):
    text = SEED_PATH.read_text(encoding="utf-8").replace("Hệ thống pháp luật\n", "\n", 1)
    clean = tmp_path / "clean.txt"
    clean.write_text(text, "utf-8")
    out = run("import", str(clean), "--strict", capsys=capsys)
    assert "Dòng chưa xếp được: 0" in out
    assert "Tên cơ quan chưa xác định: 0" in out


def test_export_validates_against_the_schema(khanh_hoa_registry, capsys):
    call_command("program", "import", str(SEED_PATH))
    call_command("program", "import", str(PHU_YEN_PATH))
    capsys.readouterr()
    document = json.loads(run("export", "--format", "json", capsys=capsys))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(document)] == []
    assert len(document["programs"]) == 2
    seed = next(p for p in document["programs"] if p["number"] == "4831/QĐ-UBND")
    task9 = seed["appendix"]["tasks"][8]
    assert task9["agencies"][0]["role"] == "lead"
    assert task9["agencies"][0]["agency"]["code"] == "van-phong-ubnd"
    sotttt = next(a for a in task9["agencies"] if a["text"] == "Sở Thông tin và Truyền thông")
    assert "so-khoa-hoc-va-cong-nghe" in [s["code"] for s in sotttt["successors"]]
    assert [t["code"] for t in seed["areas"][5]["targets"]][:4] == ["a6-2025-1", "a6-2025-2", "a6-2025-3", "a6-2025-4"]


def test_export_one_program_and_unknown_id(khanh_hoa_registry, capsys):
    call_command("program", "import", str(SEED_PATH))
    capsys.readouterr()
    program = Program.objects.get()
    document = json.loads(run("export", "--id", str(program.pk), capsys=capsys))
    assert [p["id"] for p in document["programs"]] == [program.pk]
    with pytest.raises(CommandError, match="Không có chương trình"):
        call_command("program", "export", "--id", str(program.pk + 100))


def test_schema_rejects_a_broken_document():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"schema_version": 1, "programs": [{}]}))
    assert errors


def test_import_summary_prints_each_target_year_and_source_line(khanh_hoa_registry, capsys):
    out = run("import", str(SEED_PATH), capsys=capsys)
    assert "  Chỉ tiêu (mã, năm, dòng nguồn): 24" in out
    assert f"    a2-2025-1: năm 2025, {SEED_PATH}:101: = 80 % — Hồ sơ giải quyết thủ tục hành chính" in out
    assert f"    a3-2030-1: năm 2030, {SEED_PATH}:153: giảm 10 % — Biên chế sự nghiệp" in out
    assert f"    a6-2025-2: năm 2025, {SEED_PATH}:223: = 90 % (cấp tỉnh) — " in out


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        (
            QUANG_NGAI_PATH,
            [
                "a1-2025-1: năm 2025, {path}:51: = 95 % (cấp tỉnh) — Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận",
                "a1-2027-1: năm 2027, {path}:57: = 80 % — Tỷ lệ người dân, doanh nghiệp sử dụng danh tính số",
                "a1-2030-1: năm 2030, {path}:59: ≥ 95,5 % — Mức độ hài lòng của người dân",
            ],
        ),
        (NINH_THUAN_PATH, ["a1-2025-5: năm 2025, {path}:55: giảm 20 % — Chi phí tuân thủ"]),
        (BINH_DINH_PATH, ["a2-2025-1: năm 2025, {path}:67: ≥ 97,5 % — Hồ sơ thủ tục hành chính"]),
        (GIA_LAI_PATH, ["a1-2030-1: năm 2030, {path}:59: = 100 % — Hồ sơ thủ tục hành chính được số hóa"]),
    ],
)
def test_other_house_styles_import_with_years_and_lines(khanh_hoa_registry, capsys, path, lines):
    out = run("import", str(path), capsys=capsys)
    assert "đã nhập mới." in out
    for line in lines:
        assert f"    {line.format(path=path)}" in out
    assert "Dòng chưa xếp được: 0" in out
    again = run("import", str(path), capsys=capsys)
    assert "không thay đổi" in again

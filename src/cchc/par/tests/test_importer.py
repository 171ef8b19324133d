"""Reading and checking index-set files (JSON and XLSX): points add up, errors say where."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.audit.models import AuditEvent
from cchc.par import services as s
from cchc.par.constants import ParError, ParErrorCode
from cchc.par.exports import index_set_xlsx
from cchc.par.importer import parse_index_data, read_index_file
from cchc.par.models import Criterion, IndexSet
from cchc.par.tests.conftest import AT, small_set

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_valid_set_is_read_with_its_tree_and_sums():
    spec = parse_index_data(small_set())

    assert spec.max_points == Decimal("10.00")
    assert [f.code for f in spec.fields] == ["1", "2"]
    codes = [(n.code, n.kind, n.method) for n, _ in spec.walk()]
    assert ("1.1", "criterion", "") in codes
    assert ("1.1.2", "sub_criterion", "self") in codes  # method defaults to self on a leaf
    assert ("2.2", "criterion", "computed") in codes


@pytest.mark.parametrize("name", ["demo-so-ban-nganh.json", "demo-cap-xa.json"])
def test_the_demo_sets_add_up_to_100(name):
    spec = read_index_file(DATA / name)

    assert spec.max_points == 100
    assert spec.demo is True
    assert len(spec.fields) == 8
    assert "MINH HỌA" in spec.note


def test_a_node_whose_maximum_is_not_the_sum_of_its_children_is_refused_with_its_path():
    data = small_set()
    data["fields"][0]["criteria"][0]["sub_criteria"][1]["max_points"] = 2  # 1.5 + 2 ≠ 4

    with pytest.raises(ParError) as caught:
        parse_index_data(data)

    assert caught.value.code == ParErrorCode.POINTS_MISMATCH
    assert "fields[0].criteria[0] (mã 1.1): điểm tối đa 4 khác tổng điểm các cấp con 3,5" in caught.value.message
    # the field above still matches its children's declared maxima: only the wrong node is named
    assert "(mã 1):" not in caught.value.message


def test_a_declared_total_other_than_the_fields_sum_is_refused():
    with pytest.raises(ParError) as caught:
        parse_index_data(small_set(max_points=100))

    assert caught.value.code == ParErrorCode.POINTS_MISMATCH
    assert "max_points: tổng điểm tối đa 100 khác tổng điểm các lĩnh vực 10" in caught.value.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["fields"][1]["criteria"][1].update(indicator="KHONG_CO"), "mã chỉ số «KHONG_CO» không có"),
        (lambda d: d["fields"][1]["criteria"][0].update(method="vote"), "phương pháp «vote» không hợp lệ"),
        (lambda d: d["fields"][0]["criteria"][1].update(code="1.1"), "mã bị trùng"),
        (lambda d: d["fields"][0]["criteria"][1].update(code="2.9"), "phải bắt đầu bằng mã cấp trên «1.»"),
        (lambda d: d["fields"][0]["criteria"][1].update(max_points=-2), "phải là số không âm"),
        (lambda d: d["fields"][0]["criteria"][1].update(max_points="hai"), "không phải là số"),
        (lambda d: d["fields"][0]["criteria"][1].update(max_points=1.234), "quá 2 chữ số thập phân"),
        (lambda d: d.update(grades={"tot": 80, "kha": 85, "trung_binh": 50}), "ngưỡng phải giảm dần"),
        (lambda d: d.update(audience="ministry"), "«ministry» không hợp lệ"),
        (
            lambda d: d["fields"][0]["criteria"][0]["sub_criteria"][0].update(
                sub_criteria=[{"code": "1.1.1.1", "name": "x", "max_points": 1.5}]
            ),
            "«sub_criteria» không đúng cấp",
        ),
    ],
)
def test_bad_content_is_refused_with_a_clear_message(change, expected):
    data = small_set()
    change(data)

    with pytest.raises(ParError) as caught:
        parse_index_data(data)

    assert expected in caught.value.message
    assert caught.value.message.startswith("Bộ chỉ số không hợp lệ, không nhập gì")


def test_a_json_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "bo-chi-so.json"
    path.write_text('{\n "format": "cchc-par-index",\n "code": \n}\n', encoding="utf-8")

    with pytest.raises(ParError) as caught:
        read_index_file(path)

    assert caught.value.message.startswith("bo-chi-so.json:4:1: JSON không hợp lệ")


def test_an_xlsx_export_reads_back_to_the_same_set(db, tmp_path):
    index_set = s.index_set_import(spec=parse_index_data(small_set()), actor=None, at=AT).index_set
    path = tmp_path / "bo-chi-so.xlsx"
    path.write_bytes(index_set_xlsx(index_set))

    spec = read_index_file(path)

    assert spec.content_hash == index_set.content_hash
    assert s.index_set_import(spec=spec, actor=None, at=AT).changed is False


def test_an_xlsx_error_names_its_sheet_row(db, tmp_path):
    from openpyxl import load_workbook

    index_set = s.index_set_import(spec=parse_index_data(small_set()), actor=None, at=AT).index_set
    path = tmp_path / "bo-chi-so.xlsx"
    path.write_bytes(index_set_xlsx(index_set))
    book = load_workbook(path)
    book["Tiêu chí"]["C4"] = 3  # row 4 is 1.1.1 (1,5 → 3): 1.1 no longer adds up
    book.save(path)

    with pytest.raises(ParError) as caught:
        read_index_file(path)

    assert "Tiêu chí!dòng 3 (mã 1.1): điểm tối đa 4 khác tổng điểm các cấp con 5,5" in caught.value.message


def test_import_creates_then_is_idempotent_with_one_audit_event(db):
    spec = parse_index_data(small_set())

    first = s.index_set_import(spec=spec, actor=None, at=AT)
    events = AuditEvent.objects.count()
    second = s.index_set_import(spec=parse_index_data(json.loads(json.dumps(small_set()))), actor=None, at=AT)

    assert (first.created, first.changed) == (True, True)
    assert (second.created, second.changed) == (False, False)
    assert AuditEvent.objects.count() == events == 1
    assert Criterion.objects.filter(index_set=first.index_set).count() == 8
    assert Criterion.objects.filter(index_set=first.index_set, is_leaf=True).count() == 5


def test_a_revision_replaces_an_unused_set(db):
    s.index_set_import(spec=parse_index_data(small_set()), actor=None, at=AT)
    revised = small_set(name="Bộ chỉ số thử nghiệm (sửa đổi)")
    revised["fields"][0]["criteria"][1]["name"] = "Báo cáo CCHC định kỳ"

    outcome = s.index_set_import(spec=parse_index_data(revised), actor=None, at=AT)

    assert outcome.changed
    assert not outcome.created
    assert Criterion.objects.get(index_set=outcome.index_set, code="1.2").name == "Báo cáo CCHC định kỳ"
    assert IndexSet.objects.count() == 1

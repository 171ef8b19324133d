"""Parsing the catalogue JSON: structure, precise error locations, the step-duration rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.catalogue.constants import CatalogueErrorCode
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.spec import parse_catalogue, parse_procedure
from cchc.catalogue.tests.conftest import catalogue_data, procedure_data


def test_valid_procedure_parses_with_defaults():
    spec = parse_procedure(procedure_data())

    assert spec.code == "1.001193"
    assert spec.statutory_hours == Decimal(8)
    assert spec.documents[0].mandatory is True
    assert spec.documents[0].copies == 1
    assert spec.fees[0].table == (("Đúng hạn", 0),)
    assert spec.is_inter_agency is False


def test_compact_and_canonical_forms_hash_alike():
    spec = parse_procedure(procedure_data())
    again = parse_procedure(spec.to_json())

    assert again == spec
    assert again.content_hash() == spec.content_hash()


def test_steps_longer_than_statutory_time_are_refused_with_stable_code_and_vietnamese_message():
    data = procedure_data()
    data["steps"][1]["duration_hours"] = 6  # 1 + 6 + 1.5 + 0.5 = 9 > 1 day = 8 hours

    with pytest.raises(CatalogueError) as caught:
        parse_procedure(data, path="procedures[3]")

    error = caught.value
    assert error.code == CatalogueErrorCode.STEPS_EXCEED_STATUTORY_TIME
    assert "vượt thời hạn giải quyết" in error.message
    assert "9 giờ làm việc" in error.message
    assert "1 ngày làm việc = 8 giờ làm việc" in error.message
    assert error.procedure == "1.001193"
    assert error.field == "procedures[3].steps"


def test_steps_exactly_equal_to_statutory_hours_are_accepted():
    data = procedure_data(processing_time={"value": 8, "unit": "hours"})

    assert parse_procedure(data).statutory_hours == Decimal(8)


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"code": "1001193"}, "procedures[0].code", "không đúng dạng"),
        ({"service_type": "online"}, "procedures[0].service_type", "không hợp lệ"),
        ({"levels": []}, "procedures[0].levels", "ít nhất một"),
        ({"legal_basis": []}, "procedures[0].legal_basis", "căn cứ pháp lý"),
        ({"steps": []}, "procedures[0].steps", "ít nhất một"),
        ({"processing_time": {"value": 0, "unit": "days"}}, "procedures[0].processing_time.value", "từ 1"),
        ({"competent_agencies": [{"note": "?"}]}, "procedures[0].competent_agencies[0].agency", "mã cơ quan"),
        ({"mandatroy": True}, "procedures[0].mandatroy", "không có trong định dạng"),
    ],
)
def test_invalid_values_name_the_field(changes, field, fragment):
    with pytest.raises(CatalogueError) as caught:
        parse_procedure(procedure_data(**changes))

    assert caught.value.code == CatalogueErrorCode.INVALID_INPUT
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_fee_needs_exactly_one_of_amount_and_table():
    both = procedure_data(fees=[{"kind": "phi", "name": "Phí", "amount": 1, "table": [{"label": "a", "amount": 2}]}])
    neither = procedure_data(fees=[{"kind": "phi", "name": "Phí"}])

    with pytest.raises(CatalogueError, match="không ghi cả hai"):
        parse_procedure(both)
    with pytest.raises(CatalogueError, match="amount"):
        parse_procedure(neither)


def test_step_naming_an_agency_must_be_an_agency_step():
    data = procedure_data()
    data["steps"][0]["agency"] = "cong-an-tinh"

    with pytest.raises(CatalogueError) as caught:
        parse_procedure(data)

    assert caught.value.field == "procedures[0].steps[0].agency"


def test_catalogue_errors_carry_the_file_name_and_duplicate_codes_are_refused():
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(catalogue_data(procedure_data(), procedure_data()), source="a.json")

    assert caught.value.source == "a.json"
    assert caught.value.field == "procedures[1].code"
    assert "tệp a.json, thủ tục 1.001193, trường procedures[1].code" in str(caught.value)


def test_wrong_format_is_refused():
    with pytest.raises(CatalogueError, match="format"):
        parse_catalogue({"procedures": []})

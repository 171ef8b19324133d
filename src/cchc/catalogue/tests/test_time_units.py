"""Processing-time units beside working days and hours: "trong ngày" with a cut-off hour and calendar days
(issue 12 item 14): parsing, the stored version, the export/import round trip, the JSON schema, the demo."""

from __future__ import annotations

import json
from datetime import time
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError

from cchc.catalogue.constants import CatalogueErrorCode, TimeUnit
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import catalogue_export, procedure_version_published
from cchc.catalogue.services import DEMO_CATALOGUE, catalogue_import, procedure_version_validate
from cchc.catalogue.spec import parse_procedure
from cchc.catalogue.tests.conftest import AT, LATER, catalogue_data, procedure_data

SCHEMA_PATH = Path(__file__).resolve().parents[4] / "docs" / "catalogue.schema.json"

SAME_DAY = {"value": 1, "unit": "same_day", "cutoff": "15:00", "note": "NĐ 23/2015/NĐ-CP Điều 7 khoản 1"}
CALENDAR = {"value": 15, "unit": "calendar_days"}


def _schema_errors(document: dict) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(document)]


def test_same_day_with_cut_off_and_calendar_days_parse():
    same_day = parse_procedure(procedure_data(processing_time=SAME_DAY))
    calendar = parse_procedure(procedure_data(processing_time=CALENDAR))

    assert same_day.processing_time_unit == "same_day"
    assert same_day.processing_time_cutoff == time(15, 0)
    assert same_day.statutory_hours == Decimal(8)
    assert same_day.processing_time_display == (
        "trong ngày làm việc; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo"
    )
    assert calendar.processing_time_display == "15 ngày"
    assert calendar.statutory_hours == Decimal(120)
    # the canonical form carries the cut-off and parses back to the same spec (and hash)
    assert same_day.to_json()["processing_time"]["cutoff"] == "15:00"
    assert parse_procedure(same_day.to_json()) == same_day
    assert parse_procedure(calendar.to_json()).content_hash() == calendar.content_hash()


def test_a_procedure_without_cut_off_keeps_its_canonical_form():
    # no "cutoff" key where there is none: the content hash of every existing procedure is unchanged
    assert "cutoff" not in parse_procedure(procedure_data()).to_json()["processing_time"]


@pytest.mark.parametrize(
    ("processing_time", "field", "fragment"),
    [
        ({"value": 2, "unit": "same_day"}, "processing_time.value", "thời hạn là 1"),
        ({"value": 1, "unit": "days", "cutoff": "15:00"}, "processing_time.cutoff", "chỉ dùng cho thủ tục"),
        ({"value": 1, "unit": "same_day", "cutoff": "3pm"}, "processing_time.cutoff", "HH:MM"),
        ({"value": 1, "unit": "same_day", "cutoff": "25:00"}, "processing_time.cutoff", "HH:MM"),
        ({"value": 1, "unit": "weeks"}, "processing_time.unit", "không hợp lệ"),
    ],
)
def test_bad_units_are_refused_with_their_location(processing_time, field, fragment):
    with pytest.raises(CatalogueError) as caught:
        parse_procedure(procedure_data(processing_time=processing_time))

    assert caught.value.code == CatalogueErrorCode.INVALID_INPUT
    assert caught.value.field == f"procedures[0].{field}"
    assert fragment in caught.value.message


def test_export_import_round_trip_of_the_new_units(registry):
    same_day = procedure_data(processing_time=SAME_DAY)
    calendar = procedure_data(code="1.004222", field="CUTRU", name="Đăng ký thường trú", processing_time=CALENDAR)
    catalogue_import(data=catalogue_data(same_day, calendar), at=AT)
    version = procedure_version_published(procedure=Procedure.objects.get(code="1.001193"))
    assert version is not None
    assert (version.processing_time_unit, version.processing_time_cutoff) == ("same_day", time(15, 0))

    exported = catalogue_export()
    by_code = {p["code"]: p["processing_time"] for p in exported["procedures"]}
    assert by_code["1.001193"] == {"value": 1, "unit": "same_day", "cutoff": "15:00", "note": SAME_DAY["note"]}
    assert by_code["1.004222"] == {"value": 15, "unit": "calendar_days", "note": ""}
    assert _schema_errors(exported) == []

    again = catalogue_import(data=json.loads(json.dumps(exported)), at=LATER)
    assert not again.changed
    assert ProcedureVersion.objects.count() == 2


def test_the_schema_accepts_the_new_units_and_refuses_what_the_parser_refuses():
    assert _schema_errors(catalogue_data(procedure_data(processing_time=SAME_DAY))) == []
    assert _schema_errors(catalogue_data(procedure_data(processing_time=CALENDAR))) == []
    for bad in (
        {"value": 2, "unit": "same_day"},
        {"value": 1, "unit": "days", "cutoff": "15:00"},
        {"value": 1, "unit": "same_day", "cutoff": "15h"},
        {"value": 1, "unit": "weeks"},
    ):
        assert _schema_errors(catalogue_data(procedure_data(processing_time=bad))), bad


def test_the_demo_catalogue_validates_and_its_chung_thuc_procedures_are_same_day_with_15_00(demo):
    data = json.loads(Path(DEMO_CATALOGUE).read_text(encoding="utf-8"))
    assert _schema_errors(data) == []
    for code in ("2.000815", "2.000884"):  # chứng thực bản sao từ bản chính; chứng thực chữ ký
        version = procedure_version_published(procedure=Procedure.objects.get(code=code))
        assert version is not None
        assert version.processing_time_unit == TimeUnit.SAME_DAY
        assert version.processing_time_cutoff == time(15, 0)
        # the steps fit the time left after the cut-off (15:00-17:00), so no step is due after the dossier
        assert sum(step.duration_hours for step in version.steps.all()) <= 2


def test_a_cut_off_on_a_version_in_working_days_is_refused_before_the_database(demo):
    version = ProcedureVersion.objects.filter(processing_time_unit="days").first()
    assert version is not None
    version.processing_time_cutoff = time(15, 0)

    with pytest.raises(CatalogueError, match="Giờ chốt tiếp nhận chỉ dùng"):
        procedure_version_validate(version=version)
    with pytest.raises(ValidationError, match="Giờ chốt tiếp nhận chỉ dùng"):
        version.full_clean()

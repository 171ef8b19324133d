"""Search, the version in force, and export (round trip and schema)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import (
    catalogue_export,
    procedure_search,
    procedure_version_current,
    procedure_version_published,
)
from cchc.catalogue.services import catalogue_import, field_upsert, procedure_draft_save
from cchc.catalogue.spec import parse_procedure
from cchc.catalogue.tests.conftest import AT, LATER, catalogue_data, procedure_data

SCHEMA_PATH = Path(__file__).resolve().parents[4] / "docs" / "catalogue.schema.json"


def _strip_metadata(document):
    return {
        **document,
        "procedures": [{k: v for k, v in p.items() if k != "published"} for p in document["procedures"]],
    }


@pytest.mark.parametrize(
    "query", ["giay phep xay dung", "GIẤY PHÉP XÂY DỰNG", "  Giấy   phép xay dựng ", "xay dung giay phep"]
)
def test_search_ignores_diacritics_case_spacing_and_word_order(demo, query):
    names = [procedure.name for procedure in procedure_search(text=query)]

    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in names
    assert all("xây dựng" in name.lower() for name in names)


def test_search_finds_by_code_and_by_field_name(demo):
    assert [p.code for p in procedure_search(text="1.001193")] == ["1.001193"]
    assert {p.field.code for p in procedure_search(text="ho tich")} == {"HOTICH"}


def test_search_of_unknown_words_finds_nothing(demo):
    assert not procedure_search(text="tau vu tru").exists()


def test_search_leaves_out_procedures_that_only_have_a_draft(registry):
    field_upsert(code="HOTICH", name="Hộ tịch")
    procedure_draft_save(spec=parse_procedure(procedure_data()), at=AT)

    assert Procedure.objects.count() == 1
    assert not procedure_search(text="khai sinh").exists()


def test_search_is_one_query(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = list(procedure_search(text="dang ky"))
        fields = {procedure.field.name for procedure in results}

    assert len(results) > 10
    assert "Hộ tịch" in fields


def test_current_version_comes_joined(demo, django_assert_num_queries):
    procedure = Procedure.objects.get(code="9.000001")

    with django_assert_num_queries(5):
        version = procedure_version_current(procedure=procedure, at=LATER)
        agencies = [str(item) for item in version.competent_agencies.all()]
        steps = [(step.agency.code if step.agency else "", step.duration_hours) for step in version.steps.all()]
        documents = [document.document_type_code for document in version.documents.all()]
        fees = [fee.name for fee in version.fees.all()]

    assert agencies
    assert ("cong-an-tinh", 8) in steps
    assert "giay-chung-sinh" in documents
    assert fees


def test_export_imports_back_without_change(demo):
    exported = catalogue_export()

    result = catalogue_import(data=exported, at=LATER)

    assert not result.changed
    assert len(result.unchanged) == len(exported["procedures"])


def test_export_reproduces_the_same_catalogue_in_an_empty_catalogue(demo):
    exported = catalogue_export()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()

    catalogue_import(data=json.loads(json.dumps(exported)), at=LATER)

    assert _strip_metadata(catalogue_export()) == _strip_metadata(exported)


def test_export_at_a_moment_gives_the_versions_then_in_force(registry):
    catalogue_import(data=catalogue_data(), at=AT)
    catalogue_import(data=catalogue_data(procedure_data(name="Đăng ký khai sinh (2026)")), at=LATER)

    before = catalogue_export(at=AT)
    now = catalogue_export()

    assert before["procedures"][0]["name"] == "Thủ tục đăng ký khai sinh"
    assert before["procedures"][0]["published"]["version"] == 1
    assert now["procedures"][0]["name"] == "Đăng ký khai sinh (2026)"
    assert now["procedures"][0]["published"]["version"] == 2


def test_export_and_demo_file_validate_against_the_published_schema(demo):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    demo_file = json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "demo-catalogue.json").read_text(encoding="utf-8")
    )

    assert list(validator.iter_errors(catalogue_export())) == []
    assert list(validator.iter_errors(demo_file)) == []


def test_schema_rejects_what_the_importer_rejects():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    bad = catalogue_data(procedure_data(service_type="online"))

    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)


def test_published_version_selector(registry):
    catalogue_import(data=catalogue_data(), at=AT)
    procedure = Procedure.objects.get()

    version = procedure_version_published(procedure=procedure)

    assert version is not None
    assert version.published_at == AT

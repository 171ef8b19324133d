"""Read-only API: the list of programs and one program's export document."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cchc.program.services import program_import
from cchc.program.tests.conftest import AT, SEED_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(khanh_hoa_registry):
    return program_import(source=SEED_PATH.read_bytes(), source_name=SEED_PATH.name, at=AT).program


def test_list(program, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = APIClient().get("/api/programs/")
    assert response.status_code == 200
    assert [(p["id"], p["number"], p["period_start"]) for p in response.json()] == [(program.pk, "4831/QĐ-UBND", 2021)]
    assert response.json()[0]["url"].endswith(f"/api/programs/{program.pk}")


def test_detail_is_the_export_document(program):
    response = APIClient().get(f"/api/programs/{program.pk}")
    assert response.status_code == 200
    document = response.json()
    assert document["schema_version"] == 1
    (doc,) = document["programs"]
    assert doc["number"] == "4831/QĐ-UBND"
    assert len(doc["appendix"]["tasks"]) == 32
    assert doc["appendix"]["tasks"][26]["timeline"]["kind"] == "phased"


def test_detail_query_count_is_fixed(program, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert APIClient().get(f"/api/programs/{program.pk}").status_code == 200


def test_unknown_program_is_404_with_code_and_message(db):
    response = APIClient().get("/api/programs/999")
    assert response.status_code == 404
    assert response.json() == {"code": "program.not_found", "message": "Không tìm thấy chương trình."}


@pytest.mark.parametrize("raw", ["abc", "²", "9" * 20, "-1", "1.5"])
def test_malformed_program_id_is_404_in_the_json_error_shape(db, raw):
    response = APIClient().get(f"/api/programs/{raw}")
    assert response.status_code == 404
    assert response.json() == {"code": "program.not_found", "message": "Không tìm thấy chương trình."}


def test_openapi_schema_lists_the_endpoints(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/programs/" in text
    assert "/api/programs/{program_id}" in text

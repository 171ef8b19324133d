"""What the action endpoint accepts: a JSON object with strings where strings go, within the size limit of
forms; anything else is a 400 with a stable code and nothing changes (issue 12, items 5 and 6)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from cchc.accounts.otp.testing import login_verified
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.api.test_views import action_url, api, state
from cchc.dossiers.tests.conftest import World, to_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ['"rút"', '["a", "b"]', "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_400_and_the_dossier_is_not_withdrawn(world: World, body: str):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)

    response = api(world.reception).post(action_url(dossier, "withdraw"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] in {"dossier.invalid_body", "parse_error"}
    assert response.json()["message"]
    assert state(dossier) == before


def test_a_list_where_a_string_goes_is_a_field_error_not_text(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)

    response = api(world.leader).post(action_url(dossier, "stop"), {"reason": ["a", "b"]}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "dossier.invalid_input"
    assert body["errors"] == {"reason": ["Lý do phải là một chuỗi ký tự."]}
    assert state(dossier) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": 5}, "reason"),
        ({"reason": {"x": 1}}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({}, "reason"),
    ],
)
def test_reason_must_be_a_bounded_string(world: World, data: dict, field: str):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)

    response = api(world.leader).post(action_url(dossier, "stop"), data, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "dossier.invalid_input"
    assert list(response.json()["errors"]) == [field]
    assert state(dossier) == before


@pytest.mark.parametrize("amount", [True, "1e3", [200000], 200000.5, "²"])
def test_payment_amount_must_be_a_whole_number(world: World, amount):
    dossier = to_status(world, DossierStatus.PROCESSED)
    before = state(dossier)

    response = api(world.reception).post(
        action_url(dossier, "record_payment"),
        {"amount": amount, "channel": "counter", "receipt_number": "BL-1"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]
    assert state(dossier) == before


def test_a_deeply_nested_body_is_400(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    client = login_verified(Client(raise_request_exception=False), world.leader)

    response = client.post(action_url(dossier, "stop"), "[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_body_obeys_the_form_size_limit(world: World, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    body = '{"reason": "' + "x" * 2000 + '"}'

    response = api(world.leader).post(action_url(dossier, "stop"), body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert state(dossier) == before


def test_a_valid_body_still_acts(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)

    response = api(world.leader).post(action_url(dossier, "stop"), {"reason": "Theo đơn"}, format="json")

    assert response.status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.STOPPED


@pytest.mark.parametrize(("page", "status"), [("0", 400), ("-1", 400), ("²", 400), ("9" * 20, 400), ("2", 404)])
def test_a_bad_page_answers_in_the_error_shape(world: World, page: str, status: int):
    response = api(world.specialist).get("/api/dossiers/", {"queue": "mine", "page": page})

    assert response.status_code == status
    assert response.json()["code"] == "dossier.invalid_page"
    assert set(response.json()) == {"code", "message"}


def test_the_schema_lists_each_actions_required_fields(tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))

    schema = json.loads(out.read_text(encoding="utf-8"))
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/dossiers/{code}/actions/{action}/"]["post"]["requestBody"]
    proxy = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    refs = {item["$ref"].rsplit("/", 1)[1] for item in components[proxy]["oneOf"]}
    assert {"ReasonBody", "PaymentBody", "ExtendBody", "HandoverBody"} <= refs
    assert components["ReasonBody"]["required"] == ["reason"]
    assert sorted(components["PaymentBody"]["required"]) == ["amount", "channel", "receipt_number"]
    assert sorted(components["ExtendBody"]["required"]) == ["new_due_at", "reason"]
    assert "required" not in components["WithdrawBody"]
    assert components["ReasonBody"]["properties"]["reason"]["maxLength"] == 2000

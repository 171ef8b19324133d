"""The public API for partner systems (issue 17 item 8): tokens by the client-credentials grant, scopes,
the dossier status look-up with the portal's rules, catalogue and open-data reads, versioning, errors."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from io import StringIO
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from cchc.catalogue.selectors import procedure_list_published
from cchc.dossiers.models import Dossier
from cchc.opendata.models import Dataset, Resource
from cchc.publicapi.services import partner_client_create, partner_client_revoke

from .world import World

TOKEN_URL = "/api/public/v1/oauth/token/"
ALL = ["catalogue:read", "dossiers:status", "opendata:read"]


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_for(client_id: str, secret: str, scope: str | None = None) -> Any:
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return form_post(TOKEN_URL, data, HTTP_AUTHORIZATION=_basic(client_id, secret))


def form_post(url: str, data: dict[str, str], **extra: Any) -> Any:
    return Client().post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **extra)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def partner(api_world: None) -> Any:
    return partner_client_create(name="Cổng thông tin Zalo tỉnh", scopes=ALL)


@pytest.fixture
def token(partner: Any) -> str:
    response = token_for(partner.client_id, partner.client_secret)
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert any(ch in body["message"] for ch in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệỉịọỏốồổộớờởợụủứừửựỳỵỷỹ"), body["message"]
    return body


# --- tokens ----------------------------------------------------------------------------------------------


def test_client_credentials_give_a_short_lived_token_with_the_granted_scopes(partner: Any) -> None:
    response = token_for(partner.client_id, partner.client_secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert sorted(body["scope"].split()) == ALL
    assert 0 < body["expires_in"] <= 900
    assert response["Cache-Control"] == "no-store"
    assert "refresh_token" not in body
    # the secret is stored hashed, never as given
    assert Application.objects.get(client_id=partner.client_id).client_secret != partner.client_secret


def test_secret_in_the_body_works_too_and_a_subset_of_scopes_may_be_asked(partner: Any) -> None:
    response = form_post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": partner.client_id,
            "client_secret": partner.client_secret,
            "scope": "catalogue:read",
        },
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "catalogue:read"


def test_a_wrong_secret_is_401_invalid_client(partner: Any) -> None:
    body = _error(token_for(partner.client_id, partner.client_secret + "x"), 401, "publicapi.invalid_client")
    assert body["error"] == "invalid_client"  # RFC 6749 §5.2, for OAuth2 client libraries
    _error(token_for("khong-co", "sai"), 401, "publicapi.invalid_client")
    assert not AccessToken.objects.exists()


def test_failed_token_requests_are_limited_per_address(partner: Any, settings: Any) -> None:
    """A client secret cannot be guessed by trying: after the limit of failed authentications from one
    address even the right secret waits for the window's end (429, Retry-After); another address is not held
    back, and the refusals issue no token."""
    settings.CCHC_PUBLICAPI_TOKEN_FAILURE_LIMIT = 3
    for attempt in range(3):
        _error(token_for(partner.client_id, f"doan-{attempt}"), 401, "publicapi.invalid_client")
    refused = token_for(partner.client_id, partner.client_secret)
    body = _error(refused, 429, "publicapi.too_many_token_failures")
    assert body["error"] == "too_many_failures"
    assert refused["Retry-After"] == "900"
    assert refused["Cache-Control"] == "no-store"
    assert not AccessToken.objects.exists()
    data = urlencode({"grant_type": "client_credentials"})
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        TOKEN_URL,
        data,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=_basic(partner.client_id, partner.client_secret),
    )
    assert other.status_code == 200, other.content
    # the first address stays held back: a success from another address resets nothing
    assert token_for(partner.client_id, partner.client_secret).status_code == 429


def test_a_scope_not_granted_is_refused_at_the_token_endpoint(api_world: None) -> None:
    issued = partner_client_create(name="Hệ thống tra cứu danh mục", scopes=["catalogue:read"])
    _error(token_for(issued.client_id, issued.client_secret, "dossiers:status"), 400, "publicapi.invalid_scope")
    _error(token_for(issued.client_id, issued.client_secret, "admin"), 400, "publicapi.invalid_scope")


def test_other_grant_types_and_malformed_requests_are_refused(partner: Any) -> None:
    auth = _basic(partner.client_id, partner.client_secret)
    _error(
        form_post(TOKEN_URL, {"grant_type": "password", "username": "a", "password": "b"}, HTTP_AUTHORIZATION=auth),
        400,
        "publicapi.unsupported_grant_type",
    )
    _error(form_post(TOKEN_URL, {}, HTTP_AUTHORIZATION=auth), 400, "publicapi.invalid_request")
    _error(
        Client().post(TOKEN_URL, json.dumps({"grant_type": "client_credentials"}), content_type="application/json"),
        415,
        "unsupported_media_type",
    )


# --- bearer tokens and scopes on the operations ---------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(api_world: None) -> None:
    response = Client().get("/api/public/v1/catalogue/procedures/")
    _error(response, 401, "publicapi.token_missing")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_expired_token_is_401(token: str) -> None:
    _error(
        Client().get("/api/public/v1/catalogue/procedures/", **bearer("khong-phai-ma")), 401, "publicapi.token_invalid"
    )
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    _error(Client().get("/api/public/v1/catalogue/procedures/", **bearer(token)), 401, "publicapi.token_invalid")


def test_a_token_without_the_scope_is_403(partner: Any) -> None:
    narrow = token_for(partner.client_id, partner.client_secret, "opendata:read").json()["access_token"]
    body = _error(
        Client().post(
            "/api/public/v1/dossiers/status/",
            {"reference": "x", "factor": "y"},
            content_type="application/json",
            **bearer(narrow),
        ),
        403,
        "publicapi.insufficient_scope",
    )
    assert "dossiers:status" in body["message"]
    assert Client().get("/api/public/v1/opendata/datasets/", **bearer(narrow)).status_code == 200


def test_revoking_a_client_stops_its_tokens_at_once(partner: Any, token: str) -> None:
    partner_client_revoke(client_id=partner.client_id)
    _error(Client().get("/api/public/v1/catalogue/procedures/", **bearer(token)), 401, "publicapi.token_invalid")
    _error(token_for(partner.client_id, partner.client_secret), 401, "publicapi.invalid_client")


def test_a_scope_taken_away_stops_working_before_the_token_expires(partner: Any, token: str) -> None:
    partner.partner.scopes = "opendata:read"
    partner.partner.save()
    _error(Client().get("/api/public/v1/catalogue/procedures/", **bearer(token)), 403, "publicapi.insufficient_scope")


# --- dossier status: the portal's rules ----------------------------------------------------------------------


def _status(token: str, reference: str, factor: str, **extra: Any) -> Any:
    return Client().post(
        "/api/public/v1/dossiers/status/",
        {"reference": reference, "factor": factor},
        content_type="application/json",
        **bearer(token),
        **extra,
    )


def test_status_by_code_and_phone_shows_progress_but_no_personal_data(token: str, api_world: World) -> None:
    dossier = api_world.received
    response = _status(token, dossier.code, dossier.applicant_phone)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == dossier.code
    assert body["status"] == dossier.status
    assert body["milestones"][0]["label"].startswith("Nộp hồ sơ")
    text = json.dumps(body, ensure_ascii=False)
    for private in (dossier.applicant_phone, dossier.applicant_id_number, dossier.applicant_name):
        assert private not in text
    # the ID number is the other accepted factor, spaces ignored, as on the portal
    spaced = " ".join(dossier.applicant_id_number)
    assert _status(token, dossier.code, spaced).json()["code"] == dossier.code
    # filed online, not yet received: by its submission reference, as on the portal
    online = _status(token, f"tt-{api_world.online.pk:06d}", api_world.online.applicant_phone).json()
    assert online["code"] == ""
    assert online["reference"] == f"TT-{api_world.online.pk:06d}"


def test_unknown_code_and_wrong_factor_get_the_same_answer(token: str, api_world: World) -> None:
    dossier = api_world.received
    wrong_factor = _status(token, dossier.code, "0900000000")
    unknown_code = _status(token, "99999-000000-0000", dossier.applicant_phone)
    _error(wrong_factor, 404, "publicapi.dossier_not_found")
    assert wrong_factor.json() == unknown_code.json()


@override_settings(CCHC_PUBLICAPI_LOOKUP_LIMIT=3)
def test_failed_lookups_are_limited_per_partner(token: str, partner: Any, api_world: World) -> None:
    dossier = api_world.received
    for _ in range(3):
        assert _status(token, dossier.code, "0900000000").status_code == 404
    # even the right answer is refused until the window ends: the budget is the partner's
    _error(_status(token, dossier.code, dossier.applicant_phone), 429, "publicapi.too_many_lookups")
    other = partner_client_create(name="Đối tác khác", scopes=["dossiers:status"])
    other_token = token_for(other.client_id, other.client_secret).json()["access_token"]
    assert _status(other_token, dossier.code, dossier.applicant_phone).status_code == 200


def test_bad_lookup_bodies_are_400_and_change_nothing(token: str) -> None:
    before = (Dossier.objects.count(), AccessToken.objects.count())
    for body in (
        {"reference": 123, "factor": "0900000000"},
        {"reference": "a"},
        {"reference": "a" * 61, "factor": "1"},
    ):
        _error(
            Client().post("/api/public/v1/dossiers/status/", body, content_type="application/json", **bearer(token)),
            400,
            "publicapi.invalid_parameter",
        )
    _error(
        Client().post("/api/public/v1/dossiers/status/", "[1]", content_type="application/json", **bearer(token)),
        400,
        "publicapi.invalid_parameter",
    )
    # a NUL or a lone surrogate (which PostgreSQL's text cannot hold): refused with the field's Vietnamese
    # message, as the schema's pattern says
    for bad in ("22366\x00", "TT-\ud800"):
        response = Client().post(
            "/api/public/v1/dossiers/status/",
            json.dumps({"reference": bad, "factor": "0900000000"}),
            content_type="application/json",
            **bearer(token),
        )
        _error(response, 400, "publicapi.invalid_parameter")
        assert "Mã hồ sơ chứa ký tự không hợp lệ." in response.json()["message"]
    assert (Dossier.objects.count(), AccessToken.objects.count()) == before


# --- catalogue and open data ---------------------------------------------------------------------------------


def test_catalogue_search_pages_and_detail(token: str) -> None:
    response = Client().get("/api/public/v1/catalogue/procedures/", {"page_size": 5}, **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == procedure_list_published().count() == 2
    assert len(body["results"]) == 2
    assert (
        Client()
        .get("/api/public/v1/catalogue/procedures/", {"page_size": 1, "page": 2}, **bearer(token))
        .json()["results"][0]["code"]
        != body["results"][0]["code"]
    )
    code = body["results"][0]["code"]
    detail = Client().get(f"/api/public/v1/catalogue/procedures/{code}/", **bearer(token)).json()
    assert detail["code"] == code
    assert detail["documents"]
    assert detail["processing_time"] == "5 ngày làm việc"
    found = Client().get("/api/public/v1/catalogue/procedures/", {"q": "nguoi nuoc ngoai"}, **bearer(token)).json()
    assert [p["code"] for p in found["results"]] == ["9.000103"]
    _error(Client().get("/api/public/v1/catalogue/procedures/khong-co/", **bearer(token)), 404, "publicapi.not_found")
    _error(
        Client().get("/api/public/v1/catalogue/procedures/", {"page": 0}, **bearer(token)),
        400,
        "publicapi.invalid_parameter",
    )


def test_open_data_lists_datasets_and_pages_records(token: str) -> None:
    body = Client().get("/api/public/v1/opendata/datasets/", **bearer(token)).json()
    assert body["count"] == Dataset.objects.count() > 0
    name = body["results"][0]["name"]
    dataset = Client().get(f"/api/public/v1/opendata/datasets/{name}/", **bearer(token)).json()
    resource = dataset["resources"][0]
    page = (
        Client()
        .get(f"/api/public/v1/opendata/resources/{resource['id']}/records/", {"limit": 1, "offset": 1}, **bearer(token))
        .json()
    )
    assert page["total"] == Resource.objects.get(pk=resource["id"]).row_count
    assert page["records"] == [{"thang": "2025-12", "ma_thu_tuc": "9.000101", "so_ho_so": 1}]
    _error(Client().get("/api/public/v1/opendata/datasets/khong-co/", **bearer(token)), 404, "opendata.not_found")


# --- versioning, documentation, the command line ---------------------------------------------------------------


def test_version_in_the_path_and_a_json_404_elsewhere(token: str) -> None:
    response = Client().get("/api/public/v1/catalogue/procedures/", **bearer(token))
    assert response["API-Version"] == "1"
    _error(Client().get("/api/public/v2/catalogue/procedures/", **bearer(token)), 404, "publicapi.unsupported_version")
    _error(Client().get("/api/public/v1/khong-co/"), 404, "publicapi.not_found")


def test_the_schema_and_its_pages_are_served_offline(db: None) -> None:
    schema = Client().get("/api/public/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert (
        schema["components"]["securitySchemes"]["partnerOAuth2"]["flows"]["clientCredentials"]["tokenUrl"] == TOKEN_URL
    )
    assert set(schema["paths"]) == {
        "/api/public/v1/oauth/token/",
        "/api/public/v1/catalogue/procedures/",
        "/api/public/v1/catalogue/procedures/{code}/",
        "/api/public/v1/dossiers/status/",
        "/api/public/v1/opendata/datasets/",
        "/api/public/v1/opendata/datasets/{name}/",
        "/api/public/v1/opendata/resources/{resource_id}/records/",
    }
    internal = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/public/" not in internal
    page = Client().get("/api/public/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()
    assert Client().get("/api/public/v1/redoc/").status_code == 200


def test_command_creates_lists_and_revokes_clients(api_world: None) -> None:
    out = StringIO()
    call_command(
        "publicapi",
        "client",
        "create",
        "--name",
        "Cổng DVC tỉnh",
        "--scopes",
        "catalogue:read",
        "opendata:read",
        stdout=out,
    )
    text = out.getvalue()
    client_id = text.split("client_id:")[1].split()[0]
    secret = text.split("client_secret:")[1].split()[0]
    assert "chỉ lưu bản băm" in text
    assert token_for(client_id, secret).json()["scope"] == "catalogue:read opendata:read"
    out = StringIO()
    call_command("publicapi", "client", "list", stdout=out)
    assert client_id in out.getvalue()
    assert "đang hoạt động" in out.getvalue()
    call_command("publicapi", "client", "revoke", client_id, stdout=StringIO())
    with pytest.raises(CommandError, match="publicapi.unknown_scope"):
        call_command("publicapi", "client", "create", "--name", "X", "--scopes", "admin", stdout=StringIO())
    with pytest.raises(CommandError, match="publicapi.client_not_found"):
        call_command("publicapi", "client", "revoke", "khong-co", stdout=StringIO())


@pytest.mark.parametrize(
    "path",
    [
        "/api/public/v1/catalogue/procedures/?q=giay%00phep",
        "/api/public/v1/opendata/datasets/?q=ho%00so",
        "/api/public/v1/catalogue/procedures/1.00%00/",
        "/api/public/v1/opendata/datasets/danh-muc%00/",
        "/api/public/v1/opendata/resources/%00/records/",
    ],
)
def test_a_nul_anywhere_is_a_clear_refusal_never_a_500(token: str, path: str) -> None:
    """A NUL (which PostgreSQL's text cannot hold) in a query word or a path part: a 400 with the field's
    Vietnamese message (the schema's pattern says so) or a 404, never a 500 nor an English message."""
    response = Client().get(path, **bearer(token))
    assert response.status_code in (400, 404), response.content
    body = _error(response, response.status_code, response.json()["code"])
    if response.status_code == 400:
        assert body["message"] == "q: Từ khóa chứa ký tự không hợp lệ." or "không hợp lệ" in body["message"]

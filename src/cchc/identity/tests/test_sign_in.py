"""Sign-in through the real development provider over HTTP: success, the refusals (forged, expired,
wrong nonce, replayed state, provider down), PKCE, and the separation from the staff login."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.common.tests.ports import closed_port
from cchc.dossiers.constants import ApplicantKind, IdentityLevel
from cchc.identity.constants import SESSION_KEY, Outcome
from cchc.identity.models import Citizen, SignInAttempt
from cchc.identity.tests.conftest import Provider, point_at, provider_login, sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_a_citizen_signs_in_and_lands_on_my_dossiers(provider: Provider, citizen_client: Client):
    response, _ = sign_in(citizen_client, "056190004321")

    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"
    citizen = Citizen.objects.get()
    assert (citizen.id_number, citizen.full_name, citizen.level) == ("056190004321", "Phạm Thị Hồng", "vneid_2")
    assert citizen.birth_date.isoformat() == "1990-03-14"
    assert citizen.issuer == provider.issuer
    assert citizen_client.session[SESSION_KEY] == citizen.pk
    page = text(citizen_client.get("/dich-vu-cong/ho-so-cua-toi/"))
    assert "<h1>Hồ sơ của tôi</h1>" in page
    assert "số định danh 056190004321" in page
    (attempt,) = SignInAttempt.objects.all()
    assert (attempt.outcome, attempt.citizen) == (Outcome.SIGNED_IN, citizen)
    assert AuditEvent.objects.filter(action="identity.sign_in").count() == 1


def test_the_authentication_request_carries_state_nonce_and_a_pkce_challenge(
    provider: Provider, citizen_client: Client
):
    start = citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(provider.issuer + "/authorize/?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # S256 of the verifier, base64url without padding
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) == 32
    assert len(query["nonce"][0]) == 32
    assert query["scope"] == ["openid profile"]


def test_the_name_is_kept_as_the_provider_wrote_it_and_a_second_sign_in_updates_the_account(
    provider: Provider, citizen_client: Client
):
    sign_in(citizen_client, "056078009999")
    sign_in(Client(HTTP_HOST="127.0.0.1"), "056078009999")

    citizen = Citizen.objects.get()
    assert citizen.full_name == "ĐOÀN thị Ngọc Ánh"
    assert SignInAttempt.objects.filter(outcome=Outcome.SIGNED_IN).count() == 2


def test_an_organisation_signs_in_with_its_tax_code(provider: Provider, citizen_client: Client):
    sign_in(citizen_client, "4201234567")

    citizen = Citizen.objects.get()
    assert (citizen.kind, citizen.level) == (ApplicantKind.ORGANISATION, IdentityLevel.VNEID_ORGANISATION)
    assert (citizen.tax_code, citizen.applicant_name) == ("4201234567", "Công ty TNHH Thương mại Hòn Chồng")
    assert citizen.applicant_id_number == "4201234567"


def test_level_1_is_recorded_as_level_1(provider: Provider, citizen_client: Client):
    sign_in(citizen_client, "056201007777")
    assert Citizen.objects.get().level == IdentityLevel.VNEID_1


def assert_refused(response, client: Client, outcome: Outcome, message: str, status: int = 400) -> None:
    assert response.status_code == status
    page = text(response)
    assert message in page
    assert f"<code>{outcome.value}</code>" in page
    assert not signed_in(client)
    assert SignInAttempt.objects.filter(outcome=outcome, citizen=None).count() == 1
    assert AuditEvent.objects.filter(action="identity.sign_in_refused").count() >= 1


@pytest.mark.parametrize(
    ("mode", "outcome", "message"),
    [
        ("forge", Outcome.SIGNATURE_INVALID, "Chữ ký số của thông tin định danh không hợp lệ"),
        ("expire", Outcome.TOKEN_EXPIRED, "Thông tin định danh đã hết hạn"),
        ("nonce", Outcome.NONCE_MISMATCH, "không khớp với yêu cầu đăng nhập"),
    ],
)
def test_a_bad_id_token_is_refused_and_nobody_is_signed_in(
    provider: Provider, citizen_client: Client, mode: str, outcome: Outcome, message: str
):
    provider.control(mode=mode, times=1)

    response, _ = sign_in(citizen_client, "056190004321")

    assert_refused(response, citizen_client, outcome, message)
    assert Citizen.objects.count() == 0
    # the fault was one token: the next sign-in goes through
    assert sign_in(citizen_client, "056190004321")[0].status_code == 302


def test_a_replayed_callback_is_refused_and_signs_the_citizen_out(provider: Provider, citizen_client: Client):
    first, callback = sign_in(citizen_client, "056190004321")
    assert first.status_code == 302
    assert signed_in(citizen_client)

    again = citizen_client.get(callback)

    assert_refused(again, citizen_client, Outcome.STATE_INVALID, "Phiên đăng nhập không hợp lệ hoặc đã được sử dụng")


def test_a_callback_from_another_browser_is_refused(provider: Provider, citizen_client: Client):
    start = citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    back = provider_login(start["Location"], "056190004321")
    attacker = Client(HTTP_HOST="127.0.0.1")  # the victim's code and state, in the attacker's session

    response = attacker.get(back.split("127.0.0.1", 1)[1])

    assert_refused(response, attacker, Outcome.STATE_INVALID, "bạn chưa được đăng nhập")
    assert Citizen.objects.count() == 0


def test_the_provider_refusing_the_request_is_a_clear_message(provider: Provider, citizen_client: Client):
    citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    state = next(iter(citizen_client.session["oidc_states"]))

    response = citizen_client.get(f"/dich-vu-cong/dinh-danh/xac-thuc/?error=access_denied&state={state}")

    assert_refused(response, citizen_client, Outcome.PROVIDER_ERROR, "Bạn đã hủy đăng nhập")
    assert citizen_client.session["oidc_states"] == {}


def test_a_provider_that_is_down_is_a_clear_message_before_leaving(citizen_client: Client, settings):
    with closed_port() as port:
        point_at(settings, f"http://127.0.0.1:{port}/o")

        response = citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")

    assert_refused(
        response,
        citizen_client,
        Outcome.PROVIDER_UNAVAILABLE,
        "Hệ thống định danh điện tử tạm thời không phản hồi",
        200,
    )
    assert "vẫn có thể nộp hồ sơ trực tuyến" in text(response)


def test_a_provider_failing_at_the_token_exchange_is_a_clear_message(provider: Provider, citizen_client: Client):
    start = citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    back = provider_login(start["Location"], "056190004321")
    provider.control(mode="down", times=1)

    response = citizen_client.get(back.split("127.0.0.1", 1)[1])

    assert_refused(response, citizen_client, Outcome.PROVIDER_UNAVAILABLE, "tạm thời không phản hồi", 200)


def test_the_provider_requires_pkce(provider: Provider):
    authorize = (
        provider.issuer
        + "/authorize/?response_type=code&client_id=cchc-dich-vu-cong&scope=openid&state=s&nonce=n"
        + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fdich-vu-cong%2Fdinh-danh%2Fxac-thuc%2F"
    )

    back = provider_login(authorize, "056190004321")  # no code_challenge

    query = parse_qs(urlsplit(back).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_the_code_is_worthless_without_the_verifier(provider: Provider, citizen_client: Client):
    start = citizen_client.get("/dich-vu-cong/dinh-danh/dang-nhap/")
    code = parse_qs(urlsplit(provider_login(start["Location"], "056190004321")).query)["code"][0]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1/dich-vu-cong/dinh-danh/xac-thuc/",
        "client_id": "cchc-dich-vu-cong",
        "client_secret": "cchc-mo-phong-bi-mat",
    }

    without = requests.post(provider.issuer + "/token/", data=exchange, timeout=10)
    wrong = requests.post(provider.issuer + "/token/", data={**exchange, "code_verifier": "x" * 64}, timeout=10)

    assert without.status_code == 400
    assert wrong.status_code == 400
    assert "id_token" not in without.text + wrong.text


def test_a_wrong_client_secret_is_refused_by_the_provider(provider: Provider, citizen_client: Client, settings):
    settings.OIDC_RP_CLIENT_SECRET = "sai-bi-mat"  # noqa: S105

    response, _ = sign_in(citizen_client, "056190004321")

    assert_refused(response, citizen_client, Outcome.TOKEN_REJECTED, "không xác nhận được lượt đăng nhập")


def test_a_wrong_issuer_setting_refuses_the_token(provider: Provider, citizen_client: Client, settings):
    settings.OIDC_OP_ISSUER = "https://sso.dichvucong.gov.vn"

    response, _ = sign_in(citizen_client, "056190004321")

    assert_refused(response, citizen_client, Outcome.TOKEN_INVALID, "không dành cho cổng dịch vụ công này")


# --- citizens are not staff ---------------------------------------------------------------------------


def test_a_signed_in_citizen_reaches_no_staff_page(provider: Provider, citizen_client: Client):
    sign_in(citizen_client, "056190004321")
    assert User.objects.count() == 0  # no Django user was created

    for url in ["/mot-cua/", "/admin/", "/phan-anh/can-bo/", "/bao-cao/"]:
        response = citizen_client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "dang-nhap" in response["Location"] or "/admin/login/" in response["Location"], url
    page = text(citizen_client.get("/dich-vu-cong/"))
    assert "Cán bộ" not in page  # the staff navigation is not shown


def test_the_staff_login_is_unchanged_beside_a_citizen_sign_in(provider: Provider, citizen_client: Client):
    User.objects.create_user("canbo", password="mat-khau-dai-12345")  # noqa: S106
    sign_in(citizen_client, "056190004321")

    response = citizen_client.post("/mot-cua/dang-nhap/", {"username": "canbo", "password": "mat-khau-dai-12345"})

    assert response.status_code == 302
    assert citizen_client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_sign_out(provider: Provider, citizen_client: Client):
    sign_in(citizen_client, "056190004321")
    assert citizen_client.post("/dich-vu-cong/dinh-danh/dang-xuat/").status_code == 302
    assert not signed_in(citizen_client)
    assert citizen_client.get("/dich-vu-cong/ho-so-cua-toi/")["Location"].startswith("/dich-vu-cong/dinh-danh/")

"""Fixtures of the identity tests: the development identity provider as a real subprocess (its own port,
its own SQLite database, reset to "no fault" for each test), the relying party's settings pointed at it,
and a scripted browser that signs in at the provider's login page over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from cchc.common.tests.files import media_root  # noqa: F401 (autouse: uploads in a temporary directory)
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.identity.provider.citizens import PASSWORD

CALLBACK = "/dich-vu-cong/dinh-danh/xac-thuc/"


class Provider:
    """The shipped development provider, running as a subprocess (``cchc identity dev-provider``)."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.base = issuer.removesuffix("/o")

    def control(self, **data: Any) -> Any:
        request = urllib.request.Request(
            self.base + "/_control",
            data=json.dumps(data).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())


def start_provider(directory: Path) -> tuple[subprocess.Popen[str], str]:
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc", "identity", "dev-provider", "--port", "0", "--dir", str(directory)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "issuer http://" in line, f"the provider did not start: {line!r}"
    return process, line.strip().rsplit(" ", 1)[1]


@pytest.fixture(scope="session")
def provider_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    process, issuer = start_provider(tmp_path_factory.mktemp("idp"))
    try:
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


def point_at(settings: Any, issuer: str) -> None:
    settings.OIDC_OP_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = issuer + "/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = issuer + "/token/"
    settings.OIDC_OP_USER_ENDPOINT = issuer + "/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = issuer + "/.well-known/jwks.json"
    settings.OIDC_RP_CLIENT_ID = "cchc-dich-vu-cong"
    settings.OIDC_RP_CLIENT_SECRET = "cchc-mo-phong-bi-mat"  # noqa: S105


@pytest.fixture
def provider(provider_process: Provider, settings: Any) -> Provider:
    provider_process.control(mode="", times=0)
    point_at(settings, provider_process.issuer)
    return provider_process


@pytest.fixture
def citizen_client() -> Client:
    """The platform as the citizen's browser sees it, on a loopback address the provider accepts."""
    return Client(HTTP_HOST="127.0.0.1")


def provider_login(authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """The person at the provider: follow the authorization request, sign in on its login page, and return
    the URL the provider sends the browser back to (the platform's callback with code and state)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert "/dang-nhap/" in page.url, page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    nxt = parse_qs(urlsplit(page.url).query)["next"][0]
    answer = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": password, "next": nxt},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    while True:  # back to /o/authorize/, which answers with the redirect to the platform
        target = requests.compat.urljoin(page.url, location)
        if target.startswith("http://127.0.0.1/") or CALLBACK in urlsplit(target).path:
            return target
        answer = browser.get(target, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        location = answer.headers["Location"]


def sign_in(client: Client, username: str, *, next_url: str = "") -> tuple[Any, str]:
    """The whole sign-in: the platform's request, the provider's login, the callback. Returns the
    callback's response and the callback URL (to replay it)."""
    start = client.get("/dich-vu-cong/dinh-danh/dang-nhap/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content.decode()[:500]
    back = provider_login(start["Location"], username)
    parts = urlsplit(back)
    assert parts.path == CALLBACK
    return client.get(parts.path + "?" + parts.query), parts.path + "?" + parts.query

"""``cchc identity discover`` against the running development provider, and the deployment check."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.identity.checks import identity_provider_check
from cchc.identity.tests.conftest import Provider


def test_discover_prints_the_settings_from_the_discovery_document(provider_process: Provider):
    out = StringIO()
    call_command("identity", "discover", provider_process.issuer, stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert lines["CCHC_OIDC_ISSUER"] == provider_process.issuer
    assert lines["CCHC_OIDC_JWKS_ENDPOINT"] == provider_process.issuer + "/.well-known/jwks.json"
    assert lines["CCHC_OIDC_TOKEN_ENDPOINT"] == provider_process.issuer + "/token/"


def test_discover_of_an_absent_provider_is_a_clear_error():
    with pytest.raises(CommandError, match="Không đọc được tài liệu khám phá"):
        call_command("identity", "discover", "http://127.0.0.1:9/o")


def test_outside_debug_the_development_provider_is_flagged(settings):
    settings.DEBUG = False
    assert [m.id for m in identity_provider_check()] == ["cchc.identity.W001"]
    settings.OIDC_OP_ISSUER = "https://sso.dichvucong.gov.vn"
    settings.OIDC_RP_CLIENT_SECRET = "bi-mat-that-cua-tinh"  # noqa: S105
    assert identity_provider_check() == []

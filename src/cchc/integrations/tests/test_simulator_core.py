"""The simulator's core: sign-in, sessions, unknown services, and every misbehaviour on command, seen
through the platform's client (real HTTP, a real subprocess)."""

from __future__ import annotations

from typing import Any

import pytest

from cchc.integrations.client import PartnerClient, PartnerSettings
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Outcome
from cchc.integrations.models import Attempt
from cchc.integrations.tests.simulator import NationalSimulator

pytestmark = pytest.mark.django_db


def _client(sim: NationalSimulator, **overrides: Any) -> PartnerClient:
    return PartnerClient("dvcqg", PartnerSettings(**{**sim.partners()["dvcqg"], **overrides}))


def test_an_unknown_service_is_refused_with_the_portal_error_shape(national_simulator: NationalSimulator) -> None:
    with pytest.raises(IntegrationError) as caught:
        _client(national_simulator).call("KhongCoDichVuNay", {"data": []}, subject="x")
    assert caught.value.code == IntegrationErrorCode.REJECTED
    assert "KhongCoDichVuNay" in caught.value.message
    attempt = Attempt.objects.get()
    assert attempt.outcome == Outcome.REJECTED
    assert attempt.status_code == 200
    assert '"error_code"' in attempt.response_body
    assert "***" in attempt.request_body  # the session is never logged


def test_a_wrong_password_is_an_authentication_failure(national_simulator: NationalSimulator) -> None:
    with pytest.raises(IntegrationError) as caught:
        _client(national_simulator, password="sai").call("KhongCoDichVuNay", {}, subject="x")
    assert caught.value.code == IntegrationErrorCode.AUTH_FAILED
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("down", IntegrationErrorCode.UNREACHABLE),
        ("error", IntegrationErrorCode.PARTNER_ERROR),
        ("malformed", IntegrationErrorCode.PARTNER_ERROR),
        ("timeout", IntegrationErrorCode.UNREACHABLE),
    ],
)
def test_each_failure_on_command_is_a_retryable_error_on_record(
    national_simulator: NationalSimulator, mode: str, code: str
) -> None:
    national_simulator.control(mode=mode, delay=3.0)
    with pytest.raises(IntegrationError) as caught:
        _client(national_simulator, timeout_s=1.0).call("KhongCoDichVuNay", {}, subject="dossier:1", event_id=7)
    assert caught.value.code == code
    assert caught.value.retryable
    attempt = Attempt.objects.get()
    assert (attempt.outcome, attempt.error_code, attempt.event_id) == (Outcome.ERROR, code, 7)
    national_simulator.heal()
    assert national_simulator.stats()["injected"] == {mode: 1}


def test_nothing_listening_is_unreachable() -> None:
    client = PartnerClient("dvcqg", PartnerSettings(url="http://127.0.0.1:9", timeout_s=1.0))
    with pytest.raises(IntegrationError) as caught:
        client.call("DongBoHoSoMC", {"data": []})
    assert caught.value.code == IntegrationErrorCode.UNREACHABLE


def test_not_configured_is_said_without_a_call() -> None:
    with pytest.raises(IntegrationError) as caught:
        PartnerClient("dvcqg", PartnerSettings(url="")).call("DongBoHoSoMC", {"data": []})
    assert caught.value.code == IntegrationErrorCode.NOT_CONFIGURED
    assert not Attempt.objects.exists()

"""The national systems over HTTPS: the adapter verifies the partner's certificate against the CA it is
given (``CCHC_NATIONAL_CA_FILE``). The simulator serves HTTPS with a certificate signed by a test CA: the
right CA works; a wrong certificate is an ``integration.unreachable`` failure on record, retried, then a
dead letter shown by the monitoring status — never a crash loop. Mutual TLS: the simulator requiring
our client certificate refuses a client without one."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from cchc.dossiers.tests import conftest as dossier_fixtures
from cchc.dossiers.tests.conftest import World, receive
from cchc.integrations.client import PartnerClient, PartnerSettings
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Outcome
from cchc.integrations.models import Attempt
from cchc.integrations.national_portal.payload import SUBSCRIBER
from cchc.integrations.national_portal.subscriber import subscriber_register
from cchc.integrations.selectors import integrations_status
from cchc.integrations.tests.simulator import PASSWORD, USERNAME, NationalSimulator, start_simulator, stop_simulator
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus
from cchc.outbox.registry import unregister

pytestmark = pytest.mark.django_db
world_module = dossier_fixtures.world_module
world = dossier_fixtures.world


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write(path: Path, cert: x509.Certificate, key: rsa.RSAPrivateKey | None = None) -> None:
    path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        path.with_suffix(".key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def _ca(directory: Path, name: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = _key()
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write(directory / name, cert, key)
    return cert, key


def _leaf(directory: Path, name: str, ca: tuple[x509.Certificate, rsa.RSAPrivateKey], *, server: bool) -> None:
    key = _key()
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    _write(directory / name, builder.sign(ca[1], hashes.SHA256()), key)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test CA signing the simulator's certificate and our client certificate, and another CA."""
    directory = tmp_path_factory.mktemp("pki")
    ca = _ca(directory, "ca")
    _ca(directory, "other-ca")
    _leaf(directory, "server", ca, server=True)
    _leaf(directory, "client", ca, server=False)
    return directory


@pytest.fixture(scope="module")
def https_portal(pki: Path) -> Iterator[NationalSimulator]:
    sim = start_simulator("--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"))
    try:
        assert sim.base.startswith("https://")
        yield sim
    finally:
        stop_simulator(sim)


def _config(sim: NationalSimulator, **extra: Any) -> dict[str, Any]:
    return {"url": sim.base, "username": USERNAME, "password": PASSWORD, "timeout_s": 3.0, **extra}


def test_the_partner_s_certificate_is_verified_against_the_given_ca(https_portal: NationalSimulator, pki: Path) -> None:
    # the right CA: the call goes through (an unknown service is the portal's own refusal, over TLS)
    good = PartnerClient("dvcqg", PartnerSettings(**_config(https_portal, ca_file=str(pki / "ca.pem"))))
    with pytest.raises(IntegrationError) as caught:
        good.call("KhongCoDichVuNay", {"data": []})
    assert caught.value.code == IntegrationErrorCode.REJECTED

    # a certificate that another CA signed: refused before anything is sent, on record, retryable
    wrong = PartnerClient("dvcqg", PartnerSettings(**_config(https_portal, ca_file=str(pki / "other-ca.pem"))))
    with pytest.raises(IntegrationError) as caught:
        wrong.call("DongBoHoSoMC", {"data": []}, subject="dossier:1")
    assert caught.value.code == IntegrationErrorCode.UNREACHABLE
    assert caught.value.retryable
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message or "certificate" in caught.value.message
    attempt = Attempt.objects.filter(subject="dossier:1").get()
    assert (attempt.outcome, attempt.error_code, attempt.status_code) == (
        Outcome.ERROR,
        "integration.unreachable",
        None,
    )


def test_a_wrong_certificate_is_retried_then_dead_lettered_and_shown(
    world: World, https_portal: NationalSimulator, pki: Path, settings: Any
) -> None:
    settings.CCHC_PARTNERS = {"dvcqg": _config(https_portal, ca_file=str(pki / "other-ca.pem"))}
    settings.CCHC_NATIONAL_MAX_ATTEMPTS = 3
    subscriber_register()
    try:
        receive(world)
        at = datetime.now().astimezone()
        for _ in range(3):
            outbox_drain(only=[SUBSCRIBER], at=at)
            at += timedelta(hours=2)
    finally:
        unregister(SUBSCRIBER)
    delivery = Delivery.objects.get(subscriber=SUBSCRIBER)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 3)
    assert "integration.unreachable" in delivery.last_error
    assert Attempt.objects.filter(error_code="integration.unreachable").count() == 3
    dvcqg = next(p for p in integrations_status(at=at).partners if p.partner == "dvcqg")
    assert dvcqg.dead == 1
    assert [d.pk for d in dvcqg.dead_letters] == [delivery.pk]


def test_mutual_tls_refuses_a_client_without_its_certificate(pki: Path) -> None:
    sim = start_simulator(
        "--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"),
        "--tls-client-ca", str(pki / "ca.pem"),
    )  # fmt: skip
    try:
        base = _config(sim, ca_file=str(pki / "ca.pem"))
        without = PartnerClient("dvcqg", PartnerSettings(**base))
        with pytest.raises(IntegrationError) as caught:
            without.call("KhongCoDichVuNay", {"data": []})
        assert caught.value.code == IntegrationErrorCode.UNREACHABLE
        client_cert = {"cert_file": str(pki / "client.pem"), "key_file": str(pki / "client.key")}
        with_cert = PartnerClient("dvcqg", PartnerSettings(**{**base, **client_cert}))
        with pytest.raises(IntegrationError) as caught:
            with_cert.call("KhongCoDichVuNay", {"data": []})
        assert caught.value.code == IntegrationErrorCode.REJECTED  # through TLS: the portal's own answer
    finally:
        stop_simulator(sim)

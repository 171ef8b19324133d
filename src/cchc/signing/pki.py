"""The province's certificates: a development root CA and one signing certificate per agency.

Legal basis: Nghị định 23/2025/NĐ-CP (chữ ký điện tử và dịch vụ tin cậy, in force since 10/4/2025) — a
public agency signs electronic documents with the "chữ ký số chuyên dùng công vụ" issued to it by the
government's specialised CA; Luật Giao dịch điện tử 2023 Điều 22-23 (a secure electronic signature has the
effect of the agency's seal). Development and tests cannot hold such certificates, so ``cchc signing setup``
creates a stand-in: a root "CA chuyên dùng tỉnh (phát triển)" and, under it, one certificate per agency
valid today in the org registry, with the key usages of a signing certificate (digitalSignature,
nonRepudiation). Production puts the certificates issued by the real CA in the same files (or signs on a
token / remote service, ``cchc.signing.signers``) and names its roots in ``CCHC_SIGNING_TRUST_ROOTS``.

Layout of ``CCHC_SIGNING_DIR``::

    root-ca.pem, root-ca.key              the development root (the key only in development)
    tsa.pem, tsa.key                      the development time-stamping authority's certificate (RFC 3161)
    agencies/<agency code>.pem, .key      an agency's certificate (with its chain) and key (PEM), or
    agencies/<agency code>.p12            the same as PKCS#12 (passphrase CCHC_SIGNING_P12_PASSPHRASE)

Keys: ECDSA P-256 (fast to create and to sign; accepted by pyHanko and poppler's NSS back-end).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TSA_CERT = "tsa.pem"  # the development time-stamping authority (cchc.signing.tsa)
TSA_KEY = "tsa.key"
TSA_NAME = "Dịch vụ cấp dấu thời gian tỉnh Khánh Hòa (phát triển)"
ROOT_CERT = "root-ca.pem"
ROOT_KEY = "root-ca.key"
AGENCIES = "agencies"
ROOT_NAME = "CA chuyên dùng tỉnh Khánh Hòa (phát triển)"
ROOT_YEARS = 20
AGENCY_YEARS = 5


@dataclass(frozen=True)
class AgencyIdentity:
    """What an agency's certificate names: its registry code (the file name) and its name."""

    code: str
    name: str


def signing_dir() -> Path:
    from django.conf import settings

    return Path(settings.CCHC_SIGNING_DIR)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


NAME_LIMIT = 64  # RFC 5280 ub-common-name and ub-organization-name


def fit_name(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` as a certificate name attribute: at most ``limit`` bytes in UTF-8, shortened at a word
    boundary with "…" when longer. RFC 5280 bounds the common and organisation names at 64 characters;
    ``cryptography`` counts UTF-8 bytes, stricter with Vietnamese (a letter with its marks takes 2-3),
    so the bytes are counted here. Many agencies' names are longer ("Trung tâm Phục vụ hành chính
    công …": 81 characters); the signature block and the verification page show the agency's full name
    from the registry, not this."""
    text = " ".join(text.split())
    if len(text.encode("utf-8")) <= limit:
        return text
    words = text.split(" ")
    while len(words) > 1 and len((" ".join(words) + "…").encode("utf-8")) > limit:
        words.pop()
    cut = " ".join(words).rstrip(" ,;-–")
    while len((cut + "…").encode("utf-8")) > limit:  # a single word longer than the limit
        cut = cut[:-1]
    return cut + "…"


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Khánh Hòa"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit_name(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, fit_name(common)),
        ]
    )


def root_create(directory: Path, *, now: datetime | None = None) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The development root CA (self-signed, CA:TRUE, keyCertSign and cRLSign)."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(ROOT_NAME, "UBND tỉnh Khánh Hòa")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(directory / ROOT_KEY, _key_pem(key))
    _write(directory / ROOT_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def root_load(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    cert_path, key_path = directory / ROOT_CERT, directory / ROOT_KEY
    if not cert_path.exists() or not key_path.exists():
        return None
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return cert, key


def agency_certificate_issue(
    directory: Path,
    agency: AgencyIdentity,
    *,
    root: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    for_signing: bool = True,
) -> x509.Certificate:
    """Issue ``agency``'s signing certificate under ``root`` and store it with its key (PEM).

    ``not_before`` / ``not_after`` and ``for_signing`` exist for the tests (an expired certificate, one
    without the signing key usage); the setup command uses the defaults."""
    root_cert, root_key = root
    now = datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(agency.name, agency.name))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365 * AGENCY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=for_signing,
                content_commitment=for_signing,
                key_encipherment=not for_signing,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION if for_signing else ExtendedKeyUsageOID.SERVER_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    folder = directory / AGENCIES
    _write_private(folder / f"{agency.code}.key", _key_pem(key))
    _write(folder / f"{agency.code}.pem", cert.public_bytes(serialization.Encoding.PEM))
    return cert


def agency_certificate_path(directory: Path, code: str) -> Path:
    return directory / AGENCIES / f"{code}.pem"


def tsa_certificate_issue(
    directory: Path, *, root: tuple[x509.Certificate, ec.EllipticCurvePrivateKey]
) -> x509.Certificate:
    """The development time-stamping authority's certificate under ``root`` (RFC 3161 §2.3: the only
    extended key usage is timeStamping, marked critical), stored with its key as ``tsa.pem`` / ``tsa.key``.
    Production uses the time-stamping service of a licensed trust service provider (NĐ 23/2025/NĐ-CP:
    dịch vụ cấp dấu thời gian) and never this. The key is RSA-2048: pyHanko's ``DummyTimeStamper``, which
    the simulator signs with, is RSA-only."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    root_cert, root_key = root
    now = datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_NAME, "UBND tỉnh Khánh Hòa"))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * AGENCY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    _write_private(
        directory / TSA_KEY,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    _write(directory / TSA_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return cert


def _tsa_current(directory: Path, root: x509.Certificate, now: datetime) -> bool:
    path = directory / TSA_CERT
    if not path.exists() or not (directory / TSA_KEY).exists():
        return False
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.issuer == root.subject and cert.not_valid_after_utc > now


@dataclass(frozen=True)
class SetupResult:
    root_created: bool
    issued: list[str]
    kept: int
    tsa_issued: bool = False


def pki_setup(directory: Path, agencies: Iterable[AgencyIdentity], *, with_tsa: bool = True) -> SetupResult:
    """Create the development root (once) and a certificate for each agency that has none, or whose
    certificate has expired or was issued by another root, and the development time-stamping authority's
    certificate likewise; idempotent (a second run issues nothing). ``with_tsa=False``: no TSA certificate
    (the tests that do not timestamp: an RSA key costs ~0.15 s)."""
    loaded = root_load(directory)
    root_created = loaded is None
    root = root_create(directory) if loaded is None else loaded
    now = datetime.now(UTC)
    issued: list[str] = []
    kept = 0
    for agency in agencies:
        path = agency_certificate_path(directory, agency.code)
        if path.exists() and (directory / AGENCIES / f"{agency.code}.key").exists():
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            if cert.issuer == root[0].subject and cert.not_valid_after_utc > now and not root_created:
                kept += 1
                continue
        agency_certificate_issue(directory, agency, root=root)
        issued.append(agency.code)
    tsa_issued = with_tsa and (root_created or not _tsa_current(directory, root[0], now))
    if tsa_issued:
        tsa_certificate_issue(directory, root=root)
    return SetupResult(root_created=root_created, issued=issued, kept=kept, tsa_issued=tsa_issued)

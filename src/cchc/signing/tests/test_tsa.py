"""PAdES B-T with the development time-stamping authority (``cchc.signing.tsa``), run as its own process:
the signer asks it for an RFC 3161 timestamp token when ``CCHC_TSA_URL`` is set; the authority down is
``signing.signer_unavailable`` (the outbox retries), never a signature without its timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc.signing import pki
from cchc.signing.constants import SigningError, SigningErrorCode
from cchc.signing.signers import LocalCertificateSigner, SignRequest
from cchc.signing.tests.conftest import AGENCY
from cchc.signing.tests.conftest import tsa_post as _post
from cchc.signing.tests.pdfs import result_pdf
from cchc.signing.tsa import FAIL_PATH, RECOVER_PATH

URL = "https://dichvucong.khanhhoa.example/xac-minh/AbC123-xyz/"


def _sign(directory: Path) -> bytes:
    request = SignRequest(
        pdf=result_pdf(), agency_code=AGENCY.code, agency_name=AGENCY.name, verify_url=URL, reason="Giấy phép"
    )
    return LocalCertificateSigner(directory).sign(request)


@pytest.fixture
def configured(tsa: tuple[Path, str], settings: Any) -> tuple[Path, str]:
    directory, url = tsa
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_TSA_URL = url
    return tsa


def test_with_a_tsa_the_signature_carries_a_trusted_timestamp(configured: tuple[Path, str]) -> None:
    from cchc.signing.verify import verify

    before = datetime.now(UTC)
    checked = verify(_sign(configured[0]))

    assert checked.valid, checked.problem
    assert checked.timestamped
    assert checked.timestamp_at is not None
    assert before - timedelta(seconds=5) <= checked.timestamp_at <= datetime.now(UTC) + timedelta(seconds=5)
    # setup again: the TSA certificate is kept
    assert not pki.pki_setup(configured[0], [AGENCY]).tsa_issued


def test_the_tsa_down_is_a_temporary_fault_and_nothing_is_signed(configured: tuple[Path, str]) -> None:
    directory, url = configured
    assert _post(url, FAIL_PATH) == 200
    try:
        with pytest.raises(SigningError) as refused:
            _sign(directory)
    finally:
        assert _post(url, RECOVER_PATH) == 200

    assert refused.value.code == SigningErrorCode.SIGNER_UNAVAILABLE
    assert refused.value.message == "Dịch vụ cấp dấu thời gian không phản hồi; hệ thống sẽ ký lại sau."
    assert _sign(directory)  # back: it signs again


def test_the_simulator_refuses_what_is_not_a_timestamp_query(configured: tuple[Path, str]) -> None:
    url = configured[1]
    assert _post(url, body=b"x", content_type="text/plain") == 415
    assert _post(url, body=b"not DER", content_type="application/timestamp-query") == 400


def test_without_a_tsa_the_signature_has_no_timestamp(pki_dir: Path, settings: Any) -> None:
    from cchc.signing.verify import verify

    settings.CCHC_TSA_URL = ""
    checked = verify(
        LocalCertificateSigner(pki_dir).sign(
            SignRequest(pdf=result_pdf(), agency_code=AGENCY.code, agency_name=AGENCY.name, verify_url=URL, reason="X")
        )
    )

    assert checked.valid
    assert not checked.timestamped

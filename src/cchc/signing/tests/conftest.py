"""Fixtures of the signing tests: a development PKI in a temporary CCHC_SIGNING_DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cchc.signing import pki

AGENCY = pki.AgencyIdentity(code="so-tu-phap", name="Sở Tư pháp tỉnh Khánh Hòa")


@pytest.fixture
def pki_dir(tmp_path: Path, settings: Any) -> Path:
    """A temporary CCHC_SIGNING_DIR with the development root and Sở Tư pháp's certificate, trusted by
    the verifier (CCHC_SIGNING_TRUST_ROOTS empty: the root of CCHC_SIGNING_DIR)."""
    directory = tmp_path / "signing"
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_SIGNER = "local"
    pki.pki_setup(directory, [AGENCY], with_tsa=False)
    return directory

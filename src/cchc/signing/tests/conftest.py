"""Fixtures of the signing tests: a development PKI in a temporary CCHC_SIGNING_DIR; the development
time-stamping authority in its own process (``tsa``; other apps' tests import it, e.g. the receipts')."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The development PKI (with the TSA certificate ``cchc signing setup`` issues) and the simulator in
    its own process on a free port; stopped after the module."""
    directory = tmp_path_factory.mktemp("tsa") / "signing"
    result = pki.pki_setup(directory, [AGENCY])
    assert result.tsa_issued
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc.signing.tsa", "--dir", str(directory), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")  # type: ignore[union-attr]
        yield directory, found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def tsa_post(url: str, path: str = "", body: bytes = b"", content_type: str = "text/plain") -> int:
    request = urllib.request.Request(url.rstrip("/") + path, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)

"""The signed result's QR block links to the verification page (a URI link annotation, covered by the
signature), and signing and verifying work from synchronous code and from a running event loop."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from cchc.signing.signers import LocalCertificateSigner, SignRequest
from cchc.signing.stamp import BLOCK_WIDTH
from cchc.signing.tests.conftest import AGENCY
from cchc.signing.tests.pdfs import result_pdf
from cchc.signing.verify import verify

URL = "https://dichvucong.khanhhoa.example/xac-minh/AbC123-xyz/"
PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"


def _sign(directory: Path) -> bytes:
    request = SignRequest(
        pdf=result_pdf(), agency_code=AGENCY.code, agency_name=AGENCY.name, verify_url=URL, reason="Giấy phép"
    )
    return LocalCertificateSigner(directory).sign(request)


def _links(data: bytes) -> list[tuple[str, list[float]]]:
    from pypdf import PdfReader

    page = PdfReader(BytesIO(data)).pages[-1]
    found = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") == "/Link":
            found.append((str(annot["/A"]["/URI"]), [float(v) for v in annot["/Rect"]]))
    return found


def test_the_qr_block_links_to_the_verification_page_and_the_signature_covers_it(pki_dir: Path, tmp_path: Path) -> None:
    signed = _sign(pki_dir)

    links = _links(signed)
    assert len(links) == 1
    uri, rect = links[0]
    assert uri == URL  # absolute, with its scheme
    assert rect[2] - rect[0] == pytest.approx(BLOCK_WIDTH)
    # in the signed revision: the signature covers the whole file and stays valid
    result = verify(signed)
    assert result.valid, result.problem
    assert result.whole_document
    assert signed.rfind(b"/URI") < signed.rfind(b"/ByteRange")  # written before the signature dictionary
    if Path(PDFSIG).exists():
        path = tmp_path / "signed.pdf"
        path.write_bytes(signed)
        run = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False)
        assert "Signature Validation: Signature is Valid." in run.stdout + run.stderr
        assert "Total document signed" in run.stdout + run.stderr


def test_signing_and_verifying_work_inside_a_running_event_loop(pki_dir: Path) -> None:
    async def in_loop() -> bool:
        signed = _sign(pki_dir)  # pyHanko's asyncio.run would fail here without a worker thread
        return verify(signed).valid

    assert asyncio.run(in_loop())
    assert verify(_sign(pki_dir)).valid  # and without a loop

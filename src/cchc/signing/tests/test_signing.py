"""Signing a result PDF (PAdES, pyHanko) and verifying it with pyHanko's validator and with poppler's
pdfsig, an independent implementation (issue 16 item 1); refusals of bad documents and certificates."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
import segno
from django.core.management import call_command

from cchc.signing import pki
from cchc.signing.constants import SigningError, SigningErrorCode
from cchc.signing.signers import LocalCertificateSigner, SignRequest, signer_get
from cchc.signing.stamp import QR_MASK
from cchc.signing.tests.conftest import AGENCY
from cchc.signing.tests.pdfs import PDFSIG, encrypted_pdf, result_pdf, simple_pdf
from cchc.signing.tests.pdfs import pdfsig as _pdfsig
from cchc.signing.verify import verify

URL = "https://dichvucong.khanhhoa.example/xac-minh/AbC123-xyz/"


def _request(pdf: bytes | None = None, code: str = AGENCY.code) -> SignRequest:
    return SignRequest(
        pdf=result_pdf() if pdf is None else pdf,
        agency_code=code,
        agency_name=AGENCY.name,
        verify_url=URL,
        reason="Giấy phép xây dựng",
    )


def _sign(directory: Path, pdf: bytes | None = None, code: str = AGENCY.code) -> bytes:
    return LocalCertificateSigner(directory).sign(_request(pdf, code))


def test_a_signed_result_verifies_with_pyhankos_validator(pki_dir: Path) -> None:
    before = datetime.now(UTC)
    signed = _sign(pki_dir)

    result = verify(signed)

    assert result.valid, result.problem
    assert result.intact
    assert result.trusted
    assert result.whole_document
    assert result.signer == AGENCY.name
    assert result.organisation == AGENCY.name
    assert result.reason == "Giấy phép xây dựng"
    assert result.signed_at is not None
    assert before - timedelta(seconds=5) <= result.signed_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert signed.startswith(result_pdf())  # an incremental update: the original bytes unchanged
    assert b"/ETSI.CAdES.detached" in signed  # PAdES baseline


@pytest.mark.skipif(not Path(PDFSIG).exists(), reason="poppler-utils (pdfsig) is not installed")
def test_the_same_signature_verifies_with_poppler_pdfsig(pki_dir: Path, tmp_path: Path) -> None:
    signed = _sign(pki_dir)

    out = _pdfsig(signed, tmp_path)

    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out
    assert f"Signer Certificate Common Name: {AGENCY.name}" in out
    # pdfsig trusts its own NSS store, which does not hold the development root: it says so, no more
    assert "Certificate Validation:" in out


@pytest.mark.skipif(not Path(PDFSIG).exists(), reason="poppler-utils (pdfsig) is not installed")
def test_both_validators_detect_a_changed_byte(pki_dir: Path, tmp_path: Path) -> None:
    signed = _sign(pki_dir)
    at = signed.index(b"GIAY PHEP")
    tampered = signed[:at] + b"GIAY PHEX" + signed[at + 9 :]

    result = verify(tampered)
    out = _pdfsig(tampered, tmp_path)

    assert not result.valid
    assert not result.intact
    assert result.problem == "Nội dung văn bản đã bị thay đổi sau khi ký số."
    assert "Signature is Valid" not in out
    assert "Digest Mismatch" in out, out


def test_content_added_after_signing_is_not_valid(pki_dir: Path) -> None:
    signed = _sign(pki_dir)
    extra = signed + b"\n1 0 obj\n<< >>\nendobj\n"

    result = verify(extra)

    assert result.intact
    assert not result.whole_document
    assert not result.valid


def test_a_signature_under_another_root_is_not_trusted(pki_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    pki.pki_setup(other, [AGENCY])
    signed = _sign(other)  # same name, another root

    result = verify(signed)

    assert result.intact
    assert not result.trusted
    assert not result.valid
    assert "tin cậy" in result.problem


def test_an_unsigned_or_unreadable_file_is_reported_not_raised(pki_dir: Path) -> None:
    assert verify(result_pdf()).signed is False
    assert verify(result_pdf()).problem == "Tệp không có chữ ký số."
    assert verify(b"not a pdf").problem == "Tệp không phải là tệp PDF đọc được."


def _tounicode_text(data: bytes) -> str:
    """Every character the embedded fonts' ToUnicode maps name (the glyphs the signature block uses)."""
    chars = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(match.group(1))
        except zlib.error:
            body = match.group(1)
        if b"beginbfchar" in body or b"beginbfrange" in body:
            for hexa in re.findall(rb"<([0-9A-Fa-f]{4,})>\s*\n", body):
                chars.append(bytes.fromhex(hexa.decode()).decode("utf-16-be", errors="ignore"))
            for hexa in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", body):
                chars.append(bytes.fromhex(hexa.decode()).decode("utf-16-be", errors="ignore"))
    return "".join(chars)


def test_the_visible_block_carries_vietnamese_text_in_an_embedded_font(pki_dir: Path) -> None:
    signed = _sign(pki_dir)

    assert b"/FontFile2" in signed  # the TTF (Liberation Serif subset) is embedded
    used = _tounicode_text(signed)
    # "Ký bởi", "Thời gian ký", "Sở Tư pháp tỉnh Khánh Hòa": the Vietnamese letters are real glyphs
    for char in "ýởờơưỉòá":
        assert char in used, char


def _qr_matrix(data: bytes) -> list[list[bool]]:
    """The QR code of the block, read back from its vector rectangles."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(data))
    field = reader.embedded_signatures[0].sig_field
    appearance = field["/AP"]["/N"]
    qr = _find_xobject(appearance, "/QR")
    assert qr is not None
    size = int(qr["/BBox"][2])
    cells = {(int(x), int(y)) for x, y in re.findall(rb"(\d+) (\d+) 1 1 re", qr.data)}
    border = 2
    n = size - 2 * border
    return [[(col + border, size - border - row - 1) in cells for col in range(n)] for row in range(n)]


def _find_xobject(stream: Any, name: str) -> Any:
    resources = stream.get("/Resources")
    if resources is None or "/XObject" not in resources:
        return None
    for key, value in resources["/XObject"].items():
        obj = value.get_object()
        if key == name:
            return obj
        found = _find_xobject(obj, name)
        if found is not None:
            return found
    return None


def test_the_qr_code_encodes_the_verification_address(pki_dir: Path) -> None:
    signed = _sign(pki_dir)

    code = segno.make(URL, error="m", micro=False, boost_error=False, mask=QR_MASK)
    expected = [[bool(v) for v in row] for row in code.matrix]
    assert _qr_matrix(signed) == expected


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, SigningErrorCode.NOT_PDF),
        (b"Hello, this is text", SigningErrorCode.NOT_PDF),
        ("encrypted", SigningErrorCode.PDF_ENCRYPTED),
        ("truncated", SigningErrorCode.PDF_MALFORMED),
        (b"%PDF-1.7\n1 0 obj garbage", SigningErrorCode.PDF_MALFORMED),
    ],
)
def test_a_bad_document_is_refused_with_a_clear_message(pki_dir: Path, data: Any, code: str) -> None:
    if data == "encrypted":
        data = encrypted_pdf()
    elif data == "truncated":
        data = result_pdf()[: len(result_pdf()) // 2]

    with pytest.raises(SigningError) as refused:
        _sign(pki_dir, data)

    assert refused.value.code == code
    assert refused.value.message
    assert refused.value.message[0].isupper()


def _issue(directory: Path, code: str, **kwargs: Any) -> None:
    root = pki.root_load(directory)
    assert root is not None
    pki.agency_certificate_issue(directory, pki.AgencyIdentity(code=code, name=AGENCY.name), root=root, **kwargs)


def test_an_expired_certificate_is_refused(pki_dir: Path) -> None:
    now = datetime.now(UTC)
    _issue(pki_dir, "het-han", not_before=now - timedelta(days=400), not_after=now - timedelta(days=35))

    with pytest.raises(SigningError) as refused:
        _sign(pki_dir, code="het-han")

    assert refused.value.code == SigningErrorCode.CERTIFICATE_EXPIRED
    assert "đã hết hạn" in refused.value.message


def test_a_certificate_not_yet_valid_or_not_for_signing_is_refused(pki_dir: Path) -> None:
    now = datetime.now(UTC)
    _issue(pki_dir, "chua-hieu-luc", not_before=now + timedelta(days=3), not_after=now + timedelta(days=300))
    _issue(pki_dir, "khong-ky", for_signing=False)

    with pytest.raises(SigningError) as early:
        _sign(pki_dir, code="chua-hieu-luc")
    with pytest.raises(SigningError) as wrong:
        _sign(pki_dir, code="khong-ky")

    assert early.value.code == SigningErrorCode.CERTIFICATE_EXPIRED
    assert wrong.value.code == SigningErrorCode.CERTIFICATE_NOT_FOR_SIGNING


def test_an_agency_without_certificate_is_refused(pki_dir: Path) -> None:
    with pytest.raises(SigningError) as refused:
        _sign(pki_dir, code="khong-co")

    assert refused.value.code == SigningErrorCode.NO_CERTIFICATE


def test_a_pkcs12_file_signs_as_the_pem_pair(pki_dir: Path, settings: Any) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = pki_dir / pki.AGENCIES
    key = serialization.load_pem_private_key((folder / f"{AGENCY.code}.key").read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate((folder / f"{AGENCY.code}.pem").read_bytes())
    blob = pkcs12.serialize_key_and_certificates(
        b"p12",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(b"bi-mat"),  # type: ignore[arg-type]
    )
    (folder / "p12-agency.p12").write_bytes(blob)

    signed = LocalCertificateSigner(pki_dir, p12_passphrase="bi-mat").sign(_request(code="p12-agency"))

    assert verify(signed).valid


def test_a_multi_page_document_is_signed_on_its_last_page(pki_dir: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = _sign(pki_dir, simple_pdf(pages=3))

    assert verify(signed).valid
    field = PdfFileReader(BytesIO(signed)).embedded_signatures[0].sig_field
    page = field["/P"].get_object()
    kids = PdfFileReader(BytesIO(signed)).root["/Pages"]["/Kids"]
    assert kids[2].get_object()["/Contents"] == page["/Contents"]


def test_the_signer_is_chosen_by_settings(pki_dir: Path, settings: Any) -> None:
    assert isinstance(signer_get(), LocalCertificateSigner)
    settings.CCHC_SIGNER = "hsm-chua-co"
    with pytest.raises(SigningError) as refused:
        signer_get()
    assert refused.value.code == SigningErrorCode.NOT_CONFIGURED


def test_setup_is_idempotent_and_covers_the_registrys_agencies(tmp_path: Path, settings: Any, db: Any) -> None:
    from io import StringIO

    from cchc.org.models import Agency

    Agency.objects.create(code="so-a", name="Sở A", kind="so", level="province")
    Agency.objects.create(code="cu", name="Sở cũ", kind="so", level="province", valid_to=datetime(2025, 7, 1).date())
    settings.CCHC_SIGNING_DIR = tmp_path / "dir"
    first, second = StringIO(), StringIO()

    call_command("signing", "setup", stdout=first)
    call_command("signing", "setup", stdout=second)

    assert (tmp_path / "dir" / pki.ROOT_CERT).exists()
    assert (tmp_path / "dir" / pki.AGENCIES / "so-a.pem").exists()
    assert not (tmp_path / "dir" / pki.AGENCIES / "cu.pem").exists()  # no longer in force
    assert "CA gốc đã tạo" in first.getvalue()
    assert "CA gốc đã có; cấp mới 0 chứng thư" in second.getvalue()


def test_a_document_signed_before_is_signed_again_in_a_new_field(pki_dir: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    once = _sign(pki_dir)
    twice = _sign(pki_dir, once)

    signatures = PdfFileReader(BytesIO(twice)).embedded_signatures
    assert len(signatures) == 2
    assert signatures[0].field_name != signatures[1].field_name
    assert verify(twice).valid


def test_an_agency_with_a_name_longer_than_a_certificate_allows_gets_its_certificate(
    tmp_path: Path, settings: Any, db: Any
) -> None:
    """RFC 5280 bounds the common and organisation names at 64 (``cryptography``: UTF-8 bytes); the
    registry's names are longer (the demo's service centre: 81 characters), and ``make setup`` stopped
    on them."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from cchc.org.models import Agency

    long_name = "Trung tâm Phục vụ hành chính công và Kiểm soát thủ tục hành chính tỉnh Khánh Hòa"
    assert len(long_name) > pki.NAME_LIMIT
    Agency.objects.create(code="ttpvhcc", name=long_name, kind="so", level="province")
    settings.CCHC_SIGNING_DIR = tmp_path / "dir"

    call_command("signing", "setup", stdout=StringIO())

    cert = x509.load_pem_x509_certificate((tmp_path / "dir" / pki.AGENCIES / "ttpvhcc.pem").read_bytes())
    common = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert len(common.encode("utf-8")) <= pki.NAME_LIMIT
    assert common.endswith("…")
    assert long_name.startswith(common.removesuffix("…"))
    assert pki.fit_name("Sở Tư pháp") == "Sở Tư pháp"

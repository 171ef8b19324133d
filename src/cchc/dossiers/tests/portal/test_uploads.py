"""The upload check decides the type from the content, never from the name."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from cchc.dossiers.constants import DossierError, DossierErrorCode
from cchc.dossiers.tests.portal.conftest import EXE_AS_PDF, HTML_AS_PDF, JPEG, docx_bytes, pdf_bytes, png_bytes, upload
from cchc.dossiers.uploads import (
    EVIDENCE_TYPES,
    XLSX,
    FileRejected,
    display_name,
    file_check,
    size_text,
    upload_check,
)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("to-khai.pdf", pdf_bytes(), "application/pdf", ".pdf"),
        ("anh.JPG", JPEG, "image/jpeg", ".jpg"),
        ("scan", png_bytes(), "image/png", ".png"),
        (
            "don.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        # the name does not matter either way: a real PDF called .png is a PDF
        ("ban-ve.png", pdf_bytes(), "application/pdf", ".pdf"),
    ],
)
def test_accepted_types_are_recognised_from_the_content(name, content, content_type, extension):
    checked = upload_check(file=upload(name, content), label="Tờ khai")

    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.file.tell() == 0  # ready to be stored


@pytest.mark.parametrize(
    "content",
    [
        HTML_AS_PDF,
        EXE_AS_PDF,
        b"%PDF-1.7\n<html><script>alert(1)</script></html>",  # a PDF header without a PDF body
        b"GIF89a" + b"\x00" * 50,
        docx_bytes(macro=True),  # macro-enabled Word is not accepted
        b"PK\x03\x04" + b"\x00" * 60,  # a broken ZIP
    ],
    ids=["html", "exe", "pdf-header-only", "gif", "docm", "broken-zip"],
)
def test_other_content_named_pdf_is_refused(content):
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", content), label="Tờ khai")

    assert info.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert "«to-khai.pdf» (Tờ khai) không phải tệp PDF, JPEG, PNG hoặc Word (.docx) hợp lệ" in info.value.message


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("don.docx", buffer.getvalue()), label="Đơn")
    assert info.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED


def test_a_file_over_the_limit_is_refused_by_the_bytes_read():
    content = pdf_bytes()
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", content), label="Tờ khai", limit=len(content) - 1)
    assert info.value.code == DossierErrorCode.UPLOAD_TOO_LARGE
    assert "vượt quá dung lượng cho phép" in info.value.message
    # exactly at the limit is fine
    assert upload_check(file=upload("to-khai.pdf", content), label="Tờ khai", limit=len(content)).size == len(content)


def test_the_default_limit_comes_from_the_settings(settings):
    settings.CCHC_UPLOAD_MAX_BYTES = 100
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", pdf_bytes()), label="Tờ khai")
    assert info.value.code == DossierErrorCode.UPLOAD_TOO_LARGE


def test_an_empty_file_is_refused():
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", b""), label="Tờ khai")
    assert info.value.code == DossierErrorCode.INVALID_INPUT
    assert "rỗng" in info.value.message


def test_display_name_drops_directories_and_control_characters():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\lan\\Tờ khai.pdf") == "Tờ khai.pdf"
    assert display_name("a\x00b\r\n.pdf") == "ab.pdf"
    assert display_name("") == "tệp không tên"
    assert len(display_name("x" * 400)) == 255


def test_size_text():
    assert size_text(10 * 1024 * 1024) == "10 MB"
    assert size_text(1536 * 1024) == "1,5 MB"
    assert size_text(2048) == "2 KB"


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Chỉ tiêu", "Giá trị"])
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_evidence_but_not_a_dossier_component():
    checked = file_check(file=upload("so-lieu.xlsx", _xlsx_bytes()), types=EVIDENCE_TYPES)

    assert (checked.content_type, checked.extension) == (XLSX, ".xlsx")
    with pytest.raises(DossierError) as caught:
        upload_check(file=upload("so-lieu.xlsx", _xlsx_bytes()), label="Tờ khai")
    assert caught.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED


def test_a_word_document_named_xlsx_is_a_word_document():
    checked = file_check(file=upload("so-lieu.xlsx", docx_bytes()), types=EVIDENCE_TYPES)

    assert checked.extension == ".docx"


def test_file_check_says_why_a_file_is_refused():
    with pytest.raises(FileRejected) as caught:
        file_check(file=upload("trong.pdf", b""), types=EVIDENCE_TYPES)

    assert (caught.value.reason, caught.value.name) == ("empty", "trong.pdf")

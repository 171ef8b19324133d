"""The upload check decides the type from the content, never from the name; stored files are deleted
again when the service that wrote them fails."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from cchc.common.tests.files import (
    EXE_AS_PDF,
    HTML_AS_PDF,
    JPEG,
    docx_bytes,
    media_root,  # noqa: F401 (autouse fixture)
    pdf_bytes,
    png_bytes,
    stored_files,
    upload,
)
from cchc.common.uploads import (
    ALLOWED,
    EVIDENCE_TYPES,
    XLSX,
    FileRejected,
    display_name,
    file_check,
    files_written,
    size_text,
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
    checked = file_check(file=upload(name, content))

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
    with pytest.raises(FileRejected) as info:
        file_check(file=upload("to-khai.pdf", content))

    assert (info.value.reason, info.value.code) == ("type", "upload.type_not_allowed")
    assert info.value.message_for(label="Tờ khai") == (
        "Tệp «to-khai.pdf» (Tờ khai) không phải tệp PDF, JPEG, PNG hoặc Word (.docx) hợp lệ. "
        "Nội dung tệp được kiểm tra, không dựa vào tên hay phần mở rộng của tệp."
    )


def test_a_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(FileRejected) as info:
        file_check(file=upload("don.docx", buffer.getvalue()), types=EVIDENCE_TYPES)
    assert info.value.reason == "type"


def test_a_file_over_the_limit_is_refused_by_the_bytes_read():
    content = pdf_bytes()
    with pytest.raises(FileRejected) as info:
        file_check(file=upload("to-khai.pdf", content), limit=len(content) - 1)
    assert (info.value.reason, info.value.code) == ("too_large", "upload.too_large")
    assert info.value.message_for() == f"Tệp «to-khai.pdf» vượt quá dung lượng cho phép {size_text(len(content) - 1)}."
    # exactly at the limit is fine
    assert file_check(file=upload("to-khai.pdf", content), limit=len(content)).size == len(content)


def test_the_default_limit_comes_from_the_settings(settings):
    settings.CCHC_UPLOAD_MAX_BYTES = 100
    with pytest.raises(FileRejected) as info:
        file_check(file=upload("to-khai.pdf", pdf_bytes()))
    assert info.value.limit == 100
    assert "vượt quá dung lượng cho phép 1 KB" in info.value.message_for(label="Tờ khai")


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected) as info:
        file_check(file=upload("trong.pdf", b""), types=EVIDENCE_TYPES)
    assert (info.value.reason, info.value.name, info.value.code) == ("empty", "trong.pdf", "upload.empty")
    assert info.value.message_for(label="Đơn") == "Tệp «trong.pdf» (Đơn) rỗng, không có nội dung."


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


def test_a_workbook_is_evidence_but_not_a_component_file():
    checked = file_check(file=upload("so-lieu.xlsx", _xlsx_bytes()), types=EVIDENCE_TYPES)

    assert (checked.content_type, checked.extension) == (XLSX, ".xlsx")
    with pytest.raises(FileRejected) as caught:
        file_check(file=upload("so-lieu.xlsx", _xlsx_bytes()), types=ALLOWED)
    assert caught.value.reason == "type"


def test_a_word_document_named_xlsx_is_a_word_document():
    checked = file_check(file=upload("so-lieu.xlsx", docx_bytes()), types=EVIDENCE_TYPES)

    assert checked.extension == ".docx"


# --- storage -----------------------------------------------------------------------------------------


class _Owner:
    """Stands for a model row: a ``FileField`` whose ``upload_to`` names the file by its content hash."""


def _field_file(sha256: str, extension: str):
    from django.db import models
    from django.db.models.fields.files import FieldFile

    field = models.FileField(upload_to=lambda instance, filename: f"thu/{sha256[:16]}{extension}")
    field.set_attributes_from_name("file")
    return FieldFile(_Owner(), field, None)


def test_files_written_keeps_the_files_of_a_block_that_succeeds(media_root: Path):  # noqa: F811
    checked = file_check(file=upload("Tờ khai.pdf", pdf_bytes()))
    target = _field_file(checked.sha256, checked.extension)

    with files_written() as written:
        name = written.save(target, checked)

    assert name == f"thu/{checked.sha256[:16]}.pdf"  # never the uploader's name
    assert default_storage.exists(name)
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [name]


def test_files_written_deletes_the_files_of_a_block_that_fails(media_root: Path):  # noqa: F811
    first = file_check(file=upload("a.pdf", pdf_bytes()))
    second = file_check(file=upload("b.png", png_bytes()))

    def service() -> None:
        with files_written() as written:
            written.save(_field_file(first.sha256, first.extension), first)
            written.save(_field_file(second.sha256, second.extension), second)
            raise RuntimeError("the row could not be written")

    with pytest.raises(RuntimeError):
        service()

    assert stored_files(media_root) == []

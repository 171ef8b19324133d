"""A refused component file is a ``DossierError`` with the one-stop-shop's codes (the check itself:
``cchc.common.tests.test_uploads``)."""

from __future__ import annotations

import io

import pytest

from cchc.common.tests.files import HTML_AS_PDF, docx_bytes, pdf_bytes, upload
from cchc.dossiers.constants import DossierError, DossierErrorCode
from cchc.dossiers.uploads import upload_check


def test_a_component_is_checked_by_its_content():
    checked = upload_check(file=upload("ban-ve.png", pdf_bytes()), label="Tờ khai")

    assert (checked.content_type, checked.extension) == ("application/pdf", ".pdf")


@pytest.mark.parametrize("content", [HTML_AS_PDF, docx_bytes(macro=True)], ids=["html", "docm"])
def test_other_content_named_pdf_is_refused(content):
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", content), label="Tờ khai")

    assert info.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert "«to-khai.pdf» (Tờ khai) không phải tệp PDF, JPEG, PNG hoặc Word (.docx) hợp lệ" in info.value.message


def test_a_file_over_the_limit_is_refused_by_the_bytes_read():
    content = pdf_bytes()
    with pytest.raises(DossierError) as info:
        upload_check(file=upload("to-khai.pdf", content), label="Tờ khai", limit=len(content) - 1)
    assert info.value.code == DossierErrorCode.UPLOAD_TOO_LARGE
    assert "«to-khai.pdf» (Tờ khai) vượt quá dung lượng cho phép" in info.value.message
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


def test_a_workbook_is_not_a_dossier_component():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with pytest.raises(DossierError) as caught:
        upload_check(file=upload("so-lieu.xlsx", buffer.getvalue()), label="Tờ khai")
    assert caught.value.code == DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED

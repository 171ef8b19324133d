"""Rendered-PDF checks of the forms as a Vietnamese office issues them (issue 12, item 24).

Letters sent with a seal (Mẫu 04, 05) follow NĐ 30/2020/NĐ-CP Phụ lục I: A4, its margins, 13-14 pt, the
number from the issuing body's register, a real signer with TM./KT.; slips (01-03, 06) stay A5 with the
dossier code under the title and no "Số:" line; dates are written one way; the signature block of Mẫu 01
is never alone on a page.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from cchc.dossiers.constants import DocumentSource, DossierStatus
from cchc.dossiers.documents.constants import DocumentError, DocumentErrorCode
from cchc.dossiers.documents.selectors import dossier_form_pdf
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, VN, World, to_status
from cchc.dossiers.tests.documents.conftest import A4, A5, extended, page_size, pdf_text, read_pdf
from cchc.org.models import DocumentRegisterEntry, Signatory

MM = 72 / 25.4  # points per millimetre


def _runs(content: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x, font size in points, text) of every text run, with the text matrix applied."""
    runs: list[tuple[int, float, float, str]] = []
    for number, page in enumerate(read_pdf(content).pages):

        def visit(
            text: str, cm: list[float], tm: list[float], font: object, size: float, page_no: int = number
        ) -> None:
            if text.strip():
                scale = abs(tm[3] * cm[3]) or 1.0
                runs.append((page_no, tm[4] * cm[0] + cm[4], round(size * scale, 1), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


def _page_texts(content: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in read_pdf(content).pages]


@pytest.mark.parametrize("form", [4, 5])
def test_letters_are_a4_with_decree_30_margins_and_sizes(world: World, form: int) -> None:
    dossier = extended(world) if form == 4 else to_status(world, DossierStatus.STOPPED)

    content = dossier_form_pdf(dossier=dossier, form=form)

    assert page_size(content) == A4
    runs = _runs(content)
    sizes = {size for _, _, size, _ in runs}
    # 13-14 pt for every element except "Nơi nhận:" (12) and its list (11), NĐ 30/2020 Phụ lục I Mục II
    assert min(sizes) >= 11, sorted(sizes)
    assert 14.0 in sizes
    body = [size for _, _, size, text in runs if "Ông/Bà" in text and "Kính gửi" not in text and "- " not in text]
    assert body
    assert all(size >= 13 for size in body), body
    # left margin 30 mm: no text starts left of it (the QR code is an image, not text)
    assert min(x for _, x, _, _ in runs) >= 30 * MM - 1


def test_letters_carry_the_register_number_and_a_real_signer(world: World) -> None:
    dossier = extended(world)
    stopped = to_status(world, DossierStatus.STOPPED)

    apology = pdf_text(dossier_form_pdf(dossier=dossier, form=4))
    notice = pdf_text(dossier_form_pdf(dossier=stopped, form=5))

    # numbered in Sở Tư pháp's register of outgoing documents for 2026, not with the dossier code
    assert "Số: 01/STP" in apology  # a công văn: no type abbreviation
    assert "Số: 02/TB-STP" in notice  # a Thông báo, the next number of the same series
    assert f"Số: {dossier.code}" not in apology
    assert f"Số: {stopped.code}" not in notice
    for text in (apology, notice):
        assert "KT. GIÁM ĐỐC" in text
        assert "PHÓ GIÁM ĐỐC" in text
        assert "Trần Văn Bình" in text
        assert "THỦ TRƯỞNG CƠ QUAN" not in text
    entries = list(DocumentRegisterEntry.objects.filter(agency=world.justice).order_by("number"))
    assert [(e.year, e.number, e.symbol, e.signer_name) for e in entries] == [
        (2026, 1, "STP", "Trần Văn Bình"),
        (2026, 2, "TB-STP", "Trần Văn Bình"),
    ]
    # printing again gives the same number: the letter is registered once
    again = pdf_text(dossier_form_pdf(dossier=dossier, form=4))
    assert "Số: 01/STP" in again
    assert DocumentRegisterEntry.objects.filter(agency=world.justice).count() == 2


def test_a_commune_letter_is_signed_on_behalf_of_the_committee(world: World) -> None:
    from cchc.dossiers import services as s
    from cchc.dossiers.tests.conftest import receive_commune

    dossier = receive_commune(world)
    s.dossier_stop(dossier=dossier, actor=world.commune_officer, at=AT + timedelta(hours=1), reason="Dừng theo đề nghị")

    text = pdf_text(dossier_form_pdf(dossier=dossier, form=5))

    assert "Số: 01/TB-UBND" in text
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Lê Thị Hoa" in text


def test_letter_without_a_recorded_signer_is_refused(world: World, signatories: list[Signatory]) -> None:
    Signatory.objects.filter(pk__in=[s.pk for s in signatories]).delete()
    dossier = extended(world)

    with pytest.raises(DocumentError) as caught:
        dossier_form_pdf(dossier=dossier, form=4)

    assert caught.value.code == DocumentErrorCode.SIGNER_MISSING
    assert "người ký" in caught.value.message
    assert not DocumentRegisterEntry.objects.exists()


@pytest.mark.parametrize("form", [1, 6])
def test_slips_are_a5_without_the_dossier_code_as_a_number(returned: Dossier, form: int) -> None:
    content = dossier_form_pdf(dossier=returned, form=form)

    assert page_size(content) == A5
    text = pdf_text(content)
    assert f"Mã hồ sơ: {returned.code}" in text
    assert "Số:" not in text
    assert not DocumentRegisterEntry.objects.exists()  # slips are not entered in the outgoing register


def test_dates_are_written_one_way(world: World) -> None:
    july = datetime(2026, 7, 6, 8, 0, tzinfo=VN)  # Monday 6/7/2026
    returned = to_status(world, DossierStatus.RETURNED, at=july)

    texts = [pdf_text(dossier_form_pdf(dossier=returned, form=form)) for form in (1, 6)]

    for text in texts:
        assert "tháng 7 năm 2026" in text
        assert not re.search(r"tháng 0[3-9]", text), text
    assert "08 giờ 00 phút, thứ Hai, ngày 06 tháng 7 năm 2026" in texts[0]


def test_procedure_named_thu_tuc_is_not_doubled(world: World) -> None:
    dossier = extended(world)
    version = dossier.procedure_version
    version.name = "Thủ tục cấp Phiếu lý lịch tư pháp"
    version.save(update_fields=["name"])

    text = pdf_text(dossier_form_pdf(dossier=dossier, form=4))

    assert "thủ tục cấp Phiếu lý lịch tư pháp" in text
    assert not re.search(r"thủ tục thủ tục", text, re.IGNORECASE)


def test_signature_block_of_form_01_is_never_alone_on_a_page(world: World) -> None:
    returned = to_status(world, DossierStatus.RETURNED)
    alone = []
    for count in range(4, 40, 2):
        DossierDocument.objects.filter(dossier=returned).delete()
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=returned,
                order=i,
                name=f"Giấy tờ kèm theo số {i + 1} của hồ sơ đề nghị cấp Phiếu lý lịch tư pháp",
                source=DocumentSource.PAPER,
                recorded_at=AT,
            )
            for i in range(count)
        )
        pages = _page_texts(dossier_form_pdf(dossier=returned, form=1))
        signed = [page for page in pages if "NGƯỜI TIẾP NHẬN HỒ SƠ" in page]
        assert len(signed) == 1
        # the page that carries the signatures also carries the lines above them
        if "Đăng ký nhận kết quả tại" not in signed[0]:
            alone.append(count)
    assert alone == []


# --- item 16: the desk as it was named on the document's date -------------------------------------


def test_forms_name_the_provincial_centre_as_on_their_date(world: World) -> None:
    from datetime import date

    from cchc.dossiers.documents.selectors import dossier_register_pdf

    supplement = to_status(world, DossierStatus.SUPPLEMENT_REQUESTED)
    stopped = to_status(world, DossierStatus.STOPPED)

    texts = [
        pdf_text(dossier_form_pdf(dossier=supplement, form=2)),
        pdf_text(dossier_form_pdf(dossier=stopped, form=5)),
        pdf_text(dossier_register_pdf(agency=world.centre, start=date(2026, 1, 1), end=date(2026, 1, 31))),
    ]

    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH KHÁNH HÒA" in texts[0]
    assert "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa" in texts[1]
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH KHÁNH HÒA" in texts[2]
    for text in texts:
        assert "Dịch vụ hành chính công trực tuyến" not in text
        assert "DỊCH VỤ HÀNH CHÍNH CÔNG TRỰC TUYẾN" not in text


def test_commune_forms_are_headed_by_its_service_centre(world: World) -> None:
    from cchc.dossiers.tests.conftest import receive_commune

    dossier = receive_commune(world)

    text = pdf_text(dossier_form_pdf(dossier=dossier, form=1))

    assert "UBND PHƯỜNG NHA TRANG TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "Trung tâm Phục vụ hành chính công phường Nha Trang tiếp nhận hồ sơ" in text
    assert "BỘ PHẬN MỘT CỬA" not in text

"""Names of the one-stop desks by date, the signatories and the register of outgoing documents."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F

from cchc.org.constants import RegisterError, RegisterErrorCode
from cchc.org.models import Agency, AgencyName, DocumentRegisterEntry
from cchc.org.selectors import agency_symbol, one_stop_desk_on, signature_lines
from cchc.org.services import document_register_issue

AT = datetime(2026, 1, 5, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"


def _agency(code: str, on: date) -> Agency:
    return Agency.objects.valid_on(on).get(code=code)


# --- item 16: the desk's name on the document's date -----------------------------------------------


def test_provincial_centre_is_named_as_on_the_date(registry) -> None:
    centre = _agency(CENTRE, date(2026, 1, 5))

    assert one_stop_desk_on(centre, on=date(2026, 1, 5)).issuer == "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"
    assert one_stop_desk_on(centre, on=date(2026, 1, 5)).parent == "UBND tỉnh Khánh Hòa"
    assert one_stop_desk_on(centre, on=date(2024, 3, 1)).issuer == "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"
    assert (
        one_stop_desk_on(centre, on=date(2022, 6, 1)).issuer
        == "Trung tâm Dịch vụ hành chính công trực tuyến tỉnh Khánh Hòa"
    )
    # every name keeps its validity and the decision it comes from; unknown numbers say so
    names = list(AgencyName.objects.filter(agency=centre).order_by(F("valid_from").asc(nulls_first=True)))
    assert [(n.valid_from, n.valid_to) for n in names] == [
        (None, date(2022, 12, 30)),
        (date(2022, 12, 30), date(2025, 7, 1)),
        (date(2025, 7, 1), None),
    ]
    assert all(n.legal_basis for n in names)
    assert all("chưa xác minh" in n.legal_basis for n in names)
    assert "Nghị định 118/2025/NĐ-CP" in names[-1].legal_basis


def test_commune_desk_is_its_public_administration_service_centre_from_july_2025(registry) -> None:
    nha_trang = _agency("ubnd-22366", date(2026, 1, 5))

    desk = one_stop_desk_on(nha_trang, on=date(2026, 1, 5))

    assert desk.parent == "UBND phường Nha Trang"
    assert desk.issuer == "Trung tâm Phục vụ hành chính công"
    assert desk.full_name == "Trung tâm Phục vụ hành chính công phường Nha Trang"
    assert "118/2025" in desk.legal_basis


def test_commune_desk_before_july_2025_keeps_its_old_name(registry) -> None:
    old = Agency.objects.valid_on(date(2025, 3, 1)).filter(kind="ubnd", level="commune").first()
    assert old is not None

    desk = one_stop_desk_on(old, on=date(2025, 3, 1))

    assert desk.issuer == "Bộ phận Tiếp nhận và Trả kết quả"
    assert desk.full_name == f"Bộ phận Tiếp nhận và Trả kết quả {old.name}"


def test_second_load_changes_no_name(registry) -> None:
    from cchc.org.services import org_load_khanh_hoa

    again = org_load_khanh_hoa()

    assert again.unchanged["agency_name"] == 3
    assert not again.changed


# --- signature blocks and symbols ------------------------------------------------------------------


def test_signature_lines_and_symbols(registry) -> None:
    justice = _agency("so-tu-phap", date(2026, 1, 5))
    committee = _agency("ubnd-22366", date(2026, 1, 5))

    assert signature_lines(agency=justice, position="Giám đốc") == ["GIÁM ĐỐC"]
    assert signature_lines(agency=justice, position="Phó Giám đốc", head_position="Giám đốc") == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
    assert signature_lines(agency=committee, position="Chủ tịch") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert agency_symbol(justice) == "STP"
    assert agency_symbol(committee) == "UBND"
    assert agency_symbol(_agency(CENTRE, date(2026, 1, 5))) == "TTPVHCC"


# --- the register of outgoing documents ------------------------------------------------------------


def _issue(agency: Agency, on: date, **kwargs) -> DocumentRegisterEntry:
    values = {
        "type_code": "BC",
        "subject": "Báo cáo công tác cải cách hành chính",
        "signer_name": "Nguyễn Văn An",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "actor": None,
        "at": AT,
    }
    return document_register_issue(agency=agency, on=on, **(values | kwargs))


def test_register_numbers_run_per_body_and_restart_each_year(registry) -> None:
    province = _agency("ubnd-56", date(2026, 1, 5))
    justice = _agency("so-tu-phap", date(2026, 1, 5))

    first = _issue(province, date(2026, 3, 1))
    second = _issue(province, date(2026, 6, 1), type_code="TB")
    other_body = _issue(justice, date(2026, 6, 1))
    next_year = _issue(province, date(2027, 1, 4))

    assert [first.number_text, second.number_text] == ["01/BC-UBND", "02/TB-UBND"]
    assert other_body.number_text == "01/BC-STP"
    assert next_year.number_text == "01/BC-UBND"
    assert first.signer_title.splitlines() == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_register_refuses_a_taken_number_an_empty_signer_and_is_idempotent_on_reference(registry) -> None:
    province = _agency("ubnd-56", date(2026, 1, 5))
    entry = _issue(province, date(2026, 3, 1), number=7, reference="reporting.report:1")

    with pytest.raises(RegisterError) as taken:
        _issue(province, date(2026, 4, 1), number=7)
    with pytest.raises(RegisterError) as unsigned:
        _issue(province, date(2026, 4, 1), signer_name="   ")

    assert taken.value.code == RegisterErrorCode.NUMBER_TAKEN
    assert unsigned.value.code == RegisterErrorCode.SIGNER_REQUIRED
    assert "họ và tên người ký" in unsigned.value.message
    assert _issue(province, date(2026, 5, 1), reference="reporting.report:1") == entry
    assert DocumentRegisterEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
def test_concurrent_registrations_get_distinct_numbers() -> None:
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    province = _agency("ubnd-56", date(2026, 1, 5))
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            numbers.append(_issue(province, date(2026, 3, 1)).number)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]

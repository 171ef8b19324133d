"""The reception computes the appointment in the procedure's own unit (issue 12 item 14): a chứng thực
request (NĐ 23/2015/NĐ-CP Điều 7 khoản 1) is due the same working day, or the next one after 15:00; a
procedure in calendar days runs over days off; form 01 prints the time as the law words it."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from cchc.calendars.constants import DueUnit
from cchc.catalogue.constants import TimeUnit
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import services as s
from cchc.dossiers.documents.selectors import dossier_form_context, dossier_form_pdf
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import CITIZEN, COMMUNE_PROCEDURE, PUBLISHED, VN, World
from cchc.dossiers.tests.documents.conftest import pdf_text

SAME_DAY = {
    "code": "2.000815",
    "name": "Chứng thực bản sao từ bản chính",
    "processing_time": {"value": 1, "unit": "same_day", "cutoff": "15:00"},
}
CALENDAR_DAYS = {
    "code": "9.000103",
    "name": "Thủ tục minh họa tính theo ngày",
    "processing_time": {"value": 7, "unit": "calendar_days"},
}


def test_the_catalogue_and_the_calendar_name_the_same_units():
    # sibling layers, each with its own choices: the reception passes the catalogue's code to the calendar
    assert TimeUnit.values == DueUnit.values


def _procedure(changes: dict) -> Procedure:
    data = copy.deepcopy(COMMUNE_PROCEDURE)
    data.update(changes)
    catalogue_import(
        data={
            "format": "cchc-catalogue",
            "format_version": 1,
            "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
            "procedures": [data],
        },
        at=PUBLISHED,
    )
    return Procedure.objects.get(code=data["code"])


def _receive(w: World, procedure: Procedure, at: datetime) -> Dossier:
    return s.dossier_receive_counter(
        procedure=procedure,
        applicant=CITIZEN,
        receiving_agency=w.nha_trang,
        competent_agency=w.nha_trang,
        actor=w.commune_officer,
        at=at,
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 05/01/2026 08:00: that day at the close
        (datetime(2026, 1, 5, 8, 0, tzinfo=VN), datetime(2026, 1, 5, 17, 0, tzinfo=VN)),
        # Friday 09/01/2026 15:30, after the cut-off: Saturday 10/01 is a swapped working day (Tết Dương
        # lịch 2026), so the next working day's close is Saturday 17:00
        (datetime(2026, 1, 9, 15, 30, tzinfo=VN), datetime(2026, 1, 10, 17, 0, tzinfo=VN)),
        # Monday 05/01/2026 15:30: Tuesday at the close
        (datetime(2026, 1, 5, 15, 30, tzinfo=VN), datetime(2026, 1, 6, 17, 0, tzinfo=VN)),
    ],
)
def test_chung_thuc_is_due_at_the_close_of_the_day_or_of_the_next_after_15_00(world, received, due):
    dossier = _receive(world, _procedure(SAME_DAY), received)

    assert dossier.due_at == due
    assert dossier.original_due_at == due


def test_form_01_prints_within_the_day_and_the_appointment_at_the_close(world):
    dossier = _receive(world, _procedure(SAME_DAY), datetime(2026, 1, 5, 8, 0, tzinfo=VN))

    context = dossier_form_context(dossier=dossier, form=1)
    text = pdf_text(dossier_form_pdf(dossier=dossier, form=1))

    assert context["statutory_time"] == (
        "trong ngày làm việc; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo"
    )
    assert "Thời gian giải quyết hồ sơ theo quy định là: Trong ngày làm việc; tiếp nhận sau 15 giờ" in text
    assert "17 giờ 00 phút, thứ Hai, ngày 05 tháng 01 năm 2026" in text


def test_calendar_days_run_over_days_off(world):
    # Friday 06/02/2026 10:00 + 7 days = Friday 13/02/2026 10:00, a working day before Tết Bính Ngọ
    dossier = _receive(world, _procedure(CALENDAR_DAYS), datetime(2026, 2, 6, 10, 0, tzinfo=VN))
    assert dossier.due_at == datetime(2026, 2, 13, 10, 0, tzinfo=VN)
    # Monday 09/02/2026 + 7 days = Monday 16/02/2026, inside Tết (16-20/02): the close of Monday 23/02
    later = _receive(world, Procedure.objects.get(code="9.000103"), datetime(2026, 2, 9, 10, 0, tzinfo=VN))
    assert later.due_at == datetime(2026, 2, 23, 17, 0, tzinfo=VN)

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.calendars.services import office_hours_set


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_due_friday_afternoon(db):
    assert run("due", "2025-01-03T16:30", "1").splitlines()[0] == "Hẹn trả: 16:30 thứ Hai, 06/01/2025"


def test_due_after_hours_says_when_the_clock_starts(db):
    out = run("due", "2025-01-03T17:30", "1")
    assert out.splitlines()[0] == "Hẹn trả: 17:00 thứ Hai, 06/01/2025"
    assert "bắt đầu tính từ 07:00 thứ Hai, 06/01/2025" in out


def test_due_in_hours_and_with_utc_offset(db):
    assert run("due", "2025-01-03T09:00+00:00", "2", "--hours").splitlines()[0] == "Hẹn trả: 08:00 thứ Hai, 06/01/2025"
    assert run("due", "2025-01-06T07:00", "1,5", "--hours").splitlines()[0] == "Hẹn trả: 08:30 thứ Hai, 06/01/2025"


def test_due_across_tet_2026(db):
    assert run("due", "2026-02-12T14:00", "2").splitlines()[0] == "Hẹn trả: 14:00 thứ Hai, 23/02/2026"


def test_due_for_an_agency_uses_its_hours_and_the_record_valid_on_that_day(so_tu_phap):
    # given the department (record valid from 01/07/2025) works Saturdays
    office_hours_set(agency=so_tu_phap, weekdays="012345")
    # a receipt on Friday 05/09/2025 is due on Saturday
    out = run("due", "2025-09-05T16:30", "1", "--agency", "so-tu-phap")
    assert out.splitlines()[0] == "Hẹn trả: 16:30 thứ Bảy, 06/09/2025"
    assert "Sở Tư pháp" in out
    # before the 2025 reorganisation the code names the earlier record, with the default hours
    assert run("due", "2025-01-03T16:30", "1", "--agency", "so-tu-phap").splitlines()[0] == (
        "Hẹn trả: 16:30 thứ Hai, 06/01/2025"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "03/01/2025 16:30", "1"), "Thời điểm tiếp nhận không hợp lệ"),
        (("due", "2025-01-03T16:30", "ba"), "Số ngày làm việc không hợp lệ"),
        (("due", "2025-01-03T16:30", "-1"), "không âm"),
        (("due", "2025-01-03T16:30", "1.5"), "phải là số nguyên"),
        (("due", "2025-01-03T16:30", "x", "--hours"), "Số giờ làm việc không hợp lệ"),
        (("due", "2025-01-03T16:30", "1", "--agency", "khong-co"), "Không tìm thấy cơ quan"),
        (("due", "1990-01-03T16:30", "1"), "ngoài phạm vi"),
        (("days", "1800"), "Năm không hợp lệ"),
    ],
)
def test_bad_input_gets_a_vietnamese_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_days_lists_swaps_with_their_source(db):
    out = run("days", "2026")
    assert "02/01/2026 (thứ Sáu): nghỉ — điều chỉnh toàn quốc: Văn bản số 12729/VPCP-KGVX" in out
    assert "10/01/2026 (thứ Bảy): làm việc" in out
    assert "16/02/2026 (thứ Hai): nghỉ" in out


def test_console_script_exits_non_zero_on_bad_input(db):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "cchc", "calendar", "due", "không-phải-ngày", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Thời điểm tiếp nhận không hợp lệ" in result.stderr


def test_due_same_day_with_cut_off_and_calendar_days(db):
    # chứng thực (NĐ 23/2015/NĐ-CP Điều 7 khoản 1): received 08:00 -> that day's close; after 15:00 -> next day's
    assert run("due", "2025-01-03T08:00", "--unit", "same_day", "--cutoff", "15:00").splitlines()[0] == (
        "Hẹn trả: 17:00 thứ Sáu, 03/01/2025"
    )
    out = run("due", "2025-01-03T15:30", "--unit", "same_day", "--cutoff", "15:00")
    assert out.splitlines()[0] == "Hẹn trả: 17:00 thứ Hai, 06/01/2025"
    assert "tiếp nhận sau 15:00 trả trong ngày làm việc tiếp theo" in out
    # 7 calendar days ending inside Tết Ất Tỵ: the close of the next working day (BLDS 2015 Điều 148 khoản 5)
    assert run("due", "2025-01-20T10:00", "7", "--unit", "calendar_days").splitlines()[0] == (
        "Hẹn trả: 17:00 thứ Hai, 03/02/2025"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "2025-01-03T08:00", "--unit", "same_day", "--cutoff", "3pm"), "Giờ chốt tiếp nhận không hợp lệ"),
        (("due", "2025-01-03T08:00", "2", "--cutoff", "15:00"), "chỉ dùng với thủ tục giải quyết trong ngày"),
        (("due", "2025-01-03T08:00", "2", "--unit", "same_day"), "không kèm số ngày"),
        (("due", "2025-01-03T08:00", "--unit", "calendar_days"), "Thiếu thời hạn"),
        (("due", "2025-01-03T08:00", "1.5", "--unit", "calendar_days"), "phải là số nguyên"),
    ],
)
def test_bad_unit_input_gets_a_vietnamese_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)

"""Vietnamese everywhere a person reads (issue 12, item 20): the command line (argparse and file errors),
the administration, Django's own strings for an English browser, durations and numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

SRC = Path(__file__).resolve().parents[3]


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "cchc", *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


# --- the command line -------------------------------------------------------------------------------


def test_argparse_errors_and_usage_are_vietnamese():
    missing = cchc("program")
    assert missing.returncode == 2
    assert "Cách dùng: cchc program" in missing.stderr
    assert "cchc program: lỗi: thiếu tham số bắt buộc: action" in missing.stderr
    assert "usage:" not in missing.stderr
    assert "the following arguments are required" not in missing.stderr
    wrong = cchc("program", "bogus")
    assert "tham số action: giá trị 'bogus' không hợp lệ (chọn một trong: 'import'" in wrong.stderr
    assert "invalid choice" not in wrong.stderr
    helped = cchc("program", "--help")
    assert "Tùy chọn:" in helped.stdout
    assert "in hướng dẫn này rồi thoát" in helped.stdout
    assert "show this help message" not in helped.stdout


def test_a_missing_file_is_said_in_vietnamese(tmp_path: Path):
    absent = tmp_path / "khong-co.md"
    result = cchc("program", "import", str(absent))
    assert result.returncode == 1
    assert f"Không đọc được tệp {absent}: không có tệp hoặc thư mục này" in result.stderr
    assert "No such file or directory" not in result.stderr


def test_os_error_text():
    from cchc.common.cli import argparse_message, os_error_text

    assert os_error_text(FileNotFoundError(2, "No such file or directory", "/tmp/x.json")) == (
        "không có tệp hoặc thư mục này: /tmp/x.json"
    )
    assert os_error_text(PermissionError(13, "Permission denied")) == "không có quyền truy cập"
    assert argparse_message("unrecognized arguments: --x") == "tham số không nhận ra: --x"


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_administration_is_vietnamese_even_for_an_english_browser(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Quản trị hệ thống CCHC Khánh Hòa" in html
    assert "Django administration" not in html
    assert "Username" not in html


@pytest.mark.django_db
def test_an_english_browser_gets_the_vietnamese_interface(client):
    response = client.get("/chi-tieu/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"


def test_durations_are_vietnamese():
    with translation.override("vi"):
        text = Template("quá {{ d|timesince:today }}").render(
            Context({"d": date(2025, 12, 29), "today": date(2026, 12, 7)})
        )
    assert text == "quá 11\xa0tháng, 1\xa0tuần"  # Django joins number and unit with a no-break space


# --- numbers ----------------------------------------------------------------------------------------


def test_one_number_format():
    from cchc.common.numbers import vi_number, vi_seconds

    assert vi_number(2657) == "2.657"
    assert vi_number(1234567.5, 1) == "1.234.567,5"
    assert vi_number(Decimal("12.50"), trim=True) == "12,5"
    assert vi_number(None) == ""
    assert vi_seconds(14.8) == "14,8 giây"
    with translation.override("vi"):
        rendered = Template('{% load vi_format %}{{ a|so }} {{ b|so:1 }} {{ b|floatformat:"1g" }} {{ y }}').render(
            Context({"a": 2657, "b": 1234.56, "y": 2025})
        )
    assert rendered == "2.657 1.234,6 1.234,6 2025"


def test_waiting_times_read_in_the_unit_that_fits() -> None:
    from cchc.common.numbers import vi_age

    assert [vi_age(s) for s in (None, 12.7, 185, 7380, 2 * 86400 + 3600 * 5)] == [
        "—",
        "12 giây",
        "3 phút 5 giây",
        "2 giờ 3 phút",
        "2 ngày 5 giờ",
    ]

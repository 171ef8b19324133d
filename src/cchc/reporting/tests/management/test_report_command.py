"""``cchc report open|generate|demo``."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from cchc.reporting import services as s
from cchc.reporting.constants import ReportStatus, Timeliness
from cchc.reporting.demo import report_demo
from cchc.reporting.models import AgencyReport, ProvinceReport, ReportPeriod
from cchc.reporting.tests.conftest import AFTER_DUE, RWorld, sent_report

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_open_then_generate_writes_the_three_files(rw: RWorld, tmp_path: Path) -> None:
    out = StringIO()
    call_command("report", "open", "--period", "2025-Q4", stdout=out)
    assert "hạn gửi 15/12/2025, khóa sổ 14/01/2026" in out.getvalue()
    period = ReportPeriod.objects.get(key="2025-Q4")
    s.agency_report_accept(report=sent_report(rw, period), actor=rw.reviewer, at=AFTER_DUE)
    call_command(
        "report", "generate", "--period", "2025-Q4", "--out", str(tmp_path / "bc"), stdout=out, stderr=StringIO()
    )
    names = sorted(p.name for p in (tmp_path / "bc").iterdir())
    assert names == [
        "bao-cao-cchc-2025-Q4-du-thao-phu-luc-so-lieu.xlsx",
        "bao-cao-cchc-2025-Q4-du-thao.docx",
        "bao-cao-cchc-2025-Q4-du-thao.pdf",
    ]
    assert (tmp_path / "bc" / names[2]).read_bytes().startswith(b"%PDF")
    texts = [p.text for p in Document(str(tmp_path / "bc" / names[1])).paragraphs]
    assert any(t.startswith(f"- {rw.justice.name}:") for t in texts)
    assert ProvinceReport.objects.get().period == period


def test_generate_for_a_period_not_opened_is_refused(rw: RWorld, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Chưa mở kỳ báo cáo 2025-Q3"):
        call_command("report", "generate", "--period", "2025-Q3", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="report.invalid_period"):
        call_command("report", "open", "--period", "2025-13")


def test_demo_is_idempotent_and_covers_every_state(rw: RWorld) -> None:
    now = datetime(2026, 1, 20, 9, 0, tzinfo=VN)
    first = report_demo(now=now)
    assert first.period.key == "2025-Q4"
    assert first.current.key == "2026-Q1"
    statuses = set(AgencyReport.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in ReportStatus}
    assert set(AgencyReport.objects.values_list("timeliness", flat=True)) == {t.value for t in Timeliness}
    assert ProvinceReport.objects.count() == 1
    count = AgencyReport.objects.count()
    second = report_demo(now=now)
    assert second.created_reports == 0
    assert not second.passwords
    assert AgencyReport.objects.count() == count

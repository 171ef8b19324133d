"""``cchc surveys import | export | demo | summary`` through ``call_command``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cchc.surveys.demo import DEMO_CAMPAIGN
from cchc.surveys.models import Campaign, Questionnaire, Response
from cchc.surveys.spec import parse_questionnaire
from cchc.surveys.tests.conftest import shipped_data


def test_import_export_round_trip_through_files(world, tmp_path):
    out = io.StringIO()
    call_command("surveys", "import", stdout=out)
    target = tmp_path / "bo-cau-hoi.json"
    call_command("surveys", "export", "--code", "sipas-mot-cua", "-o", str(target), stderr=io.StringIO())
    call_command("surveys", "import", str(target), stdout=out)

    assert "Đã nạp bộ câu hỏi «sipas-mot-cua» phiên bản 1." in out.getvalue()
    assert "không có thay đổi" in out.getvalue()
    assert parse_questionnaire(json.loads(target.read_text(encoding="utf-8"))) == parse_questionnaire(shipped_data())
    assert Questionnaire.objects.count() == 1


def test_bad_file_is_refused_with_a_clear_message(world, tmp_path):
    bad = tmp_path / "sai.json"
    bad.write_text(json.dumps({**shipped_data(), "scale": []}), encoding="utf-8")

    with pytest.raises(CommandError, match="không có thay đổi nào.*5 mức.*scale"):
        call_command("surveys", "import", str(bad))
    assert Questionnaire.objects.count() == 0


def test_demo_is_idempotent_and_feeds_the_summary(world, settings):
    settings.DEBUG = True  # a demo command (cchc.common.demo)
    out = io.StringIO()
    call_command("surveys", "demo", "--responses", "15", stdout=out, stderr=io.StringIO())
    call_command("surveys", "demo", "--responses", "15", stdout=out, stderr=io.StringIO())

    campaign = Campaign.objects.get(code=DEMO_CAMPAIGN)
    assert Response.objects.filter(campaign=campaign).count() == 15
    assert "thêm 0 phiếu, có 15 phiếu" in out.getvalue()
    assert len({r.agency_id for r in Response.objects.all()}) > 3
    summary = io.StringIO()
    call_command("surveys", "summary", "--from", "2025-07-01", "--to", "2026-12-31", "--by", "level", stdout=summary)
    rows = list(csv.reader(io.StringIO(summary.getvalue())))
    assert rows[-1][1] == "Toàn tỉnh"
    assert rows[-1][rows[0].index("Số phiếu khảo sát")] == "15"

"""``cchc plans generate`` and ``cchc plans demo``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cchc.plans.constants import AssignmentStatus
from cchc.plans.models import Assignment

pytestmark = pytest.mark.django_db


def test_generate_command(plans, capsys):
    call_command("plans", "generate", "--year", "2027")
    out = capsys.readouterr().out
    assert "Kế hoạch cải cách hành chính năm 2027" in out
    count = Assignment.objects.filter(year=2027).count()
    assert count > 0
    call_command("plans", "generate", "--year", "2027")
    assert f"0 mới, 0 cập nhật, {count} không đổi" in capsys.readouterr().out


def test_generate_refuses_a_bad_year(plans):
    with pytest.raises(CommandError, match="plans.invalid_year"):
        call_command("plans", "generate", "--year", "1990")


def test_demo_is_idempotent_and_realistic(plans, settings, capsys):
    settings.DEBUG = True
    call_command("plans", "demo")
    statuses = {s: Assignment.objects.filter(status=s).count() for s in AssignmentStatus.values}
    # a mix: done, submitted and in progress items, most still not started
    assert statuses[AssignmentStatus.DONE] > 0
    assert statuses[AssignmentStatus.IN_PROGRESS] > 0
    assert statuses[AssignmentStatus.NOT_STARTED] > statuses[AssignmentStatus.DONE]
    assert "kehoach.snv" in capsys.readouterr().out
    call_command("plans", "demo")
    assert {s: Assignment.objects.filter(status=s).count() for s in AssignmentStatus.values} == statuses
    assert "Tiến độ mẫu: 0 nhiệm vụ" in capsys.readouterr().out


def test_demo_refuses_without_debug(plans, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("plans", "demo")

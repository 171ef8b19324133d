"""Issue 12 item 4: every command that writes demo data or demo accounts refuses outside DEBUG, and a
web process started without DJANGO_SETTINGS_MODULE never runs on the development settings."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cchc.audit.models import AuditEvent
from cchc.config.tests.test_production import AUDIT_KEYS, GOOD_SECRET, REDIS

DEMO_COMMANDS = [
    ["demo_admin"],
    ["demo_staff"],
    ["simulate", "--dossiers", "5", "--seed", "1", "--no-progress"],
    ["feedback", "demo"],
    ["plans", "demo"],
    ["surveys", "demo", "--responses", "5"],
    ["par", "demo"],
    ["program", "demo-targets"],
    ["report", "demo"],
]
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.mark.django_db
@pytest.mark.parametrize("command", DEMO_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_demo_commands_refuse_outside_debug_and_write_nothing(settings, command: list[str]) -> None:
    settings.DEBUG = False
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    users, events = get_user_model().objects.count(), AuditEvent.objects.count()
    out = StringIO()

    with pytest.raises(CommandError, match="chỉ dùng cho bản chạy thử"):
        call_command(*command, stdout=out, stderr=StringIO())

    assert out.getvalue() == ""
    assert (get_user_model().objects.count(), AuditEvent.objects.count()) == (users, events)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "CCHC_AUDIT_KEYS"}
    }
    clean["CCHC_AUDIT_KEYS"] = AUDIT_KEYS
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_report_demo_under_the_production_settings_is_refused_in_vietnamese() -> None:
    done = _python(
        "from cchc.__main__ import main; main(['cchc', 'report', 'demo'])",
        DJANGO_SETTINGS_MODULE="cchc.config.production",
        DEBUG="0",
        SECRET_KEY=GOOD_SECRET,
        DATABASE_URL=POSTGRES,
        CACHE_URL=REDIS,
    )

    assert done.returncode != 0
    assert "«cchc report demo» chỉ dùng cho bản chạy thử (DEBUG=1)" in done.stderr


@pytest.mark.parametrize("module", ["cchc.config.wsgi", "cchc.config.asgi"])
def test_a_web_process_without_settings_module_runs_the_production_settings(module: str) -> None:
    probe = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"

    configured = _python(probe, DEBUG="0", SECRET_KEY=GOOD_SECRET, DATABASE_URL=POSTGRES, CACHE_URL=REDIS)
    bare = _python(probe)  # nothing set: the production settings refuse to start (DEBUG defaults on)

    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.split() == ["cchc.config.production", "False"]
    assert bare.returncode != 0
    assert "DEBUG must be off" in bare.stderr

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_record
from cchc.audit.tests.conftest import AT


def _events(target, n):
    for i in range(n):
        audit_record(actor=None, action="group.touch", target=target, before=None, after={"i": i}, at=AT)


def test_verify_reports_an_intact_chain(group, capsys):
    _events(group, 3)

    call_command("audit", "verify")

    assert "Chuỗi nhật ký toàn vẹn: 3 sự kiện" in capsys.readouterr().out


def test_verify_names_the_first_broken_event_and_fails(group):
    _events(group, 3)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET target_label = 'x' WHERE sequence = 2")

    with pytest.raises(CommandError, match="sự kiện số 2") as excinfo:
        call_command("audit", "verify")

    assert excinfo.value.returncode != 0

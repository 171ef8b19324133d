"""Issue 12 item 10: the chain is keyed (HMAC-SHA256, key outside the database, key id in each event),
rotatable, and anchored (``cchc audit anchor``, ``verify --since-anchor`` / ``--anchor``)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.audit.canonical import chain_hash
from cchc.audit.models import AuditAnchor, AuditEvent
from cchc.audit.services import audit_record, audit_verify
from cchc.audit.tests.conftest import AT

KEY_A = "a:" + "bi-mat-cua-khoa-a-" * 3
KEY_B = "b:" + "bi-mat-cua-khoa-b-" * 3


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.CCHC_AUDIT_KEYS = KEY_A
    settings.CCHC_AUDIT_KEY_ID = ""
    settings.CCHC_AUDIT_UNKEYED_UNTIL = 0


def _record(group, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        audit_record(
            actor=None,
            action="group.touch",
            target=group,
            before=None,
            after={"i": i},
            at=AT + timedelta(minutes=i),
        )


def _rewrite_from(sequence: int, *, key: bytes | None, key_id: str | None = None) -> None:
    """What someone with write access to the database does: edit event ``sequence`` and recompute its
    hash and every later one with the application's own function (``chain_hash``)."""
    from django.db import connection

    table = AuditEvent._meta.db_table
    events = list(AuditEvent.objects.filter(sequence__gte=sequence - 1).order_by("sequence"))
    prev = events[0].hash if sequence > 1 else "0" * 64
    for event in events[1:] if sequence > 1 else events:
        if event.sequence == sequence:
            event.after = {"i": 999}
        event.prev_hash = prev
        event.hash = chain_hash(event.hash_payload(), prev, key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET after = %s, prev_hash = %s, hash = %s, key_id = %s WHERE sequence = %s",
                [json.dumps(event.after), prev, event.hash, event.key_id if key_id is None else key_id, event.sequence],
            )
        prev = event.hash


def test_events_carry_the_key_id_and_verify(group):
    _record(group, 3)

    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {"a"}
    assert audit_verify().ok


@pytest.mark.parametrize("key_id", [None, ""], ids=["key id kept", "marked unkeyed"])
def test_a_rewrite_recomputed_with_the_apps_function_without_the_key_fails(group, key_id):
    _record(group, 4)

    _rewrite_from(2, key=None, key_id=key_id)
    result = audit_verify()

    assert not result.ok
    assert result.broken_sequence == 2


def test_a_rewrite_with_a_wrong_key_fails_and_one_with_the_key_is_caught_by_an_outside_anchor(group):
    _record(group, 4)
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    printed = out.getvalue().split()[3]  # "Mốc nhật ký: SEQ:HASH lúc …"
    assert printed == f"4:{AuditEvent.objects.get(sequence=4).hash}"
    assert AuditAnchor.objects.get().sequence == 4

    _rewrite_from(2, key=b"khoa-doan-mo-khong-dung" * 2)
    assert audit_verify().broken_sequence == 2

    # whoever holds the key (or the server it runs on) can rewrite the chain; the anchor copy kept outside
    # the database tells: the stored anchor no longer matches, and the external copy neither
    _rewrite_from(2, key=KEY_A.split(":", 1)[1].encode())
    assert audit_verify().reason == "không khớp mốc nhật ký đã lưu"
    with pytest.raises(CommandError, match="sự kiện tại mốc không còn mã băm của mốc"):
        call_command("audit", "verify", "--anchor", printed, stdout=StringIO())


def test_verify_since_the_anchor_checks_only_the_events_after_it(group):
    _record(group, 3)
    call_command("audit", "anchor", stdout=StringIO())
    _record(group, 2, start=3)
    out = StringIO()

    call_command("audit", "verify", "--since-anchor", stdout=out)

    assert "toàn vẹn: 2 sự kiện" in out.getvalue()
    assert audit_verify().count == 5


def test_a_key_rotation_verifies_while_the_old_key_is_listed(group, settings):
    _record(group, 2)
    settings.CCHC_AUDIT_KEYS = f"{KEY_B},{KEY_A}"  # b first: the current key
    _record(group, 2, start=2)

    assert list(AuditEvent.objects.order_by("sequence").values_list("key_id", flat=True)) == ["a", "a", "b", "b"]
    assert audit_verify().ok

    settings.CCHC_AUDIT_KEYS = f"{KEY_A},{KEY_B}"
    settings.CCHC_AUDIT_KEY_ID = "b"  # the current key named explicitly
    _record(group, 1, start=4)
    assert audit_verify().ok

    settings.CCHC_AUDIT_KEYS = KEY_B  # the old key withdrawn: its events can no longer be verified
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 1
    assert "«a» không có trong CCHC_AUDIT_KEYS" in result.reason


def test_unkeyed_events_are_accepted_only_up_to_the_configured_sequence(group, settings):
    _record(group, 3)
    _rewrite_from(1, key=None, key_id="")  # as the events written before the chain was keyed

    assert audit_verify().broken_sequence == 1
    settings.CCHC_AUDIT_UNKEYED_UNTIL = 3
    assert audit_verify().ok
    settings.CCHC_AUDIT_UNKEYED_UNTIL = 2
    assert audit_verify().broken_sequence == 3

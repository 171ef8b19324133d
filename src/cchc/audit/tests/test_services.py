from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from cchc.audit.constants import GENESIS_HASH, SYSTEM_ACTOR_LABEL
from cchc.audit.models import AppendOnlyError, AuditEvent
from cchc.audit.selectors import audit_events_for
from cchc.audit.services import (
    audit_append_statements,
    audit_appended,
    audit_event_new,
    audit_record,
    audit_snapshot,
    audit_verify,
)
from cchc.audit.tests.conftest import AT
from cchc.common.tests.pgtrace import RoundTrips


def _record(target, n=1, actor=None, **kwargs):
    events = []
    for i in range(n):
        events.append(
            audit_record(
                actor=actor,
                action=kwargs.get("action", "group.rename"),
                target=target,
                before={"name": f"v{i}"},
                after={"name": f"v{i + 1}", "fee": Decimal("12000.50"), "due": AT + timedelta(days=i)},
                at=AT + timedelta(minutes=i),
                request_id=kwargs.get("request_id", ""),
            )
        )
    return events


def _raw(sql, params):
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_events_chain_from_genesis_and_the_chain_verifies(group, officer):
    events = _record(group, 3, actor=officer)

    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit_verify().ok
    assert audit_verify().count == 3


def test_stored_event_reads_back_canonical_and_rehashes_to_the_same_value(group, officer):
    (event,) = _record(group, actor=officer)

    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.after == {"name": "v1", "fee": "12000.50", "due": "2025-04-26T01:30:00.000000+00:00"}
    assert stored.compute_hash() == stored.hash == event.hash
    assert stored.actor_label == "tiepnhan01"
    assert stored.target_label == "Bộ phận một cửa"
    assert stored.target_id == str(group.pk)
    assert stored.changed_fields == ["due", "fee", "name"]


def test_event_without_an_actor_is_the_system(group):
    (event,) = _record(group)

    assert event.actor is None
    assert event.actor_label == SYSTEM_ACTOR_LABEL


def test_raw_sql_edit_of_an_event_is_detected_at_its_sequence(group, officer):
    _record(group, 4, actor=officer)

    _raw("UPDATE {table} SET after = %s WHERE sequence = 2", ['{"name": "giả mạo"}'])
    result = audit_verify()

    assert not result.ok
    assert result.broken_sequence == 2
    assert result.count == 1
    assert "thay đổi" in result.reason


def test_raw_sql_edit_of_the_actor_label_is_detected(group, officer):
    _record(group, 3, actor=officer)

    _raw("UPDATE {table} SET actor_label = %s WHERE sequence = 3", ["someone-else"])

    assert audit_verify().broken_sequence == 3


def test_recomputed_hash_on_an_edited_row_still_breaks_the_link_to_the_next(group, officer):
    events = _record(group, 3, actor=officer)
    forged = AuditEvent.objects.get(sequence=2)
    forged.action = "group.delete"
    _raw("UPDATE {table} SET action = %s, hash = %s WHERE sequence = 2", ["group.delete", forged.compute_hash()])

    result = audit_verify()

    assert events[2].prev_hash != forged.compute_hash()
    assert result.broken_sequence == 3
    assert "trước" in result.reason


def test_raw_sql_removal_of_an_event_is_detected_as_a_gap(group, officer):
    _record(group, 4, actor=officer)

    _raw("DELETE FROM {table} WHERE sequence = %s", [2])
    result = audit_verify()

    assert result.broken_sequence == 2
    assert "thiếu" in result.reason


def test_update_and_delete_are_refused_and_change_nothing(group, officer):
    (event,) = _record(group, actor=officer)

    event.action = "group.delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="group.delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=event.pk).action == "group.rename"
    assert audit_verify().ok


def test_an_event_cannot_be_inserted_around_audit_record(group):
    event = AuditEvent(sequence=1, at=AT, actor_label="x", action="a", target_type_id=1, target_id="1")
    event.prev_hash = GENESIS_HASH
    event.hash = "f" * 64

    with pytest.raises(AppendOnlyError):
        event.save()
    assert not AuditEvent.objects.exists()


def test_the_database_refuses_a_second_event_at_the_same_position(group):
    (first,) = _record(group)
    fork = AuditEvent(sequence=1, at=AT, actor_label="x", action="fork", target_type=first.target_type, target_id="1")
    fork.prev_hash = GENESIS_HASH  # the same predecessor and position as event 1: a fork
    fork.hash = fork.compute_hash()

    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_verify_finds_an_event_hung_on_the_wrong_predecessor(group):
    (first,) = _record(group)
    stray = AuditEvent(sequence=2, at=AT, actor_label="x", action="fork", target_type=first.target_type, target_id="1")
    stray.prev_hash = GENESIS_HASH  # not the hash of event 1
    stray.hash = stray.compute_hash()
    stray.save()

    result = audit_verify()

    assert not result.ok
    assert result.broken_sequence == 2


def _write_then_fail(group):
    with transaction.atomic():
        _record(group)
        raise RuntimeError("the audited write failed")


def test_a_rolled_back_write_leaves_no_event_and_no_gap(group):
    with pytest.raises(RuntimeError):
        _write_then_fail(group)

    (event,) = _record(group)

    assert event.sequence == 1
    assert audit_verify().ok


def test_an_unsaved_target_is_refused(db):
    with pytest.raises(ValueError, match="đã được lưu"):
        _record(Group(name="chưa lưu"))


def test_an_account_that_acted_cannot_be_deleted(group, officer):
    _record(group, actor=officer)

    with pytest.raises(ProtectedError):
        officer.delete()


def test_snapshot_takes_concrete_fields_by_attname(officer):
    snap = audit_snapshot(officer, ["username", "is_active"])

    assert snap == {"username": "tiepnhan01", "is_active": True}
    assert "password" in audit_snapshot(officer)


def test_events_for_a_target_are_its_timeline_only(group, officer):
    other = Group.objects.create(name="Văn thư")
    _record(group, 2, actor=officer)
    _record(other, 1, actor=officer)

    timeline = list(audit_events_for(target=group))

    assert [e.sequence for e in timeline] == [1, 2]
    assert timeline[0].actor == officer


def test_explicit_request_id_is_recorded(group):
    (event,) = _record(group, request_id="req-42")

    assert event.request_id == "req-42"


def test_empty_verify_is_intact(db):
    assert audit_verify().ok
    assert audit_verify().count == 0


def test_user_target_and_anonymous_like_actor(db):
    user = User.objects.create_user(username="lanhdao")

    event = audit_record(
        actor=AnonymousUser(),  # type: ignore[arg-type]
        action="user.create",
        target=user,
        before=None,
        after={"username": "lanhdao"},
        at=AT,
    )

    assert event.actor_id is None
    assert event.target_label == "lanhdao"


def test_a_stored_event_hashes_to_the_same_pinned_value_on_every_database(db, settings):
    """Run on SQLite and PostgreSQL alike: fixed ids and a fixed key, so the stored event's hash is a
    constant (an HMAC-SHA256 since issue 12 item 10; the unkeyed SHA-256 of the same text was ce75e77f…)."""
    settings.CCHC_AUDIT_KEYS = "pin:" + "khoa-co-dinh-cho-phep-thu-" * 2
    settings.CCHC_AUDIT_KEY_ID = ""
    target = Group.objects.create(pk=9001, name="Trung tâm Phục vụ hành chính công")
    actor = User.objects.create_user(pk=9002, username="tiepnhan.tinh")
    audit_record(
        actor=actor,
        action="dossier.receive",
        target=target,
        before={"status": "new", "fee": Decimal("0")},
        after={"status": "received", "fee": Decimal("50000.00"), "due": AT, "note": "Đã nhận đủ hồ sơ"},
        at=AT,
        request_id="req-1",
    )

    stored = AuditEvent.objects.get(sequence=1)

    assert stored.compute_hash() == stored.hash
    assert stored.hash == "0effdee27208374679b6975081cf1f731a170a3c009fd3ea0f6c4a334f4a8d51"


def test_an_event_appended_with_the_callers_statements_joins_the_same_chain(group, officer):
    if connection.vendor != "postgresql":
        pytest.skip("the batched append is PostgreSQL's (SQLite: audit_record)")
    (first,) = _record(group, actor=officer)
    pending = audit_event_new(
        actor=officer, action="group.rename", target=group, before={"name": "a"}, after={"name": "b"}, at=AT
    )

    with connection.cursor() as cursor:  # the dossier executor sends them in one round trip
        for sql, params in [
            ("UPDATE auth_group SET name = %s WHERE id = %s", ["b", group.pk]),
            *audit_append_statements(pending),
        ]:
            cursor.execute(sql, params)
        event = audit_appended(pending, cursor.fetchone())

    assert (event.sequence, event.prev_hash) == (2, first.hash)
    assert AuditEvent.objects.get(sequence=2).compute_hash() == event.hash
    assert audit_verify().ok


def test_a_hash_that_does_not_match_the_events_text_is_refused(group):
    pending = audit_event_new(actor=None, action="group.touch", target=group, before=None, after=None, at=AT)

    with pytest.raises(RuntimeError, match="không khớp"):
        audit_appended(pending, (1, 1, GENESIS_HASH, "f" * 64))


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_outside_a_transaction_is_its_own_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("the round trip is PostgreSQL's")
    target = Group.objects.create(name="Văn thư")
    ContentType.objects.get_for_model(target)  # cached: the event's own statements only

    with RoundTrips() as trips:
        event = audit_record(actor=None, action="group.touch", target=target, before=None, after={"n": 1}, at=AT)

    # BEGIN, the chain's lock, the insert, COMMIT (the dossier transitions batch theirs: the executor)
    assert trips.queries[-1] == "COMMIT", trips.queries
    assert connection.get_autocommit()
    assert AuditEvent.objects.get(sequence=1).hash == event.hash

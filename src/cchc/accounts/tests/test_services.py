from datetime import date

import pytest

from cchc.accounts.constants import (
    AGENCY_NOT_VALID,
    INVALID_PERIOD,
    MEMBERSHIP_ENDED,
    MEMBERSHIP_OVERLAP,
    AccountsError,
    Area,
    Role,
)
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant, membership_revoke
from cchc.accounts.tests.conftest import AT, MERGER_DAY
from cchc.audit.models import AuditEvent
from cchc.audit.selectors import audit_events_for
from cchc.audit.services import audit_verify


def _grant(user, agency, role=Role.SPECIALIST, valid_from=MERGER_DAY, valid_to=None, actor=None, area=Area.ONE_STOP):
    return membership_grant(
        user=user, agency=agency, area=area, role=role, valid_from=valid_from, valid_to=valid_to, actor=actor, at=AT
    )


def test_grant_records_the_membership_and_an_audit_event(officer, manager, justice):
    membership = _grant(officer, justice, actor=manager)

    (event,) = audit_events_for(target=membership)
    assert membership.role == Role.SPECIALIST
    assert membership.valid_to is None
    assert event.action == "membership.grant"
    assert event.actor == manager
    assert event.before is None
    assert event.after == {
        "user_id": officer.pk,
        "agency_id": justice.pk,
        "area": "one_stop",
        "role": "specialist",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "note": "",
    }
    assert audit_verify().ok


def test_same_role_twice_over_an_overlapping_period_is_refused_and_changes_nothing(officer, justice):
    _grant(officer, justice, valid_to=date(2026, 1, 1))
    events = AuditEvent.objects.count()

    with pytest.raises(AccountsError) as excinfo:
        _grant(officer, justice, valid_from=date(2025, 12, 1))

    assert excinfo.value.code == MEMBERSHIP_OVERLAP
    assert "đã được phân công" in excinfo.value.message
    assert AgencyMembership.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_other_roles_and_later_periods_can_be_granted(officer, justice):
    _grant(officer, justice, valid_to=date(2026, 1, 1))
    _grant(officer, justice, role=Role.LEADER)
    _grant(officer, justice, valid_from=date(2026, 1, 1))

    assert AgencyMembership.objects.filter(user=officer).count() == 3


def test_grant_at_an_agency_that_no_longer_exists_is_refused(officer, justice_before_merger):
    with pytest.raises(AccountsError) as excinfo:
        _grant(officer, justice_before_merger, valid_from=MERGER_DAY)

    assert excinfo.value.code == AGENCY_NOT_VALID
    assert not AgencyMembership.objects.exists()


def test_grant_with_an_empty_period_is_refused(officer, justice):
    with pytest.raises(AccountsError) as excinfo:
        _grant(officer, justice, valid_from=date(2025, 8, 1), valid_to=date(2025, 8, 1))

    assert excinfo.value.code == INVALID_PERIOD


def test_grant_of_an_unknown_role_is_refused(officer, justice):
    with pytest.raises(ValueError):  # noqa: PT011 - the Role enum's own error
        _grant(officer, justice, role="janitor")


def test_revoke_ends_the_membership_and_records_before_and_after(officer, manager, justice):
    membership = _grant(officer, justice)

    revoked = membership_revoke(membership=membership, on=date(2025, 9, 1), actor=manager, at=AT)

    assert revoked.valid_to == date(2025, 9, 1)
    grant, revoke = audit_events_for(target=membership)
    assert revoke.action == "membership.revoke"
    assert revoke.before["valid_to"] is None
    assert revoke.after["valid_to"] == "2025-09-01"
    assert revoke.changed_fields == ["valid_to"]
    assert audit_verify().count == 2


def test_revoke_on_or_before_the_start_is_refused(officer, justice):
    membership = _grant(officer, justice)

    with pytest.raises(AccountsError) as excinfo:
        membership_revoke(membership=membership, on=MERGER_DAY, actor=None, at=AT)

    assert excinfo.value.code == INVALID_PERIOD
    membership.refresh_from_db()
    assert membership.valid_to is None


def test_revoking_an_ended_membership_is_refused(officer, justice):
    membership = _grant(officer, justice)
    membership_revoke(membership=membership, on=date(2025, 9, 1), actor=None, at=AT)

    with pytest.raises(AccountsError) as excinfo:
        membership_revoke(membership=membership, on=date(2025, 10, 1), actor=None, at=AT)

    assert excinfo.value.code == MEMBERSHIP_ENDED
    membership.refresh_from_db()
    assert membership.valid_to == date(2025, 9, 1)
    assert AuditEvent.objects.count() == 2


def test_the_same_role_in_another_area_is_another_membership(officer, justice):
    one_stop = _grant(officer, justice)

    par = _grant(officer, justice, area=Area.PAR)

    assert (one_stop.area, par.area) == (Area.ONE_STOP, Area.PAR)
    assert AgencyMembership.objects.filter(user=officer).count() == 2
    with pytest.raises(AccountsError) as excinfo:
        _grant(officer, justice, area=Area.PAR, valid_from=date(2025, 12, 1))
    assert excinfo.value.code == MEMBERSHIP_OVERLAP
    assert "Chỉ số cải cách hành chính" in excinfo.value.message

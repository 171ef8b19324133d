from datetime import date

from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import (
    agency_staff,
    membership_list_valid_on,
    membership_roles_held,
    user_agencies,
    user_roles,
)
from cchc.accounts.services import membership_grant, membership_revoke
from cchc.accounts.tests.conftest import AT, MERGER_DAY


def _grant(user, agency, role, valid_from=MERGER_DAY, area=Area.ONE_STOP):
    return membership_grant(user=user, agency=agency, area=area, role=role, valid_from=valid_from, actor=None, at=AT)


ONE_STOP = Area.ONE_STOP


def test_user_agencies_follow_the_membership_period(officer, justice, nha_trang):
    membership = _grant(officer, justice, Role.SPECIALIST)
    _grant(officer, nha_trang, Role.RECEPTION, valid_from=date(2025, 8, 1))
    membership_revoke(membership=membership, on=date(2025, 10, 1), actor=None, at=AT)

    assert list(user_agencies(user=officer, on=date(2025, 6, 30), area=ONE_STOP)) == []
    assert list(user_agencies(user=officer, on=date(2025, 7, 15), area=ONE_STOP)) == [justice]
    assert set(user_agencies(user=officer, on=date(2025, 9, 1), area=ONE_STOP)) == {justice, nha_trang}
    assert list(user_agencies(user=officer, on=date(2025, 10, 1), area=ONE_STOP)) == [nha_trang]


def test_user_agencies_by_role(officer, justice, nha_trang):
    _grant(officer, justice, Role.SPECIALIST)
    _grant(officer, justice, Role.LEADER)
    _grant(officer, nha_trang, Role.RECEPTION)

    assert list(user_agencies(user=officer, on=MERGER_DAY, role=Role.RECEPTION, area=ONE_STOP)) == [nha_trang]
    assert list(user_agencies(user=officer, on=MERGER_DAY, role=Role.LEADER, area=ONE_STOP)) == [justice]
    assert user_agencies(user=officer, on=MERGER_DAY, area=ONE_STOP).count() == 2


def test_memberships_at_an_agency_that_ended_stop_counting(officer, justice_before_merger):
    _grant(officer, justice_before_merger, Role.SPECIALIST, valid_from=date(2024, 1, 1))

    assert list(user_agencies(user=officer, on=date(2025, 6, 30), area=ONE_STOP)) == [justice_before_merger]
    assert list(user_agencies(user=officer, on=MERGER_DAY, area=ONE_STOP)) == []


def test_user_roles_at_one_agency(officer, justice, nha_trang):
    _grant(officer, justice, Role.SPECIALIST)
    _grant(officer, justice, Role.CLERK)
    _grant(officer, nha_trang, Role.RECEPTION)

    assert user_roles(user=officer, agency=justice, on=MERGER_DAY, area=ONE_STOP) == {Role.SPECIALIST, Role.CLERK}
    assert user_roles(user=officer, agency=justice, on=date(2025, 6, 1), area=ONE_STOP) == frozenset()


def test_an_inactive_user_acts_for_nobody(officer, justice):
    _grant(officer, justice, Role.SPECIALIST)
    officer.is_active = False
    officer.save()

    assert list(user_agencies(user=officer, on=MERGER_DAY, area=ONE_STOP)) == []
    assert user_roles(user=officer, agency=justice, on=MERGER_DAY, area=ONE_STOP) == frozenset()
    assert list(agency_staff(agency=justice, on=MERGER_DAY, area=ONE_STOP)) == []


def test_agency_staff_lists_active_members_by_role(officer, justice):
    leader = User.objects.create_user(username="lanhdao01")
    _grant(officer, justice, Role.SPECIALIST)
    _grant(leader, justice, Role.LEADER)

    assert list(agency_staff(agency=justice, on=MERGER_DAY, area=ONE_STOP)) == [officer, leader]  # by username
    assert list(agency_staff(agency=justice, on=MERGER_DAY, area=ONE_STOP, role=Role.LEADER)) == [leader]


def test_user_agencies_is_one_query_with_units_and_parents(officer, justice, nha_trang, django_assert_num_queries):
    _grant(officer, justice, Role.SPECIALIST)
    _grant(officer, nha_trang, Role.RECEPTION)

    with django_assert_num_queries(1):
        labels = [
            (a.name, a.unit.name if a.unit else "", a.parent.name if a.parent else "")
            for a in user_agencies(user=officer, on=MERGER_DAY, area=ONE_STOP)
        ]

    assert len(labels) == 2


def test_roles_held_answer_as_the_membership_list(officer, manager, justice, justice_before_merger, nha_trang):
    membership = _grant(officer, justice, Role.SPECIALIST)
    _grant(officer, justice, Role.LEADER, valid_from=date(2025, 9, 1))
    _grant(officer, justice_before_merger, Role.SPECIALIST, valid_from=date(2024, 1, 1))
    _grant(manager, nha_trang, Role.RECEPTION, valid_from=date(2025, 8, 1))
    membership_revoke(membership=membership, on=date(2025, 10, 1), actor=None, at=AT)
    users = [officer.pk, manager.pk]
    agencies = [justice.pk, justice_before_merger.pk, nha_trang.pk]
    days = [date(2025, 6, 30), MERGER_DAY, date(2025, 8, 1), date(2025, 9, 30), date(2025, 10, 1), date(2026, 1, 5)]

    for day in days:
        expected = set(
            membership_list_valid_on(on=day, area=ONE_STOP)
            .filter(user_id__in=users, agency_id__in=agencies)
            .values_list("user_id", "agency_id", "role")
        )
        assert membership_roles_held(user_ids=users, agency_ids=agencies, on=day, area=ONE_STOP) == expected, day
    assert membership_roles_held(user_ids=users, agency_ids=[justice.pk], on=date(2025, 9, 30), area=ONE_STOP) == {
        (officer.pk, justice.pk, Role.SPECIALIST),
        (officer.pk, justice.pk, Role.LEADER),
    }
    assert membership_roles_held(
        user_ids=users, agency_ids=[justice_before_merger.pk], on=date(2025, 6, 30), area=ONE_STOP
    ) == {(officer.pk, justice_before_merger.pk, Role.SPECIALIST)}
    assert membership_roles_held(user_ids=[], agency_ids=agencies, on=MERGER_DAY, area=ONE_STOP) == set()


def test_every_read_counts_only_the_memberships_of_its_area(officer, justice):
    _grant(officer, justice, Role.SPECIALIST, area=Area.PAR)

    assert list(user_agencies(user=officer, on=MERGER_DAY, area=Area.PAR)) == [justice]
    assert list(user_agencies(user=officer, on=MERGER_DAY, area=ONE_STOP)) == []
    assert user_roles(user=officer, agency=justice, on=MERGER_DAY, area=ONE_STOP) == frozenset()
    assert list(agency_staff(agency=justice, on=MERGER_DAY, area=ONE_STOP)) == []
    assert membership_roles_held(user_ids=[officer.pk], agency_ids=[justice.pk], on=MERGER_DAY, area=ONE_STOP) == set()
    assert membership_roles_held(user_ids=[officer.pk], agency_ids=[justice.pk], on=MERGER_DAY, area=Area.PAR) == {
        (officer.pk, justice.pk, Role.SPECIALIST)
    }

"""Concurrency on PostgreSQL: two officers acting on one dossier at once (exactly one wins), and many desks
receiving at one unit on one day (codes 0001..N, no gap, no duplicate). SQLite has a single writer and
no row locks, so it cannot show either."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection

from cchc.accounts.constants import Role
from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_verify
from cchc.common.tests.concurrency import run_together
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus
from cchc.dossiers.models import Dossier, DossierSequence
from cchc.dossiers.tests.conftest import AT, CITIZEN, _grant, build_world, submit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_officers_receiving_one_dossier_exactly_one_wins() -> None:
    world = build_world()
    second = User.objects.create_user(username="tiepnhan2", password="x-Secret-123")
    _grant(second, world.centre, Role.RECEPTION)
    dossier = submit(world)
    mine = Dossier.objects.get(pk=dossier.pk)
    theirs = Dossier.objects.get(pk=dossier.pk)

    results = run_together(
        [
            lambda: s.dossier_receive(dossier=mine, actor=world.reception, at=AT + timedelta(minutes=5)),
            lambda: s.dossier_receive(dossier=theirs, actor=second, at=AT + timedelta(minutes=5)),
        ]
    )

    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, DossierError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert losers[0].code == DossierErrorCode.INVALID_TRANSITION
    assert "vừa được cập nhật" in losers[0].message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.code == "56-260105-0001"
    assert dossier.received_by_id == winners[0].received_by_id
    assert dossier.steps.count() == 4  # the loser created nothing
    assert list(AuditEvent.objects.for_target(dossier).values_list("action", flat=True)) == [
        "dossier.submit",
        "dossier.receive",
    ]
    assert DossierSequence.objects.get().last_value == 1
    assert audit_verify().ok


def test_two_officers_racing_refuse_and_receive_leave_one_outcome() -> None:
    world = build_world()
    dossier = submit(world)
    results = run_together(
        [
            lambda: s.dossier_receive(dossier=Dossier.objects.get(pk=dossier.pk), actor=world.reception, at=AT),
            lambda: s.dossier_refuse(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=world.reception, at=AT, reason="Sai thẩm quyền"
            ),
        ]
    )
    errors = [r for r in results if isinstance(r, DossierError)]
    assert len(errors) == 1, results
    dossier.refresh_from_db()
    assert dossier.status in (DossierStatus.RECEIVED, DossierStatus.REFUSED)
    assert AuditEvent.objects.for_target(dossier).count() == 2


def test_concurrent_receptions_at_one_unit_get_gapless_codes() -> None:
    world = build_world()
    n = 8

    def receive_one() -> Dossier:
        return s.dossier_receive_counter(
            procedure=world.province_procedure,
            applicant=CITIZEN,
            receiving_agency=world.centre,
            competent_agency=world.justice,
            actor=world.reception,
            at=AT,
        )

    results = run_together([receive_one] * n)

    assert all(isinstance(r, Dossier) for r in results), results
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"56-260105-{i:04d}" for i in range(1, n + 1)]
    assert DossierSequence.objects.get(unit_code="56").last_value == n
    assert audit_verify().ok


def test_two_officers_receiving_through_the_page_the_loser_is_told_who_won() -> None:
    from django.test import Client

    from cchc.dossiers.web.presenters import person

    world = build_world()
    second = User.objects.create_user(username="tiepnhan2", password="x-Secret-123")
    _grant(second, world.centre, Role.RECEPTION)
    dossier = submit(world)
    url = f"/mot-cua/ho-so-truc-tuyen/{dossier.pk}/tiep-nhan/"
    clients = []
    for officer in (world.reception, second):
        client = Client()
        client.force_login(officer)
        clients.append(client)

    responses = run_together([lambda: clients[0].post(url), lambda: clients[1].post(url)])

    assert sorted(r.status_code for r in responses) == [302, 409], responses
    loser = next(r for r in responses if r.status_code == 409)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    winner = User.objects.get(pk=dossier.received_by_id)
    assert f"Hồ sơ đã được tiếp nhận bởi {person(winner)} lúc" in loser.content.decode()

"""A membership counts only in its own area (issue 12, item 9): an account created for the PAR Index,
plans, reports, feedback or surveys can do nothing on a one-stop-shop dossier, through the API, the
console pages or the services, even when it holds every role at the dossier's agencies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from cchc.accounts.constants import Area, Role
from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus
from cchc.dossiers.models import Dossier, Handover
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, _grant, receive_commune, to_status
from cchc.dossiers.transitions import actions_from
from cchc.dossiers.web.presenters import ACTION_SLUGS

pytestmark = pytest.mark.django_db

OTHER_AREAS = [area for area in Area if area != Area.ONE_STOP]
OPEN_STATUSES = [
    DossierStatus.NEW,
    DossierStatus.RECEIVED,
    DossierStatus.IN_PROCESS,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FINANCIAL_OBLIGATION_REQUESTED,
    DossierStatus.PROCESSED,
]
CASES = [
    (status, action)
    for status in OPEN_STATUSES
    for action in sorted(actions_from(status, received=status != DossierStatus.NEW))
]


def _intruder(world: World) -> User:
    """Every role at the centre, Sở Tư pháp and phường Nha Trang, in every area but the one-stop shop."""
    user = User.objects.create_user(username="ngoai.motcua", password="x-Secret-123")
    for agency in (world.centre, world.justice, world.nha_trang):
        for area in OTHER_AREAS:
            _grant(user, agency, *Role, area=area)
    return user


def _state(dossier: Dossier) -> tuple[Any, ...]:
    row = Dossier.objects.get(pk=dossier.pk)
    steps = tuple(row.steps.order_by("order").values_list("status", "assignee_id"))
    return row.status, row.due_at, row.code, row.ended_at, steps, Handover.objects.filter(dossier=row).count()


def _body(world: World) -> dict[str, Any]:
    return {
        "reason": "Thử quyền",
        "note": "Thử quyền",
        "receiver": world.reception.pk,
        "amount": 50000,
        "channel": "counter",
        "receipt_number": "BL-AREA",
        "new_due_at": (AT + timedelta(days=90)).isoformat(),
    }


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s.value}-{a.value}" for s, a in CASES])
def test_an_account_of_another_area_is_refused_every_one_stop_action(world: World, status, action):
    intruder = _intruder(world)
    dossier = to_status(world, status)
    before = _state(dossier)
    events = AuditEvent.objects.count()

    # the API (a dossier with a code; a new online dossier has none yet and is reached by the console)
    if dossier.code:
        api = login_verified(APIClient(), intruder)  # a leader elsewhere: past the second factor
        response = api.post(f"/api/dossiers/{dossier.code}/actions/{action.value}/", _body(world), format="json")
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "dossier.not_permitted"
        assert api.get(f"/api/dossiers/{dossier.code}/").status_code == 403
    # the console page
    page = login_verified(Client(), intruder)
    slug = ACTION_SLUGS[action]
    where = f"/mot-cua/ho-so/{dossier.code}" if dossier.code else f"/mot-cua/ho-so-truc-tuyen/{dossier.pk}"
    data = {f"{slug}-{key}": value for key, value in _body(world).items()}
    response = page.post(f"{where}/{slug}/", data)
    assert response.status_code in (403, 404)
    assert page.get(f"{where}/").status_code in (403, 404)

    assert _state(dossier) == before
    assert AuditEvent.objects.count() == events


def test_the_par_demo_commune_specialist_cannot_stop_a_commune_dossier(world: World):
    # given: the account `cchc par demo` creates, a specialist of phường Nha Trang for the PAR Index
    par_specialist = User.objects.create_user(username="canbo.par", password="x-Secret-123")
    _grant(par_specialist, world.nha_trang, Role.SPECIALIST, area=Area.PAR)
    dossier = receive_commune(world)
    before = _state(dossier)

    api = APIClient()
    api.force_login(par_specialist)
    response = api.post(f"/api/dossiers/{dossier.code}/actions/stop/", {"reason": "Dừng"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "dossier.not_permitted"
    with pytest.raises(DossierError) as refused:
        s.dossier_stop(dossier=dossier, actor=par_specialist, at=AT + timedelta(hours=1), reason="Dừng")
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert _state(dossier) == before
    assert api.get("/api/dossiers/", {"queue": "agency"}).json()["count"] == 0


def test_the_services_refuse_every_role_of_another_area(world: World):
    intruder = _intruder(world)
    new = to_status(world, DossierStatus.NEW)

    with pytest.raises(DossierError) as refused:
        s.dossier_receive(dossier=new, actor=intruder, at=AT + timedelta(hours=1))
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    with pytest.raises(DossierError) as refused:
        s.dossier_receive_counter(
            procedure=world.province_procedure,
            applicant=CITIZEN,
            receiving_agency=world.centre,
            competent_agency=world.justice,
            actor=intruder,
            at=AT,
        )
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert Dossier.objects.filter(status=DossierStatus.RECEIVED).count() == 0


def test_a_one_stop_membership_still_acts(world: World):
    """The one-stop officers keep their rights (the same grants, in the one-stop area)."""
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    api = login_verified(APIClient(), world.leader)
    response = api.post(f"/api/dossiers/{dossier.code}/actions/stop/", {"reason": "Dừng"}, format="json")
    assert response.status_code == 200

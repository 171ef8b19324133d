"""The permission matrix (issue 13, item 3): every role × every action × every agency relation, for the
console's pages, the staff API and the documents alike.

One world per module: a procedure with an inter-agency step (receiving desk R = the province centre,
a step at UBND phường Nha Trang S, competent agency C = Sở Tư pháp), one dossier in each status, and
for each role an officer at R, at C, at S, at another agency, with an expired membership, with a
future membership and with memberships of another area; a superuser; the anonymous visitor.

The policy (``cchc.dossiers.policies``) is checked against the relations directly (who should see and
do what, from the transition table's grants), then every adapter against the policy: the console's
buttons, the API's ``allowed_actions``, the documents' 404, the portal's supplement form; and every
POST the policy refuses (console and API) is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.audit.models import AuditEvent
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import policies
from cchc.dossiers import services as s
from cchc.dossiers.constants import Action, DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier, DossierStep, Handover, Payment
from cchc.dossiers.portal.views import SESSION_SEEN
from cchc.dossiers.selectors import dossier_submission_reference
from cchc.dossiers.tests.conftest import (
    AT,
    CATALOGUE,
    CENTRE,
    CITIZEN,
    JUSTICE,
    MERGER_DAY,
    NHA_TRANG,
    PROVINCE_PROCEDURE,
    PUBLISHED,
)
from cchc.dossiers.transitions import TABLE, Where
from cchc.dossiers.web.presenters import ACTION_SLUGS
from cchc.dossiers.web.views import dossier_url
from cchc.org.models import Agency
from cchc.outbox.models import OutboxEvent

ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.LEADER, Role.CLERK)
# the agency relations of an officer to the world's dossiers
ACTING = ("receiving", "competent", "step")  # a valid one-stop membership at R, C or S
NOTHING = ("other", "expired", "future", "other_area")  # memberships that give nothing here

STEP_PROCEDURE: dict[str, Any] = {
    **PROVINCE_PROCEDURE,
    "code": "9.000109",
    "name": "Cấp Phiếu lý lịch tư pháp (xác minh liên thông tại xã)",
    "steps": [
        {"name": "Tiếp nhận hồ sơ", "responsible": "receiving", "staff_role": "reception", "duration_hours": 4},
        {
            "name": "Xác minh nơi cư trú",
            "responsible": "agency",
            "agency": NHA_TRANG,
            "staff_role": "specialist",
            "duration_hours": 8,
            "inter_agency": True,
        },
        {"name": "Thẩm định và ký", "responsible": "competent", "staff_role": "leader", "duration_hours": 16},
        {"name": "Trả kết quả", "responsible": "receiving", "staff_role": "clerk", "duration_hours": 4},
    ],
}

# a valid body for each action (the console prefixes the names with the action's slug)
BODIES: dict[Action, dict[str, Any]] = {
    Action.RECEIVE: {},
    Action.REFUSE: {"reason": "Không thuộc thẩm quyền"},
    Action.REQUEST_SUPPLEMENT: {"reason": "Bổ sung bản sao giấy tờ"},
    Action.RESUBMIT_SUPPLEMENT: {},
    Action.COMPLETE_STEP: {"note": "Bàn giao"},
    Action.REQUEST_FINANCIAL_OBLIGATION: {},
    Action.RECORD_PAYMENT: {"amount": 200000, "channel": "counter", "receipt_number": "BL-7777"},
    Action.WITHDRAW: {"reason": "Người nộp đề nghị"},
    Action.STOP: {"reason": "Dừng theo đề nghị"},
    Action.APOLOGISE_EXTEND: {"new_due_at": "2027-06-30T16:00", "reason": "Chờ xác minh"},
    Action.MARK_PROCESSED: {},
    Action.RETURN_RESULT: {"note": "Đã trả"},
}


@dataclass
class Matrix:
    agencies: dict[str, Agency]  # receiving, competent, step, other
    users: dict[tuple[str, Role], User]  # (relation, role)
    superuser: User
    dossiers: dict[str, Dossier]


def _member(user: User, agency: Agency, role: Role, *, area: Area = Area.ONE_STOP, **period: Any) -> None:
    AgencyMembership.objects.create(
        user=user, agency=agency, area=area, role=role, **{"valid_from": MERGER_DAY, **period}
    )


def _build() -> Matrix:
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import(data={**CATALOGUE, "procedures": [*CATALOGUE["procedures"], STEP_PROCEDURE]}, at=PUBLISHED)
    today = timezone.localdate()
    found = {a.code: a for a in Agency.objects.valid_on(today).filter(code__in=[CENTRE, JUSTICE, NHA_TRANG])}
    agencies = {"receiving": found[CENTRE], "competent": found[JUSTICE], "step": found[NHA_TRANG]}
    agencies["other"] = Agency.objects.valid_on(today).exclude(pk__in=[a.pk for a in agencies.values()]).first()
    ours = [agencies["receiving"], agencies["competent"], agencies["step"]]
    users: dict[tuple[str, Role], User] = {}
    for role in ROLES:
        for relation in (*ACTING, *NOTHING):
            user = User.objects.create_user(username=f"{relation}-{role.value}", password="x-Secret-123")
            users[(relation, role)] = user
            if relation in ACTING or relation == "other":
                _member(user, agencies[relation], role)
            for agency in ours:
                if relation == "expired":
                    _member(user, agency, role, valid_to=today - timedelta(days=1))
                elif relation == "future":
                    _member(user, agency, role, valid_from=today + timedelta(days=1))
                elif relation == "other_area":
                    for area in Area:
                        if area != Area.ONE_STOP:
                            _member(user, agency, role, area=area)
    superuser = User.objects.create_superuser(username="quantri", password="x-Secret-123")
    # the officers who drive the dossiers (not part of the matrix)
    desk, specialist, leader, commune = (
        User.objects.create_user(username=name) for name in ("desk", "spec", "lead", "xa")
    )
    for role in (Role.RECEPTION, Role.CLERK):
        _member(desk, agencies["receiving"], role)
    _member(specialist, agencies["competent"], Role.SPECIALIST)
    _member(leader, agencies["competent"], Role.LEADER)
    _member(commune, agencies["step"], Role.SPECIALIST)
    procedure = Procedure.objects.get(code=STEP_PROCEDURE["code"])
    where = {"receiving_agency": agencies["receiving"], "competent_agency": agencies["competent"]}
    minute = timedelta(minutes=1)

    def submitted() -> Dossier:
        return s.dossier_submit_online(procedure=procedure, applicant=CITIZEN, at=AT, **where)

    def received() -> Dossier:
        return s.dossier_receive_counter(procedure=procedure, applicant=CITIZEN, actor=desk, at=AT, **where)

    def at_step() -> Dossier:
        dossier = received()
        s.dossier_complete_step(dossier=dossier, actor=desk, at=AT + minute)
        dossier.refresh_from_db()
        return dossier

    def at_competent() -> Dossier:
        dossier = at_step()
        s.dossier_complete_step(dossier=dossier, actor=commune, at=AT + 2 * minute)
        dossier.refresh_from_db()
        return dossier

    def processed() -> Dossier:
        return s.dossier_mark_processed(dossier=at_competent(), actor=leader, at=AT + 3 * minute)

    def returned() -> Dossier:
        dossier = processed()
        s.dossier_record_payment(
            dossier=dossier,
            actor=desk,
            at=AT + 4 * minute,
            amount=Decimal(200000),
            channel=PaymentChannel.COUNTER,
            receipt_number="BL-0001",
        )
        return s.dossier_return_result(dossier=dossier, actor=desk, at=AT + 5 * minute)

    dossiers = {
        "new": submitted(),
        "waiting_before_reception": s.dossier_request_supplement(
            dossier=submitted(), actor=desk, at=AT + minute, reason="Bổ sung bản chụp căn cước"
        ),
        "received": received(),
        "at_step": at_step(),
        "at_competent": at_competent(),
        "supplement": s.dossier_request_supplement(
            dossier=at_step(), actor=specialist, at=AT + 2 * minute, reason="Bổ sung tờ khai"
        ),
        "obligation": s.dossier_request_financial_obligation(dossier=at_step(), actor=specialist, at=AT + 2 * minute),
        "processed": processed(),
        "returned": returned(),
    }
    for dossier in dossiers.values():
        dossier.refresh_from_db()
    return Matrix(agencies, users, superuser, dossiers)


@pytest.fixture(scope="module")
def matrix_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[Matrix]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def matrix(matrix_module: Matrix, db: None) -> Iterator[Matrix]:
    cache.clear()  # the documents' look-up throttle counts in the cache
    yield matrix_module
    cache.clear()


def _who(m: Matrix) -> list[tuple[str, Role | None, User | None]]:
    """(relation, role, user) of every cell of the matrix, the superuser and the anonymous visitor."""
    cells: list[tuple[str, Role | None, User | None]] = [
        (relation, role, user) for (relation, role), user in m.users.items()
    ]
    return [*cells, ("superuser", None, m.superuser), ("anonymous", None, None)]


def _steps(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.select_related("agency", "assignee").order_by("order"))


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("receiving_agency", "competent_agency").get(pk=dossier.pk)


# --- the policy against the relations -------------------------------------------------------------------


def _expected_see(m: Matrix, relation: str, dossier: Dossier, steps: list[DossierStep]) -> bool:
    if relation == "superuser":
        return True
    if relation not in ACTING:
        return False
    agency = m.agencies[relation].pk
    return agency in (dossier.receiving_agency_id, dossier.competent_agency_id) or any(
        step.agency_id == agency for step in steps
    )


def _expected_do(m: Matrix, relation: str, role: Role | None, dossier: Dossier, action: Action) -> bool:
    """From the transition table read by hand: the status allows it and the officer's agency is the
    one a grant names (receiving, competent, the open step's) with one of the grant's roles."""
    transition = TABLE[action]
    received = dossier.received_at is not None
    if relation not in ACTING or role is None or not transition.allowed_from(dossier.status, received=received):
        return False
    active = policies.active_step_of(_steps(dossier))
    agency = m.agencies[relation].pk
    for grant in transition.grants(received=received):
        at = {
            Where.RECEIVING: dossier.receiving_agency_id,
            Where.COMPETENT: dossier.competent_agency_id,
            Where.STEP: active.agency_id if active is not None else None,
        }[grant.where]
        if at == agency and role in grant.roles:
            return True
    return False


def test_the_world_has_each_relation_it_claims(matrix: Matrix):
    step = matrix.dossiers["at_step"]
    active = policies.active_step_of(_steps(step))
    assert active is not None
    assert active.agency_id == matrix.agencies["step"].pk
    assert {d.status for d in matrix.dossiers.values()} == {
        DossierStatus.NEW,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROCESS,
        DossierStatus.FINANCIAL_OBLIGATION_REQUESTED,
        DossierStatus.PROCESSED,
        DossierStatus.RETURNED,
    }
    # every action is allowed from the status of at least one dossier of the world
    assert {a for d in matrix.dossiers.values() for a in Action if policies.status_allows(a, d)} == set(Action)


def test_the_policy_follows_the_relations_for_every_role_and_action(matrix: Matrix):
    today = timezone.localdate()
    cells = 0
    for relation, role, user in _who(matrix):
        grants = policies.grants_of(user, on=today)
        for dossier in matrix.dossiers.values():
            steps = _steps(dossier)
            active = policies.active_step_of(steps)
            seen = policies.may_see(grants, dossier, steps=steps)
            assert seen == _expected_see(matrix, relation, dossier, steps), (relation, role, dossier.status)
            assert seen == policies.may_see(user, dossier, on=today)  # the same answer from the user
            states = policies.action_states(grants, dossier, active)
            for action in Action:
                expected = _expected_do(matrix, relation, role, dossier, action)
                assert policies.may_do(grants, action, dossier, active_step=active) == expected, (
                    relation,
                    role,
                    dossier.status,
                    action,
                )
                assert states[action].available == expected
                if not expected:
                    assert states[action].block is not None
                cells += 1
    assert cells == (len(ROLES) * (len(ACTING) + len(NOTHING)) + 2) * len(matrix.dossiers) * len(Action)


def test_an_acting_officer_may_do_something_and_the_superuser_nothing(matrix: Matrix):
    today = timezone.localdate()
    for (relation, _), user in matrix.users.items():
        grants = policies.grants_of(user, on=today)
        total = sum(
            len(policies.available_actions(grants, d, policies.active_step_of(_steps(d))))
            for d in matrix.dossiers.values()
        )
        assert (total > 0) == (relation in ACTING), (relation, user.username)
    superuser = policies.grants_of(matrix.superuser, on=today)
    assert not any(
        policies.available_actions(superuser, d, policies.active_step_of(_steps(d))) for d in matrix.dossiers.values()
    )


# --- the adapters against the policy ---------------------------------------------------------------------


def test_console_pages_show_exactly_the_policys_buttons(matrix: Matrix):
    today = timezone.localdate()
    for relation, role, user in _who(matrix):
        client = Client()
        if user is not None:
            client.force_login(user)
        grants = policies.grants_of(user, on=today)
        for dossier in matrix.dossiers.values():
            response = client.get(dossier_url(dossier))
            if user is None:
                assert response.status_code == 302  # to the login page
                continue
            steps = _steps(dossier)
            if not policies.may_see(grants, dossier, steps=steps):
                assert response.status_code == 404, (relation, role, dossier.status)
                continue
            assert response.status_code == 200, (relation, role, dossier.status)
            buttons = {item["action"] for item in response.context["action_forms"]}
            available = set(policies.available_actions(grants, dossier, policies.active_step_of(steps)))
            assert buttons == available, (relation, role, dossier.status)
            explained = {state.action for state in response.context["waiting"]}
            titles = {t for group in response.context["blocked"] for t in group.titles}
            unavailable = {a for a in Action if a not in available}
            assert explained | {a for a in unavailable if str(_title(a)) in titles} == unavailable


def _title(action: Action) -> str:
    from cchc.dossiers.web.presenters import ACTION_TITLES

    return ACTION_TITLES[action]


def _api_reference(dossier: Dossier) -> str:
    return dossier.code or dossier_submission_reference(dossier)


def test_the_api_lists_exactly_the_policys_actions(matrix: Matrix):
    today = timezone.localdate()
    for relation, role, user in _who(matrix):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        grants = policies.grants_of(user, on=today)
        for dossier in matrix.dossiers.values():
            response = client.get(f"/api/dossiers/{_api_reference(dossier)}/")
            steps = _steps(dossier)
            if user is None or not policies.may_see(grants, dossier, steps=steps):
                assert response.status_code == 403, (relation, role, dossier.status)
                continue
            assert response.status_code == 200, (relation, role, dossier.status)
            available = policies.available_actions(grants, dossier, policies.active_step_of(steps))
            assert set(response.json()["allowed_actions"]) == {str(a) for a in available}, (relation, dossier.status)


def _form_url(dossier: Dossier, form: int) -> str:
    if dossier.code:
        return f"/ho-so/{dossier.code}/mau-{form:02d}.pdf"
    return f"/ho-so/id/{dossier.pk}/mau-{form:02d}.pdf"


def test_documents_answer_as_the_dossier_page(matrix: Matrix):
    """Form 03 applies to none of these dossiers (none was refused): 409 for whoever may see the dossier,
    the not-found answer for everyone else, without rendering a PDF; then every form for one viewer."""
    today = timezone.localdate()
    for relation, role, user in _who(matrix):
        client = Client()
        if user is not None:
            client.force_login(user)
        grants = policies.grants_of(user, on=today)
        for dossier in matrix.dossiers.values():
            cache.clear()
            response = client.get(_form_url(dossier, 3))
            expected = 409 if policies.may_see(grants, dossier) else 404
            assert response.status_code == expected, (relation, role, dossier.status)
    client = Client()
    client.force_login(matrix.users[("step", Role.CLERK)])  # sees by a step only
    for form in range(1, 7):
        for name in ("at_step", "new"):
            cache.clear()
            response = client.get(_form_url(matrix.dossiers[name], form))
            assert response.status_code == (404 if name == "new" else response.status_code)
            assert response.status_code in ((200, 409) if name == "at_step" else (404,)), (form, name)


def test_the_portal_offers_the_applicants_actions_only(matrix: Matrix):
    for dossier in matrix.dossiers.values():
        client = Client()
        session = client.session
        session[SESSION_SEEN] = [dossier.pk]
        session.save()
        response = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
        assert response.status_code == 200
        offered = response.context["supplement_form"] is not None
        assert offered == (Action.RESUBMIT_SUPPLEMENT in policies.applicant_actions(dossier)), dossier.status
        assert policies.applicant_actions(dossier) <= {a for a, t in TABLE.items() if t.applicant}


# --- refused POSTs change nothing -------------------------------------------------------------------------


def _fingerprint() -> tuple[Any, ...]:
    return (
        tuple(
            Dossier.objects.order_by("pk").values_list("pk", "status", "code", "due_at", "ended_at", "resume_status")
        ),
        tuple(DossierStep.objects.order_by("pk").values_list("pk", "status", "assignee_id")),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
        Handover.objects.count(),
        Payment.objects.count(),
    )


def _refused_cells(
    m: Matrix, grants: policies.Grants, *, status_too: bool
) -> list[tuple[Dossier, Action, policies.ActionState | None]]:
    """For each action, a dossier on which the policy refuses it: one the officer cannot see, else one
    blocked by the role (the interesting refusal) and, with ``status_too``, one blocked by the status
    (the same for every role: the status is checked first)."""
    cells = []
    for action in Action:
        by_block: dict[Any, tuple[Dossier, policies.ActionState | None]] = {}
        for dossier in m.dossiers.values():
            steps = _steps(dossier)
            if not policies.may_see(grants, dossier, steps=steps):
                by_block.setdefault("unseen", (dossier, None))
                continue
            state = policies.action_state(grants, action, dossier, policies.active_step_of(steps))
            if not state.available and (status_too or state.block != policies.Block.STATUS):
                by_block.setdefault(state.block, (dossier, state))
        cells.extend((dossier, action, state) for dossier, state in by_block.values())
    return cells


def _expected_status(state: policies.ActionState | None, *, api: bool) -> int:
    if state is None:
        return 403 if api else 404
    return 403 if state.block == policies.Block.ROLE else 409


def test_posts_the_policy_refuses_are_refused_and_change_nothing(matrix: Matrix):
    today = timezone.localdate()
    before = _fingerprint()
    posts = 0
    for relation, role, user in _who(matrix):
        console, api = Client(), APIClient()
        if user is not None:
            console.force_login(user)
            api.force_login(user)
        grants = policies.grants_of(user, on=today)
        for dossier, action, state in _refused_cells(matrix, grants, status_too=role in (Role.RECEPTION, None)):
            dossier = _fresh(dossier)
            slug = ACTION_SLUGS[action]
            data = {f"{slug}-{name}": value for name, value in BODIES[action].items()}
            response = console.post(f"{dossier_url(dossier)}{slug}/", data)
            expected = 302 if user is None else _expected_status(state, api=False)
            assert response.status_code == expected, (relation, role, dossier.status, action, "console")
            response = api.post(
                f"/api/dossiers/{_api_reference(dossier)}/actions/{action.value}/", BODIES[action], format="json"
            )
            expected = 403 if user is None else _expected_status(state, api=True)
            assert response.status_code == expected, (relation, role, dossier.status, action, "api")
            posts += 2
    assert _fingerprint() == before
    assert posts > 300

"""The permission matrix (issue 13, item 3): every role × every action × every agency relation, for the
console's pages, the staff API and the documents alike.

One world per module: a procedure with an inter-agency step (receiving desk R = the province centre,
a step at UBND phường Nha Trang S, competent agency C = Sở Tư pháp), nine dossiers covering the seven
statuses (two in process: at the step and at C; two waiting for a supplement: before and after
reception), and for each role an officer at R, at C, at S, at another agency, with an expired
membership, with a future membership and with memberships of the other areas only; a superuser; the
anonymous visitor. That is 4 roles × 7 relations + 2 = 30 "who", × 9 dossiers × 12 actions.

What is checked exhaustively (every who × dossier × action):

- the policy (``cchc.dossiers.policies``) against the relations read by hand from the transition
  table's grants: ``may_see``, ``may_do``, ``action_states`` (no HTTP, cheap);
- the staff API's detail (status code and ``allowed_actions``, which lists every action) against the
  policy: every who × dossier;
- the portal's supplement form against ``applicant_actions``: every dossier.

What is checked by a covering design (the expensive HTML pages and the refused POSTs):

- the console's page and the documents' answer: every who × every status at least once (the
  superuser: every dossier), one dossier per status; where a status has two dossiers, the roles
  alternate between them, so each acting relation sees each dossier. One page shows every action's
  button or its reason, so each page checks all 12 actions at once: buttons == the policy's available
  actions, and every other action is explained. The documents: form 03 (which applies to none of
  these dossiers) answers 409 to whoever may see the dossier and the not-found 404 to everyone else,
  without rendering a PDF; then every form for one officer who sees by a step only;
- refused POSTs (console and API, each cell posted to both): every who at least one refused cell,
  and across the matrix every (action, kind of refusal) the world offers — login (anonymous: 302/403),
  unseen (404/403), role (403), status (409), no open step (409) —, every (relation, kind) and every
  (role, kind) at least once (a greedy covering, deterministic: 81 cells, 162 POSTs, instead of the ~3200
  refused ones). One snapshot of the state before and after the whole batch shows that nothing changed.

Each who logs in once per module (one client, one session, reused by every test).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import policies
from cchc.dossiers import services as s
from cchc.dossiers.constants import Action, DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier, DossierStep, Handover, Payment, ResultDocument
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
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.services import stored_document_store
from cchc.signing.tests.pdfs import result_pdf

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
    Action.ATTACH_RESULT: {"title": "Giấy phép", "pdf_base64": base64.b64encode(result_pdf()).decode()},
    Action.DIGITISE_DOCUMENT: {"document": 1, "scan_base64": base64.b64encode(result_pdf()).decode()},
    Action.REVOKE_RESULT: {"reason": "Cấp sai đối tượng"},
    Action.RECORD_PAPER: {"name": "Bản chính căn cước", "copies": 1},
}


def _console_body(action: Action) -> dict[str, Any]:
    """``BODIES[action]`` as the console posts it (the result's PDF as an uploaded file)."""
    slug = ACTION_SLUGS[action]
    body = dict(BODIES[action])
    if action == Action.ATTACH_RESULT:
        body.pop("pdf_base64")
        body["file"] = SimpleUploadedFile("ket-qua.pdf", result_pdf(), content_type="application/pdf")
    if action == Action.DIGITISE_DOCUMENT:
        body.pop("scan_base64")
        body["file"] = SimpleUploadedFile("ban-quet.pdf", result_pdf(), content_type="application/pdf")
    return {f"{slug}-{name}": value for name, value in body.items()}


@dataclass
class Who:
    """One row of the matrix: an officer (relation, role), the superuser or the anonymous visitor."""

    relation: str  # one of ACTING or NOTHING, "superuser" or "anonymous"
    role: Role | None
    user: User | None
    grants: policies.Grants  # read once (the world does not change: the refused POSTs change nothing)
    client: APIClient  # logged in once; posts the console's forms and calls the API alike


@dataclass
class Matrix:
    agencies: dict[str, Agency]  # receiving, competent, step, other
    who: list[Who]
    dossiers: dict[str, Dossier]
    steps: dict[int, list[DossierStep]]  # by dossier id, in order

    def officer(self, relation: str, role: Role) -> Who:
        return next(w for w in self.who if w.relation == relation and w.role == role)


def _build() -> Matrix:
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import(data={**CATALOGUE, "procedures": [*CATALOGUE["procedures"], STEP_PROCEDURE]}, at=PUBLISHED)
    today = timezone.localdate()
    found = {a.code: a for a in Agency.objects.valid_on(today).filter(code__in=[CENTRE, JUSTICE, NHA_TRANG])}
    agencies = {"receiving": found[CENTRE], "competent": found[JUSTICE], "step": found[NHA_TRANG]}
    agencies["other"] = Agency.objects.valid_on(today).exclude(pk__in=[a.pk for a in agencies.values()]).first()
    ours = [agencies["receiving"], agencies["competent"], agencies["step"]]

    # the accounts and memberships in two bulk inserts (no password: the clients use force_login)
    unusable = make_password(None)
    keys = [(relation, role) for role in ROLES for relation in (*ACTING, *NOTHING)]
    drivers = ("desk", "spec", "lead", "xa")  # the officers who drive the dossiers (not part of the matrix)
    accounts = User.objects.bulk_create(
        [User(username=f"{relation}-{role.value}", password=unusable) for relation, role in keys]
        + [User(username=name, password=unusable) for name in drivers]
        + [User(username="quantri", password=unusable, is_staff=True, is_superuser=True)]
    )
    assert all(account.pk is not None for account in accounts)
    users = dict(zip(keys, accounts, strict=False))
    desk, specialist, leader, commune = accounts[len(keys) : len(keys) + len(drivers)]
    superuser = accounts[-1]
    memberships: list[AgencyMembership] = []

    def member(user: User, agency: Agency, role: Role, *, area: Area = Area.ONE_STOP, **period: Any) -> None:
        memberships.append(
            AgencyMembership(user=user, agency=agency, area=area, role=role, **{"valid_from": MERGER_DAY, **period})
        )

    for (relation, role), user in users.items():
        if relation in ACTING or relation == "other":
            member(user, agencies[relation], role)
        for agency in ours:
            if relation == "expired":
                member(user, agency, role, valid_to=today - timedelta(days=1))
            elif relation == "future":
                member(user, agency, role, valid_from=today + timedelta(days=1))
            elif relation == "other_area":
                for area in Area:
                    if area != Area.ONE_STOP:
                        member(user, agency, role, area=area)
    for role in (Role.RECEPTION, Role.CLERK):
        member(desk, agencies["receiving"], role)
    member(specialist, agencies["competent"], Role.SPECIALIST)
    member(leader, agencies["competent"], Role.LEADER)
    member(commune, agencies["step"], Role.SPECIALIST)
    AgencyMembership.objects.bulk_create(memberships)

    # the dossiers, through the services (each one the way a real one gets there)
    procedure = Procedure.objects.get(code=STEP_PROCEDURE["code"])
    where = {"receiving_agency": agencies["receiving"], "competent_agency": agencies["competent"]}
    minute = timedelta(minutes=1)

    def submitted() -> Dossier:
        return s.dossier_submit_online(procedure=procedure, applicant=CITIZEN, at=AT, **where)

    def received(reused: dict[int, int] | None = None) -> Dossier:
        return s.dossier_receive_counter(
            procedure=procedure, applicant=CITIZEN, actor=desk, at=AT, reused=reused, **where
        )

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

    made = {
        "new": submitted(),
        "waiting_before_reception": s.dossier_request_supplement(
            dossier=submitted(), actor=desk, at=AT + minute, reason="Bổ sung bản chụp căn cước"
        ),
        "received": received(reused={1: _stored_for_the_applicant().pk}),  # a component from the data store
        "at_step": at_step(),
        "at_competent": at_competent(),
        "supplement": s.dossier_request_supplement(
            dossier=at_step(), actor=specialist, at=AT + 2 * minute, reason="Bổ sung tờ khai"
        ),
        "obligation": s.dossier_request_financial_obligation(dossier=at_step(), actor=specialist, at=AT + 2 * minute),
        "processed": processed(),
        "returned": returned(),
    }
    fresh = Dossier.objects.select_related("receiving_agency", "competent_agency").in_bulk(
        [d.pk for d in made.values()]
    )
    dossiers = {name: fresh[d.pk] for name, d in made.items()}
    steps: dict[int, list[DossierStep]] = {pk: [] for pk in fresh}
    for step in DossierStep.objects.filter(dossier__in=list(fresh)).select_related("agency", "assignee"):
        steps[step.dossier_id].append(step)
    for listed in steps.values():
        listed.sort(key=lambda step: step.order)

    # each who logs in once; its grants are read once
    rows: list[tuple[str, Role | None, User | None]] = [
        *((relation, role, user) for (relation, role), user in users.items()),
        ("superuser", None, superuser),
        ("anonymous", None, None),
    ]
    who = []
    for relation, role, user in rows:
        client = APIClient()
        if user is not None:
            login_verified(client, user)  # a leader passes the second factor (issue 15 item 6)
        who.append(Who(relation, role, user, policies.grants_of(user, on=today), client))
    return Matrix(agencies, who, dossiers, steps)


def _stored_for_the_applicant() -> StoredDocument:
    return stored_document_store(
        owner_id_number=CITIZEN.id_number,
        document_type_code=PROVINCE_PROCEDURE["documents"][0]["document_type"],
        name="Tờ khai đã số hóa",
        data=result_pdf(),
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.DIGITISED,
        at=AT - timedelta(days=30),
    )


@pytest.fixture(scope="module")
def matrix_module(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    media = str(tmp_path_factory.mktemp("matrix-media"))  # the stored document's file (never var/media)
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def matrix(matrix_module: Matrix, db: None) -> Iterator[Matrix]:
    cache.clear()  # the documents' look-up throttle counts in the cache
    yield matrix_module
    cache.clear()


def _active(m: Matrix, dossier: Dossier) -> DossierStep | None:
    return policies.active_step_of(m.steps[dossier.pk])


# --- the policy against the relations -------------------------------------------------------------------


def _expected_see(m: Matrix, relation: str, dossier: Dossier) -> bool:
    if relation == "superuser":
        return True
    if relation not in ACTING:
        return False
    agency = m.agencies[relation].pk
    return agency in (dossier.receiving_agency_id, dossier.competent_agency_id) or any(
        step.agency_id == agency for step in m.steps[dossier.pk]
    )


def _expected_do(m: Matrix, relation: str, role: Role | None, dossier: Dossier, action: Action) -> bool:
    """From the transition table read by hand: the status allows it and the officer's agency is the
    one a grant names (receiving, competent, the open step's) with one of the grant's roles."""
    transition = TABLE[action]
    received = dossier.received_at is not None
    if relation not in ACTING or role is None or not transition.allowed_from(dossier.status, received=received):
        return False
    active = _active(m, dossier)
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
    active = _active(matrix, matrix.dossiers["at_step"])
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
    assert len(matrix.who) == len(ROLES) * (len(ACTING) + len(NOTHING)) + 2


def test_the_policy_follows_the_relations_for_every_role_and_action(matrix: Matrix):
    """Exhaustive: every who × dossier × action."""
    today = timezone.localdate()
    cells = 0
    for who in matrix.who:
        assert policies.grants_of(who.user, on=today) == who.grants, who.relation  # read again: the same
        for dossier in matrix.dossiers.values():
            steps = matrix.steps[dossier.pk]
            active = policies.active_step_of(steps)
            seen = policies.may_see(who.grants, dossier, steps=steps)
            assert seen == _expected_see(matrix, who.relation, dossier), (who.relation, who.role, dossier.status)
            assert seen == policies.may_see(who.grants, dossier)  # the same answer when it reads the steps
            states = policies.action_states(who.grants, dossier, active)
            for action in Action:
                expected = _expected_do(matrix, who.relation, who.role, dossier, action)
                assert policies.may_do(who.grants, action, dossier, active_step=active) == expected, (
                    who.relation,
                    who.role,
                    dossier.status,
                    action,
                )
                assert states[action].available == expected
                if not expected:
                    assert states[action].block is not None
                cells += 1
    assert cells == len(matrix.who) * len(matrix.dossiers) * len(Action)


def test_who_may_mark_a_stored_document_not_acceptable_follows_the_supplement_grants(matrix: Matrix):
    """Exhaustive: every who × dossier. Issue 16 item 5: the officers who may ask for a supplement now
    (``policies.may_reject_stored_document``), read by hand from the table's REQUEST_SUPPLEMENT."""
    for who in matrix.who:
        for dossier in matrix.dossiers.values():
            active = _active(matrix, dossier)
            expected = _expected_do(matrix, who.relation, who.role, dossier, Action.REQUEST_SUPPLEMENT)
            assert policies.may_reject_stored_document(who.grants, dossier, active_step=active) == expected, (
                who.relation,
                who.role,
                dossier.status,
            )


def test_a_stored_document_opens_for_its_owner_and_the_dossiers_agencies_only_each_opening_logged(
    matrix: Matrix,
):
    """Issue 16 item 7, through the views that serve the files: an officer opens the stored copy only
    through a dossier they may see that uses it (its receiving desk, competent agency, step agency; the
    superuser, who sees every dossier); an officer of an unrelated agency, with an expired, future or
    other-area membership gets the 404 of an unseen dossier, the anonymous visitor the login page; the
    person (signed in with the electronic identity, their id number) opens it in «Kho dữ liệu của tôi»,
    another citizen gets 404. Every opening is logged (who, when, for which dossier); no refusal is."""
    from cchc.identity.constants import SESSION_KEY
    from cchc.identity.models import Citizen

    dossier = matrix.dossiers["received"]
    component = dossier.documents.get()
    stored = component.stored_document
    assert component.source == "reused"
    assert stored is not None
    url = f"/mot-cua/tep/{dossier.pk}/{component.order}/"
    steps = matrix.steps[dossier.pk]
    for who in matrix.who:
        before = StoredDocumentAccess.objects.count()
        response = who.client.get(url)
        if who.user is None:
            assert response.status_code == 302, who.relation
        elif policies.may_see(who.grants, dossier, steps=steps):
            assert who.relation in (*ACTING, "superuser")
            assert response.status_code == 200, (who.relation, who.role)
            assert b"".join(response.streaming_content) == result_pdf()
            access = StoredDocumentAccess.objects.order_by("-pk").first()
            assert access is not None
            assert (access.document_id, access.user_id, access.dossier_id) == (stored.pk, who.user.pk, dossier.pk)
            assert StoredDocumentAccess.objects.count() == before + 1
            continue
        else:
            assert who.relation in NOTHING, who.relation
            assert response.status_code == 404, (who.relation, who.role)
        assert StoredDocumentAccess.objects.count() == before, (who.relation, who.role)

    now = timezone.now()

    def citizen(id_number: str) -> APIClient:
        person = Citizen.objects.create(
            issuer="https://vneid.example",
            subject=f"sub-{id_number}",
            kind="citizen",
            id_number=id_number,
            full_name="Công dân",
            level="vneid_2",
            first_signed_in_at=now,
            last_signed_in_at=now,
        )
        client = APIClient()
        session = client.session
        session[SESSION_KEY] = person.pk
        session.save()
        return client

    mine = f"/dich-vu-cong/ho-so-cua-toi/kho-du-lieu/{stored.pk}/"
    before = StoredDocumentAccess.objects.count()
    response = citizen(CITIZEN.id_number).get(mine)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == result_pdf()
    access = StoredDocumentAccess.objects.order_by("-pk").first()
    assert access is not None
    assert (access.citizen_id_number, access.user_id) == (CITIZEN.id_number, None)
    assert citizen("079190005678").get(mine).status_code == 404  # another citizen
    assert APIClient().get(mine).status_code == 302  # anonymous: to the sign-in
    assert matrix.officer("receiving", Role.RECEPTION).client.get(mine).status_code == 302  # staff: not a citizen
    assert StoredDocumentAccess.objects.count() == before + 1


def test_an_acting_officer_may_do_something_and_the_superuser_nothing(matrix: Matrix):
    for who in matrix.who:
        total = sum(
            len(policies.available_actions(who.grants, d, _active(matrix, d))) for d in matrix.dossiers.values()
        )
        assert (total > 0) == (who.relation in ACTING), (who.relation, who.role)


# --- the adapters against the policy ---------------------------------------------------------------------


def _console_plan(m: Matrix) -> list[tuple[Who, Dossier]]:
    """Every who × every status once (the superuser: every dossier); where a status has two dossiers,
    the roles alternate between them."""
    by_status: dict[str, list[Dossier]] = {}
    for dossier in m.dossiers.values():
        by_status.setdefault(dossier.status, []).append(dossier)
    plan = []
    for who in m.who:
        if who.relation == "superuser":
            plan.extend((who, dossier) for dossier in m.dossiers.values())
            continue
        turn = ROLES.index(who.role) if who.role is not None else 0
        plan.extend((who, same[turn % len(same)]) for same in by_status.values())
    return plan


def test_console_pages_show_exactly_the_policys_buttons(matrix: Matrix):
    plan = _console_plan(matrix)
    # the covering: every who × status, and every acting relation × dossier (across the roles)
    assert {(id(w), d.status) for w, d in plan} == {
        (id(w), d.status) for w in matrix.who for d in matrix.dossiers.values()
    }
    assert {(w.relation, d.pk) for w, d in plan if w.relation in ACTING} == {
        (r, d.pk) for r in ACTING for d in matrix.dossiers.values()
    }
    for who, dossier in plan:
        response = who.client.get(dossier_url(dossier))
        if who.user is None:
            assert response.status_code == 302  # to the login page
            continue
        if not policies.may_see(who.grants, dossier, steps=matrix.steps[dossier.pk]):
            assert response.status_code == 404, (who.relation, who.role, dossier.status)
            continue
        assert response.status_code == 200, (who.relation, who.role, dossier.status)
        buttons = {item["action"] for item in response.context["action_forms"]}
        available = set(policies.available_actions(who.grants, dossier, _active(matrix, dossier)))
        assert buttons <= available, (who.relation, who.role, dossier.status)
        explained = {state.action for state in response.context["waiting"]}
        titles = {t for group in response.context["blocked"] for t in group.titles}
        # what the policy allows but the page knows cannot succeed (no paper to digitise, nothing owed) is
        # shown as unavailable with its reason, not as a form
        assert {str(_title(a)) for a in available - buttons} <= titles, (who.relation, who.role, dossier.status)
        unavailable = {a for a in Action if a not in available}
        assert explained | {a for a in unavailable if str(_title(a)) in titles} == unavailable


def _title(action: Action) -> str:
    from cchc.dossiers.web.presenters import ACTION_TITLES

    return ACTION_TITLES[action]


def _api_reference(dossier: Dossier) -> str:
    return dossier.code or dossier_submission_reference(dossier)


def test_the_api_lists_exactly_the_policys_actions(matrix: Matrix):
    """Exhaustive: every who × dossier; ``allowed_actions`` covers every action at once."""
    for who in matrix.who:
        for dossier in matrix.dossiers.values():
            response = who.client.get(f"/api/dossiers/{_api_reference(dossier)}/")
            if who.user is None or not policies.may_see(who.grants, dossier, steps=matrix.steps[dossier.pk]):
                assert response.status_code == 403, (who.relation, who.role, dossier.status)
                continue
            assert response.status_code == 200, (who.relation, who.role, dossier.status)
            available = policies.available_actions(who.grants, dossier, _active(matrix, dossier))
            assert set(response.json()["allowed_actions"]) == {str(a) for a in available}, (
                who.relation,
                dossier.status,
            )


def _form_url(dossier: Dossier, form: int) -> str:
    if dossier.code:
        return f"/ho-so/{dossier.code}/mau-{form:02d}.pdf"
    return f"/ho-so/id/{dossier.pk}/mau-{form:02d}.pdf"


def test_documents_answer_as_the_dossier_page(matrix: Matrix):
    """The console's covering (every who × status, every acting relation × dossier). Form 03 applies to
    none of these dossiers (none was refused): 409 for whoever may see the dossier, the not-found answer
    for everyone else, without rendering a PDF; then every form for one viewer who sees by a step only."""
    for who, dossier in _console_plan(matrix):
        cache.clear()
        response = who.client.get(_form_url(dossier, 3))
        expected = 409 if policies.may_see(who.grants, dossier, steps=matrix.steps[dossier.pk]) else 404
        assert response.status_code == expected, (who.relation, who.role, dossier.status)
    client = matrix.officer("step", Role.CLERK).client
    for form in range(1, 7):
        for name in ("at_step", "new"):
            cache.clear()
            response = client.get(_form_url(matrix.dossiers[name], form))
            assert response.status_code in ((200, 409) if name == "at_step" else (404,)), (form, name)


def test_the_portal_offers_the_applicants_actions_only(matrix: Matrix):
    client = APIClient()
    for dossier in matrix.dossiers.values():
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
        ResultDocument.objects.count(),
    )


Refusal = tuple[Dossier, Action, policies.ActionState | None, str]


def _refusals(m: Matrix, who: Who) -> list[Refusal]:
    """Every (dossier, action) the policy refuses ``who``, with the kind of refusal: "login" (anonymous),
    "unseen" (the dossier is not theirs) or the policy's block (status, role, no open step)."""
    cells: list[Refusal] = []
    for dossier in m.dossiers.values():
        steps = m.steps[dossier.pk]
        if who.user is None or not policies.may_see(who.grants, dossier, steps=steps):
            kind = "login" if who.user is None else "unseen"
            cells.extend((dossier, action, None, kind) for action in Action)
            continue
        active = policies.active_step_of(steps)
        for action in Action:
            state = policies.action_state(who.grants, action, dossier, active)
            if not state.available:
                assert state.block is not None
                cells.append((dossier, action, state, str(state.block)))
    return cells


def _refused_plan(m: Matrix) -> tuple[list[tuple[Who, Refusal]], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """A greedy covering of the refused cells: for each who, the cells that cover the most (action, kind),
    (relation, kind) and (role, kind) not yet covered; at least one cell per who. Returns the plan, the
    keys covered and the keys the world offers."""

    def keys(who: Who, cell: Refusal) -> set[tuple[Any, ...]]:
        _, action, _, kind = cell
        return {("action", action, kind), ("relation", who.relation, kind), ("role", who.role, kind)}

    plan: list[tuple[Who, Refusal]] = []
    covered: set[tuple[Any, ...]] = set()
    offered: set[tuple[Any, ...]] = set()
    for who in m.who:
        cells = _refusals(m, who)
        assert cells, who.relation
        for cell in cells:
            offered |= keys(who, cell)
        picked = 0
        while True:
            best = max(cells, key=lambda cell: len(keys(who, cell) - covered))
            if not keys(who, best) - covered and picked:
                break
            covered |= keys(who, best)
            plan.append((who, best))
            picked += 1
    return plan, covered, offered


def _expected_status(state: policies.ActionState | None, *, api: bool) -> int:
    if state is None:
        return 403 if api else 404
    return 403 if state.block == policies.Block.ROLE else 409


def test_posts_the_policy_refuses_are_refused_and_change_nothing(matrix: Matrix):
    plan, covered, offered = _refused_plan(matrix)
    assert covered == offered
    assert {id(who) for who, _ in plan} == {id(who) for who in matrix.who}  # every who at least once
    assert {kind for *_, kind in (cell for _, cell in plan)} >= {"login", "unseen", "status", "role"}
    before = _fingerprint()
    for who, (dossier, action, state, _) in plan:
        slug = ACTION_SLUGS[action]
        response = who.client.post(f"{dossier_url(dossier)}{slug}/", _console_body(action))
        expected = 302 if who.user is None else _expected_status(state, api=False)
        assert response.status_code == expected, (who.relation, who.role, dossier.status, action, "console")
        response = who.client.post(
            f"/api/dossiers/{_api_reference(dossier)}/actions/{action.value}/", BODIES[action], format="json"
        )
        expected = 403 if who.user is None else _expected_status(state, api=True)
        assert response.status_code == expected, (who.relation, who.role, dossier.status, action, "api")
    assert _fingerprint() == before

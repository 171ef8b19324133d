"""``cchc demo_staff`` (issue 12, item 17): the printed accounts carry one complete journey of every
online procedure of the demo catalogue, from reception to the returned result."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.selectors import membership_roles_held
from cchc.catalogue.constants import ServiceType, StepResponsible
from cchc.catalogue.models import ProcedureVersion
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.demo_staff import demo_journeys
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import CITIZEN
from cchc.org.constants import Level
from cchc.org.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 7, 1, 0, 0, tzinfo=VN)
LINE = re.compile(r"(\S+) / (\S+)  — (.+)$")
# the services' rules (cchc.dossiers.services): who may complete a step, receive, record the end of
# processing and return the result
ANY_ROLE = frozenset(Role)


@pytest.fixture(scope="module")
def demo_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    with django_db_blocker.unblock(), transaction.atomic():
        org_load_khanh_hoa()
        catalogue_import_demo(at=PUBLISHED)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_module: None, db: None) -> None:
    """The Khánh Hòa registry and the demo catalogue, as ``make run`` loads them."""


def _run(capsys) -> dict[str, str]:
    call_command("demo_staff")
    out = capsys.readouterr().out
    return {m.group(1): m.group(2) for m in map(LINE.search, out.splitlines()) if m}


def _holds(usernames: dict[str, str], agency: Agency, roles: frozenset[Role]) -> list[str]:
    """The printed accounts that hold one of ``roles`` at ``agency`` today in the one-stop shop."""
    users = dict(User.objects.filter(username__in=usernames).values_list("pk", "username"))
    held = membership_roles_held(user_ids=users, agency_ids=[agency.pk], on=timezone.localdate(), area=Area.ONE_STOP)
    return sorted({users[user_id] for user_id, _, role in held if role in roles})


def test_every_step_of_every_online_procedure_has_a_printed_account_that_can_act(demo, settings, capsys):
    settings.DEBUG = True
    printed = _run(capsys)
    for username, password in printed.items():
        assert authenticate(username=username, password=password) is not None, username
    today, now = timezone.localdate(), timezone.now()
    centre = Agency.objects.valid_on(today).filter(level=Level.PROVINCE, kind="trung_tam_hcc").order_by("name").first()
    nha_trang = Agency.objects.valid_on(today).get(code="ubnd-22366")
    online = [
        v
        for v in ProcedureVersion.objects.filter(status="published").select_related("procedure")
        if v.service_type != ServiceType.IN_PERSON
    ]
    assert len(online) > 40
    journeys = demo_journeys(on=today, at=now)
    assert {j.version.pk for j in journeys} == {v.pk for v in online}

    for journey in journeys:
        code = journey.version.procedure.code
        # the places: a provincial procedure at the province's centre, a commune one at Nha Trang
        assert journey.receiving == (nha_trang if journey.competent.level == Level.COMMUNE else centre), code
        templates = list(journey.version.steps.order_by("order"))
        assert len(templates) == len(journey.steps), code
        for template, (_, seat) in zip(templates, journey.steps, strict=True):
            expected = template.agency or (
                journey.receiving if template.responsible == StepResponsible.RECEIVING else journey.competent
            )
            assert seat.agency == expected, (code, template.name)
            # a printed account with the step's role there (any role may complete a step)
            assert _holds(printed, expected, frozenset({Role(template.staff_role)})), (code, template.name)
        assert _holds(printed, journey.receiving, frozenset({Role.RECEPTION})), (code, "tiếp nhận")
        assert _holds(printed, journey.competent, frozenset({Role.SPECIALIST, Role.LEADER})), (code, "xử lý xong")
        assert _holds(printed, journey.receiving, frozenset({Role.CLERK, Role.RECEPTION})), (code, "trả kết quả")


def test_the_printed_accounts_were_in_office_before_today(demo, settings, capsys):
    """A dossier filed last night is received this morning (or, past Vietnam's midnight, a few hours
    later): the accounts hold their seats since the agency took office, not only from the day the
    command ran (the CI run of 7/12/2026 at 00:30 in Vietnam was refused)."""
    settings.DEBUG = True
    printed = _run(capsys)
    users = dict(User.objects.filter(username__in=printed).values_list("pk", "username"))
    yesterday = timezone.localdate() - timedelta(days=1)
    for membership in AgencyMembership.objects.filter(user_id__in=users).select_related("agency"):
        assert membership.valid_from <= (membership.agency.valid_from or date(2025, 7, 1)), users[membership.user_id]
        assert membership.valid_from <= yesterday


def test_a_police_dossier_filed_online_goes_to_the_end_with_the_printed_accounts(demo, settings, capsys):
    """The issue's case: an online dossier of a Công an procedure, received at the province's centre."""
    settings.DEBUG = True
    printed = _run(capsys)
    now = timezone.now()
    (journey,) = [j for j in demo_journeys(on=timezone.localdate(), at=now) if j.version.procedure.code == "9.000203"]
    assert journey.competent.code == "cong-an-tinh"
    users = {u.username: u for u in User.objects.filter(username__in=printed)}

    def user(seat: Any) -> User:
        return users[seat.username]

    at = now - timedelta(hours=6)
    dossier = s.dossier_submit_online(
        procedure=journey.version.procedure,
        applicant=CITIZEN,
        receiving_agency=journey.receiving,
        competent_agency=journey.competent,
        at=at,
    )
    tick = iter(range(1, 100))
    dossier = s.dossier_receive(dossier=dossier, actor=user(journey.receive), at=at + timedelta(minutes=next(tick)))
    seats = [seat for _, seat in journey.steps]
    for giver, receiver in zip(seats[:-1], seats[1:], strict=True):  # up to the desk's return step
        s.dossier_complete_step(
            dossier=dossier, actor=user(giver), receiver=user(receiver), at=at + timedelta(minutes=next(tick))
        )
    s.dossier_mark_processed(dossier=dossier, actor=user(journey.mark_processed), at=at + timedelta(minutes=next(tick)))
    s.dossier_return_result(dossier=dossier, actor=user(journey.return_result), at=at + timedelta(minutes=next(tick)))

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RETURNED
    assert journey.receive.username == "tiepnhan.tinh"
    assert {seat.username for seat in seats} >= {"chuyenvien.congan", "lanhdao.congan", "vanthu.congan"}


def test_running_again_resets_passwords_without_duplicating_memberships(demo, settings, capsys):
    settings.DEBUG = True
    first = _run(capsys)
    count = AgencyMembership.objects.count()

    second = _run(capsys)

    assert AgencyMembership.objects.count() == count == len(first) == len(second)
    assert authenticate(username="lanhdao.stp", password=first["lanhdao.stp"]) is None
    assert authenticate(username="lanhdao.stp", password=second["lanhdao.stp"]) is not None
    assert User.objects.get(username="tiepnhan.tinh").first_name == "Nguyễn Thị Lan"


def test_demo_staff_refuses_without_debug(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_staff")
    assert not AgencyMembership.objects.exists()


def test_every_competent_agency_of_a_journey_has_a_signer_for_its_letters(demo, settings, capsys):
    """Mẫu 04 and 05 are signed by a real officer (NĐ 30/2020 Điều 8): without one they are refused,
    so the demo records each agency's demo leader as its signer, once."""
    from cchc.dossiers.documents.selectors import dossier_form_pdf
    from cchc.dossiers.tests.documents.conftest import pdf_text
    from cchc.org.models import Signatory
    from cchc.org.selectors import signatory_for

    settings.DEBUG = True
    _run(capsys)
    _run(capsys)
    today = timezone.localdate()
    journeys = demo_journeys(on=today, at=timezone.now())
    for journey in journeys:
        signer = signatory_for(journey.competent, on=today)
        assert signer is not None, journey.competent.name
        assert signer.full_name == User.objects.get(username=journey.mark_processed.username).first_name
    assert Signatory.objects.values("agency").distinct().count() == Signatory.objects.count()  # not twice

    # a stopped dossier's notice (Mẫu 05) prints with the leader's name
    (journey,) = [j for j in journeys if j.version.procedure.code == "9.000203"]
    users = {u.username: u for u in User.objects.all()}
    at = timezone.now() - timedelta(hours=3)
    dossier = s.dossier_submit_online(
        procedure=journey.version.procedure,
        applicant=CITIZEN,
        receiving_agency=journey.receiving,
        competent_agency=journey.competent,
        at=at,
    )
    dossier = s.dossier_receive(dossier=dossier, actor=users[journey.receive.username], at=at + timedelta(minutes=1))
    s.dossier_complete_step(
        dossier=dossier,
        actor=users[journey.receive.username],
        receiver=users[journey.steps[1][1].username],
        at=at + timedelta(minutes=2),
    )
    dossier = s.dossier_stop(
        dossier=dossier,
        actor=users[journey.mark_processed.username],
        at=at + timedelta(minutes=3),
        reason="Người nộp đề nghị dừng",
    )
    text = pdf_text(dossier_form_pdf(dossier=dossier, form=5))
    assert users[journey.mark_processed.username].first_name in text

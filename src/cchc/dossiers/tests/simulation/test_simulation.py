"""The simulator end to end: through the services, deterministic for a seed, and the bulk path writing
the same rows as the services."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_verify
from cchc.dossiers.constants import (
    ApplicantKind,
    Channel,
    DocumentSource,
    DossierStatus,
    IdentityLevel,
    ResultStatus,
)
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRating,
    DossierSequence,
    DossierStep,
    Extension,
    FeeLine,
    Handover,
    Payment,
    ResultDocument,
    SupplementRequest,
)
from cchc.dossiers.simulation import SimulationResult, SimulationSetupError, dossiers_simulate, plan
from cchc.outbox.models import OutboxEvent
from cchc.records.constants import StoredSource
from cchc.records.models import StoredDocument

from .conftest import VN

START = date(2025, 7, 1)
END = date(2025, 9, 30)
HORIZON = datetime(2025, 9, 26, 10, 0, tzinfo=VN)  # the last days' dossiers are still open then
N = 36


def simulate(*, seed: int, bulk: bool = False, count: int = N) -> SimulationResult:
    return dossiers_simulate(count=count, start=START, end=END, seed=seed, bulk=bulk, horizon=HORIZON)


def projection() -> dict[str, list[tuple[Any, ...]]]:
    """Every simulated row without its auto id: users by username, dossiers by applicant id number and
    submission moment (a repeat applicant files several), steps by (dossier, order)."""
    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    dossier_keys = {
        pk: (number, submitted)
        for pk, number, submitted in Dossier.objects.values_list("pk", "applicant_id_number", "submitted_at")
    }
    step_keys = {
        pk: (dossier_keys[d], order) for pk, d, order in DossierStep.objects.values_list("pk", "dossier", "order")
    }

    def row(obj: models.Model) -> tuple[Any, ...]:
        values: list[Any] = []
        for field in obj._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(obj, field.attname)
            if field.is_relation and value is not None:
                target = field.related_model
                if target is Dossier:
                    value = dossier_keys[value]
                elif target is DossierStep:
                    value = step_keys[value]
                elif target is get_user_model():
                    value = usernames[value]
            values.append((field.name, value))
        return tuple(values)

    models_ = [
        Dossier,
        DossierStep,
        Handover,
        SupplementRequest,
        Extension,
        FeeLine,
        Payment,
        DossierRating,
        DossierSequence,
    ]
    return {m.__name__: sorted((row(obj) for obj in m.objects.all()), key=repr) for m in models_}


def test_simulator_drives_dossiers_through_the_services(catalogue: None) -> None:
    # given the registry and the demo catalogue; when N dossiers are simulated, some still open at the end
    result = simulate(seed=1)

    # then every planned dossier was accepted by the services
    assert result.failures == []
    assert result.written + result.skipped == N
    assert result.written >= N - 2
    assert Dossier.objects.count() == result.written
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert DossierStatus.RETURNED in statuses
    assert len(statuses) >= 5, statuses  # seed 1: refused, supplement asked, stopped, fees asked, processed
    assert dict(result.statuses) == {s: Dossier.objects.filter(status=s).count() for s in statuses}
    # hand-overs recorded for every completed step, fees and payments where the procedure has fees
    assert Handover.objects.count() >= result.statuses[DossierStatus.RETURNED] * 2
    assert Payment.objects.exists()
    assert SupplementRequest.objects.exists()
    # some applicants rated the service, only on returned dossiers
    assert DossierRating.objects.exists()
    assert not DossierRating.objects.exclude(dossier__status=DossierStatus.RETURNED).exists()
    # every dossier is inside the period and its agencies were valid on the day
    for dossier in Dossier.objects.select_related("receiving_agency", "competent_agency"):
        day = dossier.submitted_at.astimezone(VN).date()
        assert START <= day <= END
        assert dossier.receiving_agency.is_valid_on(day)
        assert dossier.competent_agency.is_valid_on(day)

    # the codes are gapless per receiving unit and day, and match the stored sequences
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for code in Dossier.objects.exclude(code="").values_list("code", flat=True):
        match = re.fullmatch(r"(\w+)-(\d{6})-(\d{4,})", code)
        assert match, code
        numbers[(match[1], match[2])].append(int(match[3]))
    for (unit, day), values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1)), (unit, day, values)
        stored = DossierSequence.objects.get(unit_code=unit, day=datetime.strptime(day, "%y%m%d").date())
        assert stored.last_value == len(values)

    # one audit event per transition, and the chain verifies
    assert AuditEvent.objects.filter(action__startswith="dossier.").count() == result.events
    verified = audit_verify()
    assert verified.ok, verified


def test_same_seed_same_rows_and_bulk_writes_the_same_rows(catalogue: None) -> None:
    # given the same seed run twice through the services (each run rolled back)
    runs = []
    for _ in range(2):
        with transaction.atomic():
            result = simulate(seed=14)  # late, late with apology, supplements, refused, withdrawn
            assert result.failures == []
            runs.append(projection())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["Dossier"], "the simulation wrote dossiers"
    for name in (
        "Handover",
        "FeeLine",
        "Payment",
        "Extension",
        "SupplementRequest",
        "DossierRating",
        "DossierSequence",
    ):
        assert runs[0][name], name

    # when the bulk path runs with the same seed
    bulk = simulate(seed=14, bulk=True)

    # then it writes the same rows as the services (ratings counted alike), and no dossier audit event
    # (only the grants of the simulated officers, made through the accounts service); the chain stays valid
    assert bulk.written == result.written
    assert bulk.ratings == result.ratings > 0
    bulk_rows = projection()
    for name, rows in runs[0].items():
        assert bulk_rows[name] == rows, name
    assert not AuditEvent.objects.filter(action__startswith="dossier.").exists()
    assert AuditEvent.objects.filter(action="membership.grant").exists()
    assert audit_verify().ok


def test_another_seed_gives_other_dossiers(catalogue: None) -> None:
    with transaction.atomic():
        simulate(seed=1, bulk=True, count=10)
        first = projection()["Dossier"]
        transaction.set_rollback(True)
    simulate(seed=2, bulk=True, count=10)
    assert projection()["Dossier"] != first


def test_period_before_the_catalogue_is_refused_with_the_date(catalogue: None) -> None:
    with pytest.raises(SimulationSetupError, match="01/07/2025"):
        dossiers_simulate(count=5, start=date(2021, 1, 1), end=date(2021, 12, 31), seed=1)


def test_command_prints_the_summary(catalogue: None, capsys: pytest.CaptureFixture[str], settings) -> None:
    settings.DEBUG = True  # a demo command (cchc.common.demo)
    call_command(
        "simulate", "--dossiers", "8", "--seed", "3", "--from", "2021-01-01", "--to", "2025-12-31", "--no-progress"
    )
    out = capsys.readouterr().out
    assert "Đã mô phỏng" in out
    assert "danh mục thủ tục chỉ áp dụng từ 01/07/2025" in out
    assert f"Người nộp đánh giá mức độ hài lòng: {DossierRating.objects.count():,} hồ sơ" in out
    assert Dossier.objects.count() >= 7


def test_if_empty_leaves_existing_dossiers_alone(catalogue: None, capsys: pytest.CaptureFixture[str], settings) -> None:
    settings.DEBUG = True  # a demo command (cchc.common.demo)
    simulate(seed=4, bulk=True, count=3)
    before = Dossier.objects.count()
    call_command("simulate", "--dossiers", "5", "--seed", "4", "--if-empty", "--no-progress")
    assert Dossier.objects.count() == before
    assert "bỏ qua mô phỏng" in capsys.readouterr().out


def test_papers_scanned_uploads_reuse_and_signed_results(catalogue: None, settings: Any) -> None:
    # given every agency's development certificate (what ``make setup`` runs before the simulation)
    from cchc.signing.services import signing_setup

    signing_setup(on=START)

    # when dossiers are simulated through the services
    result = simulate(seed=1)

    # then the desk scanned the papers of most counter dossiers, online ones carry uploads, and most
    # processed dossiers have a signed electronic result (the signing's event written), none left pending
    assert result.failures == []
    counter = Dossier.objects.exclude(channel=Channel.ONLINE).exclude(received_at=None)
    papers = DossierDocument.objects.filter(dossier__in=counter, source=DocumentSource.PAPER)
    assert papers.exists()
    assert papers.filter(stored_document__isnull=False).count() >= papers.count() // 2
    assert StoredDocument.objects.filter(source=StoredSource.DIGITISED).exists()
    online = DossierDocument.objects.filter(dossier__channel=Channel.ONLINE)
    assert online.exists()
    assert not online.exclude(source__in=[DocumentSource.UPLOAD, DocumentSource.REUSED]).exists()
    processed = Dossier.objects.exclude(processed_at=None)
    signed = ResultDocument.objects.filter(status=ResultStatus.SIGNED)
    assert processed.count() // 2 <= signed.count() <= processed.count()
    assert set(ResultDocument.objects.values_list("status", flat=True)) == {ResultStatus.SIGNED}
    assert OutboxEvent.objects.filter(topic=DossierEvent.RESULT_SIGNED).count() == signed.count()
    assert StoredDocument.objects.filter(source=StoredSource.RESULT).count() == signed.count()


def test_repeat_applicants_are_earlier_persons() -> None:
    # about 30 % of the dossiers from the 21st on are filed by the person of one of the 200 before
    persons = {index: plan._person(1, index) for index in range(1, 1001)}
    repeats = [index for index, person in persons.items() if person != index]
    assert 240 <= len(repeats) <= 360
    assert all(index - 200 <= persons[index] < index for index in repeats)
    assert all(persons[index] == index for index in range(1, 21))


def test_online_applicants_sign_in_in_realistic_shares() -> None:
    # the identity of a simulated applicant is a function of its index (not of the random stream): over
    # any 100 consecutive online citizens 65 level 2 and 10 level 1, over 100 organisations 60 accounts;
    # nobody at the counter
    citizens = [plan._identity(i, online=True, organisation=False) for i in range(1000, 1100)]
    assert citizens.count(IdentityLevel.VNEID_2) == 65
    assert citizens.count(IdentityLevel.VNEID_1) == 10
    assert citizens.count(IdentityLevel.NONE) == 25
    organisations = [plan._identity(i, online=True, organisation=True) for i in range(500, 600)]
    assert organisations.count(IdentityLevel.VNEID_ORGANISATION) == 60
    assert set(organisations) == {IdentityLevel.VNEID_ORGANISATION, IdentityLevel.NONE}
    assert {plan._identity(i, online=False, organisation=o) for i in range(100) for o in (True, False)} == {
        IdentityLevel.NONE
    }


def test_simulated_dossiers_carry_the_applicants_identity(catalogue: None) -> None:
    simulate(seed=3, bulk=True, count=120)
    online = Dossier.objects.filter(channel=Channel.ONLINE)
    assert online.count() >= 20
    identified = online.exclude(applicant_identity=IdentityLevel.NONE).count()
    assert 0.5 <= identified / online.count() <= 0.95
    assert not Dossier.objects.exclude(channel=Channel.ONLINE).exclude(applicant_identity=IdentityLevel.NONE).exists()
    organisations = Dossier.objects.filter(applicant_kind=ApplicantKind.ORGANISATION)
    assert not organisations.filter(applicant_identity__in=[IdentityLevel.VNEID_1, IdentityLevel.VNEID_2]).exists()
    assert not Dossier.objects.filter(
        applicant_kind=ApplicantKind.CITIZEN, applicant_identity=IdentityLevel.VNEID_ORGANISATION
    ).exists()

"""The demo's illustrative publications: one per procedure, the same every run, some late on each count,
marked as illustrative, and refused outside DEBUG."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cchc.calendars.selectors import working_calendar
from cchc.catalogue.models import Procedure, ProcedurePublication
from cchc.catalogue.services import catalogue_import_demo
from cchc.indicators.publications import Publication, made_public_on_time, published_on_time
from cchc.integrations.national_procedures.demo import EFFECTIVE, publications_demo
from cchc.org.services import org_load_khanh_hoa

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 1, 5, 8, 0, tzinfo=VN)


@pytest.fixture
def catalogue() -> None:
    org_load_khanh_hoa()
    catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=VN))  # the demo's catalogue, as `make run` loads it


def _judged() -> tuple[list[bool | None], list[bool | None]]:
    calendar = working_calendar()
    rows = [
        Publication(p.procedure_id, "", "", p.decision_date, p.legal_basis_effective_date, p.public_date)
        for p in ProcedurePublication.objects.all()
    ]
    today = datetime(2026, 1, 5).date()
    return [published_on_time(r, calendar) for r in rows], [made_public_on_time(r, calendar, today) for r in rows]


def test_every_procedure_gets_one_illustrative_publication_once(catalogue: None) -> None:
    procedures = Procedure.objects.count()
    assert publications_demo(at=AT) == procedures
    assert publications_demo(at=AT) == 0  # a second run adds nothing
    rows = list(ProcedurePublication.objects.all())
    assert len(rows) == procedures
    assert all("minh họa" in r.decision_number and "minh họa" in r.decision_issuer for r in rows)
    assert all(r.legal_basis_effective_date == EFFECTIVE and r.decision_date < EFFECTIVE for r in rows)
    assert all(r.public_date is not None and r.public_date > r.decision_date for r in rows)


def test_the_same_facts_every_run_with_both_outcomes_represented(catalogue: None) -> None:
    publications_demo(at=AT)
    first = sorted(ProcedurePublication.objects.values_list("procedure__code", "decision_date", "public_date"))
    ProcedurePublication.objects.all().delete()
    publications_demo(at=AT)
    assert sorted(ProcedurePublication.objects.values_list("procedure__code", "decision_date", "public_date")) == first
    published, public = _judged()
    assert True in published
    assert False in published or False in public  # a demo where everything is on time shows nothing


def test_the_command_is_refused_outside_debug(catalogue: None, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("integrations", "procedures", "demo", stdout=io.StringIO())
    assert not ProcedurePublication.objects.exists()
    settings.DEBUG = True
    out = io.StringIO()
    call_command("integrations", "procedures", "demo", stdout=out)
    assert "minh họa" in out.getvalue()
    assert ProcedurePublication.objects.exists()

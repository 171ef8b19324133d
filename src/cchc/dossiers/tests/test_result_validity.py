"""A signed result kept in the applicant's data store carries the validity the catalogue gives the
procedure's result (``result_valid_months``): the reuse offer then ignores it once expired."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from cchc.catalogue.models import ProcedureVersion
from cchc.catalogue.spec import parse_procedure
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.results.services import SUBSCRIBER, months_after
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, to_status
from cchc.outbox.dispatch import outbox_drain
from cchc.records.models import StoredDocument
from cchc.records.selectors import reusable_for
from cchc.signing.tests.pdfs import result_pdf


def test_months_after_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_after(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2026, 12, 7), 12) == date(2027, 12, 7)


def test_a_signed_result_is_kept_with_the_catalogues_validity(world: World, certificates: Path) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    ProcedureVersion.objects.filter(pk=dossier.procedure_version_id).update(result_valid_months=6)
    dossier.procedure_version.refresh_from_db()
    s.dossier_attach_result(
        dossier=dossier, actor=world.specialist, at=AT + timedelta(hours=3), title="Phiếu", file=result_pdf()
    )
    outbox_drain(only=[SUBSCRIBER])

    kept = StoredDocument.objects.get()
    assert kept.issued_on == timezone.localdate()
    assert kept.valid_until == months_after(kept.issued_on, 6)
    code = kept.document_type_code
    on_last_day = reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[code], on=kept.valid_until)
    assert on_last_day[code].pk == kept.pk
    after = reusable_for(owner_id_number=CITIZEN.id_number, type_codes=[code], on=kept.valid_until + timedelta(days=1))
    assert code not in after


def test_the_catalogue_reads_the_validity_and_leaves_other_hashes_alone() -> None:
    import json
    from importlib import resources

    data = json.loads(resources.files("cchc.catalogue").joinpath("data/demo-catalogue.json").read_text("utf-8"))
    raw = next(p for p in data["procedures"] if p["result"]["document_type"] == "phieu-ly-lich-tu-phap")
    spec = parse_procedure(raw)
    assert spec.result_valid_months == 6
    assert spec.to_json()["result"]["valid_months"] == 6
    other = next(p for p in data["procedures"] if "valid_months" not in p["result"])
    assert "valid_months" not in parse_procedure(other).to_json()["result"]  # its content hash is unchanged

"""QĐ 766 indicators 4.1, 4.2 and 4.3 from what issue 16 records: signed electronic results
(``dossiers.ResultDocument`` «Đã ký số»), components digitised at the counter, uploaded or reused from the
data store. Both paths agree: the rollups kept by the dossiers' events (the signing writes its own event,
``dossier.result_signed``) and the set-based rebuild, and the direct count over the dossier table."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.catalogue.models import RequiredDocument
from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierStatus, ResultStatus
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, ResultDocument
from cchc.dossiers.results.services import SUBSCRIBER as SIGNER
from cchc.dossiers.tests.conftest import (
    AT,
    CITIZEN,
    World,
    certificates,  # noqa: F401
    first_line,
    receive_paper,
    to_status,
)
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method
from cchc.indicators.models import DossierFact, IndicatorRollup
from cchc.indicators.periods import period_parse
from cchc.indicators.rollups import rollups_rebuild
from cchc.indicators.tests.conftest import apply_events
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.records.constants import StoredSource
from cchc.records.services import stored_document_store
from cchc.signing.tests.pdfs import result_pdf

PERIOD = period_parse("2026-01")
CLOSE = datetime(2026, 2, 1, tzinfo=AT.tzinfo)
CODES = ("ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA")


def _figures(method: str) -> dict[str, tuple[int, int]]:
    report = indicators_compute(period=PERIOD, at=CLOSE, method=method)
    return {code: (report.results[code].numerator, report.results[code].denominator) for code in CODES}


def _attach(w: World, dossier: Dossier, at: datetime) -> Any:
    return s.dossier_attach_result(dossier=dossier, actor=w.specialist, at=at, title="Giấy xác nhận", file=result_pdf())


def _facts() -> list[tuple[Any, ...]]:
    return sorted(DossierFact.objects.values_list("dossier_id", "upload", "reused", "digitised", "result_signed"))


def _counters() -> list[tuple[Any, ...]]:
    return sorted(
        IndicatorRollup.objects.values_list(
            "grain", "bucket", "agency_id", "procedure_id", "completed", "completed_result", "received_digitised_result"
        )
    )


def test_signed_results_digitised_and_reused_components(
    world: World,
    media_root: Path,  # noqa: F811
    certificates: Path,  # noqa: F811
) -> None:
    # given, in January: (a) processed with a result attached, (b) processed without an electronic result,
    # (c) received at the counter with a paper component, (d) filed online reusing a stored document
    a = to_status(world, DossierStatus.PROCESSED)
    b = to_status(world, DossierStatus.PROCESSED, at=AT + timedelta(days=1))
    line = first_line(world)
    c = receive_paper(world, AT + timedelta(days=2))
    held = stored_document_store(
        owner_id_number=CITIZEN.id_number,
        document_type_code=line.document_type_code,
        name=line.name,
        data=pdf_bytes(),
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.DIGITISED,
        at=AT,
    )
    others = {
        doc.order: SimpleUploadedFile("to-khai.pdf", pdf_bytes())
        for doc in RequiredDocument.objects.filter(version=line.version).exclude(pk=line.pk)
    }
    d = s.dossier_apply_online(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        files=others,
        at=AT + timedelta(days=3),
        reused={line.order: held.pk},
        reuser_id_number=CITIZEN.id_number,
    )
    d = s.dossier_receive(dossier=d, actor=world.reception, at=AT + timedelta(days=3, hours=1))
    assert d.documents.filter(source=DocumentSource.REUSED, stored_document=held).exists()
    _attach(world, a, AT + timedelta(hours=4))
    apply_events()
    # the result is attached, not yet signed: it counts nowhere
    assert (
        _figures(Method.ROLLUP)
        == _figures(Method.DIRECT)
        == {
            "ORIGINAL_RESULT_AVAILABLE": (0, 2),
            "SO_HOA_GIAY_TO_GIAI_QUYET": (0, 4),
            "REUSED_DIGITIZED_DATA": (1, 4),
        }
    )

    # when the desk digitises (c)'s paper, a result of (c) is attached, and the signer signs both
    paper = c.documents.get(source=DocumentSource.PAPER)
    s.dossier_digitise_document(
        dossier=c,
        actor=world.reception,
        at=AT + timedelta(days=2, hours=1),
        document=paper.pk,
        file=SimpleUploadedFile("giay.pdf", pdf_bytes()),
        issuing_body="UBND phường Nha Trang",
    )
    _attach(world, c, AT + timedelta(days=2, hours=2))
    apply_events()
    outbox_drain(only=[SIGNER])
    assert set(ResultDocument.objects.values_list("status", flat=True)) == {ResultStatus.SIGNED}
    signed = OutboxEvent.objects.filter(topic=DossierEvent.RESULT_SIGNED).order_by("id")
    assert [e.payload["dossier_id"] for e in signed] == [a.pk, c.pk]

    # then the direct count sees them at once, the rollups once the signing's events are delivered
    direct = _figures(Method.DIRECT)
    assert direct == {
        # 4.1: (a) of the two processed; 4.2: (a) has no digitised component (a counter dossier without
        # papers), (c) has a scan and a signed result; 4.3: (d)
        "ORIGINAL_RESULT_AVAILABLE": (1, 2),
        "SO_HOA_GIAY_TO_GIAI_QUYET": (1, 4),
        "REUSED_DIGITIZED_DATA": (1, 4),
    }
    assert _figures(Method.ROLLUP)["ORIGINAL_RESULT_AVAILABLE"] == (0, 2)
    apply_events()
    assert _figures(Method.ROLLUP) == direct
    fact = DossierFact.objects.get(dossier=c)
    assert (fact.digitised, fact.result_signed, fact.upload) == (True, True, False)
    assert DossierFact.objects.get(dossier=d).digitised  # reused and uploaded components
    assert not DossierFact.objects.get(dossier=b).result_signed

    # and a full rebuild (set-based on PostgreSQL) gives the same facts and counters
    facts, counters = _facts(), _counters()
    rollups_rebuild()
    assert _facts() == facts
    assert _counters() == counters
    assert _figures(Method.ROLLUP) == direct

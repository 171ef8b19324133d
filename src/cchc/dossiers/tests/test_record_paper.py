"""A paper handed in at the counter for an online dossier (issue 16, browser walk): the desk records it
(``record_paper``, through the one executor) and then digitises it on the same dossier
(NĐ 118/2025/NĐ-CP; TT 01/2023/TT-VPCP Điều 4-5). Every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.catalogue.models import RequiredDocument
from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode, DossierStatus
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, World, to_status
from cchc.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db

LATER = AT + timedelta(days=1)


def _online_received(w: World) -> Dossier:
    dossier = to_status(w, DossierStatus.RECEIVED)
    assert not dossier.documents.filter(source=DocumentSource.PAPER).exists()  # online: no paper at all
    return dossier


def _line(dossier: Dossier) -> RequiredDocument:
    line = dossier.procedure_version.documents.order_by("order").first()
    assert line is not None
    return line


def test_the_desk_records_a_paper_of_an_online_dossier_and_digitises_it(world: World, media_root: Path) -> None:  # noqa: F811
    dossier = _online_received(world)
    line = _line(dossier)
    last = max(dossier.documents.values_list("order", flat=True), default=0)

    paper = s.dossier_record_paper(
        dossier=dossier, actor=world.reception, at=LATER, required_document=line.pk, copies=2
    )

    row = DossierDocument.objects.get(pk=paper.pk)
    assert (row.source, row.required_document_id, row.name, row.copies, row.order) == (
        DocumentSource.PAPER,
        line.pk,
        line.name,
        2,
        last + 1,
    )
    assert row.document_type_code == line.document_type_code
    assert AuditEvent.objects.latest("sequence").action == "dossier.record_paper"
    event = OutboxEvent.objects.filter(topic=DossierEvent.PAPER_RECORDED.value).get()
    assert event.payload["details"] == {"order": last + 1, "name": line.name, "copies": 2}
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED  # the status does not change

    stored = s.dossier_digitise_document(
        dossier=dossier,
        actor=world.reception,
        at=LATER + timedelta(minutes=5),
        document=paper.pk,
        file=SimpleUploadedFile("can-cuoc.pdf", pdf_bytes()),
    )
    assert DossierDocument.objects.get(pk=paper.pk).stored_document_id == stored.pk
    # digitised: the same paper may be recorded again (another original handed in later)
    s.dossier_record_paper(dossier=dossier, actor=world.reception, at=LATER, required_document=line.pk)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("other_line", DossierErrorCode.INVALID_INPUT),
        ("nothing_named", DossierErrorCode.INVALID_INPUT),
        ("no_copies", DossierErrorCode.INVALID_INPUT),
        ("twice", DossierErrorCode.PAPER_ALREADY_RECORDED),
        ("specialist", DossierErrorCode.NOT_PERMITTED),
    ],
)
def test_refusals_write_nothing(world: World, case: str, code: str) -> None:
    dossier = _online_received(world)
    kwargs: dict[str, Any] = {"name": "Bản chính căn cước"}
    actor = world.reception
    if case == "other_line":
        other = RequiredDocument.objects.exclude(version_id=dossier.procedure_version_id).first()
        assert other is not None
        kwargs = {"required_document": other.pk}
    elif case == "nothing_named":
        kwargs = {"name": "  "}
    elif case == "no_copies":
        kwargs["copies"] = 0
    elif case == "twice":
        s.dossier_record_paper(dossier=dossier, actor=actor, at=LATER, **kwargs)
    elif case == "specialist":
        actor = world.specialist
    documents, audits = DossierDocument.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DossierError) as refused:
        s.dossier_record_paper(dossier=dossier, actor=actor, at=LATER, **kwargs)
    assert refused.value.code == code
    assert refused.value.message
    assert (DossierDocument.objects.count(), AuditEvent.objects.count()) == (documents, audits)


def test_the_console_form_and_the_api_record_a_paper(world: World) -> None:
    dossier = _online_received(world)
    line = _line(dossier)
    client = login_verified(APIClient(), world.reception)
    page = reverse("dossiers_web:dossier", kwargs={"code": dossier.code})
    form = next(f["form"] for f in client.get(page).context["action_forms"] if f["slug"] == "ghi-nhan-ban-giay")
    assert (line.pk, line.name) in form.fields["required_document"].widget.choices

    url = reverse("dossiers_web:action", kwargs={"code": dossier.code, "slug": "ghi-nhan-ban-giay"})
    response = client.post(url, {"ghi-nhan-ban-giay-required_document": str(line.pk), "ghi-nhan-ban-giay-copies": "1"})
    assert response.status_code == 302
    response = client.post(
        f"/api/dossiers/{dossier.code}/actions/record_paper/", {"name": "Bản chính hộ chiếu"}, format="json"
    )
    assert response.status_code == 200, response.content
    names = list(dossier.documents.filter(source=DocumentSource.PAPER).order_by("order").values_list("name", flat=True))
    assert names == [line.name, "Bản chính hộ chiếu"]

    # both papers now wait to be digitised: the page offers "Số hóa" with them
    forms = client.get(page).context["action_forms"]
    digitise = next(f["form"] for f in forms if f["slug"] == "so-hoa-thanh-phan")
    assert [label for _, label in digitise.fields["document"].widget.choices][1:] == names
    html = client.get(page).content.decode()
    assert "Ghi nhận bản giấy nộp tại quầy" in html  # the timeline's label

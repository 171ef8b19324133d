"""The national portal's payload and the other subscribers take the event of an attached electronic result
(issue 16): ``dossier.result_attached`` is a history line of the dossier, nothing fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.results.services import SUBSCRIBER
from cchc.dossiers.tests import conftest as dossier_fixtures
from cchc.dossiers.tests.conftest import AT, World, to_status
from cchc.integrations.national_portal.payload import sync_items
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.signing import pki
from cchc.signing.tests.pdfs import result_pdf

# the dossier tests' world (registry, procedures, officers), loaded once per module
world_module = dossier_fixtures.world_module
world = dossier_fixtures.world


@pytest.fixture
def certificates(world: World, tmp_path: Path, settings: Any) -> Path:
    directory = tmp_path / "signing"
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_SIGNER = "local"
    pki.pki_setup(directory, [pki.AgencyIdentity(code=world.justice.code, name=world.justice.name)])
    return directory


def test_the_result_attached_event_is_a_history_line_and_fails_no_subscriber(
    world: World, certificates: Path, settings: Any
) -> None:
    settings.CCHC_SMS_GATEWAY_URL = ""
    settings.CCHC_ZALO_GATEWAY_URL = ""
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_attach_result(
        dossier=dossier, actor=world.specialist, at=AT + timedelta(hours=3), title="Giấy xác nhận", file=result_pdf()
    )
    event = OutboxEvent.objects.latest("id")

    result = outbox_drain(only=["notifications", "indicators.rollups", SUBSCRIBER])
    items = sync_items([event])

    assert result.failed == 0
    assert result.dead == 0
    item = items[event.pk]
    assert item is not None
    assert "Đính kèm kết quả giải quyết" in str(item)

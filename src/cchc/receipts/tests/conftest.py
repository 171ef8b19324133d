"""Fixtures of the receipts tests: the dossier tests' world, a dossier with a payment recorded, and (for
every test) the world's development certificates, so that ``receipts.sign`` signs (issue 16 item 2), and
a temporary MEDIA_ROOT for the signed files."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cchc.common.tests.files import media_root  # noqa: F401 (autouse: signed receipts under tmp_path)
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier, Payment
from cchc.dossiers.tests.conftest import (  # noqa: F401
    AT,
    CENTRE,
    JUSTICE,
    NHA_TRANG,
    World,
    to_status,
    world,
    world_module,
)
from cchc.outbox.dispatch import outbox_drain
from cchc.receipts.constants import SIGN_SUBSCRIBER, SUBSCRIBER

SITE = "https://dichvucong.khanhhoa.example"
PAID_AT = AT + timedelta(hours=3)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.CCHC_SITE_URL = SITE
    settings.CCHC_SMS_GATEWAY_URL = ""
    settings.CCHC_ZALO_GATEWAY_URL = ""


@pytest.fixture(scope="session")
def _signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("receipts-signing") / "signing"


@pytest.fixture(autouse=True)
def certificates(_signing_dir: Path, settings: Any) -> Path:
    """The development root and the certificates of the world's agencies (as the results' ``certificates``
    fixture), created once per session (``pki_setup`` is idempotent: later tests only point the settings
    at them; performance: an RSA key costs ~0.15 s). B-B signatures (no CCHC_TSA_URL) unless a test sets it."""
    from cchc.signing import pki

    settings.CCHC_SIGNING_DIR = _signing_dir
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_SIGNER = "local"
    settings.CCHC_TSA_URL = ""
    if not pki.agency_certificate_path(_signing_dir, JUSTICE).exists():
        agencies = [(JUSTICE, "Sở Tư pháp"), (CENTRE, "Trung tâm Phục vụ HCC"), (NHA_TRANG, "UBND Nha Trang")]
        pki.pki_setup(_signing_dir, [pki.AgencyIdentity(code=c, name=n) for c, n in agencies], with_tsa=False)
    return _signing_dir


def issue_and_sign() -> None:
    """Deliver the receipts' outbox events: issue, then sign (the two subscribers, in that order)."""
    outbox_drain(only=[SUBSCRIBER])
    outbox_drain(only=[SIGN_SUBSCRIBER])


def pay(
    w: World,
    *,
    dossier: Dossier | None = None,
    at: datetime = PAID_AT,
    amount: int = 200000,
    online: bool = False,
    reference: str = "BL-0001",
) -> Payment:
    """A processed province dossier (Sở Tư pháp) with one payment recorded through the service."""
    dossier = dossier or to_status(w, DossierStatus.PROCESSED)
    return s.dossier_record_payment(
        dossier=dossier,
        actor=None if online else w.reception,
        at=at,
        amount=Decimal(amount),
        channel=PaymentChannel.ONLINE_GATEWAY if online else PaymentChannel.COUNTER,
        receipt_number=reference,
    )

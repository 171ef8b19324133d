"""Fixtures of the receipts tests: the dossier tests' world and a dossier with a payment recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier, Payment
from cchc.dossiers.tests.conftest import AT, World, to_status, world, world_module  # noqa: F401

SITE = "https://dichvucong.khanhhoa.example"
PAID_AT = AT + timedelta(hours=3)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.CCHC_SITE_URL = SITE
    settings.CCHC_SMS_GATEWAY_URL = ""
    settings.CCHC_ZALO_GATEWAY_URL = ""


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

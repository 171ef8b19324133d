"""Rough edges of the console found by the browser walk of issue 16: the fee action once everything is
paid, and the applicant's identification field worded alike at the counter and on the portal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.dossiers import services as s
from cchc.dossiers.constants import APPLICANT_ID_LABEL, DossierError, DossierStatus, PaymentChannel
from cchc.dossiers.lifecycle.preconditions import NOTHING_OWED_MESSAGE
from cchc.dossiers.portal.forms import ApplicationForm
from cchc.dossiers.tests.conftest import AT, World, to_status
from cchc.dossiers.web.forms import CounterReceptionForm

pytestmark = pytest.mark.django_db


def test_the_fee_request_is_not_offered_once_everything_is_paid(login, world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)  # 200,000 đồng due, nothing paid
    page = reverse("dossiers_web:dossier", kwargs={"code": dossier.code})
    client = login(world.reception)
    offered = {item["slug"] for item in client.get(page).context["action_forms"]}
    assert "yeu-cau-nghia-vu-tai-chinh" in offered

    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=AT + timedelta(days=1),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-0100",
    )
    response = client.get(page)
    offered = {item["slug"] for item in response.context["action_forms"]}
    assert "yeu-cau-nghia-vu-tai-chinh" not in offered
    reasons = " ".join(group.reason for group in response.context["blocked"])
    assert NOTHING_OWED_MESSAGE in reasons
    # the service refuses it the same way
    with pytest.raises(DossierError) as refused:
        s.dossier_request_financial_obligation(dossier=dossier, actor=world.reception, at=AT + timedelta(days=1))
    assert refused.value.message == NOTHING_OWED_MESSAGE


def test_the_identification_field_has_one_label_at_the_counter_and_on_the_portal() -> None:
    counter = CounterReceptionForm.base_fields["applicant_id_number"]
    portal = ApplicationForm.base_fields["applicant_id_number"]
    assert counter.label == portal.label == APPLICANT_ID_LABEL
    assert counter.help_text == portal.help_text

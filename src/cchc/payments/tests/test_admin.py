"""The read-only administration pages render the records a payment leaves, and allow no change."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.tests.conftest import to_status
from cchc.outbox.dispatch import outbox_drain
from cchc.payments import services
from cchc.payments.tests.conftest import browser, pay


def test_the_admin_lists_orders_log_refunds_and_reconciliations_read_only(world, gateway_sim, client):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    pay(browser(dossier.pk), gateway_sim, dossier.pk)
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Dừng")
    outbox_drain(only=["payments-refunds"])
    services.reconcile(day=timezone.localdate(), at=timezone.now())
    client.force_login(User.objects.create_superuser("quantri", password="x-Secret-123"))

    for name in ("paymentorder", "callbacklog", "refund", "reconciliation"):
        page = client.get(f"/admin/payments/{name}/")
        assert page.status_code == 200, name
        assert client.get(f"/admin/payments/{name}/add/").status_code == 403

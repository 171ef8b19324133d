"""The dossier tests' world (the real Khánh Hòa registry, two procedures, officers), shared here, and
:func:`apply_events`: what brings the rollups up to date in a test, now that reads never write."""

from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.feedback.tests.conftest import fw, fworld_module  # noqa: F401


def _deliver_dossier_events() -> None:
    """Stand-in for the outbox dispatcher until the transition executor writes dossier events: one
    event per dossier (as it stands), handed to the subscriber ``indicators.rollups``'s batch handler."""
    from cchc.dossiers.events import DossierEvent, dossier_event
    from cchc.dossiers.models import Dossier
    from cchc.indicators.subscribers import rollups_on_events

    events = [
        dossier_event(
            DossierEvent.RECEIVED, dossier, action="receive", status_before=None, at=dossier.submitted_at, actor_id=None
        )
        for dossier in Dossier.objects.order_by("pk")
    ]
    rollups_on_events(events)


def apply_events() -> None:
    """Bring the rollups up to date as a deployment does: the dispatcher delivers the dossier events to
    the subscriber ``indicators.rollups``, and the periodic catch-up applies the writes that emit no
    event (a feedback filed about a dossier or refused). Call it after writing dossiers and before
    reading figures (a dashboard, a target, a PAR score, a report)."""
    from cchc.indicators.rollups import rollups_refresh

    _deliver_dossier_events()  # after the merge of issue 13: cchc.outbox.dispatch.outbox_drain()
    rollups_refresh()

"""The dossier tests' world (the real Khánh Hòa registry, two procedures, officers), shared here, and
:func:`apply_events`: what brings the rollups up to date in a test, now that reads never write."""

from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.feedback.tests.conftest import fw, fworld_module  # noqa: F401


def apply_events() -> None:
    """Bring the rollups up to date as a deployment does: the dispatcher delivers the dossier events to
    the subscriber ``indicators.rollups``, and the periodic catch-up applies the writes that emit no
    event (a feedback filed about a dossier or refused). Call it after writing dossiers and before
    reading figures (a dashboard, a target, a PAR score, a report)."""
    from cchc.indicators.rollups import rollups_refresh
    from cchc.outbox.dispatch import outbox_drain

    outbox_drain(only=["indicators.rollups"])
    rollups_refresh()

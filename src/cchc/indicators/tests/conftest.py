"""The dossier tests' world (the real Khánh Hòa registry, two procedures, officers), shared here, and
:func:`apply_events`: what brings the rollups up to date in a test, now that reads never write."""

from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.feedback.tests.conftest import fw, fworld_module  # noqa: F401


def apply_events() -> None:
    """Bring the rollups up to date as a deployment does: the dispatcher delivers the dossier and feedback
    events to the subscriber ``indicators.rollups``. Call it after writing dossiers or feedback and before
    reading figures (a dashboard, a target, a PAR score, a report)."""
    from cchc.outbox.dispatch import outbox_drain

    outbox_drain(only=["indicators.rollups"])

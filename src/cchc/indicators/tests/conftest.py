"""The dossier tests' world (the real Khánh Hòa registry, two procedures, officers), shared here."""

from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.feedback.tests.conftest import fw, fworld_module  # noqa: F401

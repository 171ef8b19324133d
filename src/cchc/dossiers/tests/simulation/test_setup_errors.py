"""The simulator refuses clearly when the registry or the catalogue is missing (its own module: the
other simulator tests load both once per module)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from cchc.dossiers.models import Dossier
from cchc.dossiers.simulation import SimulationSetupError, dossiers_simulate

START = date(2025, 7, 1)
END = date(2025, 9, 30)


@pytest.mark.django_db
def test_simulator_refuses_clearly_without_the_catalogue(settings) -> None:
    settings.DEBUG = True  # a demo command (cchc.common.demo)
    from cchc.org.services import org_load_khanh_hoa

    with pytest.raises(SimulationSetupError, match="cchc org load"):
        dossiers_simulate(count=5, start=START, end=END, seed=1)
    org_load_khanh_hoa()
    with pytest.raises(CommandError, match="cchc catalogue import"):
        call_command("simulate", "--dossiers", "5", "--seed", "1", "--no-progress")
    assert not Dossier.objects.exists()

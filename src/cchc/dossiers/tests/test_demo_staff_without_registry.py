"""Kept apart from the registry-loading module: here no agency exists."""

import pytest
from django.core.management import CommandError, call_command


def test_demo_staff_asks_for_the_registry_when_it_is_missing(settings, db):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="cchc org load"):
        call_command("demo_staff")

import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from cchc.accounts.constants import Role
from cchc.accounts.models import AgencyMembership
from cchc.org.constants import Level

LINE = re.compile(r"(\S+) / (\S+)  — (.+)$")


def _run(capsys) -> dict[str, tuple[str, str]]:
    call_command("demo_staff")
    out = capsys.readouterr().out
    return {m.group(1): (m.group(2), m.group(3)) for m in map(LINE.search, out.splitlines()) if m}


def test_demo_staff_creates_one_login_per_role_at_real_agencies(settings, registry, capsys):
    settings.DEBUG = True

    logins = _run(capsys)

    assert set(logins) == {"tiepnhan.tinh", "chuyenvien.stp", "lanhdao.stp", "vanthu.stp", "tiepnhan.nhatrang"}
    for username, (password, _) in logins.items():
        assert authenticate(username=username, password=password) is not None
    today = timezone.localdate()
    roles = {
        (m.user.username, m.role, m.agency.code, m.agency.level)
        for m in AgencyMembership.objects.valid_on(today).select_related("user", "agency")
    }
    assert ("chuyenvien.stp", Role.SPECIALIST, "so-tu-phap", Level.PROVINCE) in roles
    assert ("lanhdao.stp", Role.LEADER, "so-tu-phap", Level.PROVINCE) in roles
    assert ("vanthu.stp", Role.CLERK, "so-tu-phap", Level.PROVINCE) in roles
    assert ("tiepnhan.nhatrang", Role.RECEPTION, "ubnd-22366", Level.COMMUNE) in roles
    (provincial,) = [r for r in roles if r[0] == "tiepnhan.tinh"]
    assert provincial[1] == Role.RECEPTION
    assert provincial[3] == Level.PROVINCE
    assert logins["tiepnhan.nhatrang"][1] == "Ủy ban nhân dân phường Nha Trang"


def test_running_again_resets_passwords_without_duplicating_memberships(settings, registry, capsys):
    settings.DEBUG = True
    first = _run(capsys)
    count = AgencyMembership.objects.count()

    second = _run(capsys)

    assert AgencyMembership.objects.count() == count == 5
    assert authenticate(username="lanhdao.stp", password=first["lanhdao.stp"][0]) is None
    assert authenticate(username="lanhdao.stp", password=second["lanhdao.stp"][0]) is not None


def test_demo_staff_refuses_without_debug(settings, registry):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_staff")
    assert not AgencyMembership.objects.exists()

from datetime import datetime

import pytest

from cchc.calendars.selectors import calendar_cache_clear, working_calendar
from cchc.calendars.working import VN_TZ
from cchc.org.models import Agency
from cchc.org.services import org_load_khanh_hoa


def vn(*args: int) -> datetime:
    """An aware moment in Asia/Ho_Chi_Minh."""
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # the per-process cache may hold a calendar built in another test's (rolled back) transaction
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def calendar(db):
    """The national calendar as the application sees it (package + shipped overrides + default hours)."""
    return working_calendar()


@pytest.fixture
def registry(db):
    return org_load_khanh_hoa()


@pytest.fixture
def so_tu_phap(registry) -> Agency:
    return Agency.objects.get(code="so-tu-phap", valid_to__isnull=True)


@pytest.fixture
def so_noi_vu(registry) -> Agency:
    return Agency.objects.get(code="so-noi-vu", valid_to__isnull=True)

from datetime import date

import pytest

from cchc.org.services import org_load_khanh_hoa

PROGRAM_DAY = date(2021, 12, 24)  # QĐ 4831/QĐ-UBND
AFTER_REFORM = date(2026, 1, 1)
MERGER_DAY = date(2025, 7, 1)


@pytest.fixture
def registry(db):
    """The shipped Khánh Hòa registry, loaded through the service."""
    return org_load_khanh_hoa()

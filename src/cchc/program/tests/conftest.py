"""Fixtures of the program tests: the shipped seed, the synthetic second-province fixture, the registry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

PROGRAM_DIR = Path(__file__).resolve().parents[1]
SEED_PATH = PROGRAM_DIR / "data" / "qd-4831-2021-khanh-hoa.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PHU_YEN_PATH = FIXTURES / "qd-phu-yen-synthetic.txt"
# Synthetic programs of other provinces, each written to the national template in another house
# style (see tests/importer/test_house_styles.py for what each one exercises).
BINH_DINH_PATH = FIXTURES / "qd-binh-dinh-synthetic.txt"
QUANG_NGAI_PATH = FIXTURES / "qd-quang-ngai-synthetic.txt"
NINH_THUAN_PATH = FIXTURES / "qd-ninh-thuan-synthetic.txt"
GIA_LAI_PATH = FIXTURES / "qd-gia-lai-synthetic.txt"
AT = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def phu_yen_text() -> str:
    return PHU_YEN_PATH.read_text(encoding="utf-8")


@pytest.fixture
def khanh_hoa_registry(db: None) -> None:
    """The shipped agency registry, loaded through helper A's service."""
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()

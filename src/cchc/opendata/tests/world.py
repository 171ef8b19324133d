"""The data the open-data tests publish: the Khánh Hòa registry, the demo catalogue published on 1/7/2025,
simulated dossiers from July to September 2025 and their rollups; then the datasets of August 2025."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 7, 1, 0, 0, tzinfo=VN)
AT = datetime(2025, 10, 15, 9, 0, tzinfo=VN)
MONTH = date(2025, 8, 1)


def build_world(*, dossiers: int) -> None:
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.dossiers.simulation import dossiers_simulate
    from cchc.indicators.rollups import rollups_rebuild
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import_demo(at=PUBLISHED)
    dossiers_simulate(
        count=dossiers,
        start=date(2025, 7, 1),
        end=date(2025, 9, 30),
        seed=7,
        bulk=True,
        horizon=datetime(2025, 10, 1, 10, 0, tzinfo=VN),
    )
    rollups_rebuild(at=AT)

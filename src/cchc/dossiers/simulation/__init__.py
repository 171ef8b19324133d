"""The dossier simulator: years of one-stop-shop traffic, driven through the real services.

``dossiers_simulate`` plans ``count`` dossiers over a period (see :mod:`.plan` for the mix and
:mod:`.world` for what is eligible when) and runs them through ``cchc.dossiers.services`` — or, with
``bulk=True``, writes the same rows directly (see :mod:`.runner`: no audit events on that path).

Limits, stated rather than hidden:

- a dossier can only be filed under a procedure version in force at the time, so the period starts
  no earlier than the catalogue's first publication (the demo catalogue refers to agencies that
  exist from 1/7/2025, so it can be published from then on: ``cchc catalogue import --at
  2025-07-01T00:00+07:00``); earlier days are skipped with a notice;
- on the services path the components are simulated (issue 16): the counter checklist of mandatory
  papers, scanned by the desk for most counter dossiers, uploads or reused stored documents online, and
  signed electronic results for most processed dossiers (:mod:`.plan`); the bulk path writes none of
  them (no files: it is for volume), so 4.1-4.3 read 0 on a bulk-simulated database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.simulation.runner import SimulationResult, iter_plans, run_bulk, run_services, submission_moments
from cchc.dossiers.simulation.world import SimulationSetupError, world_load

__all__ = ["SimulationResult", "SimulationSetupError", "dossiers_simulate"]


def dossiers_simulate(
    *,
    count: int,
    start: date,
    end: date,
    seed: int,
    bulk: bool = False,
    horizon: datetime | None = None,
    progress: bool = False,
    chunk: int = 2000,
) -> SimulationResult:
    """Simulate ``count`` dossiers submitted from ``start`` to ``end`` (inclusive days, Vietnam time).

    Events after ``horizon`` (default: the end of ``end``) are not performed, so recent dossiers stay
    open at the status they reached, as on a real desk. Deterministic for a seed and a given database
    state (the officers drawn are those holding the roles; missing ones are created once).
    Raises :class:`SimulationSetupError` when the registry or the catalogue is missing, or when no
    procedure version is in force in the period.
    """
    if count < 1:
        raise SimulationSetupError("Số hồ sơ mô phỏng phải lớn hơn 0.")
    if end < start:
        raise SimulationSetupError("Ngày kết thúc phải sau ngày bắt đầu.")
    world = world_load()
    period_start = datetime.combine(start, time.min, tzinfo=VN_TZ)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ)
    horizon = min(horizon or period_end, period_end)
    first = world.first_publication()
    assert first is not None
    begin = max(period_start, first)
    if begin >= horizon:
        raise SimulationSetupError(
            f"Danh mục thủ tục chỉ áp dụng từ {timezone.localtime(first, VN_TZ):%d/%m/%Y %H:%M}, sau khoảng mô phỏng. "
            "Hãy nạp danh mục với thời điểm công bố sớm hơn, ví dụ: "
            "cchc catalogue import --at 2025-07-01T00:00+07:00 (trên cơ sở dữ liệu mới)."
        )
    result = SimulationResult(requested=count, start=begin, end=horizon, bulk=bulk)
    moments = submission_moments(seed=seed, count=count, start=begin, end=horizon)
    plans = iter_plans(world, seed=seed, moments=moments, horizon=horizon)
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=count, unit=" hồ sơ", desc="Mô phỏng hồ sơ", leave=True, file=_stderr())

    def tick(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        if bulk:
            run_bulk(world, plans, result, progress=tick, chunk=chunk)
        else:
            run_services(world, plans, result, progress=tick)
    finally:
        if bar is not None:
            bar.close()
    result.officers_created = world.created_officers
    return result


def _stderr() -> Any:
    import sys

    return sys.stderr

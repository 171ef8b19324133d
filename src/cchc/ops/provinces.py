"""A province adopts the platform in one step (issue 18 item 2): its registry, the catalogue, its program.

:func:`province_adopt` runs, in one transaction, :func:`cchc.org.provinces.province_setup` (units before
and after 1/7/2025, succession, standard agencies marked for review), then the catalogue import
(:func:`cchc.catalogue.services.catalogue_import`, the catalogue ``make setup`` imports) with its agency
codes translated to the province's agencies, then optionally the province's program decision
(:func:`cchc.program.services.program_import`). Any refusal rolls everything back.

What the catalogue import covers: the procedures of the national catalogue (Quyết định công bố of the
ministries; the same procedures apply in every province, NĐ 63/2010/NĐ-CP and NĐ 92/2017/NĐ-CP), with the
competent agencies named by the standard codes (``so-tu-phap`` ...) that the setup maps to the province's
own agencies. What stays province-specific and is not imported: the province's own announcement
decisions (Quyết định công bố danh mục TTHC of the Chủ tịch UBND tỉnh), the fees and charges set by the
Hội đồng nhân dân tỉnh (the shipped amounts are illustrative), the internal procedures (quy trình nội
bộ) and the delegations of authority, all confirmed by the province (docs/provinces.md).

The catalogue is one per installation: setting up a second province in the same database with the
catalogue re-points the procedures' competent agencies to it (``catalogue=False`` leaves them).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from cchc.catalogue.services import DEMO_CATALOGUE, catalogue_import
from cchc.org.provinces import ProgressCallback, SetupSummary, province_setup
from cchc.program.services import program_import


@dataclass
class AdoptResult:
    setup: SetupSummary
    catalogue_lines: list[str] = field(default_factory=list)
    program_lines: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)  # catalogue agency codes without a province agency


def catalogue_for_province(data: dict[str, Any], codes: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The catalogue with each agency code replaced by the province's agency (``codes``: standard → own).

    ``ubnd-56`` (Khánh Hòa's People's Committee in the shipped catalogue) stands for the province's UBND.
    Returns the translated copy and the codes that have no counterpart (left as they are: the import then
    refuses them by name)."""
    out = copy.deepcopy(data)
    missing: set[str] = set()

    def swap(item: dict[str, Any]) -> None:
        code = item.get("agency")
        if not code:
            return
        target = codes.get(code) or (codes.get("ubnd-tinh") if code.startswith("ubnd-") and len(code) == 7 else None)
        if target is None:
            missing.add(code)
        else:
            item["agency"] = target

    for procedure in out.get("procedures", []):
        for item in procedure.get("competent_agencies", []):
            swap(item)
        for step in procedure.get("steps", []):
            swap(step)
    return out, sorted(missing)


@transaction.atomic
def province_adopt(
    code: str,
    *,
    at: datetime,
    program: Path | None = None,
    catalogue: bool = True,
    catalogue_file: Path = DEMO_CATALOGUE,
    progress: ProgressCallback | None = None,
) -> AdoptResult:
    """Set province ``code`` up: registry, catalogue in force at ``at``, the program file if given.

    One transaction: a refusal of any part (``UnitsDataError``, ``CatalogueError``, ``ProgramImportError``)
    leaves the database as it was. Idempotent: each part is (a second run changes nothing)."""
    summary = province_setup(code, progress=progress)
    result = AdoptResult(setup=summary)
    if catalogue:
        data = json.loads(catalogue_file.read_text(encoding="utf-8"))
        translated, result.untranslated = catalogue_for_province(data, summary.agency_codes)
        imported = catalogue_import(data=translated, at=at, source=str(catalogue_file))
        result.catalogue_lines = imported.summary_lines()
        if progress is not None:
            progress("Danh mục thủ tục hành chính", 1, 1)
    if program is not None:
        programme = program_import(source=program.read_bytes(), source_name=str(program), at=at)
        result.program_lines = programme.summary_lines()
        if progress is not None:
            progress("Chương trình cải cách hành chính", 1, 1)
    return result

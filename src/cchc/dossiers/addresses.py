"""The applicant's address as written, and the unit in force today it belongs to (issue 18 item 3).

A citizen writes the address printed on an old ID card ("Thị trấn Vạn Giã, huyện Vạn Ninh") or a new one;
the dossier keeps it as written and, beside it, what :func:`cchc.org.addresses.address_resolve` makes of it
for the installation's province (``CCHC_PROVINCE_CODE``): the unit in force today (code, name), or the
candidate units of an old commune divided on 1/7/2025 (a person chooses; never guessed), or nothing
recognised. The same resolution drives the portal's and the counter's hint as the person types and the
suggested commune agency for a procedure handled at commune level.

legal: the units and their succession of NQ 202/2025/QH15 and the Standing Committee's resolutions of June
2025 (Khánh Hòa: NQ 1667/NQ-UBTVQH15), as read by ``cchc.org.units_data``; a procedure handled at commune
level is decided by the people's committee of the commune (NĐ 118/2025/NĐ-CP; the catalogue's competent
agencies), which the applicant may still choose (reception regardless of administrative boundary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from cchc.dossiers.constants import AddressStatus
from cchc.dossiers.models import Dossier
from cchc.org.addresses import Resolution, address_resolve
from cchc.org.constants import UnitsDataError
from cchc.org.models import AdministrativeUnit, Agency
from cchc.org.units_data import province_units

ADDRESS_FIELDS = ["applicant_unit_code", "applicant_unit_name", "applicant_address_status", "applicant_unit_candidates"]


def province_code() -> str:
    """The installation's province (``CCHC_PROVINCE_CODE``, two digits), as ``cchc province setup`` reads it."""
    return str(settings.CCHC_PROVINCE_CODE).zfill(2)


def address_resolution(text: str) -> Resolution:
    """The address resolved for the installation's province; a province code the packages do not know (a
    misconfigured installation) gives ``unknown`` with its message, never an exception: an address never
    stops a dossier. Never writes; never reaches the network."""
    try:
        return address_resolve(text, province=province_code())
    except UnitsDataError as exc:
        return Resolution("unknown", text, message=exc.message)


def address_fields(text: str) -> dict[str, Any]:
    """The dossier's resolved-unit columns for an address as written (``ADDRESS_FIELDS``); all empty for no
    address. The address itself is never rewritten."""
    if not text.strip():
        return {
            "applicant_unit_code": "",
            "applicant_unit_name": "",
            "applicant_address_status": AddressStatus.NONE.value,
            "applicant_unit_candidates": [],
        }
    found = address_resolution(text)
    unit = found.unit if found.status == "resolved" else None
    return {
        "applicant_unit_code": unit.code if unit else "",
        "applicant_unit_name": unit.name if unit else "",
        "applicant_address_status": AddressStatus(found.status).value,
        "applicant_unit_candidates": [{"code": c.code, "name": c.name} for c in found.candidates],
    }


def unit_codes(codes: Iterable[str]) -> set[str]:
    """The codes to look a unit up by in the registry: each published code and the other codes of the same
    unit (the registry loaded by ``cchc org load`` keeps 7 draft codes of Khánh Hòa: docs/provinces.md)."""
    wanted = set(codes)
    try:
        aliases = province_units(province_code()).other_codes
    except UnitsDataError:
        return wanted
    return wanted | {other for other, published in aliases.items() if published in wanted}


@dataclass(frozen=True)
class Suggestion:
    """The commune agencies an address points to, among the agencies that may decide the procedure."""

    agencies: tuple[Agency, ...]

    @property
    def single(self) -> Agency | None:
        """The one agency to preselect; ``None`` when there are none or several (a person chooses)."""
        return self.agencies[0] if len(self.agencies) == 1 else None


def commune_suggestion(found: Resolution, candidates: Iterable[Agency]) -> Suggestion:
    """The competent ``candidates`` (already read) whose unit is the resolved unit, or one of the candidate
    units of an ambiguous address (each shown, none chosen). Nothing for an unknown address. One query (the
    registry's units of those codes, any validity: an agency keeps its unit row)."""
    if found.status == "unknown" or not found.codes:
        return Suggestion(())
    units = set(AdministrativeUnit.objects.filter(code__in=unit_codes(found.codes)).values_list("pk", flat=True))
    return Suggestion(tuple(a for a in candidates if a.unit_id in units))


def _lower_kind(name: str) -> str:
    """ "Xã Vạn Ninh" → "xã Vạn Ninh" (the kind in running text; the proper name keeps its capitals)."""
    return name[:1].lower() + name[1:]


def resolution_view(found: Resolution) -> dict[str, Any]:
    """What a person reads of a resolution as they type (the portal's and the counter's fragment)."""
    if found.status == "resolved" and found.unit is not None:
        try:
            province = province_units(found.province_code or province_code()).name
        except UnitsDataError:
            province = ""
        where = _lower_kind(found.unit.name) + (f", {_lower_kind(province)}" if province else "")
        return {
            "status": "resolved",
            "line": f"Thuộc {where} (từ 1/7/2025).",
            "detail": found.message if found.old_unit is not None else "",
            "candidates": [],
        }
    if found.status == "ambiguous":
        return {
            "status": "ambiguous",
            "line": "Địa chỉ có thể thuộc một trong các đơn vị sau; chưa đủ để biết đơn vị nào:",
            "detail": found.message,
            "candidates": [c.name for c in found.candidates],
        }
    return {"status": "unknown", "line": found.message, "detail": "", "candidates": []}


def hint_context(text: str, competent: Iterable[Agency]) -> dict[str, Any]:
    """The address hint of a form the server renders (no JavaScript, or a form sent back with errors), as the
    fragment shows it: ``address`` (:func:`resolution_view`) and ``suggested`` (the competent agencies of the
    unit); empty without an address."""
    if not text.strip():
        return {}
    found = address_resolution(text)
    return {"address": resolution_view(found), "suggested": commune_suggestion(found, competent).agencies}


@dataclass
class BackfillSummary:
    """What :func:`dossier_addresses_resolve` did: dossiers read, rows written, and the statuses found."""

    read: int = 0
    written: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def dossier_addresses_resolve(
    *, only_missing: bool, batch: int = 500, progress: Callable[[int, int], None] | None = None
) -> BackfillSummary:
    """Resolve the stored addresses of existing dossiers (``cchc dossiers addresses``): the dossiers created
    before the resolver, or all of them again after the units' data changed. Writes only the resolved-unit
    columns (``ADDRESS_FIELDS``), never the address as written, and only where they change.

    idempotency: a second run finds every row as it would write it and writes nothing. The columns are derived
    from the address and the units' data alone (not a step of the dossier: no transition, no audit event), so
    each batch is its own short transaction, in key order; a run stopped half-way resumes with
    ``only_missing``. concurrency: a bulk update of these columns only, never a column a transition writes.
    """
    rows = Dossier.objects.exclude(applicant_address="")
    if only_missing:
        rows = rows.filter(applicant_address_status=AddressStatus.NONE)
    total = rows.count()
    summary = BackfillSummary()
    last = 0
    cache: dict[str, dict[str, Any]] = {}  # the same address written many times is resolved once
    while True:
        page = list(rows.filter(pk__gt=last).order_by("pk").only("pk", "applicant_address", *ADDRESS_FIELDS)[:batch])
        if not page:
            break
        changed = []
        for dossier in page:
            values = cache.get(dossier.applicant_address)
            if values is None:
                values = cache[dossier.applicant_address] = address_fields(dossier.applicant_address)
            status = values["applicant_address_status"]
            summary.statuses[status] = summary.statuses.get(status, 0) + 1
            if any(getattr(dossier, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(dossier, name, value)
                changed.append(dossier)
        if len(cache) > 10_000:
            cache.clear()
        with transaction.atomic():
            Dossier.objects.bulk_update(changed, ADDRESS_FIELDS)
        summary.read += len(page)
        summary.written += len(changed)
        last = page[-1].pk
        if progress is not None:
            progress(summary.read, total)
    return summary

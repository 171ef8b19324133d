"""Agency electronic identifiers (mã định danh điện tử): the CSV import and the look-up by day.

legal: QĐ 20/2020/QĐ-TTg (identifiers of agencies exchanging electronic documents and data), structure
QCVN 102:2016/BTTTT (TT 10/2016/TT-BTTTT), see :class:`cchc.org.models.AgencyIdentifier`.

The file (UTF-8, comma-separated; lines starting with ``#`` are comments; header on the first other
line)::

    ma_co_quan,ma_dinh_danh,hieu_luc_tu,het_hieu_luc_tu,van_ban
    ubnd-tinh,000.00.00.H34,,01/07/2025,"QĐ …/QĐ-UBND ngày …"

``ma_co_quan`` is the registry's agency code (``cchc org load``), the dates are ``dd/mm/yyyy`` or
``yyyy-mm-dd`` (empty: open), ``het_hieu_luc_tu`` is the first day the identifier is no longer valid
(the registry's half-open validity). A row of an agency and ``hieu_luc_tu`` already on record updates
it; the others are added. The whole file is checked first (:func:`identifiers_parse`, pure): one bad
row and nothing is written, every bad row named by its line (``dòng N``).

We do not know the real identifiers of Khánh Hòa's agencies: the package ships only an illustrative
file (``data/agency-identifiers-MINH-HOA.csv``, its header says so), never loaded as if real.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cchc.audit.services import audit_record, audit_snapshot
from cchc.org.constants import IdentifierError, IdentifierErrorCode
from cchc.org.models import Agency, AgencyIdentifier, identifier_is_valid, identifier_normalise

COLUMNS = ("ma_co_quan", "ma_dinh_danh", "hieu_luc_tu", "het_hieu_luc_tu", "van_ban")
REQUIRED_COLUMNS = ("ma_co_quan", "ma_dinh_danh", "van_ban")


@dataclass(frozen=True)
class IdentifierRow:
    """One checked row of the file."""

    line: int
    agency_code: str
    identifier: str
    valid_from: date | None
    valid_to: date | None
    decision: str


@dataclass(frozen=True)
class Problem:
    line: int
    code: IdentifierErrorCode
    message: str

    def __str__(self) -> str:
        return f"dòng {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _day(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    raise ValueError(value)


def _overlap(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Whether two half-open periods (``None``: open) share a day."""
    return (a_to is None or b_from is None or b_from < a_to) and (b_to is None or a_from is None or a_from < b_to)


def identifiers_parse(text: str) -> list[IdentifierRow]:
    """Check the file's text (see the module doc); raise :class:`IdentifierError` naming every bad row.

    Pure: the shape of each row only (the agencies and the overlaps are checked by
    :func:`identifiers_import`, which needs the registry)."""
    lines = [(n, line) for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)]
    content = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not content:
        raise IdentifierError(IdentifierErrorCode.FILE, "Tệp không có dòng tiêu đề và dữ liệu mã định danh.")
    numbers = [n for n, _ in content]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in content)))
    rows = list(reader)
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise IdentifierError(
            IdentifierErrorCode.FILE,
            f"dòng {numbers[0]}: thiếu cột {', '.join(missing)} (các cột: {', '.join(COLUMNS)}).",
        )
    if len(rows) < 2:
        raise IdentifierError(IdentifierErrorCode.FILE, "Tệp không có dòng dữ liệu nào.")
    problems: list[Problem] = []
    parsed: list[IdentifierRow] = []
    for n, values in zip(numbers[1:], rows[1:], strict=True):
        cell = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        identifier = identifier_normalise(cell.get("ma_dinh_danh", ""))
        row_problems: list[Problem] = []
        if not cell.get("ma_co_quan"):
            row_problems.append(Problem(n, IdentifierErrorCode.UNKNOWN_AGENCY, "thiếu mã cơ quan (cột ma_co_quan)."))
        if not identifier_is_valid(identifier):
            row_problems.append(
                Problem(
                    n,
                    IdentifierErrorCode.FORMAT,
                    f"mã định danh «{cell.get('ma_dinh_danh', '')}» không đúng cấu trúc V1V2V3.Z1Z2.Y1Y2.MX1X2 "
                    "(ví dụ 000.00.15.H34).",
                )
            )
        days: list[date | None] = []
        for column, label in (("hieu_luc_tu", "hiệu lực từ"), ("het_hieu_luc_tu", "hết hiệu lực từ")):
            try:
                days.append(_day(cell.get(column, "")))
            except ValueError:
                days.append(None)
                row_problems.append(
                    Problem(
                        n,
                        IdentifierErrorCode.BAD_DATE,
                        f"ngày {label} «{cell.get(column, '')}» không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd).",
                    )
                )
        valid_from, valid_to = days
        if valid_from is not None and valid_to is not None and valid_to <= valid_from:
            row_problems.append(
                Problem(
                    n,
                    IdentifierErrorCode.VALIDITY_ORDER,
                    f"ngày hết hiệu lực ({valid_to:%d/%m/%Y}) phải sau ngày hiệu lực ({valid_from:%d/%m/%Y}).",
                )
            )
        if not cell.get("van_ban"):
            row_problems.append(
                Problem(n, IdentifierErrorCode.DECISION_REQUIRED, "thiếu văn bản quyết định mã (cột van_ban).")
            )
        problems.extend(row_problems)
        if not row_problems:
            parsed.append(IdentifierRow(n, cell["ma_co_quan"], identifier, valid_from, valid_to, cell["van_ban"]))
    if problems:
        raise _refusal(problems)
    return parsed


def _refusal(problems: list[Problem]) -> IdentifierError:
    error = IdentifierError(
        problems[0].code,
        "Không nạp mã định danh nào vì tệp có lỗi:\n" + "\n".join(f"  {p}" for p in problems),
    )
    error.problems = problems  # type: ignore[attr-defined]
    return error


def _agency_for(row: IdentifierRow, agencies: dict[str, list[Agency]]) -> Agency | None:
    """The record of the agency code whose own validity overlaps the identifier's period (a code may
    have a record before 1/7/2025 and another from then); ``None`` when none or several do."""
    candidates = [
        a for a in agencies.get(row.agency_code, []) if _overlap(a.valid_from, a.valid_to, row.valid_from, row.valid_to)
    ]
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def identifiers_import(*, text: str, actor: AbstractBaseUser | None = None, at: datetime | None = None) -> ImportResult:
    """Import an identifier file (module doc) in one transaction: every row or none.

    Refused (``IdentifierError``, nothing written): a malformed row, an unknown agency code, two
    periods of one agency that overlap (in the file or with what is on record), an identifier held by
    another agency in an overlapping period. Audit: one ``org.identifier.import`` event per created or
    changed record. idempotency: importing the same file again changes nothing.
    """
    at = at or timezone.now()
    rows = identifiers_parse(text)
    codes = {row.agency_code for row in rows}
    agencies: dict[str, list[Agency]] = {}
    for agency in Agency.objects.filter(code__in=codes).order_by("valid_from"):
        agencies.setdefault(agency.code, []).append(agency)
    problems: list[Problem] = []
    resolved: list[tuple[IdentifierRow, Agency]] = []
    for row in rows:
        agency = _agency_for(row, agencies)
        if agency is None:
            problems.append(
                Problem(
                    row.line,
                    IdentifierErrorCode.UNKNOWN_AGENCY,
                    f"không có đúng một cơ quan mã «{row.agency_code}» trong danh mục (cchc org load) có hiệu lực "
                    "trong thời kỳ của mã định danh.",
                )
            )
        else:
            resolved.append((row, agency))
    if problems:
        raise _refusal(problems)

    # What will be on record: the existing periods, replaced by the file's rows with the same start.
    existing = list(
        AgencyIdentifier.objects.select_for_update().filter(
            Q(agency__in=[a for _, a in resolved]) | Q(identifier__in=[r.identifier for r, _ in resolved])
        )
    )
    keys = {(a.pk, r.valid_from) for r, a in resolved}
    final: list[tuple[int, int, str, date | None, date | None]] = [
        (0, e.agency_id, e.identifier, e.valid_from, e.valid_to)
        for e in existing
        if (e.agency_id, e.valid_from) not in keys
    ]
    final += [(r.line, a.pk, r.identifier, r.valid_from, r.valid_to) for r, a in resolved]
    for i, (line, agency_id, identifier, start, end) in enumerate(final):
        if not line:
            continue
        for j, (other_line, other_agency, other_identifier, other_start, other_end) in enumerate(final):
            if i == j or not _overlap(start, end, other_start, other_end):
                continue
            where = f"dòng {other_line}" if other_line else "dữ liệu đã có"
            if other_agency == agency_id and (not other_line or j < i):
                problems.append(
                    Problem(
                        line,
                        IdentifierErrorCode.OVERLAP,
                        f"thời kỳ hiệu lực của mã {identifier} chồng lên thời kỳ của mã {other_identifier} "
                        f"({where}) của cùng cơ quan.",
                    )
                )
            elif other_agency != agency_id and other_identifier == identifier and (not other_line or j < i):
                problems.append(
                    Problem(
                        line,
                        IdentifierErrorCode.TAKEN,
                        f"mã {identifier} đã thuộc cơ quan khác trong cùng thời kỳ ({where}).",
                    )
                )
    if problems:
        raise _refusal(problems)

    result = ImportResult()
    by_key = {(e.agency_id, e.valid_from): e for e in existing}
    for row, agency in resolved:
        record = by_key.get((agency.pk, row.valid_from))
        before = audit_snapshot(record) if record is not None else None
        if record is None:
            record = AgencyIdentifier(agency=agency, valid_from=row.valid_from)
        elif (record.identifier, record.valid_to, record.decision) == (row.identifier, row.valid_to, row.decision):
            result.unchanged += 1
            continue
        record.identifier = row.identifier
        record.valid_to = row.valid_to
        record.decision = row.decision
        record.save()
        if before is None:
            result.created += 1
        else:
            result.updated += 1
        audit_record(
            actor=actor,
            action="org.identifier.import",
            target=record,
            before=before,
            after=audit_snapshot(record),
            at=at,
        )
    identifiers_flush()
    transaction.on_commit(identifiers_flush)
    return result


# The look-up the dossier code takes on every reception, kept in memory: the identifiers are a small
# table that changes a few times a year, and a reception is two round trips on PostgreSQL
# (dossiers/tests/test_services_round_trips.py), with no room for a third. An import flushes this
# process's copy (and again on commit); another process sees it within CACHE_SECONDS. An import is
# made before the identifiers' first day, so no code is given with a stale one in practice.
CACHE_SECONDS = 300.0
Periods = dict[int, list[tuple[date | None, date | None, str]]]
# one entry, replaced whole (threads of one process read it without a lock): (loaded at, periods)
_cache: dict[str, tuple[float, Periods]] = {}


def identifiers_flush() -> None:
    """Forget this process's copy of the identifiers (the next look-up reads the table again)."""
    _cache.clear()


def _periods() -> Periods:
    entry = _cache.get("periods")
    if entry is not None and time.monotonic() - entry[0] <= CACHE_SECONDS:
        return entry[1]
    table: Periods = {}
    for agency_id, start, end, identifier in AgencyIdentifier.objects.values_list(
        "agency_id", "valid_from", "valid_to", "identifier"
    ):
        table.setdefault(agency_id, []).append((start, end, identifier))
    _cache["periods"] = (time.monotonic(), table)
    return table


def agency_identifier_on(agency: Agency | int, day: date) -> str | None:
    """The identifier of ``agency`` (or the agency of that id) valid on ``day`` (``None``: none that day)."""
    key = agency if isinstance(agency, int) else agency.pk
    for start, end, identifier in _periods().get(key, ()):
        if (start is None or start <= day) and (end is None or day < end):
            return identifier
    return None


def agency_identifier_list(*, agencies: Iterable[Agency] | None = None) -> list[AgencyIdentifier]:
    """The identifiers on record (of ``agencies`` when given), with their agency, by agency and start."""
    queryset = AgencyIdentifier.objects.select_related("agency").order_by("agency__name", "valid_from")
    if agencies is not None:
        queryset = queryset.filter(agency__in=list(agencies))
    return list(queryset)

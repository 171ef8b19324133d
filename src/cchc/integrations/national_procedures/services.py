"""The national procedure import: the national database's procedures into the versioned catalogue.

Rules kept here:

- A procedure is matched by its national code (MaTTHC). The national database owns what it publishes:
  name, field, levels, applicants, documents, fees, processing time, result, legal bases; the catalogue
  keeps what is local: the competent agencies, the internal procedure (steps), the online service level,
  the document-type codes (matched by document name) and fee exemptions (matched by fee name).
- A new version is published (at ``at``) only when that content changed: the canonical content hash of
  the merged content differs from the version in force. Same content: nothing is written.
- A procedure the catalogue does not have yet is created as a draft: it cannot be applied before the
  province declares its competent agencies and internal procedure (NĐ 118/2025/NĐ-CP; the catalogue
  refuses to publish without them). A procedure that has a draft under local edit besides its version
  in force keeps the draft: the new content is reported, not applied (publish or delete the draft and
  import again); its publication facts are still recorded.
- The publication facts (decision number and date, issuer, latest legal basis effective date, the day
  made public on the national database) are recorded per procedure and decision
  (:class:`~cchc.catalogue.models.ProcedurePublication`), whether or not the content changed: indicators
  1.1 and 1.2 of QĐ 766/QĐ-TTg are computed from them.
- One transaction: any refusal (malformed record, unknown value, the catalogue refusing the content)
  leaves everything as it was. ``dry_run`` computes the same report and rolls back.

legal: NĐ 63/2010/NĐ-CP (kiểm soát TTHC) Điều 15 as amended by NĐ 48/2013/NĐ-CP and NĐ 92/2017/NĐ-CP:
procedures apply as published by the competent authority's decision and are made public on the
national database (CSDL quốc gia về TTHC).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction

from cchc.catalogue.constants import ApplicantType, CodeStatus, ServiceType, VersionStatus
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.models import Procedure, ProcedurePublication, ProcedureVersion
from cchc.catalogue.selectors import procedure_version_queryset, version_to_spec
from cchc.catalogue.services import field_upsert, procedure_draft_save, procedure_version_publish
from cchc.catalogue.spec import DocumentSpec, FeeSpec, ProcedureSpec
from cchc.catalogue.text import processing_time_text
from cchc.common.text import fold
from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import Partner
from cchc.integrations.national_procedures.errors import NationalProcedureError, NationalProcedureErrorCode
from cchc.integrations.national_procedures.format import LIST_KEY, NationalProcedure, parse_export
from cchc.org.constants import Level

CODE_SOURCE = "CSDL quốc gia về thủ tục hành chính (nạp tự động)"
LIST_SERVICE = "LayDanhSachTTHC"
ONE_SERVICE = "LayThuTuc"
PAGE_SIZE = 100


class Result(StrEnum):
    CREATED = "created"
    NEW_VERSION = "new_version"
    DRAFT_UPDATED = "draft_updated"
    PUBLICATION = "publication"
    UNCHANGED = "unchanged"
    DRAFT_IN_PROGRESS = "draft_in_progress"


RESULT_LABELS = {
    Result.CREATED: "thủ tục mới, tạo bản nháp (cần khai báo cơ quan có thẩm quyền và quy trình nội bộ rồi công bố)",
    Result.NEW_VERSION: "công bố phiên bản mới",
    Result.DRAFT_UPDATED: "cập nhật bản nháp (thủ tục chưa áp dụng)",
    Result.PUBLICATION: "chỉ cập nhật thông tin công bố",
    Result.UNCHANGED: "không thay đổi",
    Result.DRAFT_IN_PROGRESS: "nội dung mới CHƯA áp dụng: đang có bản nháp chưa công bố (công bố hoặc xóa bản "
    "nháp rồi nạp lại)",
}


@dataclass
class ProcedureOutcome:
    code: str
    name: str
    result: Result
    changes: list[str] = field(default_factory=list)
    version: int | None = None  # the version written (published, or the draft)


@dataclass
class ImportReport:
    procedures: list[ProcedureOutcome] = field(default_factory=list)
    fields_written: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.fields_written) or any(p.result != Result.UNCHANGED for p in self.procedures)

    def count(self, result: Result) -> int:
        return sum(1 for p in self.procedures if p.result == result)

    def lines(self) -> list[str]:
        """The report in Vietnamese: one line per procedure and one per change, then the totals."""
        lines = []
        for item in self.procedures:
            version = f" (phiên bản {item.version})" if item.version else ""
            lines.append(f"{item.code} {item.name}: {RESULT_LABELS[item.result]}{version}")
            lines.extend(f"    - {change}" for change in item.changes)
        lines.append(
            f"Tổng cộng {len(self.procedures)} thủ tục: {self.count(Result.CREATED)} mới, "
            f"{self.count(Result.NEW_VERSION)} phiên bản mới, {self.count(Result.DRAFT_UPDATED)} bản nháp cập nhật, "
            f"{self.count(Result.PUBLICATION)} chỉ cập nhật thông tin công bố, "
            f"{self.count(Result.DRAFT_IN_PROGRESS)} chưa áp dụng do có bản nháp, "
            f"{self.count(Result.UNCHANGED)} không thay đổi; lĩnh vực thêm hoặc đổi tên: {len(self.fields_written)}."
        )
        return lines


# --- reading the export ---------------------------------------------------------------------------


def procedures_read_file(*, path: Path, since: date | None = None) -> list[NationalProcedure]:
    """The procedures of an export file (changed on or after ``since`` by NgayCapNhat, when given)."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise NationalProcedureError(
            NationalProcedureErrorCode.INVALID_FILE,
            f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}.",
            source=source,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise NationalProcedureError(
            NationalProcedureErrorCode.INVALID_FILE, f"Không đọc được tệp: {reason}.", source=source
        ) from None
    procedures = parse_export(data, source=source)
    if since is None:
        return procedures
    return [p for p in procedures if p.updated is None or p.updated.date() >= since]


def procedures_fetch(*, since: date | None = None, page_size: int = PAGE_SIZE) -> list[NationalProcedure]:
    """The procedures changed since ``since`` (all without it), from the national database's
    ``LayDanhSachTTHC``, page by page (one attempt logged per page). Raises ``IntegrationError`` when the
    partner cannot be reached or refuses, ``NationalProcedureError`` on an answer that is not the export."""
    client = PartnerClient(Partner.CSDL_TTHC)
    source = f"CSDL quốc gia về TTHC ({LIST_SERVICE})"
    found: dict[str, Any] = {}
    page = 1
    while True:
        answer = client.call(
            LIST_SERVICE,
            {"data": {"TuNgay": f"{since:%d/%m/%Y}" if since else "", "TrangSo": page, "SoBanGhi": page_size}},
            subject=LIST_SERVICE,
        )
        result = answer.get("result")
        items = result.get(LIST_KEY) if isinstance(result, dict) else None
        total = result.get("TongSo") if isinstance(result, dict) else None
        if not isinstance(items, list) or not isinstance(total, int):
            raise NationalProcedureError(
                NationalProcedureErrorCode.INVALID_FILE,
                f"Trả lời không có «{LIST_KEY}» và «TongSo».",
                source=source,
            )
        for item in items:
            # a page may repeat a procedure changed while paging: the last one wins
            key = item.get("MaTTHC") if isinstance(item, dict) else None
            found[str(key) if key is not None else f"?{len(found)}"] = item
        if not items or page * page_size >= total:
            break
        page += 1
    return parse_export({LIST_KEY: list(found.values())}, source=source)


def procedure_fetch_one(*, code: str) -> NationalProcedure:
    """One procedure by its code, from ``LayThuTuc``."""
    answer = PartnerClient(Partner.CSDL_TTHC).call(ONE_SERVICE, {"data": {"MaTTHC": code}}, subject=code)
    return parse_export({LIST_KEY: [answer.get("result")]}, source=f"CSDL quốc gia về TTHC ({ONE_SERVICE})")[0]


# --- the import -----------------------------------------------------------------------------------


def procedures_import(
    *, procedures: list[NationalProcedure], at: datetime, source: str = "", dry_run: bool = False
) -> ImportReport:
    """Import national procedures into the catalogue (see the module for the rules); one transaction.

    ``at``: when a new version comes into force here and when the facts are recorded. Raises
    :class:`NationalProcedureError` (nothing changed) when the catalogue refuses a procedure's content.
    """
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        for national in procedures:
            try:
                report.procedures.append(_import_one(national, at=at, report=report))
            except CatalogueError as exc:
                raise NationalProcedureError(
                    NationalProcedureErrorCode.CATALOGUE_REFUSED,
                    f"Danh mục từ chối nội dung mới: {exc.message}",
                    source=source,
                    procedure=national.code,
                    field=exc.field,
                ) from None
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_one(national: NationalProcedure, *, at: datetime, report: ImportReport) -> ProcedureOutcome:
    _, written = field_upsert(code=national.field_code, name=national.field_name)
    if written and national.field_code not in report.fields_written:
        report.fields_written.append(national.field_code)
    procedure = Procedure.objects.select_for_update().filter(code=national.code).first()
    in_force: ProcedureVersion | None = None
    draft: ProcedureVersion | None = None
    if procedure is not None:
        for version in procedure_version_queryset().filter(
            procedure=procedure, status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT]
        ):
            if version.status == VersionStatus.PUBLISHED:
                in_force = version
            else:
                draft = version
    base = in_force or draft
    old = version_to_spec(base) if base is not None else None
    new = _merge(national, old)
    outcome = ProcedureOutcome(code=national.code, name=national.name, result=Result.UNCHANGED)
    changed = old is None or old.content_hash() != new.content_hash()
    if changed:
        outcome.changes = _content_changes(old, new)
        if old is None:
            outcome.result = Result.CREATED
            outcome.version = procedure_draft_save(spec=new, at=at).number
        elif in_force is not None and draft is not None:
            outcome.result = Result.DRAFT_IN_PROGRESS
        elif in_force is not None:
            written_draft = procedure_draft_save(spec=new, at=at)
            outcome.version = procedure_version_publish(version=written_draft, at=at).number
            outcome.result = Result.NEW_VERSION
        else:
            outcome.result = Result.DRAFT_UPDATED
            outcome.version = procedure_draft_save(spec=new, at=at).number
    procedure = Procedure.objects.get(code=national.code)
    recorded_on = (
        procedure.versions.filter(status=VersionStatus.PUBLISHED).first()
        or procedure.versions.filter(status=VersionStatus.DRAFT).first()
    )
    facts = _publication_record(national, procedure=procedure, version=recorded_on, at=at)
    if facts and outcome.result == Result.UNCHANGED:
        outcome.result = Result.PUBLICATION
    outcome.changes.extend(facts)
    return outcome


def _publication_record(
    national: NationalProcedure, *, procedure: Procedure, version: ProcedureVersion | None, at: datetime
) -> list[str]:
    """Record the publication facts of ``national``; the changes, in Vietnamese ([] when none)."""
    decision = national.decision
    row = ProcedurePublication.objects.filter(procedure=procedure, decision_number=decision.number).first()
    values: dict[str, date | str | None] = {
        "decision_date": decision.issued,
        "decision_issuer": decision.issuer,
        "legal_basis_effective_date": national.latest_effective,
        "public_date": national.public_date,
    }
    if row is None:
        previous = ProcedurePublication.objects.filter(procedure=procedure).order_by("-decision_date", "-pk").first()
        before = f"{previous.decision_number} ngày {previous.decision_date:%d/%m/%Y}" if previous else "(chưa có)"
        ProcedurePublication.objects.create(
            procedure=procedure,
            decision_number=decision.number,
            version=version,
            recorded_at=at,
            updated_at=at,
            **values,
        )
        changes = [f"Quyết định công bố: {before} → {decision.number} ngày {decision.issued:%d/%m/%Y}"]
        if national.latest_effective:
            changes.append(f"Ngày có hiệu lực muộn nhất của căn cứ pháp lý: {_day(national.latest_effective)}")
        changes.append(f"Ngày công khai trên CSDL quốc gia: {_day(national.public_date)}")
        return changes
    labels = {
        "decision_date": "Ngày ban hành quyết định công bố",
        "decision_issuer": "Cơ quan ban hành quyết định công bố",
        "legal_basis_effective_date": "Ngày có hiệu lực muộn nhất của căn cứ pháp lý",
        "public_date": "Ngày công khai trên CSDL quốc gia",
    }
    changes = []
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changes.append(f"{labels[name]} ({decision.number}): {_day(old)} → {_day(value)}")
            setattr(row, name, value)
    if changes:
        row.updated_at = at
        row.save()
    return changes


def _day(value: date | str | None) -> str:
    if value is None or value == "":
        return "(chưa có)"
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


# --- merging and comparing ----------------------------------------------------------------------------


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:72].strip("-") or "giay-to"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _merge(national: NationalProcedure, base: ProcedureSpec | None) -> ProcedureSpec:
    """The catalogue content of ``national``, with the local parts of ``base`` (see the module)."""
    old_documents = {d.name: d for d in base.documents} if base else {}
    taken: set[str] = set()
    documents = []
    for item in national.documents:
        kept = old_documents.get(item.name)
        document_type = kept.document_type if kept and kept.document_type not in taken else _slug(item.name, taken)
        taken.add(document_type)
        documents.append(
            DocumentSpec(
                name=item.name,
                document_type=document_type,
                mandatory=item.mandatory,
                copies=item.copies,
                form_template=item.form_template,
                note=kept.note if kept else "",
            )
        )
    old_fees = {(f.kind, f.name): f for f in base.fees} if base else {}
    fees = []
    for fee in national.fees:
        kept_fee = old_fees.get((fee.kind, fee.name))
        fees.append(
            FeeSpec(
                kind=fee.kind,
                name=fee.name,
                amount=fee.amount,
                description=fee.description,
                exemptions=kept_fee.exemptions if kept_fee else "",
                legal_basis=kept_fee.legal_basis if kept_fee else "",
            )
        )
    if base is None:
        base = ProcedureSpec(
            code=national.code,
            name=national.name,
            field=national.field_code,
            levels=national.levels,
            applicant_types=(),
            service_type=ServiceType.IN_PERSON.value,
            processing_time=national.processing_time,
            processing_time_unit=national.processing_time_unit,
            result_document_type=_slug(national.result_name, set()),
            result_document_name=national.result_name,
            competent_agencies=(),
            steps=(),
        )
    same_unit = base.processing_time_unit == national.processing_time_unit
    return replace(
        base,
        code_status=CodeStatus.CONFIRMED.value,
        code_source=CODE_SOURCE,
        name=national.name,
        field=national.field_code,
        levels=national.levels,
        applicant_types=national.applicant_types if national.applicant_types is not None else base.applicant_types,
        processing_time=national.processing_time,
        processing_time_unit=national.processing_time_unit,
        processing_time_note=national.processing_time_note,
        processing_time_cutoff=base.processing_time_cutoff if same_unit else None,
        result_document_name=national.result_name,
        legal_basis=tuple(basis.text for basis in national.legal_bases),
        documents=tuple(documents),
        fees=tuple(fees),
    )


def _document_text(d: DocumentSpec) -> str:
    return f"«{d.name}» ({d.copies} bản, {'bắt buộc' if d.mandatory else 'không bắt buộc'})"


def _fee_text(f: FeeSpec) -> str:
    kind = "Phí" if f.kind == "phi" else "Lệ phí"
    if f.amount is not None:
        amount = f"{f.amount:,} đồng".replace(",", ".")
    else:
        amount = "; ".join(f"{label}: {value:,} đồng".replace(",", ".") for label, value in f.table)
    return f"{kind} «{f.name}»: {amount}"


def _list_changes(label: str, old: list[str], new: list[str]) -> list[str]:
    if old == new:
        return []
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    parts = [f"thêm {item}" for item in added] + [f"bỏ {item}" for item in removed]
    return [f"{label}: {'; '.join(parts) if parts else 'đổi thứ tự'}"]


def _content_changes(old: ProcedureSpec | None, new: ProcedureSpec) -> list[str]:
    """What differs between the content in the catalogue and the national one, in Vietnamese."""
    if old is None:
        return [
            f"Lĩnh vực: {new.field}",
            f"Cấp thực hiện: {', '.join(Level(level).label for level in new.levels)}",
            f"Thời hạn giải quyết: {new.processing_time_display}",
            f"Thành phần hồ sơ: {len(new.documents)} giấy tờ; phí, lệ phí: {len(new.fees)} khoản; "
            f"căn cứ pháp lý: {len(new.legal_basis)} văn bản",
        ]
    changes = []
    if old.name != new.name:
        changes.append(f"Tên thủ tục: «{old.name}» → «{new.name}»")
    if old.field != new.field:
        changes.append(f"Lĩnh vực: {old.field} → {new.field}")
    if old.levels != new.levels:
        changes.append(
            f"Cấp thực hiện: {', '.join(Level(v).label for v in old.levels)} → "
            f"{', '.join(Level(v).label for v in new.levels)}"
        )
    if old.applicant_types != new.applicant_types:
        changes.append(
            f"Đối tượng thực hiện: {', '.join(ApplicantType(v).label for v in old.applicant_types) or '(chưa có)'} → "
            f"{', '.join(ApplicantType(v).label for v in new.applicant_types) or '(chưa có)'}"
        )
    old_time = processing_time_text(old.processing_time, old.processing_time_unit, old.processing_time_cutoff)
    new_time = processing_time_text(new.processing_time, new.processing_time_unit, new.processing_time_cutoff)
    if old_time != new_time or old.processing_time_note != new.processing_time_note:
        changes.append(f"Thời hạn giải quyết: {old_time} → {new_time}")
    changes += _list_changes(
        "Thành phần hồ sơ", [_document_text(d) for d in old.documents], [_document_text(d) for d in new.documents]
    )
    changes += _list_changes("Phí, lệ phí", [_fee_text(f) for f in old.fees], [_fee_text(f) for f in new.fees])
    changes += _list_changes("Căn cứ pháp lý", [f"«{b}»" for b in old.legal_basis], [f"«{b}»" for b in new.legal_basis])
    if old.result_document_name != new.result_document_name:
        changes.append(f"Kết quả thực hiện: «{old.result_document_name}» → «{new.result_document_name}»")
    if old.code_status != new.code_status:
        changes.append(f"Tình trạng mã: {CodeStatus(old.code_status).label} → {CodeStatus(new.code_status).label}")
    if not changes:
        changes.append("Chi tiết khác của nội dung (nguồn đối chiếu mã, mẫu đơn, ghi chú)")
    return changes

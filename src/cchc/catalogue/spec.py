"""The JSON form of the catalogue: parsing with precise errors, canonical form and content hash.

One shape serves import, export and the shipped demo catalogue; ``docs/catalogue.schema.json``
describes it. Parsing checks structure and the rules that need no database (step durations against
the statutory time); agency and field references are resolved by the services.

The canonical form (``ProcedureSpec.to_json``) fills in every default, so a compact hand-written file
and the export of the same content hash alike: importing either twice publishes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from cchc.catalogue.constants import (
    FIELD_CODE_PATTERN,
    PROCEDURE_CODE_PATTERN,
    SLUG_PATTERN,
    ApplicantType,
    CatalogueErrorCode,
    CodeStatus,
    FeeKind,
    ServiceType,
    StaffRole,
    StepResponsible,
    TimeUnit,
)
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.text import processing_time_text, statutory_hours
from cchc.org.constants import AgencyKind, Level

FORMAT_NAME = "cchc-catalogue"
FORMAT_VERSION = 1

T = TypeVar("T")

_CODE_RE = re.compile(PROCEDURE_CODE_PATTERN)
_FIELD_RE = re.compile(FIELD_CODE_PATTERN)
_SLUG_RE = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class FieldSpec:
    code: str
    name: str


@dataclass(frozen=True)
class CompetentAgencySpec:
    """``agency`` (a registry code) or ``level`` + ``kind`` (every such agency, e.g. each commune UBND)."""

    agency: str = ""
    level: str = ""
    kind: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.agency:
            return {"agency": self.agency, "note": self.note}
        return {"level": self.level, "kind": self.kind, "note": self.note}


@dataclass(frozen=True)
class StepSpec:
    name: str
    responsible: str
    staff_role: str
    duration_hours: Decimal
    agency: str = ""
    label: str = ""
    inter_agency: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "responsible": self.responsible,
            "agency": self.agency,
            "label": self.label,
            "staff_role": self.staff_role,
            "duration_hours": _number(self.duration_hours),
            "inter_agency": self.inter_agency,
        }


@dataclass(frozen=True)
class DocumentSpec:
    name: str
    document_type: str
    mandatory: bool = True
    copies: int = 1
    form_template: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "document_type": self.document_type,
            "mandatory": self.mandatory,
            "copies": self.copies,
            "form_template": self.form_template,
            "note": self.note,
        }


@dataclass(frozen=True)
class FeeSpec:
    kind: str
    name: str
    amount: int | None = None
    table: tuple[tuple[str, int], ...] = ()
    description: str = ""
    exemptions: str = ""
    legal_basis: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "amount": self.amount,
            "table": [{"label": label, "amount": amount} for label, amount in self.table],
            "description": self.description,
            "exemptions": self.exemptions,
            "legal_basis": self.legal_basis,
        }


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    field: str
    levels: tuple[str, ...]
    applicant_types: tuple[str, ...]
    service_type: str
    processing_time: int
    processing_time_unit: str
    result_document_type: str
    result_document_name: str
    competent_agencies: tuple[CompetentAgencySpec, ...]
    steps: tuple[StepSpec, ...]
    documents: tuple[DocumentSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()
    legal_basis: tuple[str, ...] = ()
    processing_time_note: str = ""
    code_status: str = CodeStatus.CONFIRMED.value
    code_source: str = ""
    note: str = ""
    processing_time_cutoff: time | None = None  # same-day procedures only
    result_valid_months: int | None = None  # how long the result may be used (None: not said)

    @property
    def statutory_hours(self) -> Decimal:
        return statutory_hours(self.processing_time, self.processing_time_unit)

    @property
    def processing_time_display(self) -> str:
        return processing_time_text(self.processing_time, self.processing_time_unit, self.processing_time_cutoff)

    @property
    def is_inter_agency(self) -> bool:
        return any(step.inter_agency for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON form: every key present, lists in catalogue order."""
        return {
            "code": self.code,
            "code_status": self.code_status,
            "code_source": self.code_source,
            "name": self.name,
            "field": self.field,
            "levels": list(self.levels),
            "competent_agencies": [agency.to_json() for agency in self.competent_agencies],
            "applicant_types": list(self.applicant_types),
            "service_type": self.service_type,
            "processing_time": self._processing_time_json(),
            "result": self._result_json(),
            "legal_basis": list(self.legal_basis),
            "documents": [document.to_json() for document in self.documents],
            "fees": [fee.to_json() for fee in self.fees],
            "steps": [step.to_json() for step in self.steps],
            "note": self.note,
        }

    def _result_json(self) -> dict[str, Any]:
        # "valid_months" only where the catalogue says it, so the content hash of every other procedure
        # is what it was before
        value: dict[str, Any] = {"document_type": self.result_document_type, "name": self.result_document_name}
        if self.result_valid_months is not None:
            value["valid_months"] = self.result_valid_months
        return value

    def _processing_time_json(self) -> dict[str, Any]:
        # "cutoff" only where there is one, so the canonical form (and the content hash) of every
        # procedure without one is what it was before same-day procedures existed
        value: dict[str, Any] = {
            "value": self.processing_time,
            "unit": self.processing_time_unit,
            "note": self.processing_time_note,
        }
        if self.processing_time_cutoff is not None:
            value["cutoff"] = self.processing_time_cutoff.strftime("%H:%M")
        return value

    def content_hash(self) -> str:
        """SHA-256 of the canonical form; equal content, equal hash (idempotent import)."""
        text = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CatalogueSpec:
    fields: tuple[FieldSpec, ...]
    procedures: tuple[ProcedureSpec, ...]


def _number(value: Decimal) -> int | float:
    """A JSON number for a duration: integral values as int, others as float (0.5, 1.25)."""
    return int(value) if value == value.to_integral_value() else float(value)


def check_step_durations(
    *, total_hours: Decimal, statutory_hours: Decimal, time_display: str, procedure: str = "", field: str = "steps"
) -> None:
    """Refuse an internal procedure whose steps take longer than the statutory time.

    legal: the internal procedure must fit the processing time published with the procedure
    (NĐ 118/2025/NĐ-CP; working days are counted as 8 working hours).
    """
    if total_hours > statutory_hours:
        raise CatalogueError(
            CatalogueErrorCode.STEPS_EXCEED_STATUTORY_TIME,
            f"Tổng thời gian các bước của quy trình nội bộ ({_hours(total_hours)} giờ làm việc) vượt thời hạn "
            f"giải quyết theo quy định ({time_display} = {_hours(statutory_hours)} giờ làm việc).",
            procedure=procedure,
            field=field,
        )


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


# --- parsing ------------------------------------------------------------------------------------


class _Parser:
    """Reads one procedure object; every error carries the JSON path of the value."""

    def __init__(self, data: dict[str, Any], *, procedure: str, path: str) -> None:
        self.data = data
        self.procedure = procedure
        self.path = path

    def only(self, *keys: str) -> None:
        """Refuse keys the format does not know (a misspelt key would otherwise be silently dropped)."""
        unknown = sorted(set(self.data) - set(keys))
        if unknown:
            raise self.fail(unknown[0], f"Khóa «{unknown[0]}» không có trong định dạng danh mục.")

    def fail(self, key: str, message: str) -> CatalogueError:
        return CatalogueError(
            CatalogueErrorCode.INVALID_INPUT, message, procedure=self.procedure, field=f"{self.path}.{key}"
        )

    def text(
        self, key: str, *, required: bool = True, max_length: int = 500, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = self.data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(key, "Giá trị phải là chuỗi ký tự.")
        value = value.strip()
        if required and not value:
            raise self.fail(key, "Thiếu giá trị bắt buộc.")
        if len(value) > max_length:
            raise self.fail(key, f"Dài quá {max_length} ký tự.")
        if value and pattern is not None and not pattern.match(value):
            raise self.fail(key, f"Giá trị «{value}» không đúng dạng.")
        return value

    def choice(self, key: str, choices: Iterable[str], *, default: str | None = None) -> str:
        allowed = list(choices)
        if key not in self.data and default is not None:
            return default
        value = self.data.get(key)
        if value not in allowed:
            raise self.fail(key, f"Giá trị «{value}» không hợp lệ; chọn một trong: {', '.join(allowed)}.")
        return str(value)

    def choices(self, key: str, choices: Iterable[str]) -> tuple[str, ...]:
        allowed = list(choices)
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "Phải là danh sách có ít nhất một giá trị.")
        for item in value:
            if item not in allowed:
                raise self.fail(key, f"Giá trị «{item}» không hợp lệ; chọn trong: {', '.join(allowed)}.")
        if len(set(value)) != len(value):
            raise self.fail(key, "Có giá trị lặp lại.")
        return tuple(value)

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "Phải là true hoặc false.")
        return value

    def integer(self, key: str, *, default: int | None = None, minimum: int = 0, required: bool = True) -> int | None:
        if key not in self.data or self.data[key] is None:
            if default is not None or not required:
                return default
            raise self.fail(key, "Thiếu giá trị bắt buộc.")
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "Phải là số nguyên.")
        if value < minimum:
            raise self.fail(key, f"Phải từ {minimum} trở lên.")
        return value

    def decimal(self, key: str) -> Decimal:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "Phải là số (giờ làm việc).")
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:  # pragma: no cover - json numbers always convert
            raise self.fail(key, "Phải là số.") from exc
        if number <= 0 or number != number.quantize(Decimal("0.01")) or number >= Decimal(10000):
            raise self.fail(key, "Phải là số dương, tối đa hai chữ số thập phân.")
        return number

    def objects(self, key: str, parse: Callable[[_Parser], T], *, required: bool) -> tuple[T, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "Phải là danh sách.")
        if required and not value:
            raise self.fail(key, "Cần ít nhất một mục.")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", "Mỗi mục phải là một đối tượng JSON.")
            items.append(parse(_Parser(item, procedure=self.procedure, path=f"{self.path}.{key}[{index}]")))
        return tuple(items)

    def nested(self, key: str) -> _Parser:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "Phải là một đối tượng JSON.")
        return _Parser(value, procedure=self.procedure, path=f"{self.path}.{key}")

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.fail(key, "Phải là danh sách chuỗi ký tự không rỗng.")
        return tuple(item.strip() for item in value)


def _competent_agency(p: _Parser) -> CompetentAgencySpec:
    p.only("agency", "level", "kind", "note")
    agency = p.text("agency", required=False, max_length=80, pattern=_SLUG_RE)
    note = p.text("note", required=False)
    if agency:
        if p.data.get("level") or p.data.get("kind"):
            raise p.fail("agency", "Ghi mã cơ quan hoặc cấp và loại cơ quan, không ghi cả hai.")
        return CompetentAgencySpec(agency=agency, note=note)
    if "level" not in p.data or "kind" not in p.data:
        raise p.fail("agency", "Cần mã cơ quan (agency) hoặc cấp (level) và loại cơ quan (kind).")
    return CompetentAgencySpec(
        level=p.choice("level", Level.values), kind=p.choice("kind", AgencyKind.values), note=note
    )


def _step(p: _Parser) -> StepSpec:
    p.only("name", "responsible", "agency", "label", "staff_role", "duration_hours", "inter_agency")
    responsible = p.choice("responsible", StepResponsible.values)
    agency = p.text("agency", required=responsible == StepResponsible.AGENCY, max_length=80, pattern=_SLUG_RE)
    if agency and responsible != StepResponsible.AGENCY:
        raise p.fail("agency", "Chỉ ghi mã cơ quan khi đơn vị thực hiện là «agency».")
    return StepSpec(
        name=p.text("name"),
        responsible=responsible,
        agency=agency,
        label=p.text("label", required=False, max_length=300),
        staff_role=p.choice("staff_role", StaffRole.values),
        duration_hours=p.decimal("duration_hours"),
        inter_agency=p.boolean("inter_agency", default=False),
    )


def _document(p: _Parser) -> DocumentSpec:
    p.only("name", "document_type", "mandatory", "copies", "form_template", "note")
    return DocumentSpec(
        name=p.text("name"),
        document_type=p.text("document_type", max_length=80, pattern=_SLUG_RE),
        mandatory=p.boolean("mandatory", default=True),
        copies=p.integer("copies", default=1, minimum=1) or 1,
        form_template=p.text("form_template", required=False, max_length=300),
        note=p.text("note", required=False),
    )


def _fee_row(p: _Parser) -> tuple[str, int]:
    p.only("label", "amount")
    amount = p.integer("amount", minimum=0)
    assert amount is not None  # required above
    return p.text("label", max_length=300), amount


def _fee(p: _Parser) -> FeeSpec:
    p.only("kind", "name", "amount", "table", "description", "exemptions", "legal_basis")
    amount = p.integer("amount", required=False, minimum=0)
    table = p.objects("table", _fee_row, required=False)
    if amount is None and not table:
        raise p.fail("amount", "Cần mức thu (amount) hoặc biểu mức thu (table).")
    if amount is not None and table:
        raise p.fail("table", "Ghi mức thu hoặc biểu mức thu, không ghi cả hai.")
    return FeeSpec(
        kind=p.choice("kind", FeeKind.values),
        name=p.text("name", max_length=300),
        amount=amount,
        table=table,
        description=p.text("description", required=False),
        exemptions=p.text("exemptions", required=False),
        legal_basis=p.text("legal_basis", required=False, max_length=300),
    )


# ``published`` is read-only metadata written by the export (version number and date); it is ignored.
_PROCEDURE_KEYS = (
    "code",
    "code_status",
    "code_source",
    "name",
    "field",
    "levels",
    "competent_agencies",
    "applicant_types",
    "service_type",
    "processing_time",
    "result",
    "legal_basis",
    "documents",
    "fees",
    "steps",
    "note",
    "published",
)


_CUTOFF_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _cutoff(p: _Parser, unit: str) -> time | None:
    """The cut-off hour ``HH:MM`` of a same-day procedure (NĐ 23/2015/NĐ-CP Điều 7 khoản 1: 15:00)."""
    text = p.text("cutoff", required=False, max_length=5)
    if not text:
        return None
    if unit != TimeUnit.SAME_DAY:
        raise p.fail("cutoff", "Giờ chốt tiếp nhận chỉ dùng cho thủ tục giải quyết trong ngày (unit = same_day).")
    if not _CUTOFF_RE.match(text):
        raise p.fail("cutoff", f"Giờ chốt «{text}» không đúng dạng HH:MM (ví dụ 15:00).")
    return time.fromisoformat(text)


def parse_procedure(data: Any, *, path: str = "procedures[0]") -> ProcedureSpec:
    """Parse one procedure object; raise ``CatalogueError`` naming the procedure and the field."""
    if not isinstance(data, dict):
        raise CatalogueError(CatalogueErrorCode.INVALID_INPUT, "Thủ tục phải là một đối tượng JSON.", field=path)
    raw_code = data.get("code")
    code = raw_code.strip() if isinstance(raw_code, str) else ""
    p = _Parser(data, procedure=code or "?", path=path)
    p.text("code", max_length=30, pattern=_CODE_RE)
    p.only(*_PROCEDURE_KEYS)
    timing = p.nested("processing_time")
    timing.only("value", "unit", "note", "cutoff")
    unit = timing.choice("unit", TimeUnit.values)
    cutoff = _cutoff(timing, unit)
    result = p.nested("result")
    result.only("document_type", "name", "valid_months")
    spec = ProcedureSpec(
        code=code,
        code_status=p.choice("code_status", CodeStatus.values, default=CodeStatus.CONFIRMED.value),
        code_source=p.text("code_source", required=False),
        name=p.text("name"),
        field=p.text("field", max_length=40, pattern=_FIELD_RE),
        levels=p.choices("levels", Level.values),
        competent_agencies=p.objects("competent_agencies", _competent_agency, required=True),
        applicant_types=p.choices("applicant_types", ApplicantType.values),
        service_type=p.choice("service_type", ServiceType.values),
        processing_time=timing.integer("value", minimum=1) or 1,
        processing_time_unit=unit,
        processing_time_note=timing.text("note", required=False),
        processing_time_cutoff=cutoff,
        result_document_type=result.text("document_type", max_length=80, pattern=_SLUG_RE),
        result_document_name=result.text("name"),
        result_valid_months=result.integer("valid_months", minimum=1, required=False),
        legal_basis=p.strings("legal_basis"),
        documents=p.objects("documents", _document, required=False),
        fees=p.objects("fees", _fee, required=False),
        steps=p.objects("steps", _step, required=True),
        note=p.text("note", required=False, max_length=5000),
    )
    if not spec.legal_basis:
        raise p.fail("legal_basis", "Cần ít nhất một căn cứ pháp lý.")
    if unit == TimeUnit.SAME_DAY and spec.processing_time != 1:
        raise timing.fail("value", "Thủ tục giải quyết trong ngày có thời hạn là 1 (một ngày làm việc).")
    for key, items, attribute in (
        ("documents", spec.documents, "document_type"),
        ("competent_agencies", spec.competent_agencies, "agency"),
    ):
        seen = [getattr(item, attribute) for item in items if getattr(item, attribute)]
        if len(set(seen)) != len(seen):
            raise p.fail(key, f"Có {attribute} lặp lại trong cùng thủ tục.")
    check_step_durations(
        total_hours=sum((step.duration_hours for step in spec.steps), Decimal(0)),
        statutory_hours=spec.statutory_hours,
        time_display=spec.processing_time_display,
        procedure=spec.code,
        field=f"{path}.steps",
    )
    return spec


def parse_catalogue(data: Any, *, source: str = "") -> CatalogueSpec:
    """Parse a whole catalogue document (``{"format": "cchc-catalogue", "fields": [...], "procedures": [...]}``)."""
    try:
        return _parse_catalogue(data)
    except CatalogueError as exc:
        raise exc.located(source=source) from None


def _parse_catalogue(data: Any) -> CatalogueSpec:
    def fail(field: str, message: str) -> CatalogueError:
        return CatalogueError(CatalogueErrorCode.INVALID_INPUT, message, field=field)

    if not isinstance(data, dict):
        raise fail("$", "Tệp danh mục phải là một đối tượng JSON.")
    if data.get("format") != FORMAT_NAME:
        raise fail("format", f'Không phải tệp danh mục thủ tục (cần "format": "{FORMAT_NAME}").')
    if data.get("format_version") != FORMAT_VERSION:
        raise fail("format_version", f"Phiên bản định dạng không được hỗ trợ (cần {FORMAT_VERSION}).")
    raw_fields = data.get("fields", [])
    if not isinstance(raw_fields, list):
        raise fail("fields", "Phải là danh sách.")
    fields: dict[str, FieldSpec] = {}
    for index, item in enumerate(raw_fields):
        p = _Parser(item if isinstance(item, dict) else {}, procedure="", path=f"fields[{index}]")
        code = p.text("code", max_length=40, pattern=_FIELD_RE)
        if code in fields:
            raise p.fail("code", f"Mã lĩnh vực «{code}» lặp lại.")
        fields[code] = FieldSpec(code=code, name=p.text("name", max_length=200))
    raw_procedures = data.get("procedures")
    if not isinstance(raw_procedures, list):
        raise fail("procedures", "Phải là danh sách thủ tục.")
    procedures: list[ProcedureSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(raw_procedures):
        spec = parse_procedure(item, path=f"procedures[{index}]")
        if spec.code in seen:
            raise CatalogueError(
                CatalogueErrorCode.INVALID_INPUT,
                "Mã thủ tục lặp lại trong tệp.",
                procedure=spec.code,
                field=f"procedures[{index}].code",
            )
        seen.add(spec.code)
        procedures.append(spec)
    return CatalogueSpec(fields=tuple(fields.values()), procedures=tuple(procedures))

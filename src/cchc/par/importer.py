"""Reading an index set (bộ chỉ số) from its file: JSON, or XLSX with the same columns.

The file is the official table as published: fields → criteria → sub-criteria, each with its
maximum points, scoring guidance and method. It is checked whole before anything is written, and
every error is reported with where it is (the JSON path, or the sheet row), e.g.
``fields[2].criteria[1] (mã 3.2): điểm tối đa 6 khác tổng điểm tiêu chí con 5,5``.

Rules checked:
- points are numbers ≥ 0 with at most 2 decimals; a node with children has exactly the sum of its
  children's maxima; the set's maximum (when given) is the sum of its fields';
- codes are unique and hierarchical (a child of "3" is "3.x"); three levels at most;
- only leaves carry a method (self, survey, computed; self by default); a computed leaf names an
  indicator known to ``cchc.indicators.definitions``;
- grade thresholds go down strictly: Tốt > Khá > Trung bình ≥ 0.

JSON layout (``format: cchc-par-index``, ``format_version: 1``): see docs/par-index.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cchc.indicators.definitions import BY_CODE
from cchc.par.constants import Audience, Method, NodeKind, ParError, ParErrorCode

FORMAT = "cchc-par-index"
FORMAT_VERSION = 1
KINDS = (NodeKind.FIELD, NodeKind.CRITERION, NodeKind.SUB_CRITERION)
CHILD_KEYS = ("fields", "criteria", "sub_criteria")
MAX_ERRORS = 30
DEFAULT_GRADES = {"tot": Decimal(90), "kha": Decimal(70), "trung_binh": Decimal(50)}

# XLSX layout: a "Thông tin" sheet (key, value) and a "Tiêu chí" sheet with these columns.
XLSX_INFO_SHEET = "Thông tin"
XLSX_TREE_SHEET = "Tiêu chí"
XLSX_COLUMNS = ("Mã", "Tên", "Điểm tối đa", "Phương pháp", "Mã chỉ số", "Hướng dẫn chấm điểm")
XLSX_INFO_KEYS = ("format", "format_version", "code", "name", "year", "audience", "legal_basis", "demo", "note")


@dataclass
class NodeSpec:
    kind: str
    code: str
    name: str
    max_points: Decimal
    guidance: str = ""
    method: str = ""
    indicator_code: str = ""
    children: list[NodeSpec] = field(default_factory=list)


@dataclass
class IndexSetSpec:
    code: str
    name: str
    year: int
    audience: str
    legal_basis: str
    demo: bool
    note: str
    grades: dict[str, Decimal]
    max_points: Decimal
    fields: list[NodeSpec]

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()

    def walk(self) -> list[tuple[NodeSpec, NodeSpec | None]]:
        """Every node with its parent, in document order (pre-order)."""
        out: list[tuple[NodeSpec, NodeSpec | None]] = []

        def visit(node: NodeSpec, parent: NodeSpec | None) -> None:
            out.append((node, parent))
            for child in node.children:
                visit(child, node)

        for top in self.fields:
            visit(top, None)
        return out


def _fmt(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.sum_error = False
        self.codes: set[str] = set()

    def error(self, where: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{where}: {message}")

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int):
            self.error(where, f"«{key}» phải là chuỗi ký tự.")
            return ""
        value = str(value).strip()
        if required and not value:
            self.error(where, f"thiếu «{key}».")
        return value

    def points(self, value: Any, where: str, label: str = "điểm tối đa") -> Decimal | None:
        if isinstance(value, bool) or value is None or value == "":
            self.error(where, f"thiếu {label}.")
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.error(where, f"{label} «{value}» không phải là số.")
            return None
        if not number.is_finite() or number < 0:
            self.error(where, f"{label} {value} phải là số không âm.")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.error(where, f"{label} {value} có quá 2 chữ số thập phân.")
            return None
        return number.quantize(Decimal("0.01"))

    def node(self, data: Any, depth: int, where: str, parent_code: str) -> NodeSpec | None:
        if not isinstance(data, dict):
            self.error(where, "phải là một đối tượng (mã, tên, điểm tối đa ...).")
            return None
        where = data.get("_where") or where
        code = self.text(data, "code", where)
        label = f"{where} (mã {code})" if code else where
        name = self.text(data, "name", label)
        if code:
            if code in self.codes:
                self.error(label, "mã bị trùng.")
            self.codes.add(code)
            if parent_code and not code.startswith(parent_code + "."):
                self.error(label, f"mã phải bắt đầu bằng mã cấp trên «{parent_code}.».")
        maximum = self.points(data.get("max_points"), label)
        key = CHILD_KEYS[depth] if depth < len(CHILD_KEYS) else None
        raw_children = data.get(key, []) if key else []
        for other in CHILD_KEYS:
            if other != key and data.get(other):
                self.error(label, f"«{other}» không đúng cấp: cấp này chỉ có «{key or 'không có cấp con'}».")
        if raw_children is None:
            raw_children = []
        if not isinstance(raw_children, list):
            self.error(label, f"«{key}» phải là một danh sách.")
            raw_children = []
        children = [
            child
            for index, item in enumerate(raw_children)
            if (child := self.node(item, depth + 1, f"{where}.{key}[{index}]", code)) is not None
        ]
        method = self.text(data, "method", label, required=False)
        indicator = self.text(data, "indicator", label, required=False)
        guidance = self.text(data, "guidance", label, required=False)
        if raw_children:
            if method or indicator:
                self.error(label, "chỉ tiêu chí không có tiêu chí con mới có phương pháp chấm / chỉ số liên kết.")
            if maximum is not None and len(children) == len(raw_children):
                total = sum((c.max_points for c in children), Decimal(0))
                if total != maximum:
                    self.sum_error = True
                    self.error(label, f"điểm tối đa {_fmt(maximum)} khác tổng điểm các cấp con {_fmt(total)}.")
        else:
            method = method or Method.SELF
            if method not in Method.values:
                self.error(label, f"phương pháp «{method}» không hợp lệ (dùng: {', '.join(Method.values)}).")
            if method == Method.COMPUTED:
                if not indicator:
                    self.error(label, "tiêu chí tính từ dữ liệu phải có «indicator» (mã chỉ số).")
                elif indicator not in BY_CODE:
                    self.error(label, f"mã chỉ số «{indicator}» không có trong Bộ chỉ số 766 của hệ thống.")
            elif indicator:
                self.error(label, "chỉ tiêu chí có phương pháp «computed» mới gắn mã chỉ số.")
            if maximum is not None and maximum == 0:
                self.error(label, "tiêu chí được chấm điểm phải có điểm tối đa lớn hơn 0.")
        if maximum is None or not code or not name:
            return None
        return NodeSpec(
            kind=KINDS[depth - 1],
            code=code,
            name=name,
            max_points=maximum,
            guidance=guidance,
            method=method if not raw_children else "",
            indicator_code=indicator if not raw_children else "",
            children=children,
        )


def parse_index_data(data: Any) -> IndexSetSpec:
    """Check a decoded index-set document; raise :class:`ParError` listing every error found."""
    check = _Checker()
    if not isinstance(data, dict):
        raise ParError(ParErrorCode.INVALID_FILE, "Tệp bộ chỉ số phải là một đối tượng JSON.")
    if data.get("format") != FORMAT:
        check.error("format", f"phải là «{FORMAT}».")
    if str(data.get("format_version")) != str(FORMAT_VERSION):
        check.error("format_version", f"phiên bản định dạng phải là {FORMAT_VERSION}.")
    code = check.text(data, "code", "code")
    if code and (len(code) > 80 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code)):
        check.error("code", f"mã «{code}» chỉ gồm chữ không dấu, số, «-» và «_» (tối đa 80 ký tự).")
    name = check.text(data, "name", "name")
    try:
        year = int(data.get("year"))  # type: ignore[arg-type]
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        check.error("year", f"năm «{data.get('year')}» không hợp lệ (2000-2100).")
        year = 0
    audience = check.text(data, "audience", "audience")
    if audience and audience not in Audience.values:
        check.error("audience", f"«{audience}» không hợp lệ (dùng: {', '.join(Audience.values)}).")
    legal_basis = check.text(data, "legal_basis", "legal_basis", required=False)
    note = check.text(data, "note", "note", required=False)
    demo = bool(data.get("demo", False))
    raw_grades = data.get("grades") or {}
    if not isinstance(raw_grades, dict):
        check.error("grades", "phải là một đối tượng {tot, kha, trung_binh}.")
        raw_grades = {}
    grades: dict[str, Decimal] = {}
    for key, default in DEFAULT_GRADES.items():
        value = check.points(raw_grades.get(key, default), f"grades.{key}", "ngưỡng xếp loại")
        grades[key] = default if value is None else value
    if not (Decimal(100) >= grades["tot"] > grades["kha"] > grades["trung_binh"] >= 0):
        check.error("grades", "ngưỡng phải giảm dần: 100 ≥ Tốt > Khá > Trung bình ≥ 0.")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        check.error("fields", "phải có ít nhất một lĩnh vực.")
        raw_fields = []
    fields = [
        node
        for index, item in enumerate(raw_fields)
        if (node := check.node(item, 1, f"fields[{index}]", "")) is not None
    ]
    total = sum((f.max_points for f in fields), Decimal(0))
    declared = data.get("max_points")
    if declared is not None and len(fields) == len(raw_fields):
        maximum = check.points(declared, "max_points", "tổng điểm tối đa")
        if maximum is not None and maximum != total:
            check.sum_error = True
            check.error("max_points", f"tổng điểm tối đa {_fmt(maximum)} khác tổng điểm các lĩnh vực {_fmt(total)}.")
    if check.errors:
        code_ = ParErrorCode.POINTS_MISMATCH if check.sum_error else ParErrorCode.INVALID_FILE
        raise ParError(code_, "Bộ chỉ số không hợp lệ, không nhập gì:\n- " + "\n- ".join(check.errors))
    return IndexSetSpec(
        code=code,
        name=name,
        year=year,
        audience=audience,
        legal_basis=legal_basis,
        demo=demo,
        note=note,
        grades=grades,
        max_points=total,
        fields=fields,
    )


# --- files --------------------------------------------------------------------------------------


def _xlsx_to_data(path: Path) -> dict[str, Any]:
    """The XLSX layout turned into the JSON layout; each node keeps its row as ``_where``."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ParError(ParErrorCode.INVALID_FILE, f"Không đọc được tệp XLSX: {exc}") from exc
    missing = [name for name in (XLSX_INFO_SHEET, XLSX_TREE_SHEET) if name not in book.sheetnames]
    if missing:
        raise ParError(ParErrorCode.INVALID_FILE, f"Tệp XLSX thiếu trang tính: {', '.join(missing)}.")
    data: dict[str, Any] = {"grades": {}}
    for row in book[XLSX_INFO_SHEET].iter_rows(min_row=1, values_only=True):
        if not row or row[0] is None:
            continue
        key, value = str(row[0]).strip(), row[1] if len(row) > 1 else None
        if key.startswith("grade_"):
            data["grades"][key.removeprefix("grade_")] = value
        elif key == "max_points":
            data["max_points"] = value
        elif key in XLSX_INFO_KEYS:
            data[key] = value if key != "demo" else str(value).strip().lower() in ("1", "true", "có", "x")
    rows = book[XLSX_TREE_SHEET].iter_rows(min_row=1, values_only=True)
    header = next(rows, None)
    if header is None or tuple(str(c or "").strip() for c in header[: len(XLSX_COLUMNS)]) != XLSX_COLUMNS:
        raise ParError(
            ParErrorCode.INVALID_FILE,
            f"{XLSX_TREE_SHEET}!dòng 1: tiêu đề cột phải là: {', '.join(XLSX_COLUMNS)}.",
        )
    nodes: dict[str, dict[str, Any]] = {}
    fields: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, row in enumerate(rows, start=2):
        cells = [("" if c is None else c) for c in (list(row) + [None] * 6)[:6]]
        if not any(str(c).strip() for c in cells):
            continue
        code, name, points, method, indicator, guidance = cells
        code = str(code).strip()
        where = f"{XLSX_TREE_SHEET}!dòng {number}"
        node = {
            "_where": where,
            "code": code,
            "name": str(name),
            "max_points": points,
            "method": str(method),
            "indicator": str(indicator),
            "guidance": str(guidance),
        }
        depth = code.count(".") + 1
        if depth == 1:
            fields.append(node)
        else:
            parent = nodes.get(code.rsplit(".", 1)[0])
            if parent is None:
                errors.append(f"{where} (mã {code}): không có dòng cấp trên «{code.rsplit('.', 1)[0]}» ở trước.")
                continue
            if depth > len(CHILD_KEYS):
                errors.append(f"{where} (mã {code}): quá ba cấp (lĩnh vực, tiêu chí, tiêu chí thành phần).")
                continue
            parent.setdefault(CHILD_KEYS[depth - 1], []).append(node)
        nodes[code] = node
    if errors:
        raise ParError(ParErrorCode.INVALID_FILE, "Bộ chỉ số không hợp lệ, không nhập gì:\n- " + "\n- ".join(errors))
    data["fields"] = fields
    return data


def read_index_file(path: Path) -> IndexSetSpec:
    """Read and check an index-set file (JSON, or XLSX told by its content); raise :class:`ParError`."""
    try:
        head = path.read_bytes()[:4]
    except OSError as exc:
        raise ParError(ParErrorCode.INVALID_FILE, f"Không đọc được tệp {path}: {exc.strerror}.") from exc
    if head == b"PK\x03\x04":
        return parse_index_data(_xlsx_to_data(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise ParError(ParErrorCode.INVALID_FILE, "Tệp không phải JSON (UTF-8) hay XLSX.") from exc
    except json.JSONDecodeError as exc:
        raise ParError(
            ParErrorCode.INVALID_FILE, f"{path.name}:{exc.lineno}:{exc.colno}: JSON không hợp lệ ({exc.msg})."
        ) from exc
    return parse_index_data(data)

"""Structure of a program decision written to the national template.

The template (Nghị quyết 76/NQ-CP and the provincial programs that follow it) is:

* the decision: issuer block ("ỦY BAN NHÂN DÂN / TỈNH X"), national motto, "Số: N/QĐ-UBND",
  "X, ngày d tháng m năm y", "QUYẾT ĐỊNH", its title, the issuing authority, "Căn cứ ..." bases,
  "QUYẾT ĐỊNH:", "Điều 1..n", the signer block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") and the name;
* the program: "CHƯƠNG TRÌNH" + title, a preamble, parts numbered in Roman numerals ("II.") or
  lettered ("B.") and recognised by their keywords (objective, contents/reform areas, solutions,
  funding, assignment of duties);
* reform areas: headings "2. Cải cách ...", "II. CẢI CÁCH ..." (under lettered parts) or "Nội dung
  2: ...", each with "Mục tiêu" (lettered or numbered: "a)", "a.", "1.", "2.1."; general text,
  milestone blocks such as "- Đến năm 2025:", "* Đến năm 2025, phấn đấu:", "• Giai đoạn 2021 -
  2025:", "(1) Đến năm 2025:", and inline "Đến năm 2030, ..." sentences) and "Nhiệm vụ" bullets
  (any of ``- * + • –``); a target takes the nearest milestone above it unless its sentence names
  its own year;
* duties: numbered groups addressed to agencies, with lettered sub-duties in Vietnamese letter
  order (a b c d đ e g h i k l m n o p q r s t u v x y) or one unlettered text;
* the appendix table: a header row of column titles (in any order after "STT"), then per row a
  number paragraph followed by one paragraph per cell (bullets of one cell are consecutive
  paragraphs, the last ending with "."; an empty cell is a non-breaking space or a dash); group
  header rows ("II" + "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "B. ...") may stand between rows, and the
  numbering may restart at 1 under each of them.

Everything is recognised from that structure (numbers, keywords, column titles), never from a
list of expected answers. Each non-empty line that cannot be placed is returned as a finding.
A document that is not a program, or that stops early, raises :class:`ProgramImportError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from cchc.common.text import fold
from cchc.program.constants import ImportError_
from cchc.program.importer.agencies import AgencyMention, Known, split_agency_cell, split_duty_heading
from cchc.program.importer.errors import Finding, ProgramImportError
from cchc.program.importer.lines import Paragraph, split_paragraphs
from cchc.program.importer.targets import TargetSpec, extract_targets, inline_year
from cchc.program.importer.timeline import TimelineSpec, parse_timeline

VIETNAMESE_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_PART = re.compile(r"^(X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s*(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\.\s*(\S.*)$")
_LETTERED = re.compile(r"^([a-zđ])\)\s*(.*)$", re.DOTALL)
_NUMBER = re.compile(r"^Số\s*:\s*(\S+)", re.IGNORECASE)
_DATE = re.compile(r"^([^,]{2,60}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\s*$")
_ARTICLE = re.compile(r"^Điều\s+(\d+)\s*[.:]\s*(.+)$", re.DOTALL)
_SIGN_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s+")
_LEGAL_BASIS = re.compile(r"^(Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Theo Tờ trình)\b")
_PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")
_ANNEX_REF = re.compile(
    r"\(ban hành kèm theo quyết định số\s+(\S+)\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\s+của\s+(.+?)\)",
    re.IGNORECASE,
)
_BULLETS = "-*+•–"
_BULLET = re.compile(r"^(?:[-*+•–]|\(\d{1,2}\))\s*")
_LETTER_PART = re.compile(r"^([A-ZĐ])\.\s*(\S.*)$")
PART_LETTERS = "A B C D Đ E G H I K".split()
_AREA_NUMBERED = re.compile(r"^(\d{1,2})\.(?!\d)\s*(\S.*)$")
_AREA_CONTENT = re.compile(r"^nội dung\s+(?:thứ\s+)?(\d{1,2})\s*[:.\-–]\s*(\S.*)$", re.IGNORECASE)
_SUBHEADING_MARK = re.compile(r"^(?:[a-zđ][.)]|\d{1,2}(?:\.\d{1,2})*[.)]?|[ivx]+\.|\(\d{1,2}\)|[-*+•–])\s*")
_OBJECTIVE_HEADING = re.compile(
    r"(?:cac\s+)?(?:muc tieu|chi tieu)(?:,?\s+(?:chi tieu|nhiem vu))?(?:\s+(?:cu the|chu yeu))?"
)
_TASKS_HEADING = re.compile(
    r"(?:cac\s+)?nhiem vu(?:,?\s+giai phap)?(?:\s+(?:cu the|chu yeu|trong tam|can thuc hien))?(?:\s+cu the)?"
)
# A milestone heading: an optional bullet ("- * + • –", "(1)", "1.", "a)"), optional "Mục tiêu" /
# "Chỉ tiêu", then "đến (hết) năm 2025", "giai đoạn 2021 - 2025" or "năm 2025", optionally words
# without figures ("phấn đấu", "cụ thể như sau"); words after the year need the heading's colon,
# so that "Đến năm 2025, hoàn thành ..." stays a sentence.
_MILESTONE = re.compile(
    r"^(?:[-*+•–]|\(\d{1,2}\)|\d{1,2}[.)]|[a-zđ][.)])?\s*"
    r"(?:(?:các\s+)?(?:mục tiêu|chỉ tiêu)(?:\s+cụ thể)?\s*,?\s*)?(?:phấn đấu\s+)?"
    r"(?:(?:từ nay\s+)?đến\s+(?:hết\s+)?năm\s+(?P<to>\d{4})"
    r"|giai đoạn\s+\d{4}\s*[-–]\s*(?P<end>\d{4})|năm\s+(?P<year>\d{4}))"
    r"(?P<tail>[^:%\d]{0,80}?)\s*(?P<colon>:)?\s*$",
    re.IGNORECASE,
)


def milestone_heading(text: str) -> int | None:
    """The year of a milestone heading ("- Đến năm 2025:", "* Đến năm 2025, phấn đấu:",
    "• Giai đoạn 2021 - 2025:", "(1) Đến năm 2025:", "+ Mục tiêu đến hết năm 2030, cụ thể như sau:");
    None for anything else."""
    match = _MILESTONE.match(text)
    if not match:
        return None
    if match.group("tail").strip(" ,") and not match.group("colon"):
        return None
    return int(match.group("to") or match.group("end") or match.group("year"))


@dataclass
class ParsedObjective:
    order: int
    milestone_year: int | None
    text: str
    line: int
    targets: list[TargetSpec] = field(default_factory=list)
    target_lines: list[int] = field(default_factory=list)  # the source line of each target's figure


@dataclass
class ParsedText:
    order: int
    text: str
    line: int


@dataclass
class ParsedArea:
    number: int
    name: str
    line: int
    objective: str = ""
    objectives: list[ParsedObjective] = field(default_factory=list)
    tasks: list[ParsedText] = field(default_factory=list)
    has_sections: bool = False


@dataclass
class ParsedTarget:
    code: str
    area_number: int
    objective_order: int
    order: int
    line: int
    spec: TargetSpec


@dataclass
class ParsedDuty:
    order: int
    letter: str
    text: str
    line: int


@dataclass
class ParsedDutyGroup:
    number: int
    heading: str
    line: int
    duties: list[ParsedDuty] = field(default_factory=list)
    agencies: list[AgencyMention] = field(default_factory=list)


@dataclass
class ParsedTask:
    number: int
    line: int
    title: str = ""
    outputs: str = ""
    lead_text: str = ""
    coordinate_text: str = ""
    timeline: TimelineSpec = field(default_factory=lambda: parse_timeline([]))
    leads: list[AgencyMention] = field(default_factory=list)
    coordinates: list[AgencyMention] = field(default_factory=list)
    area_number: int | None = None
    group: str = ""  # the appendix's group header above the task, if the table has groups


@dataclass
class ParsedProgram:
    number: str
    issued_on: date
    issuer_name: str
    place: str
    title: str
    decision_title: str
    period_start: int
    period_end: int
    signer_name: str = ""
    signer_title: str = ""
    signing_authority: str = ""
    legal_bases: list[str] = field(default_factory=list)
    decision_articles: list[str] = field(default_factory=list)
    preamble: str = ""
    general_objective: str = ""
    focus: str = ""
    tasks_intro: str = ""
    closing: str = ""
    appendix_title: str = ""
    appendix_columns: list[dict[str, str]] = field(default_factory=list)
    areas: list[ParsedArea] = field(default_factory=list)
    solutions: list[ParsedText] = field(default_factory=list)
    funding: list[ParsedText] = field(default_factory=list)
    duty_groups: list[ParsedDutyGroup] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def targets(self) -> list[ParsedTarget]:
        out: list[ParsedTarget] = []
        for area in self.areas:
            per_year: dict[int, int] = {}
            for objective in area.objectives:
                for index, spec in enumerate(objective.targets, start=1):
                    year = spec.milestone_year or self.period_end
                    per_year[year] = per_year.get(year, 0) + 1
                    out.append(
                        ParsedTarget(
                            code=f"a{area.number}-{year}-{per_year[year]}",
                            area_number=area.number,
                            objective_order=objective.order,
                            order=index,
                            line=(
                                objective.target_lines[index - 1]
                                if index <= len(objective.target_lines)
                                else objective.line
                            ),
                            spec=spec,
                        )
                    )
        return out

    @property
    def unplaced(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "unplaced"]


class _Parts:
    OBJECTIVE = "objective"
    CONTENT = "content"
    SOLUTIONS = "solutions"
    FUNDING = "funding"
    DUTIES = "duties"


def _part_kind(title: str) -> str | None:
    folded = fold(title)
    if "kinh phi" in folded:
        return _Parts.FUNDING
    if "giai phap" in folded:
        return _Parts.SOLUTIONS
    if "to chuc thuc hien" in folded or "phan cong" in folded or "trach nhiem" in folded:
        return _Parts.DUTIES
    if "noi dung" in folded or "nhiem vu" in folded:
        return _Parts.CONTENT
    if "muc tieu" in folded or "quan diem" in folded:
        return _Parts.OBJECTIVE
    return None


_REQUIRED_PARTS = (_Parts.CONTENT, _Parts.DUTIES)
_TEMPLATE_ORDER = (_Parts.OBJECTIVE, _Parts.CONTENT, _Parts.SOLUTIONS, _Parts.FUNDING, _Parts.DUTIES)
_PART_LABEL = {
    _Parts.OBJECTIVE: "Mục tiêu",
    _Parts.CONTENT: "Nội dung, nhiệm vụ cải cách",
    _Parts.SOLUTIONS: "Giải pháp",
    _Parts.FUNDING: "Kinh phí",
    _Parts.DUTIES: "Tổ chức thực hiện / Phân công trách nhiệm",
}


def _mixed_case(paragraphs: list[Paragraph], upper_text: str) -> str | None:
    """The same words written in ordinary case somewhere else in the document, if any."""
    target = fold(upper_text)
    if not target:
        return None
    for paragraph in paragraphs:
        text = paragraph.text
        if text.isupper():
            continue
        index = fold(text).find(target)
        if index >= 0 and len(fold(text)) == len(text):
            return text[index : index + len(target)]
    return None


def _recase(paragraphs: list[Paragraph], upper_text: str) -> str:
    """An upper-case heading in ordinary case: the longest tail written elsewhere keeps its case
    ("BAN HÀNH CHƯƠNG TRÌNH ... KHÁNH HÒA ..." -> "Ban hành Chương trình ... Khánh Hòa ...")."""
    words = upper_text.split()
    for start in range(len(words)):
        tail = _mixed_case(paragraphs, " ".join(words[start:]))
        if tail:
            head = _sentence_case(" ".join(words[:start]))
            return f"{head} {tail}".strip() if head else tail[:1].upper() + tail[1:]
    return _sentence_case(upper_text)


def _sentence_case(text: str) -> str:
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]


def _is_upper_heading(paragraph: Paragraph) -> bool:
    letters = [c for c in paragraph.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1).strip()


def _is_bullet(text: str) -> bool:
    return len(text) > 1 and text[0] in _BULLETS and text[1] == " "


_GROUP_MARK = re.compile(r"^(?:[IVX]+|[A-ZĐ])\.?$")
_GROUP_HEADING = re.compile(r"^(?:[IVX]+|[A-ZĐ])[.)/]\s*(\S.*)$")


def _is_group_start(text: str) -> bool:
    """A group-header row of the appendix: "II", "B.", "B. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"."""
    return bool(_GROUP_MARK.match(text) or _GROUP_HEADING.match(text))


def _group_name(paragraphs: list[Paragraph], words: list[str]) -> str:
    """The name of a group header ("II" + "CẢI CÁCH THỂ CHẾ" -> "Cải cách thể chế")."""
    texts = [w for w in words if not _GROUP_MARK.match(w)]
    if not texts and (match := _GROUP_HEADING.match(words[0])):
        texts = [match.group(1)]
    name = " ".join(texts).strip() or words[0]
    if (heading := _GROUP_HEADING.match(name)) and not _GROUP_MARK.match(name):
        name = heading.group(1)
    return _recase(paragraphs, name) if name.isupper() else name


def _line_at(paragraph: Paragraph, position: int) -> int:
    """The source line holding character ``position`` of a paragraph's joined text."""
    offset = 0
    for number, line in zip(paragraph.line_numbers, paragraph.lines, strict=True):
        if not line:
            continue
        if position < offset + len(line) + 1:
            return number
        offset += len(line) + 1
    return paragraph.last_line


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ":", "!", "?", ")", "./.", "”", '"'))


class _Parser:
    def __init__(self, text: str, *, known: Known | None) -> None:
        self.paragraphs = split_paragraphs(text)
        self.known = known
        self.placed: set[int] = set()
        self.findings: list[Finding] = []

    # -- helpers ---------------------------------------------------------------------------
    def place(self, *indexes: int) -> None:
        self.placed.update(indexes)

    def refuse(self, code: ImportError_, message: str, line: int | None = None) -> ProgramImportError:
        return ProgramImportError(code, message, line=line)

    # -- entry -----------------------------------------------------------------------------
    def parse(self) -> ParsedProgram:
        paras = self.paragraphs
        if not any(not p.is_blank_cell and not p.is_decoration for p in paras):
            raise self.refuse(ImportError_.NOT_A_PROGRAM, "Tệp không có nội dung văn bản.")
        program_index = self._find_program_heading()
        header = self._parse_header(program_index if program_index is not None else len(paras))
        if program_index is None:
            if "chuong trinh" in fold(header.get("decision_title", "")) or header.get("announces_program"):
                raise self.refuse(
                    ImportError_.TRUNCATED,
                    "Văn bản dừng trước phần Chương trình kèm theo Quyết định (thiếu toàn bộ nội dung chương trình).",
                    paras[-1].last_line,
                )
            raise self.refuse(
                ImportError_.NOT_A_PROGRAM,
                "Không tìm thấy tiêu đề “CHƯƠNG TRÌNH” cải cách hành chính: văn bản không phải chương trình.",
            )
        title_upper, title_end = self._program_title(program_index)
        if "cai cach hanh chinh" not in fold(title_upper):
            raise self.refuse(
                ImportError_.NOT_A_PROGRAM,
                f"Chương trình “{title_upper}” không phải chương trình cải cách hành chính.",
                paras[program_index].line,
            )
        self._annex_reference(program_index, title_end, header)
        for key, label in (
            ("number", "số, ký hiệu"),
            ("issued_on", "ngày ban hành"),
            ("issuer_upper", "cơ quan ban hành"),
        ):
            if not header.get(key):
                raise self.refuse(
                    ImportError_.GARBLED,
                    f"Không xác định được {label} của quyết định ban hành chương trình (tìm trong phần quyết "
                    f"định trước tiêu đề “CHƯƠNG TRÌNH” ở dòng {paras[program_index].line} và trong dòng "
                    "“Ban hành kèm theo Quyết định số … ngày …” dưới tiêu đề).",
                    paras[program_index].line,
                )
        parts, appendix_index = self._find_parts(title_end)
        kinds = [kind for kind, _, _ in parts]
        last_line = paras[-1].last_line
        for required in _REQUIRED_PARTS:
            if required not in kinds:
                self._refuse_missing_part(required, parts, title_end, appendix_index)
        period = _PERIOD.search(title_upper)
        if not period:
            raise self.refuse(
                ImportError_.GARBLED,
                f"Tiêu đề chương trình ở dòng {paras[program_index].line} không ghi giai đoạn (từ năm - đến năm).",
                paras[program_index].line,
            )
        issuer_name = _mixed_case(paras, header["issuer_upper"]) or _sentence_case(header["issuer_upper"])
        title = _mixed_case(paras, f"CHƯƠNG TRÌNH {title_upper}") or f"Chương trình {_sentence_case(title_upper)}"
        decision_title = header.get("decision_title", "")
        if decision_title:
            decision_title = _recase(paras, decision_title)
        program = ParsedProgram(
            number=header["number"],
            issued_on=header["issued_on"],
            issuer_name=issuer_name,
            place=header.get("place", ""),
            title=title,
            decision_title=decision_title,
            period_start=int(period.group(1)),
            period_end=int(period.group(2)),
            signer_name=header.get("signer_name", ""),
            signer_title=header.get("signer_title", ""),
            signing_authority=header.get("signing_authority", ""),
            legal_bases=header.get("legal_bases", []),
            decision_articles=header.get("articles", []),
        )
        preamble_end = parts[0][1] if parts else len(paras)
        program.preamble = self._collect_text(title_end, preamble_end)
        for position, (kind, start, end) in enumerate(parts):
            body_end = end
            if kind == _Parts.OBJECTIVE:
                self._parse_general_objective(program, start + 1, body_end)
            elif kind == _Parts.CONTENT:
                self._parse_content(program, start + 1, body_end)
            elif kind == _Parts.SOLUTIONS:
                program.solutions = self._parse_numbered_items(start + 1, body_end)
            elif kind == _Parts.FUNDING:
                program.funding = self._parse_numbered_items(start + 1, body_end)
            elif kind == _Parts.DUTIES:
                self._parse_duties(program, start + 1, body_end, is_last=position == len(parts) - 1)
        if not program.areas:
            content = next(index for kind, index, _ in parts if kind == _Parts.CONTENT)
            raise self.refuse(
                ImportError_.GARBLED,
                f"Không tìm thấy nội dung cải cách nào trong phần “{paras[content].text[:60]}” (dòng "
                f"{paras[content].line}): mỗi nội dung phải có tiêu đề đánh số “1. Cải cách ...”, "
                "“I. CẢI CÁCH ...” hoặc “Nội dung 1: ...”.",
                paras[content].line,
            )
        announced = any("phu luc" in p.folded for i, p in enumerate(paras) if i < (appendix_index or len(paras)))
        if appendix_index is not None:
            self._parse_appendix(program, appendix_index)
        elif announced:
            raise self.refuse(
                ImportError_.TRUNCATED,
                "Chương trình dẫn chiếu Phụ lục nhiệm vụ nhưng văn bản không có Phụ lục (văn bản bị cắt cụt).",
                last_line,
            )
        else:
            tail = [p for p in paras if not p.is_blank_cell and not p.is_decoration]
            if tail and not _ends_sentence(tail[-1].text):
                raise self.refuse(
                    ImportError_.TRUNCATED, "Văn bản kết thúc giữa chừng (đoạn cuối chưa trọn câu).", tail[-1].last_line
                )
        for index, paragraph in enumerate(paras):
            if index in self.placed or paragraph.is_blank_cell or paragraph.is_decoration:
                continue
            for number, text in zip(paragraph.line_numbers, paragraph.lines, strict=True):
                if text and not re.fullmatch(r"[\s\-_=*.·–—]+", text):
                    self.findings.append(Finding(line=number, text=text))
        program.findings = sorted(self.findings, key=lambda f: (f.line, f.kind))
        return program

    def _refuse_missing_part(
        self, required: str, parts: list[tuple[str, int, int]], title_end: int, appendix_index: int | None
    ) -> None:
        """Refuse a program whose part ``required`` was not found, naming the part, where it was
        looked for and the parts that were recognised.

        The text stops early (``program.truncated``) only when the missing part would come after
        every part present and nothing closes the document (no appendix, no closing "./."). A
        missing part before a later one, or in a document that is complete, is a structure the
        importer cannot read (``program.garbled``).
        """
        paras = self.paragraphs
        position = _TEMPLATE_ORDER.index(required)
        kinds = [kind for kind, _, _ in parts]
        later = [k for k in kinds if k in _TEMPLATE_ORDER and _TEMPLATE_ORDER.index(k) > position]
        tail = [p for p in paras if not p.is_blank_cell and not p.is_decoration]
        complete = appendix_index is not None or (bool(tail) and tail[-1].text.rstrip().endswith("./."))
        found = (
            "; ".join(f"“{paras[index].text[:60]}” (dòng {paras[index].line})" for _, index, _ in parts)
            or "không có phần nào đánh số La Mã (I., II., ...) hoặc chữ cái (A., B., ...)"
        )
        before = [
            index for kind, index, _ in parts if kind in _TEMPLATE_ORDER and _TEMPLATE_ORDER.index(kind) < position
        ]
        if later or complete:
            after = paras[before[-1]] if before else paras[min(title_end, len(paras) - 1)]
            raise self.refuse(
                ImportError_.GARBLED,
                f"Không tìm thấy phần “{_PART_LABEL[required]}” của chương trình (tìm sau dòng {after.line}). "
                f"Các phần đã nhận ra: {found}. Tiêu đề phần phải là số La Mã hoặc chữ cái in hoa, "
                "ví dụ “II. NỘI DUNG, NHIỆM VỤ CẢI CÁCH” hoặc “B. NHIỆM VỤ”.",
                after.line,
            )
        raise self.refuse(
            ImportError_.TRUNCATED,
            f"Thiếu phần “{_PART_LABEL[required]}” của chương trình: văn bản dừng ở dòng {paras[-1].last_line} "
            f"trước phần này (văn bản bị cắt cụt). Các phần đã nhận ra: {found}.",
            paras[-1].last_line,
        )

    # -- decision header -------------------------------------------------------------------
    def _find_program_heading(self) -> int | None:
        for index, paragraph in enumerate(self.paragraphs):
            first = paragraph.lines[0]
            folded = fold(first)
            if folded.startswith("chuong trinh") and first.isupper() and len(folded.split()) <= 30:
                return index
        return None

    def _parse_header(self, end: int) -> dict:
        paras = self.paragraphs
        header: dict = {"legal_bases": [], "articles": []}
        expect_title = False
        expect_signer_name = False
        for index in range(end):
            paragraph = paras[index]
            text = paragraph.text
            folded = paragraph.folded
            if paragraph.is_blank_cell or paragraph.is_decoration:
                continue
            if expect_signer_name and not _is_upper_heading(paragraph) and len(text.split()) <= 6:
                header["signer_name"] = text
                expect_signer_name = False
                self.place(index)
                continue
            if folded.startswith("cong hoa xa hoi chu nghia viet nam") or folded.startswith("doc lap - tu do"):
                self.place(index)
            elif (match := _NUMBER.match(text)) and "number" not in header:
                header["number"] = match.group(1).rstrip(".,")
                self.place(index)
            elif (match := _DATE.match(text)) and "issued_on" not in header:
                try:
                    header["issued_on"] = date(int(match.group(4)), int(match.group(3)), int(match.group(2)))
                except ValueError:
                    raise self.refuse(
                        ImportError_.GARBLED, f"Ngày ban hành không hợp lệ: “{text}”.", paragraph.line
                    ) from None
                header["place"] = match.group(1).strip()
                self.place(index)
            elif folded.startswith("uy ban nhan dan") and _is_upper_heading(paragraph):
                if "issuer_upper" not in header:
                    header["issuer_upper"] = " ".join(
                        line for line in paragraph.lines if not re.fullmatch(r"[\s\-_=*.·–—]+", line)
                    )
                self.place(index)
            elif folded.startswith("chu tich uy ban nhan dan") and _is_upper_heading(paragraph):
                self.place(index)  # the issuing authority when the Chairman decides
            elif folded.rstrip(":") == "quyet dinh" and _is_upper_heading(paragraph):
                expect_title = not folded.endswith(":")
                self.place(index)
            elif expect_title and _is_upper_heading(paragraph):
                header["decision_title"] = text
                expect_title = False
                self.place(index)
            elif _LEGAL_BASIS.match(text) and not header["articles"]:
                header["legal_bases"].append(text)
                self.place(index)
            elif match := _ARTICLE.match(text):
                header["articles"].append(text)
                self.place(index)
            elif _SIGN_AUTHORITY.match(text) and _is_upper_heading(paragraph):
                header["signing_authority"] = paragraph.lines[0]
                header["signer_title"] = " ".join(paragraph.lines[1:])
                expect_signer_name = True
                self.place(index)
            elif folded.startswith("noi nhan"):
                self.place(index)
            elif folded.startswith("chu tich") or folded.startswith("pho chu tich"):
                header.setdefault("signer_title", text)
                expect_signer_name = True
                self.place(index)
        if "chuong trinh cai cach hanh chinh" in " ".join(fold(a) for a in header["articles"]):
            header["announces_program"] = True
        return header

    def _program_title(self, program_index: int) -> tuple[str, int]:
        """The program's title (upper case in the text) and the index after the title block."""
        paras = self.paragraphs
        heading = paras[program_index]
        self.place(program_index)
        rest = heading.lines[0][len("CHƯƠNG TRÌNH") :].strip()
        index = program_index + 1
        if rest:
            return rest, index
        while index < len(paras) and (paras[index].is_blank_cell or paras[index].is_decoration):
            index += 1
        if index >= len(paras):
            raise self.refuse(ImportError_.TRUNCATED, "Văn bản dừng ngay sau tiêu đề “CHƯƠNG TRÌNH”.", heading.line)
        title_paragraph = paras[index]
        upper_lines = [line for line in title_paragraph.lines if line.isupper()]
        self.place(index)
        return " ".join(upper_lines) or title_paragraph.lines[0], index + 1

    def _annex_reference(self, program_index: int, title_end: int, header: dict) -> None:
        """ "(Ban hành kèm theo Quyết định số ... ngày ... của ...)" fills what the decision lacks."""
        for index in range(program_index, min(title_end + 1, len(self.paragraphs))):
            match = _ANNEX_REF.search(self.paragraphs[index].text)
            if match:
                header.setdefault("number", match.group(1))
                try:
                    header.setdefault("issued_on", date(int(match.group(4)), int(match.group(3)), int(match.group(2))))
                except ValueError:
                    pass
                header.setdefault("issuer_upper", match.group(5).upper())
                return

    @staticmethod
    def _part_heading(text: str) -> tuple[str, int, str, str] | None:
        """A top-level heading: (scheme, ordinal, marker, title); Roman "II. ..." or lettered "B. ..."."""
        if match := _PART.match(text):
            return "roman", _ROMAN[match.group(1)], match.group(1), match.group(2)
        if (match := _LETTER_PART.match(text)) and match.group(1) in PART_LETTERS:
            return "letter", PART_LETTERS.index(match.group(1)) + 1, match.group(1), match.group(2)
        return None

    def _find_parts(self, start: int) -> tuple[list[tuple[str, int, int]], int | None]:
        """Top-level parts (kind, heading index, end index) and the appendix heading index.

        The parts are numbered in Roman numerals ("II. NỘI DUNG ...") or lettered ("B. NỘI DUNG
        ..."); the scheme is the one of the first heading whose words name a part of the template.
        Under lettered parts the reform areas may themselves be Roman-numbered, so only headings of
        the chosen scheme are parts (and a lettered part is the next letter or the one after it).
        """
        paras = self.paragraphs
        appendix_index = None
        candidates: list[tuple[int, tuple[str, int, str, str]]] = []
        for index in range(start, len(paras)):
            paragraph = paras[index]
            folded = paragraph.folded
            if folded.startswith("phu luc") and _is_upper_heading(paragraph) and len(folded.split()) <= 6:
                appendix_index = index
                break
            heading = self._part_heading(paragraph.text)
            if heading is not None:
                candidates.append((index, heading))
        scheme = next((h[0] for _, h in candidates if _part_kind(h[3]) is not None), "roman")
        headings: list[tuple[str, int]] = []
        expected = 1
        for index, (heading_scheme, ordinal, marker, title) in candidates:
            if heading_scheme != scheme or ordinal < expected:
                continue
            if scheme == "letter" and ordinal > expected + 1:
                continue
            paragraph = paras[index]
            if ordinal > expected and scheme == "roman":
                self.findings.append(Finding(paragraph.line, f"Thiếu phần đánh số trước phần {marker}", "structure"))
            expected = ordinal
            kind = _part_kind(title)
            if kind is None:
                self.findings.append(
                    Finding(paragraph.line, f"Phần {marker} không rõ loại: {paragraph.text}", "structure")
                )
                kind = "other"
            headings.append((kind, index))
            expected += 1
            self.place(index)
        end_all = appendix_index if appendix_index is not None else len(paras)
        parts = []
        for position, (kind, index) in enumerate(headings):
            end = headings[position + 1][1] if position + 1 < len(headings) else end_all
            parts.append((kind, index, end))
        return parts, appendix_index

    def _collect_text(self, start: int, end: int) -> str:
        texts = []
        for index in range(start, end):
            paragraph = self.paragraphs[index]
            if paragraph.is_blank_cell or paragraph.is_decoration or index in self.placed:
                continue
            texts.append(paragraph.text)
            self.place(index)
        return "\n".join(texts)

    # -- parts -----------------------------------------------------------------------------
    def _parse_general_objective(self, program: ParsedProgram, start: int, end: int) -> None:
        program.general_objective = "\n".join(filter(None, [program.general_objective, self._collect_text(start, end)]))

    def _area_match(self, scheme: str, text: str) -> tuple[int, str] | None:
        if scheme == "content":
            match = _AREA_CONTENT.match(text)
            return (int(match.group(1)), match.group(2)) if match else None
        if scheme == "roman":
            match = _PART.match(text)
            return (_ROMAN[match.group(1)], match.group(2)) if match else None
        match = _AREA_NUMBERED.match(text)
        return (int(match.group(1)), match.group(2)) if match else None

    def _content_items(self, start: int, end: int) -> tuple[list[int], list[tuple[int, int, tuple[int, str]]]]:
        """Paragraph indexes before the first area, and (heading index, end, (number, name)) per area.

        Areas are numbered "2. Cải cách ...", Roman-numbered "II. CẢI CÁCH ..." (under lettered
        parts) or headed "Nội dung 2: ..."; the scheme is the one whose first item comes first.
        """
        first: dict[str, int] = {}
        for index in range(start, end):
            for scheme in ("content", "roman", "numbered"):
                found = self._area_match(scheme, self.paragraphs[index].text)
                if scheme not in first and found and found[0] == 1:
                    first[scheme] = index
        scheme = min(first, key=lambda s: first[s]) if first else "numbered"
        intro: list[int] = []
        items: list[tuple[int, tuple[int, str]]] = []
        expected = 1
        for index in range(start, end):
            found = self._area_match(scheme, self.paragraphs[index].text)
            if found and found[0] == expected:
                items.append((index, found))
                expected += 1
            elif not items:
                intro.append(index)
        bounded = [
            (index, items[pos + 1][0] if pos + 1 < len(items) else end, found)
            for pos, (index, found) in enumerate(items)
        ]
        return intro, bounded

    def _parse_content(self, program: ParsedProgram, start: int, end: int) -> None:
        intro, items = self._content_items(start, end)
        program.focus = "\n".join(filter(None, [program.focus, self._collect_text_indexes(intro)]))
        for index, item_end, (number, name) in items:
            name = name.strip().rstrip(":").strip()
            if name.isupper():  # "CẢI CÁCH THỦ TỤC HÀNH CHÍNH" -> "Cải cách thủ tục hành chính"
                name = _recase(self.paragraphs, name)
            area = ParsedArea(number=number, name=name, line=self.paragraphs[index].line)
            self.place(index)
            body = list(range(index + 1, item_end))
            is_pointer = "phu luc" in " ".join(self.paragraphs[i].folded for i in body)
            self._parse_area(area, body)
            if not area.has_sections and is_pointer:
                texts = [self.paragraphs[index].text] + [o.text for o in area.objectives]
                program.tasks_intro = "\n".join(texts)
                continue
            program.areas.append(area)

    def _collect_text_indexes(self, indexes: list[int]) -> str:
        texts = []
        for index in indexes:
            paragraph = self.paragraphs[index]
            if paragraph.is_blank_cell or paragraph.is_decoration:
                continue
            texts.append(paragraph.text)
            self.place(index)
        return "\n".join(texts)

    def _parse_area(self, area: ParsedArea, body: list[int]) -> None:
        mode = "objective"
        year: int | None = None
        general: list[str] = []
        for index in body:
            paragraph = self.paragraphs[index]
            if paragraph.is_blank_cell or paragraph.is_decoration:
                continue
            text = paragraph.text
            folded = paragraph.folded
            # "a) Mục tiêu:", "a. Mục tiêu", "1. Mục tiêu", "2.1. Nhiệm vụ", "MỤC TIÊU CỤ THỂ" ...
            heading = _SUBHEADING_MARK.sub("", folded, count=1).rstrip(": .")
            if _OBJECTIVE_HEADING.fullmatch(heading):
                mode, year = "objective", None
                area.has_sections = True
                self.place(index)
                continue
            if _TASKS_HEADING.fullmatch(heading):
                mode = "tasks"
                area.has_sections = True
                self.place(index)
                continue
            if mode == "objective" and (milestone := milestone_heading(text)) is not None:
                year = milestone  # the targets below inherit it unless they name their own year
                self.place(index)
                continue
            self.place(index)
            if mode == "tasks":
                area.tasks.append(ParsedText(order=len(area.tasks) + 1, text=_strip_bullet(text), line=paragraph.line))
                continue
            objective_year = year if year is not None else inline_year(text)
            bare = _strip_bullet(text)
            targets = extract_targets(bare, year=year)
            for spec in targets:
                spec.position += text.index(bare) if bare else 0
            area.objectives.append(
                ParsedObjective(
                    order=len(area.objectives) + 1,
                    milestone_year=objective_year,
                    text=_strip_bullet(text),
                    line=paragraph.line,
                    targets=targets,
                    target_lines=[_line_at(paragraph, spec.position) for spec in targets],
                )
            )
            if year is None and not targets:
                general.append(_strip_bullet(text))
        area.objective = "\n".join(general)

    def _parse_numbered_items(self, start: int, end: int) -> list[ParsedText]:
        items: list[ParsedText] = []
        expected = 1
        for index in range(start, end):
            paragraph = self.paragraphs[index]
            if paragraph.is_blank_cell or paragraph.is_decoration:
                continue
            match = _NUMBERED.match(paragraph.text)
            if match and int(match.group(1)) == expected:
                items.append(ParsedText(order=expected, text=match.group(2).strip(), line=paragraph.line))
                expected += 1
                self.place(index)
            elif items:
                items[-1].text += "\n" + paragraph.text
                self.place(index)
        return items

    def _parse_duties(self, program: ParsedProgram, start: int, end: int, *, is_last: bool) -> None:
        expected = 1
        group: ParsedDutyGroup | None = None
        indexes = [i for i in range(start, end) if not self.paragraphs[i].is_blank_cell]
        closing_index = None
        if indexes and self.paragraphs[indexes[-1]].text.rstrip().endswith("./."):
            closing_index = indexes[-1]
            program.closing = self.paragraphs[closing_index].text
            self.place(closing_index)
        for index in indexes:
            if index == closing_index:
                continue
            paragraph = self.paragraphs[index]
            text = paragraph.text
            match = _NUMBERED.match(text)
            if match and int(match.group(1)) == expected:
                heading = match.group(2).strip()
                inline_duty = ""
                if ":" in heading and not heading.rstrip().endswith(":"):
                    heading, inline_duty = (part.strip() for part in heading.split(":", 1))
                group = ParsedDutyGroup(number=expected, heading=heading, line=paragraph.line)
                group.agencies = split_duty_heading(heading, paragraph.line, known=self.known)
                if inline_duty:
                    group.duties.append(ParsedDuty(order=1, letter="", text=inline_duty, line=paragraph.line))
                program.duty_groups.append(group)
                expected += 1
                self.place(index)
                continue
            if group is None:
                continue  # text before the first group stays unplaced
            lettered = _LETTERED.match(text)
            if lettered:
                letter = lettered.group(1)
                previous = group.duties[-1].letter if group.duties else None
                wanted = VIETNAMESE_LETTERS[VIETNAMESE_LETTERS.index(previous) + 1] if previous else "a"
                if letter != wanted:
                    self.findings.append(
                        Finding(
                            paragraph.line,
                            f"Thứ tự chữ cái không liền mạch: “{letter})” sau “{previous or ''}”",
                            "structure",
                        )
                    )
                group.duties.append(
                    ParsedDuty(
                        order=len(group.duties) + 1, letter=letter, text=lettered.group(2).strip(), line=paragraph.line
                    )
                )
            elif group.duties:
                group.duties[-1].text += "\n" + text
            else:
                group.duties.append(ParsedDuty(order=1, letter="", text=text, line=paragraph.line))
            self.place(index)

    # -- appendix --------------------------------------------------------------------------
    def _parse_appendix(self, program: ParsedProgram, appendix_index: int) -> None:
        paras = self.paragraphs
        self.place(appendix_index)
        index = appendix_index + 1
        titles: list[str] = []
        while index < len(paras) and fold(paras[index].text) not in ("stt", "tt", "so tt", "so thu tu"):
            paragraph = paras[index]
            if not paragraph.is_blank_cell:
                titles.append(paragraph.lines[0])
                self.place(index)
            index += 1
        program.appendix_title = " ".join(titles).strip()
        if index >= len(paras):
            raise self.refuse(
                ImportError_.TRUNCATED,
                "Phụ lục không có bảng nhiệm vụ (thiếu dòng tiêu đề cột STT).",
                paras[-1].last_line,
            )
        columns: list[tuple[str, str, int]] = []
        while (
            index < len(paras)
            and not re.fullmatch(r"\d{1,3}\.?", paras[index].text)
            and not _is_group_start(paras[index].text)
        ):
            title = paras[index].text
            columns.append((self._column_kind(title), title, paras[index].line))
            self.place(index)
            index += 1
        if index >= len(paras):
            raise self.refuse(
                ImportError_.TRUNCATED, "Bảng phụ lục chỉ có dòng tiêu đề, không có nhiệm vụ nào.", paras[-1].last_line
            )
        kinds = [kind for kind, _, _ in columns]
        program.appendix_columns = [{"kind": kind, "title": title} for kind, title, _ in columns]
        for kind, title, line in columns:
            if kind == "unknown":
                self.findings.append(Finding(line, f"Cột không rõ nội dung: “{title}”", "column"))
        if "number" not in kinds[:1] or "title" not in kinds:
            raise self.refuse(
                ImportError_.GARBLED,
                "Bảng phụ lục không có cột STT và cột Nhiệm vụ/Nội dung.",
                paras[appendix_index].line,
            )
        if index >= len(paras):
            raise self.refuse(
                ImportError_.TRUNCATED, "Bảng phụ lục chỉ có dòng tiêu đề, không có nhiệm vụ nào.", paras[-1].last_line
            )
        data_kinds = kinds[1:]
        expected = 1
        rows: list[tuple[int, list[int]]] = []
        groups: dict[int, str] = {}  # row index -> the group header above it
        group = ""
        header: tuple[int, list[str]] | None = None  # a group header being read: (line, its words)
        while index < len(paras):
            paragraph = paras[index]
            text = paragraph.text
            number = int(text.rstrip(".")) if re.fullmatch(r"\d{1,3}\.?", text) else None
            row_complete = not rows or len(self._group_cells(rows[-1][1])) >= len(data_kinds)
            if number is not None and (number == expected or (header is not None and number == 1)):
                # a task row; numbering may restart at 1 under each group header
                if header is not None:
                    group = _group_name(self.paragraphs, header[1])
                    header = None
                rows.append((index, []))
                groups[index] = group
                expected = number + 1
                self.place(index)
            elif row_complete and (
                _is_group_start(text) or (header is not None and (paragraph.is_blank_cell or paragraph.is_decoration))
            ):
                # a group-header row between tasks ("II" + "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "B. ...")
                if _is_group_start(text):
                    header = (paragraph.line, [text])
                self.place(index)
            elif row_complete and header is not None and _is_upper_heading(paragraph) and len(header[1]) == 1:
                header[1].append(text)
                self.place(index)
            elif rows:
                rows[-1][1].append(index)
            index += 1
        if header is not None:
            raise self.refuse(
                ImportError_.TRUNCATED,
                f"Nhóm nhiệm vụ “{' '.join(header[1])}” của phụ lục không có nhiệm vụ nào (văn bản bị cắt cụt).",
                header[0],
            )
        if not rows:
            raise self.refuse(
                ImportError_.GARBLED,
                "Bảng phụ lục không có dòng nhiệm vụ đánh số 1, 2, ... sau dòng tiêu đề cột.",
                paras[appendix_index].line,
            )
        for position, (row_index, cell_indexes) in enumerate(rows):
            is_last = position == len(rows) - 1
            cells = self._group_cells(cell_indexes)
            if len(cells) < len(data_kinds) or (not is_last and len(cells) != len(data_kinds)):
                number = position + 1
                if is_last and len(cells) < len(data_kinds):
                    raise self.refuse(
                        ImportError_.TRUNCATED,
                        f"Nhiệm vụ {number} của phụ lục thiếu ô (có {len(cells)}/{len(data_kinds)} cột): "
                        "văn bản bị cắt cụt.",
                        paras[row_index].line,
                    )
                raise self.refuse(
                    ImportError_.GARBLED,
                    f"Nhiệm vụ {number} của phụ lục có {len(cells)} ô, bảng có {len(data_kinds)} cột.",
                    paras[row_index].line,
                )
            if is_last and any(
                re.fullmatch(r"\d{1,3}\.?", paras[i].text) for cell in cells[len(data_kinds) :] for i in cell
            ):
                raise self.refuse(
                    ImportError_.TRUNCATED,
                    f"Sau nhiệm vụ {position + 1} chỉ còn số thứ tự dở dang (văn bản bị cắt cụt).",
                    paras[cells[-1][-1]].line,
                )
            last_text = paras[cells[-1][-1]].text if cells and cells[-1] else ""
            if is_last and _is_bullet(last_text) and not last_text.endswith("."):
                raise self.refuse(
                    ImportError_.TRUNCATED,
                    f"Ô cuối của nhiệm vụ {position + 1} dừng giữa danh sách gạch đầu dòng (văn bản bị cắt cụt).",
                    paras[cells[-1][-1]].line,
                )
            task = ParsedTask(number=position + 1, line=paras[row_index].line, group=groups.get(row_index, ""))
            for kind, cell in zip(data_kinds, cells[: len(data_kinds)], strict=True):
                self._fill_cell(program, task, kind, cell)
                self.place(*cell)
            if is_last and not task.timeline.recognised and "timeline" in data_kinds and task.timeline.text:
                raise self.refuse(
                    ImportError_.TRUNCATED,
                    f"Ô thời gian của nhiệm vụ cuối ({task.number}) không đọc được: “{task.timeline.text}” "
                    "(văn bản bị cắt?).",
                    paras[row_index].line,
                )
            program.tasks.append(task)

    @staticmethod
    def _column_kind(title: str) -> str:
        folded = fold(title)
        if folded in ("stt", "tt", "so tt", "so thu tu"):
            return "number"
        if "chu tri" in folded:
            return "lead"
        if "phoi hop" in folded:
            return "coordinate"
        if "ket qua" in folded or "san pham" in folded:
            return "outputs"
        if "thoi gian" in folded or "tien do" in folded or "thoi han" in folded:
            return "timeline"
        if "nhiem vu" in folded or "noi dung" in folded or "de an" in folded or "ten" in folded.split():
            return "title"
        return "unknown"

    def _group_cells(self, indexes: list[int]) -> list[list[int]]:
        """Paragraphs of a row grouped into cells: consecutive bullets form one cell up to the
        bullet that ends with "." (Vietnamese lists end intermediate items with ";")."""
        cells: list[list[int]] = []
        open_bullets = False
        for index in indexes:
            paragraph = self.paragraphs[index]
            is_bullet = _is_bullet(paragraph.text)
            if is_bullet and open_bullets:
                cells[-1].append(index)
            else:
                cells.append([index])
            open_bullets = is_bullet and not paragraph.text.rstrip().endswith(".")
        return cells

    def _fill_cell(self, program: ParsedProgram, task: ParsedTask, kind: str, cell: list[int]) -> None:
        # An empty cell is a non-breaking space or a dash ("-", "–") standing for "nothing".
        paragraphs = [
            self.paragraphs[i]
            for i in cell
            if not (self.paragraphs[i].is_blank_cell or self.paragraphs[i].is_decoration)
        ]
        lines = [p.text for p in paragraphs]
        text = "\n".join(lines)
        pairs = [(p.line, p.text) for p in paragraphs]
        if kind == "title":
            task.title = text
        elif kind == "outputs":
            task.outputs = text
        elif kind == "lead":
            task.lead_text = text
            task.leads = split_agency_cell(pairs, known=self.known)
        elif kind == "coordinate":
            task.coordinate_text = text
            task.coordinates = split_agency_cell(pairs, known=self.known)
        elif kind == "timeline":
            task.timeline = parse_timeline(lines, period=(program.period_start, program.period_end))
            if text and not task.timeline.recognised:
                self.findings.append(
                    Finding(paragraphs[0].line, f"Thời gian không đọc được, giữ nguyên văn: {text}", "timeline")
                )


def parse_program(text: str, *, known: Known | None = None) -> ParsedProgram:
    """Parse a program decision; raise :class:`ProgramImportError` when it is not one or is cut.

    ``known(name)`` tells whether the agency registry recognises a name; it only guides how
    agency cells are split (e.g. "Các Sở: Nội vụ, Kế hoạch và Đầu tư" is two departments).
    """
    return _Parser(text, known=known).parse()

"""Agency names in appendix cells and duty headings, split into names, qualifiers and notes.

Cells name one or several agencies, sometimes collectively ("Các sở, ngành, địa phương"),
sometimes distributively ("Các Sở: Thông tin và Truyền thông; Nội vụ, Kế hoạch và Đầu tư (theo nội
dung)" = three departments), sometimes with a role per agency in bullet lines ("- Sở Nội vụ: Chủ
trì ..."; "- Sở Tài chính thẩm định phương án."). Names themselves contain the separators
(", " in "Ủy ban nhân dân các huyện, thị xã, thành phố"; " và " in "Sở Kế hoạch và Đầu tư"), so
a piece joins the previous one unless it starts like an agency name ("Sở ", "Công an", "các ...");
when a ``known`` predicate (the agency registry) is given, the longest span it recognises wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Known = Callable[[str], bool]

_STARTERS = re.compile(
    r"^(?:Sở|Ban|Ủy ban|Uỷ ban|UBND|HĐND|Văn phòng|Công an|Cục|Chi cục|Bảo hiểm|Đài|Báo|Tỉnh ủy|Tỉnh đoàn|Trung tâm|"
    r"Kho bạc|Thanh tra|Bộ|Ngân hàng|Hội|Liên đoàn|Liên minh|Viện|Trường|Bộ Chỉ huy|Bộ đội|VCCI|Các|các)\b"
)
_DISTRIBUTIVE = re.compile(r"^(?:Các|các)\s+(Sở|sở|Ban|ban|Cục|cục|Bộ|bộ)\s*:\s*(.+)$", re.DOTALL)
_VERB = re.compile(
    r"\s(?:chủ trì|phối hợp|đề xuất|thẩm định|thực hiện|tham mưu|triển khai|cho ý kiến|có trách nhiệm|"
    r"chịu trách nhiệm|theo dõi|hướng dẫn)\b"
)
_TRAILING_QUALIFIER = re.compile(
    r"\s+(có liên quan|liên quan|được chọn thí điểm|theo chức năng(?:,? nhiệm vụ)?|theo phân công(?: nhiệm vụ)?|"
    r"theo nội dung|theo thẩm quyền|trên địa bàn tỉnh)$"
)
_END_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)\s*$")
_SEPARATORS = re.compile(r"(\s*[,;]\s*|\s+và\s+)")
_HEADING_TAIL = re.compile(r"\s*(?:có trách nhiệm|chịu trách nhiệm)?\s*:?\s*$")
_HEADING_HEAD = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s+")


@dataclass
class AgencyMention:
    """One agency named in a cell: ``name`` is what to resolve, ``text`` the original words."""

    name: str
    text: str
    line: int
    qualifiers: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def qualifier(self) -> str:
        return "; ".join(self.qualifiers)


def _normalise_qualifier(text: str) -> str:
    return "liên quan" if text == "có liên quan" else text


def strip_qualifiers(name: str) -> tuple[str, list[str]]:
    """Remove trailing qualifier words ("liên quan", "theo phân công" ...) from a name."""
    qualifiers: list[str] = []
    while True:
        match = _TRAILING_QUALIFIER.search(name)
        if not match:
            break
        qualifiers.insert(0, _normalise_qualifier(match.group(1)))
        name = name[: match.start()].rstrip(" ,")
    return name, qualifiers


def _starts_agency(piece: str) -> bool:
    return bool(_STARTERS.match(piece))


def _segment(
    pieces: list[str], seps: list[str], *, known: Known | None, prefix: str = ""
) -> list[tuple[str, list[str]]]:
    """Group separator-split pieces into names; returns (name, qualifiers) pairs."""
    cleaned = [strip_qualifiers(p.strip()) for p in pieces]
    names = [c[0] for c in cleaned]

    def join(i: int, j: int) -> str:
        out = names[i]
        for k in range(i + 1, j):
            out += (", " if seps[k - 1].strip() in (",", ";") else " và ") + names[k]
        return out

    def quals(i: int, j: int) -> list[str]:
        out: list[str] = []
        for k in range(i, j):
            out.extend(q for q in cleaned[k][1] if q not in out)
        return out

    result: list[tuple[str, list[str]]] = []
    i = 0
    n = len(pieces)
    while i < n:
        if not names[i]:
            i += 1
            continue
        # How far the text allows the name to run: up to the next piece that starts a new name.
        limit = i + 1
        if not prefix:
            elided_level = " cấp " in f" {names[i]} "
            while (
                limit < n
                and seps[limit - 1].strip() != ";"
                and not _starts_agency(names[limit])
                and not (elided_level and names[limit].startswith("cấp "))
            ):
                limit += 1
        else:
            # Distributive list without the repeated "Sở": only " và " may sit inside a name.
            while limit < n and seps[limit - 1].strip() not in (",", ";"):
                limit += 1
        chosen = limit
        if known is not None:
            # The registry may know a longer collective name ("các cấp ủy Đảng, ..., Ủy ban Mặt trận
            # Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội" is one group of its aliases).
            for j in range(n, i, -1):
                if known(prefix + join(i, j)):
                    chosen = j
                    break
        name = join(i, chosen)
        # Ellipsis: "UBND cấp huyện, cấp xã" -> "UBND cấp xã".
        if result and re.match(r"^cấp\s", name) and " cấp " in f" {result[-1][0]}":
            head = result[-1][0].split(" cấp ")[0]
            name = f"{head} {name}"
        result.append((prefix + name, quals(i, chosen)))
        i = chosen
    return result


def _split_chunk(chunk: str, line: int, *, known: Known | None) -> list[AgencyMention]:
    """One bullet (or a whole plain cell): names, qualifiers and a per-agency role note."""
    chunk = chunk.strip().lstrip("-+•").strip().rstrip(";.").strip()
    if not chunk:
        return []
    original = chunk
    note = ""
    shared: list[str] = []
    prefix = ""
    distributive = _DISTRIBUTIVE.match(chunk)
    if distributive:
        prefix = distributive.group(1).capitalize() + " "
        chunk = distributive.group(2)
    elif ":" in chunk and len(chunk.split(":", 1)[0].split()) <= 10:
        chunk, note = (part.strip() for part in chunk.split(":", 1))
    parenthesis = _END_PARENTHESIS.search(chunk)
    if parenthesis:
        shared.append(parenthesis.group(1).strip())
        chunk = chunk[: parenthesis.start()].strip()
    if not distributive and not note:
        verb = _VERB.search(chunk)
        if verb:
            chunk, note = chunk[: verb.start()].strip(), chunk[verb.start() :].strip()
            note, note_quals = strip_qualifiers(note)
            shared.extend(note_quals)
    chunk = chunk.rstrip(";,. ")
    parts = _SEPARATORS.split(chunk)
    pieces, seps = parts[0::2], parts[1::2]
    mentions = []
    for name, qualifiers in _segment(pieces, seps, known=known, prefix=prefix):
        merged = qualifiers + [q for q in shared if q not in qualifiers]
        mentions.append(AgencyMention(name=name, text=original, line=line, qualifiers=merged, note=note))
    return mentions


def split_agency_cell(paragraphs: list[tuple[int, str]], *, known: Known | None = None) -> list[AgencyMention]:
    """All agencies named in a table cell given as (line, paragraph) pairs; bullets are chunks."""
    mentions: list[AgencyMention] = []
    for line, text in paragraphs:
        mentions.extend(_split_chunk(text, line, known=known))
    return mentions


def split_duty_heading(heading: str, line: int, *, known: Known | None = None) -> list[AgencyMention]:
    """Addressees of a section V duty group ("2. Sở Nội vụ", "1. Các sở, ban, ngành ... có trách nhiệm:")."""
    text = _HEADING_HEAD.sub("", heading.strip())
    text = _HEADING_TAIL.sub("", text)
    parts = _SEPARATORS.split(text)
    pieces, seps = parts[0::2], parts[1::2]
    return [
        AgencyMention(name=name, text=heading.strip(), line=line, qualifiers=quals)
        for name, quals in _segment(pieces, seps, known=known)
    ]

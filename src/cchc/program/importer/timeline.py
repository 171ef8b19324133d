"""The appendix's "Thời gian" cell as structured data; the original text is always kept.

Forms found in the provincial programs:

* "2021-2025", "Giai đoạn 2021-2030", "Năm 2022", "Quý IV/2022" -> range;
* "Năm 2021 và các năm tiếp theo", "Từ năm 2022" -> ongoing from a year, open-ended;
* "Theo quy định của Trung ương", "Theo tiến độ Trung ương", "Theo hướng dẫn của Bộ Nội vụ"
  -> the schedule of a higher authority (``depends_on`` names it);
* "Thực hiện theo lộ trình được phê duyệt" -> an approved roadmap;
* several "- Giai đoạn 2022-2023: ..." lines -> phased (a typo such as "Giai đạon" is tolerated);
* "Hằng năm" / "hàng năm" -> recurring (with the program's period when no years are given);
* an empty cell -> unspecified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cchc.common.text import fold
from cchc.program.constants import TimelineKind

_RANGE = re.compile(r"^(?:(?:giai\s+d\w*n|tu nam|nam|thoi gian)\s*:?\s*)?(\d{4})\s*[-–]\s*(\d{4})\.?$")
_RANGE_WORDS = re.compile(r"^(?:tu\s+)?(?:nam\s+)?(\d{4})\s+(?:den|toi)\s+(?:nam\s+)?(\d{4})\.?$")
_ONGOING = re.compile(
    r"^(?:tu\s+)?nam\s+(\d{4})\s+va\s+cac\s+nam\s+tiep\s+theo\.?$|^tu\s+nam\s+(\d{4})(?:\s+tro\s+di)?\.?$"
)
_SINGLE = re.compile(
    r"^(?:(?:quy\s+[ivx1-4]+|thang\s+\d{1,2})\s*[/,-]?\s*(?:nam\s+)?|nam\s+|truoc\s+(?:ngay\s+[\d/]+|thang\s+\d{1,2}/))?(\d{4})\.?$"
)
_PHASE = re.compile(r"^(?:[-+•]\s*)?[^\d:]{0,25}?(\d{4})\s*[-–]\s*(\d{4})\s*:\s*(.+)$", re.DOTALL)
_CENTRAL = re.compile(
    r"^(?:thuc hien\s+)?theo\s+(?:quy dinh|tien do|huong dan|lo trinh|ke hoach|chi dao|yeu cau)\s+(?:cua\s+)?(.+?)\.?$"
)
_AUTHORITY = re.compile(
    r"^(?:trung uong|chinh phu|thu tuong chinh phu|thu tuong|bo [a-z].{2,}|uy ban nhan dan .{3,}|ubnd .{3,}|"
    r"tinh uy|hoi dong nhan dan .{3,}|cap tren|cap co tham quyen|cac bo, nganh trung uong)$"
)
_ROADMAP = re.compile(
    r"^(?:thuc hien\s+)?theo\s+lo\s+trinh(?:\s+duoc\s+(?:phe duyet|cap co tham quyen phe duyet))?\.?$"
)
_RECURRING = re.compile(r"\bhang\s+nam\b")


@dataclass
class PhaseSpec:
    start_year: int
    end_year: int
    text: str


@dataclass
class TimelineSpec:
    text: str
    kind: str
    start_year: int | None = None
    end_year: int | None = None
    recurring: bool = False
    open_ended: bool = False
    depends_on: str = ""
    phases: list[PhaseSpec] = field(default_factory=list)
    recognised: bool = True


def _original_tail(original: str, folded_tail: str) -> str:
    """The original-case words matching a folded tail ("trung uong" -> "Trung ương")."""
    words = original.rstrip(" .;").split()
    count = len(folded_tail.split())
    return " ".join(words[-count:]) if count else ""


def parse_timeline(lines: list[str], *, period: tuple[int, int] | None = None) -> TimelineSpec:
    """Read one timeline cell given as its paragraphs (bullets are separate paragraphs)."""
    lines = [line.strip() for line in lines if line.strip()]
    text = "\n".join(lines)
    if not lines:
        return TimelineSpec(text="", kind=TimelineKind.UNSPECIFIED.value)
    recurring = bool(_RECURRING.search(fold(text)))

    phases = [m for m in (_PHASE.match(line) for line in lines) if m]
    if len(lines) > 1 and len(phases) == len(lines):
        specs = [PhaseSpec(int(m.group(1)), int(m.group(2)), m.group(3).strip().rstrip(";.").strip()) for m in phases]
        return TimelineSpec(
            text=text,
            kind=TimelineKind.PHASED.value,
            start_year=min(p.start_year for p in specs),
            end_year=max(p.end_year for p in specs),
            recurring=recurring,
            phases=specs,
        )

    folded = fold(" ".join(lines)).strip()
    folded = re.sub(r"^[-+•]\s*", "", folded)
    if match := _RANGE.match(folded) or _RANGE_WORDS.match(folded):
        return TimelineSpec(
            text=text,
            kind=TimelineKind.RANGE.value,
            start_year=int(match.group(1)),
            end_year=int(match.group(2)),
            recurring=recurring,
        )
    if match := _ONGOING.match(folded):
        year = int(match.group(1) or match.group(2))
        return TimelineSpec(
            text=text, kind=TimelineKind.ONGOING_FROM.value, start_year=year, open_ended=True, recurring=recurring
        )
    if _ROADMAP.match(folded):
        return TimelineSpec(text=text, kind=TimelineKind.ROADMAP.value, recurring=recurring)
    if (match := _CENTRAL.match(folded)) and _AUTHORITY.match(match.group(1)):
        depends = _original_tail(" ".join(lines), match.group(1))
        return TimelineSpec(
            text=text, kind=TimelineKind.CENTRAL_SCHEDULE.value, depends_on=depends, recurring=recurring
        )
    if match := _SINGLE.match(folded):
        year = int(match.group(1))
        return TimelineSpec(
            text=text, kind=TimelineKind.RANGE.value, start_year=year, end_year=year, recurring=recurring
        )
    if recurring and re.fullmatch(r"(?:thuc hien\s+)?hang nam\.?", folded):
        start, end = period if period else (None, None)
        return TimelineSpec(text=text, kind=TimelineKind.RANGE.value, start_year=start, end_year=end, recurring=True)
    return TimelineSpec(text=text, kind=TimelineKind.UNSPECIFIED.value, recurring=recurring, recognised=False)

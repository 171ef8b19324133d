"""Quantitative targets (chỉ tiêu) read from objective sentences.

A target is a percentage with what it measures, how it is to be met and by when. The wording of
Nghị quyết 76/NQ-CP and of the provincial programs that follow it is regular enough to read:

* comparator: "tối thiểu X%", "ít nhất X%", "từ X% trở lên" -> at least; bare "X%" or "đạt X%" ->
  equal; "không quá / tối đa X%" -> at most; "giảm (bình quân) X% ... so với ..." -> reduce by,
  "tăng X% ... so với ..." -> increase by;
* milestone year: the enclosing milestone block ("- Đến năm 2025:", "• Giai đoạn 2021 - 2025:" ...),
  or the target's own inline "Đến năm 2030, ..." / "Phấn đấu đến năm 2025, ..." / "... đến năm
  2027 đạt 80%" (a year inside a comparison, "so với ... đến năm 2020", is never a milestone);
* baseline: "so với năm 2025", "so với giai đoạn 2021-2025";
* values with a decimal comma ("97,5%") or point;
* qualifiers: fields ("lĩnh vực đất đai, xây dựng, đầu tư"; "dịch vụ y tế, giáo dục công lập"),
  government level ("cấp tỉnh / huyện / xã"), "bình quân", parenthesised exceptions
  ("trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước").

One sentence may hold several targets ("90% hồ sơ ... cấp tỉnh, 80% ... cấp huyện và 60% ... cấp xã
được xử lý trên môi trường mạng"); ";"-separated clauses and sentences are read one by one. A level
split may be written either way round ("A đạt 95% ở cấp tỉnh, 80% ở cấp huyện" or "A cấp tỉnh đạt
95%, cấp huyện đạt 85%"; "95% A ở cấp tỉnh; 80% ở cấp huyện"): a target whose words are only a
level takes the subject of the target before it. Numbers
that are not percentages ("mức độ 3 và 4", "03 cấp", years) are never targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.common.text import fold
from cchc.program.constants import Comparator

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d{1,3})?)\s*%")
_INLINE_YEAR = re.compile(r"(?:^|\b)(?:phấn đấu\s+)?đến năm\s+(\d{4})\s*,?", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;])\s+(?=[^\s])|;\s*")
_TRONG_DO = re.compile(r"^.*\btrong đó\s*,?\s*", re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?:tiếp tục|phấn đấu|bảo đảm|đảm bảo)\s+", re.IGNORECASE)
_TRAILING_COMPARATOR = re.compile(
    r"\s*(?:(?:đạt|là|ở mức|chiếm)\s*)?(?:tối thiểu|ít nhất|từ|tối đa|không quá|không vượt quá|trên|dưới)?\s*$",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"so với\s+(?:(?:năm\s+(?P<year>\d{4}))|(?:giai đoạn\s+(?P<from>\d{4})\s*[-–]\s*(?P<to>\d{4}))"
    r"|(?P<other>[^,.;()]+))",
    re.IGNORECASE,
)
_LEVEL = re.compile(r"\bcấp\s+(tỉnh|huyện|xã)\b", re.IGNORECASE)
_LEADING_LEVEL = re.compile(r"^\s*(?:ở|tại|đối với)?\s*cấp\s+(?:tỉnh|huyện|xã)\b", re.IGNORECASE)
_LEVELS = {"tỉnh": "province", "huyện": "district", "xã": "commune"}
_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")
_QUALIFYING_PARENTHESIS = re.compile(r"^(?:trừ|ngoại trừ|không bao gồm|không kể|chỉ|đối với)\b", re.IGNORECASE)
_CONNECTOR_TAIL = re.compile(r"[\s,;:.]*(?:\bvà\b|\bhoặc\b)?[\s,;:.]*$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*,\s*|\s+và\s+")


@dataclass
class TargetSpec:
    """A target as read from the text; ``code`` is assigned by the structure parser."""

    metric: str
    comparator: str
    value: Decimal
    unit: str
    milestone_year: int | None
    source_text: str
    baseline_text: str = ""
    baseline_year_start: int | None = None
    baseline_year_end: int | None = None
    fields: list[str] = field(default_factory=list)
    gov_level: str = ""
    qualifiers: list[str] = field(default_factory=list)
    position: int = 0  # where the number stands in the paragraph's text (for its source line)


def split_clauses(text: str) -> list[str]:
    """Sentences and ";"-separated clauses of a paragraph (a sentence ends with ". " + capital)."""
    pieces: list[str] = []
    for part in re.split(r";\s*", text):
        pieces.extend(re.split(r"(?<=\.)\s+(?=[A-ZĐÀ-Ỹ])", part))
    return [p.strip() for p in pieces if p.strip()]


_COMPARISON = re.compile(r"\bso với\b[^,;.]*$", re.IGNORECASE)


def inline_year(text: str) -> int | None:
    """The milestone year written in the sentence itself ("Đến năm 2030, ..."); a year inside a
    comparison ("giảm 20% so với giai đoạn 2016 đến năm 2020") is a baseline, not a milestone."""
    for match in _INLINE_YEAR.finditer(text):
        if not _COMPARISON.search(text[: match.start()]):
            return int(match.group(1))
    return None


def _comparator(before: str, after: str) -> tuple[str, list[str]]:
    """Comparator from the words right before the number (and "trở lên" right after it)."""
    tail = fold(before)[-60:]
    words = tail.split()
    last = " ".join(words[-4:])
    qualifiers: list[str] = []
    if "binh quan" in last:
        qualifiers.append("bình quân")
    if re.search(r"\bgiam\b", last):
        if re.search(r"\b(it nhat|toi thieu)\b", last):
            qualifiers.append("ít nhất")
        return Comparator.REDUCE_BY.value, qualifiers
    if re.search(r"\btang\b", last):
        if re.search(r"\b(it nhat|toi thieu)\b", last):
            qualifiers.append("ít nhất")
        return Comparator.INCREASE_BY.value, qualifiers
    after_folded = fold(after)[:20]
    if re.search(r"\b(toi thieu|it nhat|tren)$", last) or (
        re.search(r"\btu$", last) and after_folded.startswith("tro len")
    ):
        return Comparator.AT_LEAST.value, qualifiers
    if after_folded.startswith("tro len"):
        return Comparator.AT_LEAST.value, qualifiers
    if re.search(r"\b(toi da|khong qua|khong vuot qua|duoi)$", last) or after_folded.startswith("tro xuong"):
        return Comparator.AT_MOST.value, qualifiers
    return Comparator.EQUAL.value, qualifiers


def _is_number_first(before: str) -> bool:
    """True when nothing but connectors, a year lead-in or comparator words precede the number."""
    rest = _INLINE_YEAR.sub("", before)
    rest = re.sub(r"(?i)\b(tối thiểu|ít nhất|từ|đạt|có|và|trong đó)\b", "", rest)
    return not re.sub(r"[\s,;:.\-]+", "", rest)


def _clean_metric(text: str) -> str:
    text = _CONNECTOR_TAIL.sub("", text.strip())
    text = re.sub(r"^\s*(?:trở lên|trở xuống)\b", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" ,;:.")


def _split_parentheses(text: str) -> tuple[str, list[str]]:
    """Remove qualifying parentheses ("(trừ ...)") from a metric, returning them as qualifiers."""
    qualifiers: list[str] = []

    def take(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if _QUALIFYING_PARENTHESIS.match(inner):
            qualifiers.append(inner)
            return ""
        return match.group(0)

    return _PARENTHESIS.sub(take, text), qualifiers


def _fields(metric: str) -> list[str]:
    """Sectors the target is limited to: "lĩnh vực A, B, C" or "dịch vụ A, B (công lập)"."""
    match = re.search(r"\blĩnh vực\s+(.+)$", metric, re.IGNORECASE)
    candidates: list[str] = []
    if match:
        candidates = _LIST_SPLIT.split(match.group(1))
    else:
        match = re.search(r"\bdịch vụ\s+(.+)$", metric, re.IGNORECASE)
        if match:
            candidates = _LIST_SPLIT.split(match.group(1))
            if len(candidates) < 2:
                return []
    items = [re.sub(r"\s+công lập$", "", c.strip(" .;,")).strip() for c in candidates]
    items = [i for i in items if i]
    if not items or any(len(i.split()) > 3 for i in items):
        return []
    return items


def _level_only(metric: str) -> bool:
    """True when a metric's words are nothing but a government level ("cấp huyện", "ở cấp xã")."""
    return not _clean_metric(_LEADING_LEVEL.sub("", metric.strip(" ,;:.")))


def _without_level(metric: str) -> str:
    """A metric with its level phrase removed ("Tỷ lệ ... trực tuyến cấp tỉnh" -> "Tỷ lệ ... trực tuyến")."""
    stripped = re.sub(r"\s*(?:\b(?:ở|tại|đối với)\s+)?\bcấp\s+(?:tỉnh|huyện|xã)\b", "", metric, flags=re.IGNORECASE)
    return _clean_metric(stripped)


def _subject_before(before: str) -> str:
    """The subject of a reduction written before its verb ("Thời gian giải quyết ... giảm tối thiểu")."""
    before = re.split(r"\bso với\b[^,;]*[,;]", before, flags=re.IGNORECASE)[-1]
    before = re.sub(
        r"\b(?:giảm|tăng)(?:\s+(?:bình quân|tối thiểu|ít nhất|được|thêm))*\s*$", "", before, flags=re.IGNORECASE
    )
    return _clean_metric(_LEAD_IN.sub("", _INLINE_YEAR.sub("", _TRONG_DO.sub("", before)).strip()))


def _level(text: str) -> str:
    levels = {_LEVELS[m.group(1).lower()] for m in _LEVEL.finditer(text)}
    return levels.pop() if len(levels) == 1 else ""


def _baseline(text: str) -> tuple[str, int | None, int | None]:
    match = _BASELINE.search(text)
    if not match:
        return "", None, None
    baseline_text = match.group(0).strip(" ,.;")
    if match.group("year"):
        year = int(match.group("year"))
        return baseline_text, year, year
    if match.group("from"):
        return baseline_text, int(match.group("from")), int(match.group("to"))
    return baseline_text, None, None


def extract_targets(text: str, *, year: int | None) -> list[TargetSpec]:
    """All percentage targets of one objective paragraph, in reading order.

    ``year`` is the enclosing milestone block's year; an inline "Đến năm YYYY" overrides it for
    the rest of the paragraph (and a clause's own inline year for that clause).
    """
    paragraph_year = inline_year(text) or year
    found: list[TargetSpec] = []
    cursor = 0
    for clause in split_clauses(text):
        clause_at = text.find(clause, cursor)
        if clause_at < 0:
            clause_at = cursor
        cursor = clause_at + len(clause)
        clause_year = inline_year(clause) or paragraph_year
        matches = list(_PERCENT.finditer(clause))
        if not matches:
            continue
        segments = []
        for index, match in enumerate(matches):
            start = matches[index - 1].end() if index else 0
            end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
            segments.append((clause[start : match.start()], match, clause[match.end() : end]))
        # The predicate shared by number-first enumerations: what follows the last level mention.
        last_after = segments[-1][2]
        level_in_last = list(_LEVEL.finditer(last_after))
        shared_tail = last_after[level_in_last[-1].end() :] if level_in_last and len(segments) > 1 else ""
        # Orientation: "90% A, 80% B" (number first: the text after a number is its metric) or
        # "A đạt tối thiểu 90%" (the text before the number is its metric).
        number_first = _is_number_first(segments[0][0])
        first_metric = _TRAILING_COMPARATOR.sub("", _INLINE_YEAR.sub("", _TRONG_DO.sub("", segments[0][0])))
        for index, (before, match, after) in enumerate(segments):
            comparator, qualifiers = _comparator(before, after)
            value = Decimal(match.group(1).replace(",", "."))
            baseline_text, base_start, base_end = _baseline(after)
            if comparator in (Comparator.REDUCE_BY, Comparator.INCREASE_BY):
                metric_source = re.split(r"\bso với\b", after, maxsplit=1, flags=re.IGNORECASE)[0]
                if not _clean_metric(metric_source):
                    metric_source = _subject_before(before)  # "Thời gian ... giảm 30% so với năm 2021"
                level_source = metric_source
            elif number_first:
                metric_source = _TRAILING_COMPARATOR.sub("", after)
                level_source = after
                if shared_tail and index < len(segments) - 1:
                    metric_source = f"{_clean_metric(metric_source)} {shared_tail}"
                    level_source = after
            else:
                metric_source = _TRONG_DO.sub("", before)
                metric_source = _INLINE_YEAR.sub("", metric_source)
                metric_source = _TRAILING_COMPARATOR.sub("", metric_source)
                level_source = metric_source
                # "A đạt 95% ở cấp tỉnh và 80% ở cấp xã": the level follows each number and the
                # subject A is shared by all of them.
                leading_level = _LEADING_LEVEL.match(after)
                if leading_level:
                    level_source = leading_level.group(0)
                if index and not _clean_metric(_LEADING_LEVEL.sub("", metric_source)):
                    metric_source = first_metric
            metric_source = _LEAD_IN.sub("", metric_source.strip())
            metric_source, extra = _split_parentheses(metric_source)
            metric = _clean_metric(metric_source)
            split_level = bool(found) and _level_only(metric) and _level(metric)
            if split_level:
                # "... cấp tỉnh đạt 95%, cấp huyện đạt 85%" / "...; 80% ở cấp huyện": the subject
                # of the target before, at this target's level.
                metric = _without_level(found[-1].metric)
                if _level(found[-1].metric):
                    found[-1].metric = metric
            metric = metric[:1].upper() + metric[1:] if metric and not metric[:1].isdigit() else metric
            found.append(
                TargetSpec(
                    metric=metric,
                    comparator=comparator,
                    value=value,
                    unit="%",
                    milestone_year=clause_year,
                    source_text=clause.strip(),
                    baseline_text=baseline_text,
                    baseline_year_start=base_start,
                    baseline_year_end=base_end,
                    fields=_fields(metric),
                    gov_level=_level(level_source),
                    qualifiers=qualifiers + extra,
                    position=clause_at + match.start(),
                )
            )
    return found

"""Reads of the agency registry: name resolution, succession on a date, group expansion.

Three questions a program raises about the agencies it names:

1. **Who is meant?** ``agency_resolve(name, on=program_date)`` maps one name as written in the text
   ("Sở LĐ-TB&XH", "UBND tỉnh", "Nội vụ", "các sở, ngành") to the agency valid on that date, or to a
   collective group. Matching is exact on folded keys, then on a few safe normalisations; there is no
   fuzzy matching, so an unknown name resolves to ``None`` rather than to a wrong agency.
2. **Who carries that duty now?** ``agency_successors_on(agency, day)`` follows succession edges
   (merge, rename, split, transfer) until it reaches agencies valid on ``day``. For example, after
   1/3/2025 Sở Kế hoạch và Đầu tư leads to Sở Tài chính (NĐ 45/2025/NĐ-CP) and after 1/7/2025 to the
   merged province's Sở Tài chính (NQ 202/2025/QH15).
3. **Who is in a group?** ``agency_group_members(group, on=day)`` and, for a group named in an older
   text, ``agency_group_successor_members(group, as_of=program_date, on=day)``.

``duty_bearers_on`` combines 2 and 3.

Design of the succession result: ``agency_successors_on`` returns plain agencies (the main
successors first, then those that took over only some functions); ``agency_successions_on`` returns
``SuccessorOn`` records that say whether the duty passed only in part, which functions moved, and
the chain of edges that led there.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.db.models import Count, Q, QuerySet

from cchc.common.text import fold, fold_words
from cchc.org.constants import AgencyKind, Confidence, Level
from cchc.org.models import AdministrativeUnit, Agency, AgencyGroup, AgencySuccession, Signatory, UnitSuccession

# --- name resolution ---------------------------------------------------------------------------

# Abbreviations written in programs, expanded on both sides of the comparison (folded words).
_EXPANSIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{short}\b"), long)
    for short, long in [
        ("ubnd", "uy ban nhan dan"),
        ("tp", "thanh pho"),
        ("vp", "van phong"),
        ("bhxh", "bao hiem xa hoi"),
        ("ubmttq", "uy ban mat tran to quoc"),
        ("mttq", "mat tran to quoc"),
    ]
)
_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_PROVINCE_SUFFIXES = (" tinh khanh hoa", " tinh")
_RELATED_SUFFIX = re.compile(r"\s+(?:(?:co\s+)?lien quan|tren dia ban tinh)$")
_KNOWN_HEADS = (
    "so ",
    "ban ",
    "uy ban",
    "van phong",
    "cong an",
    "cuc ",
    "bao ",
    "dai ",
    "thanh tra",
    "trung tam",
    "cac ",
    "lien doan",
)


# Old-style tone placement ("Hoà", "Uỷ") written the new way ("Hòa", "Ủy"), and abbreviations with
# diacritics, for the comparison that keeps diacritics.
_OLD_TONE_PAIRS = [
    (f"{vowel}{tone_on_second}", f"{toned_first}{second}")
    for vowel, second, pairs in [
        ("o", "a", [("à", "ò"), ("á", "ó"), ("ả", "ỏ"), ("ã", "õ"), ("ạ", "ọ")]),
        ("o", "e", [("è", "ò"), ("é", "ó"), ("ẻ", "ỏ"), ("ẽ", "õ"), ("ẹ", "ọ")]),
        ("u", "y", [("ỳ", "ù"), ("ý", "ú"), ("ỷ", "ủ"), ("ỹ", "ũ"), ("ỵ", "ụ")]),
    ]
    for tone_on_second, toned_first in pairs
]
_WRITTEN_EXPANSIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{short}\b"), long)
    for short, long in [
        ("ubnd", "ủy ban nhân dân"),
        ("tp", "thành phố"),
        ("vp", "văn phòng"),
        ("bhxh", "bảo hiểm xã hội"),
    ]
)


def _written_key(text: str) -> str:
    """Lower case with diacritics kept: tells "Thành Hải" from "Thanh Hải" when the text does."""
    text = unicodedata.normalize("NFC", _PARENTHESES.sub(" ", text)).lower()
    for old, new in _OLD_TONE_PAIRS:
        text = re.sub(rf"{old}(?!\w)", new, text)
    key = " ".join(_NON_WORD.sub(" ", text).split())
    for pattern, long in _WRITTEN_EXPANSIONS:
        key = pattern.sub(long, key)
    return key


def _name_key(text: str) -> str:
    """Folded words with abbreviations expanded: "UBND tỉnh" -> "uy ban nhan dan tinh"."""
    key = fold_words(_PARENTHESES.sub(" ", text))
    for pattern, long in _EXPANSIONS:
        key = pattern.sub(long, key)
    return key


def _canonical_key(key: str) -> str:
    """Drop what does not tell agencies apart in a Khánh Hòa text: "tỉnh", "tỉnh Khánh Hòa", "các"."""
    key = key.removeprefix("cac ")
    for suffix in _PROVINCE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            # "UBND tỉnh" keeps its "tỉnh": a bare "UBND" could be any level.
            if key[: -len(suffix)] != "uy ban nhan dan":
                key = key[: -len(suffix)]
            break
    return key


def _group_key(key: str) -> str:
    """For collective references also drop "(có) liên quan" and "trên địa bàn tỉnh"."""
    return _canonical_key(_RELATED_SUFFIX.sub("", key))


_AMBIGUOUS = -1


class AgencyNameIndex:
    """Folded name keys of the agencies valid on one day and of all groups.

    Build it once to resolve many names of one text (``AgencyNameIndex.build(on=...)``); a key that
    belongs to two different agencies is ambiguous and never resolves.
    """

    def __init__(self, agencies: Iterable[Agency], groups: Iterable[AgencyGroup]) -> None:
        self.agencies: dict[int, Agency] = {}
        self.groups: dict[int, AgencyGroup] = {}
        self._written: dict[str, int] = {}
        self._exact: dict[str, int] = {}
        self._canonical: dict[str, int] = {}
        self._group_exact: dict[str, int] = {}
        self._group_canonical: dict[str, int] = {}
        for agency in agencies:
            self.agencies[agency.pk] = agency
            for name in [agency.name, agency.short_name, *agency.aliases]:
                if name:
                    self._add(self._written, _written_key(name), agency.pk)
                    key = _name_key(name)
                    self._add(self._exact, key, agency.pk)
                    self._add(self._canonical, _canonical_key(key), agency.pk)
        for group in groups:
            self.groups[group.pk] = group
            for name in [group.name, *group.aliases]:
                key = _name_key(name)
                self._add(self._group_exact, key, group.pk)
                self._add(self._group_canonical, _group_key(key), group.pk)

    @staticmethod
    def _add(index: dict[str, int], key: str, pk: int) -> None:
        if not key:
            return
        current = index.get(key)
        index[key] = pk if current in (None, pk) else _AMBIGUOUS

    @classmethod
    def build(cls, *, on: date) -> AgencyNameIndex:
        return cls(Agency.objects.valid_on(on), AgencyGroup.objects.all())

    def _agency(self, index: dict[str, int], key: str) -> Agency | None | bool:
        pk = index.get(key)
        if pk is None:
            return None
        if pk == _AMBIGUOUS:
            return False
        return self.agencies[pk]

    def resolve(self, name: str) -> Agency | AgencyGroup | None:
        """Resolve one name; see :func:`agency_resolve` for the rules."""
        key = _name_key(name)
        if not key:
            return None
        canonical = _canonical_key(key)
        steps: list[tuple[dict[str, int], str, bool]] = [
            (self._written, _written_key(name), False),
            (self._exact, key, False),
            (self._group_exact, key, True),
            (self._canonical, canonical, False),
            (self._group_canonical, _group_key(key), True),
        ]
        if not canonical.startswith(_KNOWN_HEADS):
            # A bare field name ("Nội vụ", "Thông tin và Truyền thông") means that department.
            steps.append((self._canonical, "so " + canonical, False))
        for index, lookup, is_group in steps:
            pk = index.get(lookup)
            if pk is None:
                continue
            if pk == _AMBIGUOUS:
                return None  # never pick one of two agencies with the same name
            return self.groups[pk] if is_group else self.agencies[pk]
        return None


def agency_resolve(name: str, *, on: date) -> Agency | AgencyGroup | None:
    """Resolve ONE agency name as written in a program to the agency valid on ``on`` or to a group.

    ``on`` is the date of the text (the program's issue date): "Sở Giao thông vận tải" resolves on
    24/12/2021 but not on 1/1/2026, when that department no longer exists; use
    :func:`agency_successors_on` / :func:`duty_bearers_on` to carry a 2021 reference forward.

    Rules, in order (first hit wins; a name shared by two agencies resolves to ``None``):
    0. the name as written, case aside (so "Xã Thành Hải" and "Xã Thanh Hải" stay apart);
    1. exact folded key (case, diacritics, punctuation and "UBND"/"Ủy ban nhân dân" ignored) of the
       agency's name, short name or an alias, then of a group's name or alias;
    2. the same without a leading "các" and a trailing "tỉnh" / "tỉnh Khánh Hòa" ("Cục Thuế tỉnh",
       "Bảo hiểm xã hội tỉnh Khánh Hòa"); for groups also without "(có) liên quan" or "trên địa bàn
       tỉnh";
    3. a bare field name ("Nội vụ", "Thông tin và Truyền thông") as "Sở <name>".
    Text in parentheses ("(theo phân công)") is ignored.
    """
    return AgencyNameIndex.build(on=on).resolve(name)


# --- succession --------------------------------------------------------------------------------

N = TypeVar("N", Agency, AdministrativeUnit)
E = TypeVar("E", AgencySuccession, UnitSuccession)


@dataclass(frozen=True)
class SuccessorOn(Generic[N, E]):
    """One bearer on a day: the agency (or unit), whether only part of the duties reached it,
    which functions moved (from the first edge that names them), and the chain of edges."""

    node: N
    partial: bool
    functions: str
    path: tuple[E, ...]

    @property
    def agency(self) -> N:
        return self.node

    @property
    def unit(self) -> N:
        return self.node


AgencySuccessorOn = SuccessorOn[Agency, AgencySuccession]
UnitSuccessorOn = SuccessorOn[AdministrativeUnit, UnitSuccession]

_MAX_CHAIN = 25


class _Graph(Generic[N, E]):
    """Succession edges keyed by predecessor.

    Built either from every edge at once (for many walks: one query) or lazily from a queryset,
    fetching the edges out of each breadth-first frontier in one query, so one walk costs a query
    per generation of successors instead of reading the whole table.
    """

    def __init__(self, edges: Iterable[E] | None = None, *, source: QuerySet[E] | None = None) -> None:
        self.by_predecessor: dict[int, list[E]] = defaultdict(list)
        self._source: QuerySet[E] | None = source
        self._loaded: set[int] = set()
        for edge in edges or ():
            self.by_predecessor[edge.predecessor_id].append(edge)

    def _prefetch(self, pks: Iterable[int]) -> None:
        if self._source is None:
            return
        missing = {pk for pk in pks if pk not in self._loaded}
        if not missing:
            return
        for edge in self._source.filter(predecessor_id__in=missing):
            self.by_predecessor[edge.predecessor_id].append(edge)
        self._loaded |= missing

    def walk(self, start: N, day: date) -> list[SuccessorOn[N, E]]:
        """Breadth-first: the bearers of ``start``'s duties on ``day``.

        - ``start`` itself when valid on ``day``; nothing when ``day`` is before it existed;
        - otherwise every successor reached by edges effective on or before ``day``; an edge out of a
          node is followed only when it is later than the edge that led to that node, so functions
          split off on the day of a merger do not leak into the merged duties;
        - an edge without successor (abolition) ends the chain;
        - a node reached both wholly and in part counts as whole.
        """
        found: dict[int, SuccessorOn[N, E]] = {}
        order: list[int] = []
        queue: list[tuple[N, bool, str, tuple[E, ...], date | None]] = [(start, False, "", (), None)]
        seen: set[tuple[int, bool, date | None]] = set()
        node: N
        path: tuple[E, ...]
        while queue:
            self._prefetch(item[0].pk for item in queue)
            node, partial, functions, path, arrived = queue.pop(0)
            if (node.pk, partial, arrived) in seen or len(path) > _MAX_CHAIN:
                continue
            seen.add((node.pk, partial, arrived))
            if node.valid_from is not None and day < node.valid_from:
                continue
            valid = node.is_valid_on(day)
            if valid:
                previous = found.get(node.pk)
                if previous is None:
                    order.append(node.pk)
                if previous is None or (previous.partial and not partial):
                    found[node.pk] = SuccessorOn(node, partial, functions, path)
            for edge in self.by_predecessor.get(node.pk, []):
                if edge.successor is None or edge.effective_date > day:
                    continue
                if arrived is not None and edge.effective_date <= arrived:
                    continue
                if valid and not edge.partial:
                    continue  # a node still in office keeps its whole duties
                queue.append(
                    (
                        edge.successor,  # type: ignore[arg-type]
                        partial or edge.partial,
                        functions or getattr(edge, "functions", ""),
                        path + (edge,),
                        edge.effective_date,
                    )
                )
        results = [found[pk] for pk in order]
        return [r for r in results if not r.partial] + [r for r in results if r.partial]


def _agency_graph(*, whole: bool = False) -> _Graph[Agency, AgencySuccession]:
    edges = AgencySuccession.objects.select_related("successor")
    return _Graph(edges) if whole else _Graph(source=edges)


def _unit_graph(*, whole: bool = False) -> _Graph[AdministrativeUnit, UnitSuccession]:
    edges = UnitSuccession.objects.select_related("successor")
    return _Graph(edges) if whole else _Graph(source=edges)


def agency_successions_on(agency: Agency, day: date) -> list[AgencySuccessorOn]:
    """Who carries ``agency``'s duties on ``day``, with partial / functions / path for each.

    Main successors come first; partial ones (e.g. Sở Y tế for the social-protection functions of
    Sở LĐ-TB&XH, NĐ 45/2025/NĐ-CP) follow with ``partial=True``. An agency still valid on ``day`` is
    its own bearer; an agency abolished without successor has none (``[]``).
    """
    return _agency_graph().walk(agency, day)


def agency_successors_on(agency: Agency, day: date) -> list[Agency]:
    """The agencies that carry ``agency``'s duties on ``day`` (main successors first, then partial).

    See :func:`agency_successions_on` for the rule and for which of them took over only some
    functions.
    """
    return [s.node for s in agency_successions_on(agency, day)]


def agency_successions_map(agencies: Iterable[Agency], day: date) -> dict[int, list[AgencySuccessorOn]]:
    """:func:`agency_successions_on` for many agencies at once (one query for the edges)."""
    graph = _agency_graph(whole=True)
    return {agency.pk: graph.walk(agency, day) for agency in agencies}


def agency_successors_map(agencies: Iterable[Agency], day: date) -> dict[int, list[Agency]]:
    """:func:`agency_successors_on` for many agencies at once (one query for the edges)."""
    return {pk: [s.node for s in found] for pk, found in agency_successions_map(agencies, day).items()}


def unit_successions_on(unit: AdministrativeUnit, day: date) -> list[UnitSuccessorOn]:
    """The administrative units that cover ``unit``'s territory on ``day`` (NQ 1667/NQ-UBTVQH15),
    with ``partial=True`` where the unit was divided among several new ones. A district-level unit
    has none after 1/7/2025 (abolished)."""
    return _unit_graph().walk(unit, day)


def unit_successors_on(unit: AdministrativeUnit, day: date) -> list[AdministrativeUnit]:
    """The units that succeed ``unit`` on ``day``; see :func:`unit_successions_on`."""
    return [s.node for s in unit_successions_on(unit, day)]


# --- groups ------------------------------------------------------------------------------------


def _group_clauses(group: AgencyGroup) -> list[dict[str, Any]]:
    return list(group.clauses) or [{"kinds": group.kinds, "levels": group.levels}]


def _scope_q(code: str) -> Q:
    province = Level.PROVINCE
    return (
        Q(unit__code=code, unit__level=province)
        | Q(unit__parent__code=code, unit__parent__level=province)
        | Q(unit__parent__parent__code=code, unit__parent__parent__level=province)
    )


def _group_q(group: AgencyGroup) -> Q:
    members = Q(pk__in=[])
    for clause in _group_clauses(group):
        condition = Q()
        if clause.get("codes"):
            condition &= Q(code__in=clause["codes"])
        if clause.get("kinds"):
            condition &= Q(kind__in=clause["kinds"])
        if clause.get("levels"):
            condition &= Q(level__in=clause["levels"])
        members |= condition
    if group.scope_unit_code:
        members &= _scope_q(group.scope_unit_code)
    return members


def agency_group_members(group: AgencyGroup, *, on: date) -> QuerySet[Agency]:
    """Members of a collective reference valid on ``on``: agencies matching any of the group's
    clauses (kinds and levels, or agency codes) within its province scope."""
    return (
        Agency.objects.valid_on(on)
        .filter(_group_q(group))
        .select_related("unit", "parent")
        .order_by("level", "kind", "name", "pk")
    )


def agency_group_contains(group: AgencyGroup, agency: Agency) -> bool:
    """Whether ``agency`` falls under ``group`` (at any date)."""
    return Agency.objects.filter(pk=agency.pk).filter(_group_q(group)).exists()


def agency_groups_containing(*, agency: Agency) -> list[AgencyGroup]:
    """Every group that takes in ``agency`` (clauses and province scope applied).

    performance: two queries whatever the number of groups: the groups, then one row telling for
    each group whether the agency matches its conditions (not one ``exists()`` per group).
    """
    groups = list(AgencyGroup.objects.order_by("name"))
    if not groups:
        return []
    matches = Agency.objects.filter(pk=agency.pk).aggregate(
        **{f"group_{index}": Count("pk", filter=_group_q(group)) for index, group in enumerate(groups)}
    )
    return [group for index, group in enumerate(groups) if matches[f"group_{index}"]]


def agency_group_successor_members(
    group: AgencyGroup, *, as_of: date, on: date, include_partial: bool = True
) -> list[Agency]:
    """The group as written on ``as_of`` (a program's date), each member followed to ``on``.

    "UBND các huyện, thị xã, thành phố" of 24/12/2021 expands on 1/1/2026 to the UBND of the new
    communes, which took over the district level's duties on their territory (Luật Tổ chức chính
    quyền địa phương 2025). Partial successors are included unless ``include_partial`` is False.
    De-duplicated, in order of first appearance.
    """
    graph = _agency_graph(whole=True)
    result: dict[int, Agency] = {}
    for member in agency_group_members(group, on=as_of):
        for successor in graph.walk(member, on):
            if include_partial or not successor.partial:
                result.setdefault(successor.node.pk, successor.node)
    return list(result.values())


def duty_bearers_on(agency_or_group: Agency | AgencyGroup, *, as_of: date, on: date) -> list[Agency]:
    """Who carries, on ``on``, a duty assigned on ``as_of`` to an agency or a collective group.

    An agency is followed through its successions (``as_of`` is not needed for it: the agency was
    already resolved on that date); a group is expanded as of ``as_of`` and each member followed.
    """
    if isinstance(agency_or_group, AgencyGroup):
        return agency_group_successor_members(agency_or_group, as_of=as_of, on=on)
    return agency_successors_on(agency_or_group, on)


# --- lists for pages ---------------------------------------------------------------------------


def agency_list_for_public(
    *,
    on: date | None = None,
    level: str | None = None,
    kinds: Sequence[str] | None = None,
    query: str | None = None,
) -> QuerySet[Agency]:
    """Agencies for a public list: optionally only those valid on ``on``, of a level or kinds, or
    whose name, short name or alias contains ``query`` (accent-insensitive)."""
    qs = Agency.objects.select_related("unit", "parent")
    if on is not None:
        qs = qs.valid_on(on)
    if level:
        qs = qs.filter(level=level)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if query:
        qs = qs.filter(search_key__contains=fold(query))
    return qs.order_by("level", "kind", "name", "valid_from", "pk")


def agency_get(*, agency_id: int) -> Agency:
    """One agency with its unit and parent; raises ``Agency.DoesNotExist``."""
    return Agency.objects.select_related("unit", "parent").get(pk=agency_id)


def agency_succession_list(*, agency: Agency) -> QuerySet[AgencySuccession]:
    """The edges into and out of ``agency`` (what it came from, what it became), by date."""
    return (
        AgencySuccession.objects.filter(Q(predecessor=agency) | Q(successor=agency))
        .select_related("predecessor", "successor")
        .order_by("effective_date", "pk")
    )


def agency_list_needing_review() -> QuerySet[Agency]:
    """Agencies whose record is not confirmed from a text or carries a review note."""
    return (
        Agency.objects.filter(~Q(confidence=Confidence.CONFIRMED) | ~Q(review_note=""))
        .select_related("unit")
        .order_by("level", "name", "pk")
    )


def agency_group_list() -> QuerySet[AgencyGroup]:
    return AgencyGroup.objects.order_by("name")


def unit_list_for_public(*, on: date | None = None, level: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Administrative units, optionally only those valid on ``on`` and of one level."""
    qs = AdministrativeUnit.objects.select_related("parent")
    if on is not None:
        qs = qs.valid_on(on)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "code", "valid_from", "pk")


# --- names on a date, signers and the document register --------------------------------------------

_PLACE_WORDS = ("tỉnh", "thành phố", "huyện", "thị xã", "xã", "phường", "thị trấn", "đặc khu")
_SMALL_WORDS = {"và", "của"}


def agency_name_on(agency: Agency, *, on: date) -> str:
    """The agency's official name on ``on``: the ``AgencyName`` valid that day, else its current name.

    A document prints the name of its own date, so a 2024 receipt of the provincial centre keeps the
    name it had then (see ``org/data/agencies.json``, each name with the decision that gave it).
    """
    for record in agency.names.all():  # prefetched by callers that print many documents
        if record.is_valid_on(on):
            return record.name
    return agency.name


def agency_symbol(agency: Agency) -> str:
    """The abbreviation of the issuing body in a document's number ("UBND", "STP", "TTPVHCC").

    legal: NĐ 30/2020/NĐ-CP Phụ lục I Mục II.3: the head of the body decides its abbreviation, so the
    recorded ``document_symbol`` wins. Without one, a People's Committee is "UBND" (the abbreviation
    NĐ 30's own examples use, "123/BC-UBND"); any other body takes the initials of its name without the
    place name ("Sở Tư pháp" -> "STP"). Set ``document_symbol`` in the admin to change it.
    """
    if agency.document_symbol:
        return agency.document_symbol
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        return "UBND"
    words = agency.name.replace(",", " ").split()
    lowered = [w.lower() for w in words]
    for index in range(1, len(words)):
        if any(" ".join(lowered[index:]).startswith(place + " ") for place in _PLACE_WORDS):
            words = words[:index]
            break
    initials = [w[0] for w in words if w.lower() not in _SMALL_WORDS and w[0].isalpha()]
    return "".join(initials).upper() or "CQ"


def signatory_for(agency: Agency, *, on: date) -> Signatory | None:
    """Who signs for ``agency`` on ``on``: its head if recorded, else a deputy (by name); None if nobody.

    Returns a ``Signatory``; the signature block is :func:`signature_lines`.
    """
    return Signatory.objects.valid_on(on).filter(agency=agency).order_by("head_position", "full_name", "pk").first()


def signature_lines(*, agency: Agency, position: str, head_position: str = "") -> list[str]:
    """The authority and position lines of a signature block, upper case (NĐ 30/2020 ô số 7a, 7b).

    legal: NĐ 30/2020/NĐ-CP Phụ lục I Mục II (vn-data §1.2): "TM." when signing on behalf of a
    collective (a People's Committee decides as a collective), "KT." when a deputy signs for the head;
    the signer's own position below. A department head signs without a prefix.
    """
    lines = []
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        lines.append("TM. ỦY BAN NHÂN DÂN")
    if head_position:
        lines.append(f"KT. {head_position.upper()}")
    lines.append(position.upper())
    return lines


DESKS_FILE = Path(__file__).resolve().parent / "data" / "one-stop-desks.json"


@dataclass(frozen=True)
class DeskName:
    """The one-stop desk's name in a period, with the decision it comes from."""

    name: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str
    confidence: str

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


@functools.cache
def _committee_desks() -> tuple[DeskName, ...]:
    with DESKS_FILE.open(encoding="utf-8") as handle:
        records = json.load(handle)["committee_desks"]
    return tuple(
        DeskName(
            name=r["name"],
            valid_from=date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
            valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            legal_basis=r["legal_basis"],
            confidence=r["confidence"],
        )
        for r in records
    )


@dataclass(frozen=True)
class OneStopDesk:
    """How a document of an agency's one-stop desk names it on a date.

    ``parent`` and ``issuer`` are the two lines of the header (ô số 2 of NĐ 30/2020, before upper-casing);
    ``full_name`` is how the body text names the desk.
    """

    parent: str
    issuer: str
    full_name: str
    legal_basis: str


def _unit_phrase(unit: AdministrativeUnit | None) -> str:
    """``phường Nha Trang`` (kind in lower case inside a sentence, NĐ 30/2020 Phụ lục II)."""
    if unit is None:
        return ""
    return unit.name[:1].lower() + unit.name[1:]


def one_stop_desk_on(agency: Agency, *, on: date) -> OneStopDesk:
    """The one-stop desk of ``agency`` as its documents name it on ``on``.

    legal: NĐ 118/2025/NĐ-CP (from 1/7/2025) organises the desk as the Trung tâm Phục vụ hành chính
    công of the province and of each commune-level unit; before, NĐ 61/2018/NĐ-CP had the provincial
    Trung tâm and the Bộ phận Tiếp nhận và Trả kết quả of districts and communes. The names and their
    validity are data (``org/data/one-stop-desks.json`` for the committees' desks, ``names`` of the
    provincial centre in ``agencies.json``), each with the decision it comes from.

    - a People's Committee below the province: its desk under the committee's short name ("UBND phường Nha
      Trang" above "Trung tâm Phục vụ hành chính công"; in the body "Trung tâm Phục vụ hành chính công
      phường Nha Trang");
    - any other agency (the provincial centre, a department): the agency itself under its parent, with
      the name valid on the date.
    """
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.level in (Level.COMMUNE, Level.DISTRICT):
        desk = next((d for d in _committee_desks() if d.is_valid_on(on)), _committee_desks()[-1])
        committee = agency_name_on(agency, on=on)
        if desk.valid_to is not None:  # before 1/7/2025: "Bộ phận Tiếp nhận và Trả kết quả UBND xã …"
            full_name = f"{desk.name} {committee}"
        else:
            full_name = f"{desk.name} {_unit_phrase(agency.unit)}".strip()
        # the parent line may abbreviate the common words (NĐ 30/2020 Phụ lục I ô số 2: "UBND PHƯỜNG …")
        parent_line = agency.short_name or committee
        return OneStopDesk(parent=parent_line, issuer=desk.name, full_name=full_name, legal_basis=desk.legal_basis)
    parent = agency.parent
    parent_name = (parent.short_name or agency_name_on(parent, on=on)) if parent is not None else ""
    name = agency_name_on(agency, on=on)
    return OneStopDesk(parent=parent_name, issuer=name, full_name=name, legal_basis=agency.legal_basis)

"""Small counts suppressed so that no person can be identified (docs/open-data.md § "Ẩn số nhỏ").

Rule (statistical disclosure control as the statistics offices apply it, e.g. Eurostat's and ONS's
threshold rule with secondary suppression; Luật Dữ liệu 2024 and NĐ 13/2023/NĐ-CP on personal data
forbid publishing what identifies a person, without fixing a threshold, so the threshold is our choice,
:data:`cchc.opendata.constants.THRESHOLD`):

1. **Primary**: a count of people from 1 to ``THRESHOLD - 1`` is hidden (0 is shown: it identifies
   nobody). Callers may add cells of their own (a ratio whose numerator is hidden).
2. **Secondary**: where published figures add up — a total and its parts (a unit's total row and its
   procedures' rows, column by column; "đã giải quyết" = "đúng hạn" + "quá hạn" in a row) — a relation
   with exactly one hidden cell would give it back by subtraction, so one more cell of the relation is
   hidden: the smallest non-zero part still shown, else a zero part, else the total. Repeated until no
   relation has exactly one hidden cell (hiding only adds cells, so it ends).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cchc.opendata.constants import THRESHOLD

Cell = tuple[int, str]  # (row index, column)


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)``, each a cell of the table."""

    total: Cell
    parts: tuple[Cell, ...]


def is_small(value: object) -> bool:
    return isinstance(value, int) and 0 < value < THRESHOLD


def primary_cells(rows: Sequence[Mapping[str, object]], columns: Iterable[str]) -> set[Cell]:
    columns = tuple(columns)
    return {(i, c) for i, row in enumerate(rows) for c in columns if is_small(row.get(c))}


def _pick(rows: Sequence[Mapping[str, object]], relation: Relation, hidden: set[Cell]) -> Cell | None:
    shown = [cell for cell in relation.parts if cell not in hidden and rows[cell[0]].get(cell[1]) is not None]
    nonzero = [cell for cell in shown if rows[cell[0]][cell[1]] != 0]
    if nonzero:
        return min(nonzero, key=lambda cell: (rows[cell[0]][cell[1]], cell))  # type: ignore[return-value,arg-type]
    if shown:
        return shown[0]
    if relation.total not in hidden and rows[relation.total[0]].get(relation.total[1]) is not None:
        return relation.total
    return None


def suppress(
    rows: Sequence[Mapping[str, object]],
    *,
    columns: Iterable[str],
    relations: Iterable[Relation] = (),
    also: Iterable[Cell] = (),
) -> set[Cell]:
    """The cells to hide: the primary ones of ``columns`` and ``also`` (a caller's own primary cells),
    then the secondary ones of ``relations``."""
    hidden = primary_cells(rows, columns) | set(also)
    relations = list(relations)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            cells = (relation.total, *relation.parts)
            if sum(1 for cell in cells if cell in hidden) != 1:
                continue
            extra = _pick(rows, relation, hidden)
            if extra is not None:
                hidden.add(extra)
                changed = True
    return hidden


def group_relations(total_row: int, part_rows: Sequence[int], columns: Iterable[str]) -> list[Relation]:
    """A total row and its part rows, column by column."""
    return [Relation((total_row, c), tuple((i, c) for i in part_rows)) for c in columns]


def row_relations(rows: Iterable[int], total: str, parts: Sequence[str]) -> list[Relation]:
    """``total = sum(parts)`` inside each row."""
    return [Relation((i, total), tuple((i, p) for p in parts)) for i in rows]

"""The arithmetic of the index: percent of the maximum, grade by the set's thresholds, ranking with ties.

- percent = points / maximum × 100, rounded half up to 2 decimals (as the province publishes it,
  e.g. "96,86 %");
- grade: Tốt when percent ≥ the "Tốt" threshold, Khá when ≥ "Khá", Trung bình when ≥ "Trung bình",
  else Yếu (thresholds are data on the index set);
- rank: standard competition ranking on the exact total: equal totals share a rank and the next
  rank skips (1, 2, 2, 4); ties are listed by agency name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from cchc.par.constants import Grade

T = TypeVar("T")
CENT = Decimal("0.01")


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    if maximum <= 0:
        return Decimal(0)
    return (points * 100 / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(percent: Decimal, *, excellent: Decimal, good: Decimal, average: Decimal) -> Grade:
    if percent >= excellent:
        return Grade.EXCELLENT
    if percent >= good:
        return Grade.GOOD
    if percent >= average:
        return Grade.AVERAGE
    return Grade.WEAK


def rank(items: Sequence[T], *, total: Callable[[T], Decimal], name: Callable[[T], str]) -> list[tuple[int, T]]:
    """(rank, item), best first; equal totals share the rank of the first of them (1, 2, 2, 4)."""
    ordered = sorted(items, key=lambda item: (-total(item), name(item)))
    out: list[tuple[int, T]] = []
    previous: Decimal | None = None
    current = 0
    for position, item in enumerate(ordered, start=1):
        value = total(item)
        if previous is None or value != previous:
            current = position
            previous = value
        out.append((current, item))
    return out

"""Percent, grade and ranking arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.par.constants import Grade
from cchc.par.scoring import grade_for, percent_of, rank

THRESHOLDS = {"excellent": Decimal(90), "good": Decimal(70), "average": Decimal(50)}


@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("70", Grade.GOOD),
        ("69.99", Grade.AVERAGE),
        ("50", Grade.AVERAGE),
        ("49.99", Grade.WEAK),
        ("0", Grade.WEAK),
    ],
)
def test_grade_boundaries_belong_to_the_higher_grade(percent, grade):
    assert grade_for(Decimal(percent), **THRESHOLDS) == grade


def test_percent_is_rounded_half_up_to_two_decimals():
    assert percent_of(Decimal("96.865"), Decimal(100)) == Decimal("96.87")
    assert percent_of(Decimal("2"), Decimal(3)) == Decimal("66.67")
    assert percent_of(Decimal("1"), Decimal(0)) == Decimal(0)


def test_equal_totals_share_a_rank_and_the_next_rank_skips():
    items = [("Sở C", Decimal("80")), ("Sở A", Decimal("91.5")), ("Sở B", Decimal("80")), ("Sở D", Decimal("79.99"))]

    ranked = rank(items, total=lambda i: i[1], name=lambda i: i[0])

    assert [(position, item[0]) for position, item in ranked] == [(1, "Sở A"), (2, "Sở B"), (2, "Sở C"), (4, "Sở D")]

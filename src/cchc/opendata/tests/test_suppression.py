"""Small counts suppressed (cchc.opendata.suppression): primary threshold and secondary suppression."""

from __future__ import annotations

from cchc.opendata.suppression import group_relations, row_relations, suppress


def test_small_counts_are_hidden_zero_and_large_are_not() -> None:
    rows = [{"n": 0}, {"n": 1}, {"n": 4}, {"n": 5}, {"n": 120}]
    assert suppress(rows, columns=["n"]) == {(1, "n"), (2, "n")}


def test_a_lone_hidden_part_hides_another_so_the_total_does_not_give_it_back() -> None:
    # rows 0-2 procedures of one agency, row 3 their total
    rows = [{"n": 3}, {"n": 9}, {"n": 20}, {"n": 32}]
    hidden = suppress(rows, columns=["n"], relations=group_relations(3, [0, 1, 2], ["n"]))
    assert hidden == {(0, "n"), (1, "n")}  # the smallest other part, not the total
    shown = [rows[i]["n"] for i in range(3) if (i, "n") not in hidden]
    assert rows[3]["n"] - sum(shown) == 12  # only the sum of the two hidden cells can be deduced


def test_a_lone_part_hides_the_total() -> None:
    rows = [{"n": 2}, {"n": 2}]  # one procedure, its total: both small anyway
    assert suppress(rows, columns=["n"], relations=group_relations(1, [0], ["n"])) == {(0, "n"), (1, "n")}
    rows = [{"n": 3}, {"n": 0}, {"n": 3}]
    hidden = suppress(rows, columns=["n"], relations=group_relations(2, [0, 1], ["n"]))
    assert (2, "n") in hidden  # the total of a small part and zeros gives it back: hidden


def test_row_relation_and_cascade_across_relations() -> None:
    # giai_quyet = dung_han + qua_han: late 2 hidden → on time hidden too; that column's total then needs another
    rows = [
        {"e": 12, "t": 10, "l": 2},
        {"e": 30, "t": 25, "l": 5},
        {"e": 42, "t": 35, "l": 7},  # total
    ]
    relations = group_relations(2, [0, 1], ["e", "t", "l"]) + row_relations(range(3), "e", ["t", "l"])
    hidden = suppress(rows, columns=["e", "t", "l"], relations=relations)
    assert {(0, "l"), (0, "t")} <= hidden
    # no relation is left with exactly one hidden cell
    for relation in relations:
        assert sum(1 for cell in (relation.total, *relation.parts) if cell in hidden) != 1

"""The reform area of an appendix task is inferred from the document's own words."""

import pytest

from cchc.program.importer.areas import infer_areas
from cchc.program.importer.parser import parse_program


@pytest.fixture
def inferred(seed_text):
    program = parse_program(seed_text)
    areas = {
        a.number: " ".join([a.name, a.objective, *(o.text for o in a.objectives), *(t.text for t in a.tasks)])
        for a in program.areas
    }
    tasks = {t.number: f"{t.title} {t.outputs}" for t in program.tasks}
    return infer_areas(areas, tasks, name_weight={a.number: a.name for a in program.areas})


@pytest.mark.parametrize(
    ("task", "area"),
    [(1, 1), (9, 2), (10, 2), (14, 3), (17, 3), (18, 5), (19, 5), (24, 6), (26, 6), (27, 6)],
)
def test_unambiguous_tasks(inferred, task, area):
    assert inferred[task] == area


def test_a_task_sharing_no_word_gets_no_area():
    assert infer_areas({1: "cải cách thể chế pháp luật"}, {7: "xyz qwe"}) == {7: None}

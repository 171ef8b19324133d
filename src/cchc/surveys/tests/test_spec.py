"""The questionnaire file format: the shipped file is valid; broken ones are refused with their JSON path."""

from __future__ import annotations

import copy

import pytest

from cchc.surveys.constants import SurveyErrorCode, Wording
from cchc.surveys.errors import SurveyError
from cchc.surveys.spec import parse_questionnaire
from cchc.surveys.tests.conftest import shipped_data


def test_shipped_questionnaire_has_the_five_factors_and_22_criteria_marked_as_our_wording():
    spec = parse_questionnaire(shipped_data())

    assert [f.code for f in spec.factors] == ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]
    assert sum(len(f.questions) for f in spec.factors) == 22
    assert {q.wording for f in spec.factors for q in f.questions} == {Wording.PARAPHRASE}
    assert [label for _, label in spec.scale] == [
        "Rất không hài lòng",
        "Không hài lòng",
        "Bình thường",
        "Hài lòng",
        "Rất hài lòng",
    ]
    assert "2640/QĐ-BNV" in spec.legal_basis


def test_spec_round_trips_through_its_file_form():
    spec = parse_questionnaire(shipped_data())

    assert parse_questionnaire(spec.to_data()) == spec


def _broken(path: list[object], value: object) -> dict[str, object]:
    data = copy.deepcopy(shipped_data())
    target = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (["format"], "cchc-catalogue", "$", "không phải bộ câu hỏi"),
        (["version"], 0, "version", "số nguyên dương"),
        (["scale"], [{"value": 1, "label": "Có"}, {"value": 2, "label": "Không"}], "scale", "đúng 5 mức"),
        (["factors"], [], "factors", "ít nhất một yếu tố"),
        (["factors", 1, "questions", 0, "code"], "tc-cho-ngoi", "factors[1].questions[0].code", "bị trùng"),
        (["factors", 2, "questions", 1, "text"], "  ", "factors[2].questions[1].text", "Thiếu «text»"),
        (["factors", 0, "code"], "Tiếp cận", "factors[0].code", "chữ thường không dấu"),
        (["factors", 0, "wording"], "official?", "factors[0].wording", "wording"),
    ],
)
def test_broken_file_is_refused_with_a_located_vietnamese_message(path, value, where, words):
    with pytest.raises(SurveyError) as caught:
        parse_questionnaire(_broken(path, value))

    assert caught.value.code == SurveyErrorCode.INVALID_QUESTIONNAIRE
    assert caught.value.where == where
    assert words in caught.value.message

"""Matching rules on the real seed program and on variants of its wording."""

from __future__ import annotations

import pytest

from cchc.program.constants import MeasureKind
from cchc.program.targets.rules import RULES, rules_matching


@pytest.mark.parametrize(
    ("metric", "fields", "level", "key"),
    [
        ("Tỷ lệ giao dịch thanh toán trực tuyến", [], "", "thanh-toan-truc-tuyen"),
        ("ty le giao dich thanh toan truc tuyen", [], "", "thanh-toan-truc-tuyen"),  # typed without accents
        ("TỶ LỆ GIAO DỊCH THANH TOÁN  TRỰC-TUYẾN", [], "", "thanh-toan-truc-tuyen"),  # case, spaces, punctuation
        (
            "Mức độ hài lòng về giải quyết các thủ tục hành chính lĩnh vực đất đai, xây dựng, đầu tư",
            ["đất đai", "xây dựng", "đầu tư"],
            "",
            "hai-long-giai-quyet-tthc-linh-vuc",
        ),
        ("Hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng", [], "commune", "ho-so-cong-viec-cap-xa"),
    ],
)
def test_a_rule_matches_whatever_the_accents(metric: str, fields: list[str], level: str, key: str) -> None:
    assert [r.key for r in rules_matching(metric=metric, fields=fields, gov_level=level)] == [key]


def test_an_unknown_metric_matches_no_rule() -> None:
    assert rules_matching(metric="Tỷ lệ cây xanh đô thị", fields=[], gov_level="") == []


def test_rules_are_well_formed() -> None:
    keys = [r.key for r in RULES]
    assert len(keys) == len(set(keys))
    for rule in RULES:
        assert rule.all_of
        assert bool(rule.measure_code) == (rule.kind != MeasureKind.MANUAL)
        assert rule.note, f"{rule.key}: the note says what is measured or why it is manual"

"""Every quantitative target of QĐ 4831 comes out exactly; wording variants of other provinces too."""

from decimal import Decimal

import pytest

from cchc.program.importer.parser import parse_program
from cchc.program.importer.targets import extract_targets

GTE, EQ, LTE, RED = "gte", "eq", "lte", "reduce_by"
LAND = ["đất đai", "xây dựng", "đầu tư"]
HEALTH_EDU = ["y tế", "giáo dục"]
SECRET = "trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước"

# (code, area, year, comparator, value, unit, baseline (start, end), fields, level, qualifiers, source line)
SEED_TARGETS = [
    ("a2-2025-1", 2, 2025, EQ, 80, "%", (None, None), [], "", [], 101),
    ("a2-2025-2", 2, 2025, GTE, 30, "%", (None, None), [], "", [], 103),
    ("a2-2025-3", 2, 2025, EQ, 100, "%", (None, None), [], "", [], 107),
    ("a2-2025-4", 2, 2025, GTE, 90, "%", (None, None), [], "", [], 109),
    ("a2-2025-5", 2, 2025, GTE, 85, "%", (None, None), LAND, "", [], 109),
    ("a2-2025-6", 2, 2025, EQ, 100, "%", (None, None), [], "", [], 111),
    ("a2-2030-1", 2, 2030, GTE, 50, "%", (None, None), [], "", [], 117),
    ("a2-2030-2", 2, 2030, EQ, 90, "%", (None, None), [], "", [], 119),
    ("a2-2030-3", 2, 2030, GTE, 95, "%", (None, None), [], "", [], 121),
    ("a2-2030-4", 2, 2030, GTE, 90, "%", (None, None), LAND, "", [], 121),
    ("a3-2025-1", 3, 2025, GTE, 90, "%", (None, None), [], "", [], 147),
    ("a3-2025-2", 3, 2025, GTE, 85, "%", (None, None), HEALTH_EDU, "", [], 147),
    ("a3-2030-1", 3, 2030, RED, 10, "%", (2025, 2025), [], "", ["bình quân"], 153),
    ("a3-2030-2", 3, 2030, GTE, 95, "%", (None, None), [], "", [], 155),
    ("a3-2030-3", 3, 2030, GTE, 90, "%", (None, None), HEALTH_EDU, "", [], 155),
    ("a5-2030-1", 5, 2030, RED, 15, "%", (2021, 2025), [], "", ["bình quân"], 205),
    ("a6-2025-1", 6, 2025, EQ, 100, "%", (None, None), [], "", [], 223),
    ("a6-2025-2", 6, 2025, EQ, 90, "%", (None, None), [], "province", [SECRET], 223),
    ("a6-2025-3", 6, 2025, EQ, 80, "%", (None, None), [], "district", [SECRET], 223),
    ("a6-2025-4", 6, 2025, EQ, 60, "%", (None, None), [], "commune", [SECRET], 223),
    ("a6-2025-5", 6, 2025, EQ, 50, "%", (None, None), [], "", [], 223),
    ("a6-2025-6", 6, 2025, EQ, 100, "%", (None, None), [], "", [], 225),
    ("a6-2030-1", 6, 2030, EQ, 100, "%", (None, None), [], "", [], 229),
    ("a6-2030-2", 6, 2030, EQ, 70, "%", (None, None), [], "", [], 229),
]


def test_all_seed_targets_exactly(seed_text):
    program = parse_program(seed_text)
    got = [
        (
            t.code,
            t.area_number,
            t.spec.milestone_year,
            t.spec.comparator,
            t.spec.value,
            t.spec.unit,
            (t.spec.baseline_year_start, t.spec.baseline_year_end),
            t.spec.fields,
            t.spec.gov_level,
            t.spec.qualifiers,
            t.line,
        )
        for t in program.targets
    ]
    assert got == [(*row[:4], Decimal(row[4]), *row[5:]) for row in SEED_TARGETS]


def test_seed_target_metrics_and_baselines(seed_text):
    targets = {t.code: t.spec for t in parse_program(seed_text).targets}
    assert targets["a2-2025-2"].metric == "Tỷ lệ giao dịch thanh toán trực tuyến"
    assert targets["a2-2025-5"].metric == (
        "Mức độ hài lòng về giải quyết các thủ tục hành chính lĩnh vực đất đai, xây dựng, đầu tư"
    )
    assert targets["a3-2030-1"].metric == "Biên chế sự nghiệp hưởng lương từ ngân sách nhà nước"
    assert targets["a3-2030-1"].baseline_text == "so với năm 2025"
    assert targets["a5-2030-1"].baseline_text == "so với giai đoạn 2021-2025"
    assert targets["a6-2025-3"].metric == "Hồ sơ công việc tại cấp huyện được xử lý trên môi trường mạng"


def test_objectives_without_numbers_stay_qualitative(seed_text):
    program = parse_program(seed_text)
    area2 = next(a for a in program.areas if a.number == 2)
    digitised = next(o for o in area2.objectives if o.text.startswith("Số hóa kết quả"))
    assert digitised.targets == []  # "03 cấp (tỉnh, huyện, xã) ... theo lộ trình Trung ương"
    assert all(not o.targets for o in program.areas[0].objectives)  # area 1 has no numbers at all


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        (
            "Phấn đấu đến năm 2025, tối thiểu 95% hồ sơ được giải quyết đúng hạn.",
            None,
            [(GTE, 95, 2025, None, [], "")],
        ),
        (
            "Giảm ít nhất 20% thời gian giải quyết thủ tục hành chính so với năm 2020.",
            2025,
            [(RED, 20, 2025, 2020, ["ít nhất"], "")],
        ),
        ("Tỷ lệ hồ sơ trễ hạn không quá 2%.", 2025, [(LTE, 2, 2025, None, [], "")]),
        ("Tỷ lệ hồ sơ trễ hạn tối đa 1,5%.", 2025, [(LTE, Decimal("1.5"), 2025, None, [], "")]),
        (
            "Tỷ lệ văn bản được ký số đạt 95% ở cấp tỉnh và 80% ở cấp xã.",
            2030,
            [(EQ, 95, 2030, None, [], "province"), (EQ, 80, 2030, None, [], "commune")],
        ),
        ("Cung cấp dịch vụ công mức độ 3 và 4 tại 03 cấp (tỉnh, huyện, xã) trong năm 2025.", 2025, []),
    ],
)
def test_wording_variants(sentence, year, expected):
    got = [
        (t.comparator, t.value, t.milestone_year, t.baseline_year_start, t.qualifiers, t.gov_level)
        for t in extract_targets(sentence, year=year)
    ]
    assert got == [(c, Decimal(v), y, b, q, lvl) for c, v, y, b, q, lvl in expected]

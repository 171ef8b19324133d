"""The "Thời gian" column as structured data."""

import pytest

from cchc.program.importer.timeline import parse_timeline


@pytest.mark.parametrize(
    ("cell", "kind", "start", "end", "open_ended", "recurring", "depends_on"),
    [
        (["Năm 2021 và các năm tiếp theo"], "ongoing_from", 2021, None, True, False, ""),
        (["2021-2025"], "range", 2021, 2025, False, False, ""),
        (["Giai đoạn 2021-2030"], "range", 2021, 2030, False, False, ""),
        (["Theo quy định của Trung ương"], "central_schedule", None, None, False, False, "Trung ương"),
        (["Theo tiến độ Trung ương"], "central_schedule", None, None, False, False, "Trung ương"),
        (["Theo hướng dẫn của Bộ Nội vụ"], "central_schedule", None, None, False, False, "Bộ Nội vụ"),
        (["Thực hiện theo lộ trình được phê duyệt"], "roadmap", None, None, False, False, ""),
        ([], "unspecified", None, None, False, False, ""),
        (["Hằng năm"], "range", 2021, 2030, False, True, ""),
        (["Kế hoạch hàng năm, từ năm 2022"], "unspecified", None, None, False, True, ""),
        (["Quý IV/2022"], "range", 2022, 2022, False, False, ""),
        (["Từ năm 2023"], "ongoing_from", 2023, None, True, False, ""),
    ],
)
def test_timeline_forms(cell, kind, start, end, open_ended, recurring, depends_on):
    spec = parse_timeline(cell, period=(2021, 2030))
    assert (spec.kind, spec.start_year, spec.end_year, spec.open_ended, spec.recurring, spec.depends_on) == (
        kind,
        start,
        end,
        open_ended,
        recurring,
        depends_on,
    )
    assert spec.text == "\n".join(cell)


def test_phased_with_the_source_typo():
    spec = parse_timeline(
        ["- Giai đạon 2022-2023: Xây dựng kho dữ liệu;", "- Giai đoạn 2024-2030: Duy trì, cập nhật bổ sung dữ liệu."]
    )
    assert spec.kind == "phased"
    assert (spec.start_year, spec.end_year) == (2022, 2030)
    assert [(p.start_year, p.end_year, p.text) for p in spec.phases] == [
        (2022, 2023, "Xây dựng kho dữ liệu"),
        (2024, 2030, "Duy trì, cập nhật bổ sung dữ liệu"),
    ]


def test_unrecognised_text_is_kept_and_flagged():
    spec = parse_timeline(["Khi có kinh phí"])
    assert (spec.kind, spec.text, spec.recognised) == ("unspecified", "Khi có kinh phí", False)

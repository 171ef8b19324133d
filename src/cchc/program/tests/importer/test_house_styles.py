"""Programs written to the national template in other provinces' house styles (synthetic texts).

Each fixture is complete and differs from the seed (QĐ 4831) in how it lays the template out:

* Bình Định: lettered top-level sections (A. ... Đ.), Roman upper-case reform areas ("II. CẢI CÁCH
  THỦ TỤC HÀNH CHÍNH"), numbered "1. Mục tiêu" / "2. Nhiệm vụ", milestones "* Đến năm 2025, phấn
  đấu:", a decimal comma, an appendix with its columns in another order, group-header rows ("II" +
  "CẢI CÁCH THỦ TỤC HÀNH CHÍNH") between tasks and empty cells;
* Quảng Ngãi: areas headed "Nội dung 1: ...", lettered "a. Mục tiêu:", milestones "• Giai đoạn
  2021 - 2025:", the level split written level first ("cấp tỉnh đạt 95%, cấp huyện đạt 85%"), a
  2030 block holding a target with its own year ("đến năm 2027 đạt 80%"), "-" for empty cells;
* Ninh Thuận: text copied from a PDF: no blank lines inside sections, sentences wrapped at 72
  columns ("so với năm" / "2021, chi phí ..."), milestones "(1) Đến năm 2025:", en-dash bullets;
* Gia Lai: upper-case numbered areas ("1. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"), "1.1. Mục tiêu",
  milestones "+ Mục tiêu đến hết năm 2025, cụ thể như sau:", group headers "A. ..." in the appendix
  with the task numbers restarting at 1 under each group.

On the parser before this change, each of them was refused or misread (the first three as
"truncated" or "no reform area", the fourth as a garbled appendix).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.program.constants import ImportError_
from cchc.program.importer.errors import ProgramImportError
from cchc.program.importer.lines import split_paragraphs
from cchc.program.importer.parser import parse_program
from cchc.program.importer.targets import extract_targets, inline_year
from cchc.program.tests.conftest import BINH_DINH_PATH, GIA_LAI_PATH, NINH_THUAN_PATH, QUANG_NGAI_PATH, SEED_PATH


def parse(path):
    return parse_program(path.read_text(encoding="utf-8"))


def targets_of(program):
    return [
        (t.code, t.spec.comparator, t.spec.value, t.spec.milestone_year, t.spec.gov_level, t.line)
        for t in program.targets
    ]


def tasks_of(program):
    return [
        (
            t.number,
            t.group,
            t.title,
            [m.name for m in t.leads],
            [m.name for m in t.coordinates],
            t.outputs,
            (t.timeline.kind, t.timeline.start_year, t.timeline.end_year),
        )
        for t in program.tasks
    ]


def assert_clean(program):
    assert program.unplaced == []
    assert [f for f in program.findings if f.kind != "unplaced"] == []


def test_lettered_sections_and_roman_upper_case_areas():
    program = parse(BINH_DINH_PATH)
    assert (program.number, program.issuer_name, program.issued_on.isoformat()) == (
        "118/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Bình Định",
        "2022-01-10",
    )
    assert (program.period_start, program.period_end) == (2021, 2030)
    assert program.general_objective.startswith("Xây dựng nền hành chính tỉnh Bình Định")
    assert [(a.number, a.name, a.line, len(a.tasks)) for a in program.areas] == [
        (1, "Cải cách thể chế", 49, 2),
        (2, "Cải cách thủ tục hành chính", 61, 2),
        (3, "Xây dựng và phát triển chính quyền số", 81, 1),
    ]
    assert [(o.milestone_year, o.line) for o in program.areas[1].objectives] == [(2025, 67), (2025, 69), (2030, 73)]
    assert program.areas[0].objective.startswith("Hệ thống văn bản quy phạm pháp luật")
    assert program.areas[1].tasks[0].text == "Công khai thủ tục hành chính trên Cổng dịch vụ công của tỉnh."
    assert targets_of(program) == [
        ("a2-2025-1", "gte", Decimal("97.5"), 2025, "", 67),
        ("a2-2025-2", "reduce_by", Decimal("30"), 2025, "", 69),
        ("a2-2030-1", "gte", Decimal("95"), 2030, "", 73),
        ("a3-2025-1", "eq", Decimal("95"), 2025, "province", 87),
        ("a3-2025-2", "eq", Decimal("85"), 2025, "district", 87),
        ("a3-2025-3", "eq", Decimal("70"), 2025, "commune", 87),
    ]
    reduction = program.targets[1].spec
    assert (reduction.metric, reduction.baseline_year_start) == ("Thời gian đi lại của người dân", 2021)
    assert {t.spec.metric for t in program.targets[3:]} == {"Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"}
    assert [len(program.solutions), len(program.funding)] == [2, 1]
    assert [(g.number, g.heading, "".join(d.letter or "_" for d in g.duties)) for g in program.duty_groups] == [
        (1, "Sở Nội vụ", "ab"),
        (2, "Văn phòng Ủy ban nhân dân tỉnh", "_"),
        (3, "Sở Thông tin và Truyền thông", "_"),
    ]
    assert [c["kind"] for c in program.appendix_columns] == [
        "number",
        "lead",
        "title",
        "coordinate",
        "timeline",
        "outputs",
    ]
    assert tasks_of(program) == [
        (
            1,
            "Cải cách thể chế",
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh",
            ["Sở Tư pháp"],
            ["Các sở, ngành, địa phương"],
            "Báo cáo rà soát",
            ("range", 2021, 2030),
        ),
        (
            2,
            "Cải cách thủ tục hành chính",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            ["Văn phòng UBND tỉnh"],
            ["Sở Thông tin và Truyền thông"],
            "",  # empty cell
            ("range", 2022, 2025),
        ),
        (
            3,
            "Xây dựng và phát triển chính quyền số",
            "Xây dựng Kho dữ liệu dùng chung của tỉnh",
            ["Sở Thông tin và Truyền thông"],
            [],  # empty cell
            "Kho dữ liệu dùng chung",
            ("range", 2023, 2023),
        ),
    ]
    assert program.tasks[0].timeline.recurring  # "Hằng năm"
    assert_clean(program)


def test_content_headings_period_milestones_and_level_first_splits():
    program = parse(QUANG_NGAI_PATH)
    assert (program.number, program.issuer_name, program.signing_authority) == (
        "245/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "KT. CHỦ TỊCH",
    )
    assert [(a.number, a.name, len(a.tasks)) for a in program.areas] == [
        (1, "Cải cách thủ tục hành chính", 2),
        (2, "Cải cách chế độ công vụ", 1),
        (3, "Xây dựng chính quyền số", 1),
    ]
    assert [(o.milestone_year, bool(o.targets)) for o in program.areas[1].objectives] == [(None, False), (2025, True)]
    assert targets_of(program) == [
        ("a1-2025-1", "eq", Decimal("95"), 2025, "province", 51),
        ("a1-2025-2", "eq", Decimal("85"), 2025, "district", 51),
        ("a1-2025-3", "eq", Decimal("70"), 2025, "commune", 51),
        ("a1-2025-4", "reduce_by", Decimal("20"), 2025, "", 53),
        # in the 2026-2030 block, but the sentence names its own year
        ("a1-2027-1", "eq", Decimal("80"), 2027, "", 57),
        ("a1-2030-1", "gte", Decimal("95.5"), 2030, "", 59),
        ("a2-2025-1", "eq", Decimal("100"), 2025, "commune", 75),
        ("a3-2030-1", "eq", Decimal("100"), 2030, "province", 87),
        ("a3-2030-2", "eq", Decimal("90"), 2030, "commune", 87),
    ]
    split = {t.spec.metric for t in program.targets[:3]}
    assert split == {"Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến"}
    assert program.targets[3].spec.baseline_year_start == 2021  # "so với năm 2021" is a baseline
    assert [c["kind"] for c in program.appendix_columns] == [
        "number",
        "title",
        "lead",
        "coordinate",
        "timeline",
        "outputs",
    ]
    assert tasks_of(program) == [
        (
            1,
            "",
            "Rà soát, đơn giản hóa thủ tục hành chính nội bộ",
            ["Văn phòng UBND tỉnh"],
            ["Các sở, ban, ngành"],
            "Quyết định công bố",
            ("range", 2021, 2030),
        ),
        (2, "", "Tuyển dụng công chức theo vị trí việc làm", ["Sở Nội vụ"], [], "", ("range", 2022, 2025)),
        (
            3,
            "",
            "Vận hành Trung tâm giám sát, điều hành thông minh của tỉnh",
            ["Sở Thông tin và Truyền thông"],
            ["Công an tỉnh", "Sở Nội vụ"],
            "Trung tâm vận hành ổn định.",
            ("range", 2026, 2030),
        ),
    ]
    assert [(g.number, "".join(d.letter or "_" for d in g.duties)) for g in program.duty_groups] == [
        (1, "ab"),
        (2, "_"),
    ]
    assert_clean(program)


def test_text_wrapped_mid_sentence_without_blank_lines():
    program = parse(NINH_THUAN_PATH)
    assert program.general_objective.startswith("Xây dựng nền hành chính tỉnh Ninh Thuận dân chủ")
    assert [(a.number, a.name, a.line) for a in program.areas] == [
        (1, "Cải cách thủ tục hành chính", 47),
        (2, "Cải cách tài chính công", 65),
    ]
    area = program.areas[0]
    assert area.objective.startswith("Cải cách quyết liệt, đồng bộ thủ tục hành chính")
    assert area.objective.endswith("một cửa liên thông.")
    assert [(o.milestone_year, o.line) for o in area.objectives] == [(None, 49), (2025, 52), (2025, 54), (2030, 57)]
    assert [t.text for t in area.tasks] == [
        "Công bố, công khai kịp thời, đầy đủ thủ tục hành chính trên Cơ sở dữ liệu quốc gia về thủ tục hành chính "
        "và Cổng dịch vụ công của tỉnh.",
        "Đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Bộ phận Một cửa các cấp.",
    ]
    assert targets_of(program) == [
        ("a1-2025-1", "gte", Decimal("80"), 2025, "province", 53),
        ("a1-2025-2", "eq", Decimal("60"), 2025, "district", 53),
        ("a1-2025-3", "eq", Decimal("50"), 2025, "commune", 53),
        ("a1-2025-4", "reduce_by", Decimal("30"), 2025, "", 54),
        # the wrapped line "2021, chi phí tuân thủ giảm 20% so với năm 2021." is line 55
        ("a1-2025-5", "reduce_by", Decimal("20"), 2025, "", 55),
        ("a1-2030-1", "gte", Decimal("80"), 2030, "", 58),
        ("a2-2025-1", "reduce_by", Decimal("10"), 2025, "", 68),
    ]
    assert [t.spec.metric for t in program.targets[3:5]] == [
        "Thời gian giải quyết thủ tục hành chính",
        "Chi phí tuân thủ",
    ]
    assert program.targets[-1].spec.baseline_year_start == 2016
    assert [(g.number, g.heading, [d.text for d in g.duties]) for g in program.duty_groups] == [
        (
            1,
            "Sở Nội vụ",
            ["Là cơ quan thường trực, giúp Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện Chương trình."],
        ),
        (
            2,
            "Sở Tài chính",
            [
                "Chủ trì triển khai nội dung cải cách tài chính công và hướng dẫn lập dự toán kinh phí "
                "cải cách hành chính."
            ],
        ),
    ]
    assert tasks_of(program) == [
        (
            1,
            "",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            ["Văn phòng UBND tỉnh"],
            ["Sở Thông tin và Truyền thông", "UBND các huyện, thành phố"],
            "Kết quả được số hóa",
            ("range", 2022, 2025),
        ),
        (
            2,
            "",
            "Đổi mới cơ chế tự chủ tài chính đơn vị sự nghiệp công lập",
            ["Sở Tài chính"],
            ["Các sở, ngành, địa phương"],
            "Đề án được phê duyệt",
            ("central_schedule", None, None),
        ),
    ]
    assert_clean(program)


def test_upper_case_numbered_areas_and_appendix_groups_restarting_numbers():
    program = parse(GIA_LAI_PATH)
    assert [(a.number, a.name, len(a.tasks)) for a in program.areas] == [
        (1, "Cải cách thủ tục hành chính", 1),
        (2, "Cải cách tổ chức bộ máy hành chính nhà nước", 1),
    ]
    assert targets_of(program) == [
        ("a1-2025-1", "eq", Decimal("95"), 2025, "province", 53),
        ("a1-2025-2", "eq", Decimal("80"), 2025, "district", 53),
        ("a1-2025-3", "lte", Decimal("2"), 2025, "", 55),
        ("a1-2030-1", "eq", Decimal("100"), 2030, "", 59),
        ("a2-2025-1", "reduce_by", Decimal("5"), 2025, "", 71),
    ]
    assert {t.spec.metric for t in program.targets[:2]} == {
        "Hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến"
    }
    assert [c["kind"] for c in program.appendix_columns] == [
        "number",
        "title",
        "lead",
        "coordinate",
        "outputs",
        "timeline",
    ]
    assert tasks_of(program) == [
        (
            1,
            "Cải cách thủ tục hành chính",
            "Rà soát, cắt giảm thủ tục hành chính không cần thiết",
            ["Văn phòng UBND tỉnh"],
            ["Các sở, ban, ngành"],
            "Quyết định công bố",
            ("range", 2022, 2022),
        ),
        (
            2,
            "Cải cách thủ tục hành chính",
            "Số hóa hồ sơ thủ tục hành chính khi tiếp nhận",
            ["Văn phòng UBND tỉnh"],
            ["Sở Thông tin và Truyền thông"],
            "",
            ("range", 2022, 2025),
        ),
        (
            3,  # printed "1" under group B: the register numbers tasks through the table
            "Cải cách tổ chức bộ máy hành chính nhà nước",
            "Sắp xếp, kiện toàn tổ chức bộ máy các cơ quan chuyên môn",
            ["Sở Nội vụ"],
            ["Các sở, ban, ngành"],
            "Đề án được phê duyệt",
            ("central_schedule", None, None),
        ),
    ]
    assert [t.line for t in program.tasks] == [116, 128, 142]
    assert_clean(program)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("- Đến năm 2025:", 2025),
        ("* Đến năm 2025, phấn đấu:", 2025),
        ("+ Mục tiêu đến hết năm 2030, cụ thể như sau:", 2030),
        ("• Giai đoạn 2021 - 2025:", 2025),
        ("– Giai đoạn 2026–2030:", 2030),
        ("(1) Đến năm 2025:", 2025),
        ("Phấn đấu đến năm 2030, đạt các chỉ tiêu sau:", 2030),
        ("Năm 2025", 2025),
        ("a) Chỉ tiêu đến năm 2025:", 2025),
        ("Đến năm 2025, hoàn thành sắp xếp các đơn vị hành chính.", None),  # a sentence, not a heading
        ("- Đến năm 2025: 100% hồ sơ được số hóa.", None),  # a target with its year inline
        ("Giảm 20% so với năm 2021:", None),
    ],
)
def test_milestone_headings(text, year):
    from cchc.program.importer.parser import milestone_heading  # new in this module: imported here

    assert milestone_heading(text) == year


def test_a_comparison_year_is_never_a_milestone():
    assert inline_year("Giảm 20% chi phí so với giai đoạn 2016 đến năm 2020.") is None
    [target] = extract_targets("Giảm 20% chi phí so với giai đoạn 2016 đến năm 2020.", year=2025)
    assert target.milestone_year == 2025
    assert inline_year("Chi phí giảm 20% so với năm 2021, đến năm 2027 giảm thêm 5%.") == 2027


def test_level_split_written_either_way_round():
    level_first = extract_targets(
        "Tỷ lệ hồ sơ trực tuyến cấp tỉnh đạt 95%, cấp huyện đạt 85%, cấp xã đạt 70%.", year=2025
    )
    number_first = extract_targets(
        "Tỷ lệ hồ sơ trực tuyến đạt 95% ở cấp tỉnh, 85% ở cấp huyện và 70% ở cấp xã.", year=2025
    )
    for found in (level_first, number_first):
        assert [(t.metric, t.value, t.gov_level) for t in found] == [
            ("Tỷ lệ hồ sơ trực tuyến", Decimal("95"), "province"),
            ("Tỷ lệ hồ sơ trực tuyến", Decimal("85"), "district"),
            ("Tỷ lệ hồ sơ trực tuyến", Decimal("70"), "commune"),
        ]


def test_wrapped_lines_join_and_items_split():
    text = "a) Mục tiêu:\nCải cách quyết liệt thủ tục\nhành chính.\n(1) Đến năm 2025:\n– Giảm 30% so với năm\n2021.\n"
    assert [(p.line, p.text) for p in split_paragraphs(text)] == [
        (1, "a) Mục tiêu:"),
        (2, "Cải cách quyết liệt thủ tục hành chính."),
        (4, "(1) Đến năm 2025:"),
        (5, "– Giảm 30% so với năm 2021."),
    ]


def test_a_complete_program_with_an_unreadable_part_names_the_part_and_line(seed_text):
    # The seed's part V renamed so that no part of the template is recognised in it: the text is
    # complete (it has its appendix), so this is not a truncation.
    text = seed_text.replace("V. Phân công trách nhiệm thực hiện", "V. Những việc khác", 1)
    with pytest.raises(ProgramImportError) as info:
        parse_program(text)
    assert info.value.code == ImportError_.GARBLED
    assert "Tổ chức thực hiện / Phân công trách nhiệm" in info.value.message
    assert "I. Mục tiêu tổng quát" in info.value.message  # the parts it did recognise
    heading_line = seed_text.split("\n").index("IV. Kinh phí thực hiện Chương trình") + 1
    assert info.value.line == heading_line
    assert f"dòng {heading_line}" in info.value.message


def test_lettered_program_cut_before_its_duties_is_truncated():
    text = BINH_DINH_PATH.read_text(encoding="utf-8")
    cut = text[: text.index("Đ. TỔ CHỨC THỰC HIỆN")]
    with pytest.raises(ProgramImportError) as info:
        parse_program(cut)
    assert info.value.code == ImportError_.TRUNCATED
    assert "Tổ chức thực hiện" in info.value.message


def test_appendix_cut_after_a_group_header_is_truncated():
    text = GIA_LAI_PATH.read_text(encoding="utf-8")
    cut = text[: text.index("B. CẢI CÁCH TỔ CHỨC") + len("B. CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC")]
    with pytest.raises(ProgramImportError) as info:
        parse_program(cut)
    assert info.value.code == ImportError_.TRUNCATED
    assert info.value.line == text[: text.index("B. CẢI CÁCH TỔ CHỨC")].count("\n") + 1


def test_the_seed_is_read_as_before():
    program = parse(SEED_PATH)
    assert [t.code for t in program.targets][:3] == ["a2-2025-1", "a2-2025-2", "a2-2025-3"]
    assert all(
        t.line == next(o.line for a in program.areas for o in a.objectives if t.spec in o.targets)
        for t in program.targets
    )
    assert [t.group for t in program.tasks] == [""] * 32


def test_a_program_whose_decision_number_cannot_be_found_names_what_and_where(seed_text):
    lines = seed_text.split("\n")
    heading_line = lines.index("CHƯƠNG TRÌNH") + 1
    text = "\n".join(
        "" if line.startswith(("Số: 4831", "(Ban hành kèm theo Quyết định số 4831")) else line for line in lines
    )
    with pytest.raises(ProgramImportError) as info:
        parse_program(text)
    # It is a program (its title says so); what cannot be read is its decision's number.
    assert info.value.code == ImportError_.GARBLED
    assert "số, ký hiệu" in info.value.message
    assert info.value.line == heading_line
    assert f"dòng {heading_line}" in info.value.message


@pytest.mark.parametrize(
    ("heading_2025", "heading_2030"),
    [
        ("* Đến năm 2025, phấn đấu:", "* Đến năm 2030, phấn đấu:"),
        ("• Giai đoạn 2021 - 2025:", "• Giai đoạn 2026 - 2030:"),
        ("(1) Đến năm 2025:", "(2) Đến năm 2030:"),
        ("– Mục tiêu đến hết năm 2025, cụ thể như sau:", "– Mục tiêu đến hết năm 2030, cụ thể như sau:"),
    ],
)
def test_the_seed_with_other_milestone_headings_gives_the_same_years(seed_text, heading_2025, heading_2030):
    """On the parser before this change the targets under these headings took the period's end
    (2030) whatever block they stood in."""
    expected = [(t.code, t.spec.milestone_year, t.spec.value, t.line) for t in parse_program(seed_text).targets]
    text = seed_text.replace("- Đến năm 2025:", heading_2025).replace("- Đến năm 2030:", heading_2030)
    program = parse_program(text)
    assert [(t.code, t.spec.milestone_year, t.spec.value, t.line) for t in program.targets] == expected
    assert [(f.line, f.text) for f in program.unplaced] == [(1, "Hệ thống pháp luật")]

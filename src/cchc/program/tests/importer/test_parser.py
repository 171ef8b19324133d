"""Structure of QĐ 4831 and of a differently worded second-province program; refusals."""

import pytest

from cchc.program.constants import ImportError_
from cchc.program.importer.errors import ProgramImportError
from cchc.program.importer.parser import parse_program


@pytest.fixture
def seed(seed_text):
    return parse_program(seed_text)


def test_decision_header(seed):
    assert (seed.number, seed.issued_on.isoformat(), seed.issuer_name, seed.place) == (
        "4831/QĐ-UBND",
        "2021-12-24",
        "Ủy ban nhân dân tỉnh Khánh Hòa",
        "Khánh Hòa",
    )
    assert seed.title == "Chương trình cải cách hành chính tỉnh Khánh Hòa giai đoạn 2021-2030"
    assert seed.decision_title == "Ban hành Chương trình cải cách hành chính tỉnh Khánh Hòa giai đoạn 2021-2030"
    assert (seed.period_start, seed.period_end) == (2021, 2030)
    assert (seed.signing_authority, seed.signer_title, seed.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Tấn Tuân",
    )
    assert len(seed.legal_bases) == 4
    assert seed.legal_bases[1].startswith("Căn cứ Nghị quyết số 76/NQ-CP")
    assert [a[:7] for a in seed.decision_articles] == ["Điều 1.", "Điều 2.", "Điều 3."]


def test_parts(seed):
    assert seed.general_objective.startswith("Tiếp tục xây dựng bộ máy hành chính")
    assert seed.focus.startswith("Cải cách hành chính tỉnh Khánh Hòa giai đoạn 2021-2030 tập trung vào 6 nội dung")
    assert seed.tasks_intro.startswith("7. Nhiệm vụ, phân công cụ thể")
    assert [s.order for s in seed.solutions] == [1, 2, 3, 4, 5, 6, 7]
    assert seed.solutions[0].text.count("\n") == 2  # heading sentence + its two paragraphs
    assert len(seed.funding) == 5
    assert seed.closing.startswith("Ủy ban nhân dân tỉnh Khánh Hòa đề nghị")


def test_six_reform_areas_with_objectives_and_tasks(seed):
    assert [(a.number, a.name, len(a.tasks)) for a in seed.areas] == [
        (1, "Cải cách thể chế", 5),
        (2, "Cải cách thủ tục hành chính", 5),
        (3, "Cải cách tổ chức bộ máy hành chính nhà nước", 6),
        (4, "Cải cách chế độ công vụ", 10),
        (5, "Cải cách tài chính công", 3),
        (6, "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", 6),
    ]
    area5 = seed.areas[4]
    assert [(o.milestone_year, bool(o.targets)) for o in area5.objectives] == [(None, False), (2030, True)]
    assert seed.areas[1].objective.startswith("Cải cách quyết liệt")


def test_sixteen_duty_groups_with_vietnamese_letters(seed):
    letters = {g.number: "".join(d.letter or "_" for d in g.duties) for g in seed.duty_groups}
    assert letters == {
        1: "abcdđ",
        2: "abcdđeghikl",
        3: "abc",
        4: "ab",
        5: "ab",
        6: "abc",
        7: "_",
        8: "abcd",
        9: "ab",
        10: "ab",
        11: "ab",
        12: "_",
        13: "ab",
        14: "abc",
        15: "_",
        16: "_",
    }
    assert len(seed.duty_groups[1].duties) == 11
    group15 = seed.duty_groups[14]
    assert group15.duties[0].text.count("\n") == 1  # two paragraphs kept as one unlettered duty


def test_32_tasks_with_all_columns(seed):
    assert [t.number for t in seed.tasks] == list(range(1, 33))
    for task in seed.tasks:
        assert task.title
        assert task.outputs
        assert task.lead_text
        assert task.coordinate_text, task.number
        assert task.timeline.text or task.number == 21
    assert seed.tasks[20].timeline.kind == "unspecified"
    assert seed.tasks[20].outputs.count("\n") == 1  # two bullets in one cell
    assert [c["kind"] for c in seed.appendix_columns] == [
        "number",
        "title",
        "outputs",
        "lead",
        "coordinate",
        "timeline",
    ]


@pytest.mark.parametrize(
    ("number", "kind", "start", "end", "open_ended", "depends_on"),
    [
        (1, "central_schedule", None, None, False, "Trung ương"),
        (2, "ongoing_from", 2021, None, True, ""),
        (3, "range", 2021, 2030, False, ""),
        (9, "range", 2021, 2025, False, ""),
        (14, "central_schedule", None, None, False, "Trung ương"),
        (21, "unspecified", None, None, False, ""),
        (22, "roadmap", None, None, False, ""),
        (27, "phased", 2022, 2030, False, ""),
        (30, "central_schedule", None, None, False, "Bộ Nội vụ"),
        (32, "ongoing_from", 2022, None, True, ""),
    ],
)
def test_task_timelines(seed, number, kind, start, end, open_ended, depends_on):
    timeline = seed.tasks[number - 1].timeline
    assert (timeline.kind, timeline.start_year, timeline.end_year, timeline.open_ended, timeline.depends_on) == (
        kind,
        start,
        end,
        open_ended,
        depends_on,
    )


def test_only_the_site_banner_is_unplaced(seed):
    assert [(f.line, f.text) for f in seed.unplaced] == [(1, "Hệ thống pháp luật")]
    assert [f for f in seed.findings if f.kind != "unplaced"] == []


def test_second_province_program_with_other_wording(phu_yen_text):
    program = parse_program(phu_yen_text)
    assert (program.number, program.issuer_name, program.issued_on.isoformat()) == (
        "2150/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Phú Yên",
        "2022-03-15",
    )
    assert (program.signing_authority, program.signer_title) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert [a.number for a in program.areas] == [1, 2, 3, 4, 5]
    assert [(t.code, t.spec.comparator, int(t.spec.value), t.spec.gov_level) for t in program.targets] == [
        ("a2-2025-1", "gte", 95, ""),
        ("a2-2025-2", "reduce_by", 20, ""),
        ("a2-2025-3", "lte", 2, ""),
        ("a3-2025-1", "gte", 85, ""),
        ("a5-2025-1", "eq", 95, "province"),
        ("a5-2025-2", "eq", 80, "commune"),
    ]
    assert program.targets[1].spec.baseline_year_start == 2020
    assert [c["kind"] for c in program.appendix_columns] == ["number", "title", "timeline", "lead", "coordinate"]
    assert len(program.tasks) == 7
    assert [t.timeline.kind for t in program.tasks] == [
        "range",
        "range",
        "central_schedule",
        "range",
        "range",
        "ongoing_from",
        "phased",
    ]
    assert program.tasks[0].timeline.recurring
    assert program.tasks[4].coordinates == []  # empty cell
    assert [m.name for m in program.tasks[2].coordinates] == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    assert [(g.number, "".join(d.letter or "_" for d in g.duties)) for g in program.duty_groups] == [
        (1, "ab"),
        (2, "_"),
        (3, "abc"),
    ]
    assert program.unplaced == []


def cut_after_line(text: str, line: int) -> str:
    return "\n".join(text.split("\n")[:line])


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (30, ImportError_.TRUNCATED),  # inside the decision: the program is missing
        (60, ImportError_.TRUNCATED),  # in the preamble
        (150, ImportError_.TRUNCATED),  # in section II
        (300, ImportError_.TRUNCATED),  # section V started, the announced appendix is missing
        (428, ImportError_.TRUNCATED),  # appendix heading only
        (440, ImportError_.TRUNCATED),  # in the column titles
        (630, ImportError_.TRUNCATED),  # task 16 has only its title
        (778, ImportError_.TRUNCATED),  # task 27 without its timeline
    ],
)
def test_truncated_seed_is_refused(seed_text, line, code):
    with pytest.raises(ProgramImportError) as info:
        parse_program(cut_after_line(seed_text, line))
    assert info.value.code == code
    assert info.value.message


def test_cut_inside_the_last_timeline_is_refused(seed_text):
    with pytest.raises(ProgramImportError) as info:
        parse_program(seed_text[: seed_text.rindex("các năm tiếp theo")])
    assert info.value.code == ImportError_.TRUNCATED


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", ImportError_.NOT_A_PROGRAM),
        ("Lorem ipsum dolor sit amet.\n\nconsectetur adipiscing elit\n", ImportError_.NOT_A_PROGRAM),
        (
            "ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA\n\nSố: 12/QĐ-UBND\n\nKhánh Hòa, ngày 5 tháng 1 năm 2022\n\nQUYẾT ĐỊNH\n\n"
            "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH\n\nĐiều 1. Công bố kèm theo Quyết định này danh mục.\n",
            ImportError_.NOT_A_PROGRAM,
        ),
    ],
)
def test_documents_that_are_not_programs(text, code):
    with pytest.raises(ProgramImportError) as info:
        parse_program(text)
    assert info.value.code == code


def test_a_middle_row_with_a_missing_cell_is_garbled(seed_text):
    lines = seed_text.split("\n")
    del lines[465]  # task 2's timeline cell (line 466)
    with pytest.raises(ProgramImportError) as info:
        parse_program("\n".join(lines))
    assert info.value.code == ImportError_.GARBLED
    assert info.value.line == 456


@pytest.mark.parametrize(
    "ending",
    [
        "- Giai đoạn 2024-2030: Duy",  # task 27 cut inside its second timeline bullet
        "Thực hiện theo lộ trình đư",  # task 22 cut inside its timeline
        "Theo tiến độ Trung ương\n\n1",  # cut inside the number of task 15
    ],
)
def test_cut_inside_the_last_row_is_refused(seed_text, ending):
    head = ending.split("\n")[0]
    text = seed_text[: seed_text.index(head) + len(head)] + ending[len(head) :]
    with pytest.raises(ProgramImportError) as info:
        parse_program(text)
    assert info.value.code == ImportError_.TRUNCATED


def test_a_part_missing_before_a_later_one_is_garbled(seed_text):
    start = seed_text.index("II. Nội dung, mục tiêu")
    end = seed_text.index("III. Giải pháp")
    with pytest.raises(ProgramImportError) as info:
        parse_program(seed_text[:start] + seed_text[end:])
    assert info.value.code == ImportError_.GARBLED

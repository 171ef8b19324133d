"""Paragraphs keep their source line numbers; a non-breaking-space line is an empty cell."""

from cchc.program.importer.lines import split_paragraphs


def test_paragraphs_keep_first_line_and_join_multi_line_blocks():
    text = "ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA\n\n-------\n\nSố: 1/QĐ-UBND\n"
    paragraphs = split_paragraphs(text)
    assert [(p.line, p.lines) for p in paragraphs] == [
        (1, ("ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA")),
        (4, ("-------",)),
        (6, ("Số: 1/QĐ-UBND",)),
    ]
    assert paragraphs[1].is_decoration
    assert paragraphs[0].text == "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"


def test_nbsp_line_is_an_empty_cell_not_a_separator():
    paragraphs = split_paragraphs("Các cơ quan\n\n\xa0\n\n22\n")
    assert [(p.line, p.is_blank_cell) for p in paragraphs] == [(1, False), (3, True), (5, False)]


def test_seed_line_702_is_task_21_empty_timeline_cell(seed_text):
    by_line = {p.line: p for p in split_paragraphs(seed_text)}
    assert by_line[702].is_blank_cell
    assert by_line[421].text.startswith("Tiếp tục phối hợp")  # leading NBSP cleaned

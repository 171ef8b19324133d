"""Agency cells split into names, qualifiers and per-agency notes."""

from cchc.program.importer.agencies import split_agency_cell, split_duty_heading


def names(cell, known=None):
    return [(m.name, m.qualifier, m.note) for m in split_agency_cell(list(enumerate(cell, 1)), known=known)]


def test_distributive_form_gives_three_departments_with_the_qualifier():
    cell = [
        "- Các Sở: Thông tin và Truyền thông; Nội vụ, Kế hoạch và Đầu tư (theo nội dung);",
        "- Sở, ban ngành liên quan; UBND cấp huyện.",
    ]
    assert names(cell) == [
        ("Sở Thông tin và Truyền thông", "theo nội dung", ""),
        ("Sở Nội vụ", "theo nội dung", ""),
        ("Sở Kế hoạch và Đầu tư", "theo nội dung", ""),
        ("Sở, ban ngành", "liên quan", ""),
        ("UBND cấp huyện", "", ""),
    ]


def test_distributive_form_uses_the_registry_when_given():
    registry = {"Sở Nội vụ", "Sở Kế hoạch và Đầu tư", "Sở Thông tin và Truyền thông"}
    cell = ["Các Sở: Nội vụ và Kế hoạch và Đầu tư"]
    assert [n for n, _, _ in names(cell, known=registry.__contains__)] == ["Sở Nội vụ", "Sở Kế hoạch và Đầu tư"]


def test_names_with_commas_and_va_stay_whole():
    assert names(["Các sở, ngành liên quan; UBND các huyện, thị xã, thành phố; VCCI Khánh Hòa"]) == [
        ("Các sở, ngành", "liên quan", ""),
        ("UBND các huyện, thị xã, thành phố", "", ""),
        ("VCCI Khánh Hòa", "", ""),
    ]


def test_trailing_parenthesis_applies_to_the_whole_list():
    cell = ["Sở Tư pháp, Công an tỉnh, Bảo hiểm xã hội tỉnh, Cục Thuế tỉnh (theo phân công)"]
    assert names(cell) == [
        ("Sở Tư pháp", "theo phân công", ""),
        ("Công an tỉnh", "theo phân công", ""),
        ("Bảo hiểm xã hội tỉnh", "theo phân công", ""),
        ("Cục Thuế tỉnh", "theo phân công", ""),
    ]


def test_per_agency_roles_in_bullets():
    cell = [
        "- Sở Nội vụ: Chủ trì phụ trách, theo dõi Chỉ số PAR Index và Chỉ số PAPI; chủ trì tổng hợp (gồm 05 chỉ số);",
        "- Sở Kế hoạch và Đầu tư: Chỉ số PCI;",
        "- Sở Tài chính thẩm định phương án.",
    ]
    assert names(cell) == [
        (
            "Sở Nội vụ",
            "",
            "Chủ trì phụ trách, theo dõi Chỉ số PAR Index và Chỉ số PAPI; chủ trì tổng hợp (gồm 05 chỉ số)",
        ),
        ("Sở Kế hoạch và Đầu tư", "", "Chỉ số PCI"),
        ("Sở Tài chính", "", "thẩm định phương án"),
    ]


def test_elided_level_repeats_the_head():
    assert [n for n, _, _ in names(["Văn phòng UBND tỉnh, các sở, ngành, đơn vị, UBND cấp huyện, cấp xã"])] == [
        "Văn phòng UBND tỉnh",
        "các sở, ngành, đơn vị",
        "UBND cấp huyện",
        "UBND cấp xã",
    ]


def test_duty_heading_drops_the_verb_and_keeps_collectives():
    heading = (
        "Các sở, ban, ngành thuộc tỉnh, Ủy ban nhân dân các huyện, thị xã, thành phố, "
        "các cơ quan ngành dọc cấp tỉnh có trách nhiệm:"
    )
    assert [m.name for m in split_duty_heading(heading, 299)] == [
        "Các sở, ban, ngành thuộc tỉnh",
        "Ủy ban nhân dân các huyện, thị xã, thành phố",
        "các cơ quan ngành dọc cấp tỉnh",
    ]
    assert [m.name for m in split_duty_heading("Sở Văn hóa và Thể thao, Sở Du lịch", 395)] == [
        "Sở Văn hóa và Thể thao",
        "Sở Du lịch",
    ]

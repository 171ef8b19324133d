import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.org.constants import Level
from cchc.org.models import AdministrativeUnit, Agency, AgencyGroup
from cchc.org.selectors import (
    AgencyNameIndex,
    agency_group_contains,
    agency_group_members,
    agency_group_successor_members,
    agency_groups_containing,
    agency_list_for_public,
    agency_list_needing_review,
    agency_resolve,
    agency_successions_on,
    agency_successors_map,
    agency_successors_on,
    duty_bearers_on,
    unit_successions_on,
    unit_successors_on,
)
from cchc.org.services import DATA_DIR
from cchc.org.tests.conftest import AFTER_REFORM, MERGER_DAY, PROGRAM_DAY


def _old(code):
    return Agency.objects.get(code=code, valid_from__isnull=True)


def _new(code):
    return Agency.objects.get(code=code, valid_from=MERGER_DAY)


def _group(code):
    return AgencyGroup.objects.get(code=code)


def _new_communes_formed_from_district(district_name):
    data = json.loads((DATA_DIR / "khanh-hoa-communes-2025-07-01.json").read_text(encoding="utf-8"))
    return {u["code"] for u in data["units"] if any(s["old_district"] == district_name for s in u["formed_from"])}


def _new_communes_formed_from_province(district_names):
    return set().union(*(_new_communes_formed_from_district(name) for name in district_names))


# --- agency_resolve --------------------------------------------------------------------------

RESOLVE_2021 = [
    ("Sở Nội vụ", "so-noi-vu"),
    ("sở nội vụ", "so-noi-vu"),
    ("SO NOI VU", "so-noi-vu"),
    ("Nội vụ", "so-noi-vu"),
    ("Sở Nội vụ tỉnh Khánh Hòa", "so-noi-vu"),
    ("Thông tin và Truyền thông", "so-thong-tin-va-truyen-thong"),
    ("Kế hoạch và Đầu tư (theo nội dung)", "so-ke-hoach-va-dau-tu"),
    ("Sở Lao động - Thương binh và Xã hội", "so-lao-dong-thuong-binh-va-xa-hoi"),
    ("Sở LĐ-TB&XH", "so-lao-dong-thuong-binh-va-xa-hoi"),
    ("Sở Giao thông vận tải", "so-giao-thong-van-tai"),
    ("Sở Du lịch", "so-du-lich"),
    ("Sở Văn hóa và Thể thao", "so-van-hoa-va-the-thao"),
    ("UBND tỉnh", "ubnd-56"),
    ("Ủy ban nhân dân tỉnh", "ubnd-56"),
    ("Uỷ ban nhân dân tỉnh Khánh Hoà", "ubnd-56"),
    ("Văn phòng UBND tỉnh", "van-phong-ubnd"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "van-phong-ubnd"),
    ("Bảo hiểm xã hội tỉnh", "bao-hiem-xa-hoi-tinh"),
    ("BHXH tỉnh Khánh Hòa", "bao-hiem-xa-hoi-tinh"),
    ("Cục Thuế tỉnh", "cuc-thue-tinh"),
    ("Cục Thuế tỉnh Khánh Hòa", "cuc-thue-tinh"),
    ("Công an tỉnh", "cong-an-tinh"),
    ("VCCI Khánh Hòa", "vcci-khanh-hoa"),
    ("Ban Quản lý Khu kinh tế Vân Phong", "ban-quan-ly-khu-kinh-te-van-phong"),
    ("Đài Phát thanh và Truyền hình Khánh Hòa", "dai-phat-thanh-va-truyen-hinh"),
    ("Báo Khánh Hòa", "bao-khanh-hoa"),
    ("Trung tâm Dịch vụ hành chính công trực tuyến tỉnh Khánh Hòa", "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "uy-ban-mttq-tinh"),
    ("UBND huyện Cam Lâm", "ubnd-570"),
    ("Ủy ban nhân dân thành phố Nha Trang", "ubnd-568"),
    ("UBND TP Nha Trang", "ubnd-568"),
    ("UBND tỉnh Ninh Thuận", "ubnd-58"),
]


def _mismatches(table, on):
    """Resolve a whole table against one loaded registry; return what did not come out as expected."""
    wrong = {}
    for name, expected in table:
        found = agency_resolve(name, on=on)
        got = (type(found).__name__, found.code, found.valid_from) if found is not None else None
        if got != expected:
            wrong[name] = got
    return wrong


def test_resolve_names_as_written_in_the_2021_program(registry):
    table = [(name, ("Agency", code, None)) for name, code in RESOLVE_2021]

    assert _mismatches(table, PROGRAM_DAY) == {}


RESOLVE_2026 = [
    ("Sở Nội vụ", "so-noi-vu"),
    ("UBND tỉnh", "ubnd-56"),
    ("Sở Văn hóa, Thể thao và Du lịch", "so-van-hoa-the-thao-va-du-lich"),
    ("Sở Nông nghiệp và Môi trường", "so-nong-nghiep-va-moi-truong"),
    ("Nông nghiệp và Môi trường", "so-nong-nghiep-va-moi-truong"),
    ("UBND xã Nam Cam Ranh", "ubnd-22480"),
    ("Ủy ban nhân dân đặc khu Trường Sa", "ubnd-22736"),
    ("Văn phòng UBND tỉnh Khánh Hòa", "van-phong-ubnd"),
]


def test_resolve_picks_the_record_valid_on_the_date(registry):
    table = [(name, ("Agency", code, MERGER_DAY)) for name, code in RESOLVE_2026]

    assert _mismatches(table, AFTER_REFORM) == {}


RESOLVE_GROUPS = [
    ("Các sở, ban, ngành thuộc tỉnh", "so-ban-nganh"),
    ("các sở, ban, ngành (thuộc tỉnh)", "so-ban-nganh"),
    ("Các sở, ngành", "so-ban-nganh"),
    ("Các sở, ngành liên quan", "so-ban-nganh"),
    ("Sở, ban ngành liên quan", "so-ban-nganh"),
    ("UBND các huyện, thị xã, thành phố", "ubnd-cap-huyen"),
    ("Ủy ban nhân dân cấp huyện", "ubnd-cap-huyen"),
    ("UBND cấp huyện.", "ubnd-cap-huyen"),
    ("UBND cấp xã", "ubnd-cap-xa"),
    ("UBND các xã, phường, thị trấn", "ubnd-cap-xa"),
    ("Các cơ quan ngành dọc cấp tỉnh", "nganh-doc-cap-tinh"),
    ("địa phương", "dia-phuong"),
    ("các địa phương", "dia-phuong"),
    ("Các sở, ngành, địa phương", "so-nganh-dia-phuong"),
    ("Các sở, ngành, địa phương liên quan", "so-nganh-dia-phuong"),
    ("Các cơ quan, đơn vị liên quan", "co-quan-don-vi-lien-quan"),
    ("Các cơ quan, đơn vị có liên quan", "co-quan-don-vi-lien-quan"),
    ("Các cơ quan liên quan (theo phân công nhiệm vụ)", "co-quan-don-vi-lien-quan"),
    ("cơ quan quản lý các đơn vị sự nghiệp công lập", "co-quan-quan-ly-don-vi-su-nghiep"),
    ("các cấp ủy Đảng", "to-chuc-chinh-tri-xa-hoi"),
    ("các tổ chức chính trị - xã hội", "to-chuc-chinh-tri-xa-hoi"),
    ("các cơ quan thông tin đại chúng", "co-quan-thong-tin-dai-chung"),
    ("các tổ chức xã hội", "to-chuc-xa-hoi"),
    ("các tổ chức xã hội trên địa bàn tỉnh", "to-chuc-xa-hoi"),
]


def test_resolve_collective_references_to_groups(registry):
    table = [(name, ("AgencyGroup", code, None)) for name, code in RESOLVE_GROUPS]
    wrong = {}
    for name, (_, code, _) in table:
        found = agency_resolve(name, on=PROGRAM_DAY)
        if not (isinstance(found, AgencyGroup) and found.code == code):
            wrong[name] = found

    assert wrong == {}


def test_giao_thong_van_tai_never_resolves_to_xay_dung(registry):
    # the two departments merged only on 1/3/2025; on 2021 dates each name is its own department
    gtvt = agency_resolve("Sở Giao thông vận tải", on=PROGRAM_DAY)
    xay_dung = agency_resolve("Sở Xây dựng", on=PROGRAM_DAY)

    assert gtvt.name == "Sở Giao thông vận tải"
    assert gtvt != xay_dung
    # after the merger the old name no longer names a living department
    assert agency_resolve("Sở Giao thông vận tải", on=AFTER_REFORM) is None


def test_unknown_names_resolve_to_none(registry):
    names = ["Trung tâm Điều hành thông minh", "Sở Quy hoạch - Kiến trúc", "Giao thông", "", "Sở", "Bộ Nội vụ", "UBND"]

    assert {name: agency_resolve(name, on=PROGRAM_DAY) for name in names} == dict.fromkeys(names)


@pytest.mark.parametrize("day", [PROGRAM_DAY, date(2025, 4, 1), AFTER_REFORM])
def test_every_agency_resolves_by_its_own_name_and_short_name(registry, day):
    index = AgencyNameIndex.build(on=day)
    wrong = {}
    for agency in Agency.objects.valid_on(day):
        for name in filter(None, [agency.name, agency.short_name, *agency.aliases]):
            found = index.resolve(name)
            if found != agency:
                wrong[f"{agency.code} / {name}"] = found

    assert wrong == {}


@given(text=st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_resolve_returns_nothing_or_a_valid_record_for_any_text(text):
    # a fixed in-memory index: one department of 2021, one of 2026 is not in it
    noi_vu = Agency(pk=1, code="so-noi-vu", name="Sở Nội vụ", short_name="", aliases=[])
    group = AgencyGroup(pk=7, code="so-ban-nganh", name="Các sở, ban, ngành", aliases=["các sở, ngành"])
    index = AgencyNameIndex([noi_vu], [group])

    assert index.resolve(text) in (None, noi_vu, group)
    assert index.resolve(f"  {text.upper()}  ") == index.resolve(text.upper())


def test_names_that_differ_only_by_diacritics_need_them(registry):
    # Xã Thành Hải (Phan Rang-Tháp Chàm) and Xã Thanh Hải (Ninh Hải) were both communes in 2021
    assert agency_resolve("UBND xã Thành Hải", on=PROGRAM_DAY).code == "ubnd-22774"
    assert agency_resolve("UBND xã Thanh Hải", on=PROGRAM_DAY).code == "ubnd-22868"
    assert agency_resolve("UBND xa Thanh Hai", on=PROGRAM_DAY) is None


def test_a_name_shared_by_two_agencies_does_not_resolve():
    # given two agencies valid on the same day with the same alias (e.g. two "Xã Ninh Phước")
    first = Agency(pk=1, code="a", name="Ủy ban nhân dân xã Phước Hà", aliases=["UBND xã Phước Hà"])
    second = Agency(pk=2, code="b", name="Ủy ban nhân dân xã Phước Hà", aliases=[])
    index = AgencyNameIndex([first, second], [])

    # then the name is ambiguous
    assert index.resolve("UBND xã Phước Hà") is None


def test_name_index_resolves_many_names_with_two_queries(registry, django_assert_num_queries):
    with django_assert_num_queries(2):
        index = AgencyNameIndex.build(on=PROGRAM_DAY)
        resolved = [index.resolve(name) for name, _ in RESOLVE_2021]

    assert [a.code for a in resolved] == [code for _, code in RESOLVE_2021]


# --- succession ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_code", "new_code"),
    [
        ("so-ke-hoach-va-dau-tu", "so-tai-chinh"),
        ("so-thong-tin-va-truyen-thong", "so-khoa-hoc-va-cong-nghe"),
        ("so-giao-thong-van-tai", "so-xay-dung"),
        ("so-lao-dong-thuong-binh-va-xa-hoi", "so-noi-vu"),
        ("so-tai-nguyen-va-moi-truong", "so-nong-nghiep-va-moi-truong"),
        ("so-du-lich", "so-van-hoa-the-thao-va-du-lich"),
        ("so-noi-vu", "so-noi-vu"),
        ("van-phong-ubnd", "van-phong-ubnd"),
        ("ubnd-56", "ubnd-56"),
        ("ubnd-58", "ubnd-56"),
    ],
)
def test_main_successor_on_2026_is_the_merged_province_department(registry, old_code, new_code):
    successors = agency_successors_on(_old(old_code), AFTER_REFORM)

    assert successors[0] == _new(new_code)


def test_ke_hoach_va_dau_tu_between_the_two_reforms_is_the_old_tai_chinh(registry):
    successors = agency_successors_on(_old("so-ke-hoach-va-dau-tu"), date(2025, 4, 1))

    assert successors == [_old("so-tai-chinh")]


def test_lao_dong_thuong_binh_xa_hoi_goes_to_noi_vu_and_its_functions_are_split(registry):
    successions = agency_successions_on(_old("so-lao-dong-thuong-binh-va-xa-hoi"), AFTER_REFORM)

    main, *partial = successions
    assert (main.agency, main.partial) == (_new("so-noi-vu"), False)
    assert [len(main.path), main.path[0].effective_date] == [2, date(2025, 3, 1)]
    assert {(s.agency.code, s.functions) for s in partial} == {
        ("so-y-te", "bảo trợ xã hội; trẻ em; phòng, chống tệ nạn xã hội"),
        ("so-giao-duc-va-dao-tao", "giáo dục nghề nghiệp"),
        ("cong-an-tinh", "quản lý cai nghiện ma túy, sau cai nghiện"),
        ("so-nong-nghiep-va-moi-truong", "giảm nghèo"),
    }
    assert all(s.partial and s.agency.is_valid_on(AFTER_REFORM) for s in partial)


def test_thong_tin_truyen_thong_main_successor_comes_before_the_press_function(registry):
    successions = agency_successions_on(_old("so-thong-tin-va-truyen-thong"), AFTER_REFORM)

    assert [(s.agency.code, s.partial) for s in successions] == [
        ("so-khoa-hoc-va-cong-nghe", False),
        ("so-van-hoa-the-thao-va-du-lich", True),
    ]


def test_an_agency_still_in_office_carries_its_own_duties(registry):
    noi_vu = _old("so-noi-vu")

    assert agency_successors_on(noi_vu, PROGRAM_DAY) == [noi_vu]
    assert agency_successors_on(_old("cuc-thue-tinh"), AFTER_REFORM) == [_old("cuc-thue-tinh")]


def test_an_agency_that_did_not_exist_yet_has_no_bearer(registry):
    assert agency_successors_on(_new("so-tai-chinh"), PROGRAM_DAY) == []


def test_district_committee_hands_over_to_the_new_communes_on_its_territory(registry):
    # given UBND huyện Cam Lâm (2021), when asking who carries its duties on 1/1/2026
    successions = agency_successions_on(_old("ubnd-570"), AFTER_REFORM)

    # then: the UBND of every new commune formed wholly or partly from Cam Lâm's communes
    assert {s.agency.unit.code for s in successions} == _new_communes_formed_from_district("Huyện Cam Lâm")
    assert all(s.agency.level == Level.COMMUNE and s.agency.valid_from == MERGER_DAY for s in successions)
    assert all(s.partial for s in successions)
    assert {s.agency.name for s in successions} >= {"Ủy ban nhân dân xã Cam Lâm", "Ủy ban nhân dân xã Suối Dầu"}


def test_successors_map_answers_many_agencies_with_one_query(registry, django_assert_num_queries):
    agencies = [_old("so-ke-hoach-va-dau-tu"), _old("ubnd-570"), _old("so-noi-vu")]

    with django_assert_num_queries(1):
        result = agency_successors_map(agencies, AFTER_REFORM)

    assert result[agencies[0].pk] == [_new("so-tai-chinh")]
    assert result[agencies[2].pk] == [_new("so-noi-vu")]


def test_unit_successors_of_a_split_ward_and_an_abolished_district(registry):
    dong_hai = AdministrativeUnit.objects.get(code="22768", valid_from__isnull=True)
    cam_lam = AdministrativeUnit.objects.get(code="570")

    successions = unit_successions_on(dong_hai, AFTER_REFORM)
    assert {(s.unit.name, s.partial) for s in successions} == {("Xã Phước Dinh", True), ("Phường Đông Hải", True)}
    assert unit_successors_on(dong_hai, PROGRAM_DAY) == [dong_hai]
    assert unit_successors_on(cam_lam, AFTER_REFORM) == []


# --- groups ----------------------------------------------------------------------------------


def test_district_committees_of_2021_are_khanh_hoa_only(registry):
    members = agency_group_members(_group("ubnd-cap-huyen"), on=PROGRAM_DAY)

    assert members.count() == 9  # Ninh Thuận's 7 belong to another province then
    assert {a.unit.parent.code for a in members} == {"56"}
    assert not agency_group_members(_group("ubnd-cap-huyen"), on=AFTER_REFORM).exists()


def test_district_committees_of_2021_expand_in_2026_to_commune_committees_only(registry):
    members = agency_group_successor_members(_group("ubnd-cap-huyen"), as_of=PROGRAM_DAY, on=AFTER_REFORM)

    khanh_hoa_districts = AdministrativeUnit.objects.filter(parent__code="56", level=Level.DISTRICT)
    expected = _new_communes_formed_from_province(khanh_hoa_districts.values_list("name", flat=True))
    assert {a.level for a in members} == {Level.COMMUNE}
    assert {a.kind for a in members} == {"ubnd"}
    assert {a.unit.code for a in members} == expected
    assert len(members) == len(expected)  # de-duplicated
    assert all(a.is_valid_on(AFTER_REFORM) for a in members)


def test_departments_group_membership(registry):
    members = set(agency_group_members(_group("so-ban-nganh"), on=PROGRAM_DAY).values_list("code", flat=True))

    assert {"so-noi-vu", "van-phong-ubnd", "ban-quan-ly-khu-kinh-te-van-phong", "so-du-lich"} <= members
    assert not members & {"cong-an-tinh", "ubnd-56", "cuc-thue-tinh"}


def test_groups_containing_an_agency(registry):
    cong_an = _old("cong-an-tinh")

    codes = {g.code for g in agency_groups_containing(agency=cong_an)}

    assert {"nganh-doc-cap-tinh", "co-quan-don-vi-lien-quan"} <= codes
    assert "so-ban-nganh" not in codes
    assert not agency_group_contains(_group("ubnd-cap-huyen"), _old("ubnd-58"))


def test_duty_bearers_for_an_agency_and_for_a_group(registry):
    group = _group("so-ban-nganh")

    bearers = duty_bearers_on(group, as_of=PROGRAM_DAY, on=AFTER_REFORM)
    assert _new("so-tai-chinh") in bearers
    assert all(a.is_valid_on(AFTER_REFORM) for a in bearers)
    assert not any(a.code == "so-ke-hoach-va-dau-tu" for a in bearers)
    assert duty_bearers_on(_old("so-giao-thong-van-tai"), as_of=PROGRAM_DAY, on=AFTER_REFORM) == [_new("so-xay-dung")]


def test_group_expansion_takes_a_fixed_number_of_queries(registry, django_assert_num_queries):
    group = _group("ubnd-cap-xa")

    with django_assert_num_queries(2):
        members = agency_group_successor_members(group, as_of=PROGRAM_DAY, on=AFTER_REFORM)

    assert len(members) == len(
        _new_communes_formed_from_province(
            AdministrativeUnit.objects.filter(parent__code="56", level=Level.DISTRICT).values_list("name", flat=True)
        )
    )


# --- lists -----------------------------------------------------------------------------------


def test_public_list_searches_without_accents_on_a_date(registry):
    found = list(agency_list_for_public(on=AFTER_REFORM, query="noi vu"))

    assert found == [_new("so-noi-vu")]


def test_review_list_holds_the_unconfirmed_records(registry):
    codes = set(agency_list_needing_review().values_list("code", flat=True))

    assert {"cuc-thue-tinh", "bao-hiem-xa-hoi-tinh", "so-dan-toc-va-ton-giao"} <= codes
    assert "ubnd-570" not in codes

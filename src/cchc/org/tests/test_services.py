import json
import shutil
from collections import Counter
from datetime import date

import pytest

from cchc.org.constants import Confidence, Level, SuccessionKind, UnitKind
from cchc.org.models import AdministrativeUnit, Agency, AgencyGroup, AgencySuccession, UnitSuccession
from cchc.org.services import DATA_DIR, OrgDataError, org_load_khanh_hoa
from cchc.org.tests.conftest import AFTER_REFORM, MERGER_DAY, PROGRAM_DAY


def _old_province(code):
    return AdministrativeUnit.objects.get(code=code, valid_from__isnull=True, level=Level.PROVINCE)


def _communes_of(province):
    return AdministrativeUnit.objects.filter(level=Level.COMMUNE, parent__parent=province)


# --- units -----------------------------------------------------------------------------------


def test_old_khanh_hoa_has_9_district_level_units_and_132_communes(registry):
    # given the registry, when counting old Khánh Hòa (vn-data §4: 2 cities, 1 town, 6 districts)
    province = _old_province("56")
    districts = AdministrativeUnit.objects.filter(parent=province, level=Level.DISTRICT)

    # then
    assert districts.count() == 9
    assert Counter(districts.values_list("kind", flat=True)) == {
        UnitKind.CITY: 2,
        UnitKind.TOWN: 1,
        UnitKind.DISTRICT: 6,
    }
    assert _communes_of(province).count() == 132
    assert Counter(_communes_of(province).values_list("kind", flat=True)) == {
        UnitKind.COMMUNE: 96,
        UnitKind.WARD: 30,
        UnitKind.TOWNSHIP: 6,
    }


def test_old_ninh_thuan_has_7_district_level_units_and_62_communes(registry):
    province = _old_province("58")

    assert province.name == "Tỉnh Ninh Thuận"
    assert AdministrativeUnit.objects.filter(parent=province, level=Level.DISTRICT).count() == 7
    assert _communes_of(province).count() == 62


def test_new_province_has_48_communes_16_wards_and_1_special_zone(registry):
    # NQ 1667/NQ-UBTVQH15 clause 66: 48 xã, 16 phường, 1 đặc khu
    new_province = AdministrativeUnit.objects.get(code="56", valid_from=MERGER_DAY)
    communes = AdministrativeUnit.objects.filter(parent=new_province)

    assert communes.count() == 65
    assert Counter(communes.values_list("kind", flat=True)) == {
        UnitKind.COMMUNE: 48,
        UnitKind.WARD: 16,
        UnitKind.SPECIAL_ZONE: 1,
    }
    assert communes.get(kind=UnitKind.SPECIAL_ZONE).name == "Đặc khu Trường Sa"
    assert set(communes.values_list("valid_from", flat=True)) == {MERGER_DAY}
    assert "1667/NQ-UBTVQH15" in communes.first().legal_basis


@pytest.mark.parametrize(
    ("code", "old_name", "new_name"),
    [("56", "Tỉnh Khánh Hòa", "Tỉnh Khánh Hòa"), ("22480", "Xã Cam Thịnh Đông", "Xã Nam Cam Ranh")],
)
def test_reused_codes_are_two_units_with_distinct_validity(registry, code, old_name, new_name):
    units = AdministrativeUnit.objects.filter(code=code).order_by("valid_from")

    old, new = sorted(units, key=lambda u: u.valid_from or date.min)
    assert units.count() == 2
    assert (old.name, old.valid_from, old.valid_to) == (old_name, None, MERGER_DAY)
    assert (new.name, new.valid_from, new.valid_to) == (new_name, MERGER_DAY, None)
    assert list(AdministrativeUnit.objects.valid_on(PROGRAM_DAY).filter(code=code)) == [old]
    assert list(AdministrativeUnit.objects.valid_on(AFTER_REFORM).filter(code=code)) == [new]


def test_every_old_commune_of_both_provinces_has_a_successor(registry):
    old_communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to=MERGER_DAY)
    without = old_communes.exclude(successions_out__successor__isnull=False)

    assert old_communes.count() == 194
    assert registry.communes_without_successor == []
    assert list(without) == []


def test_a_commune_missing_from_the_new_list_is_reported(db, tmp_path):
    # given a copy of the data where the clause for Xã Nam Cam Ranh no longer lists Xã Cam Lập (22483)
    for path in DATA_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    communes_file = tmp_path / "khanh-hoa-communes-2025-07-01.json"
    data = json.loads(communes_file.read_text(encoding="utf-8"))
    data["units"][0]["formed_from"] = [s for s in data["units"][0]["formed_from"] if s["code"] != "22483"]
    communes_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    # when
    result = org_load_khanh_hoa(data_dir=tmp_path)

    # then
    assert result.communes_without_successor == ["22483 Xã Cam Lập"]


def test_phuong_dong_hai_is_split_in_part_between_two_new_units(registry):
    dong_hai = AdministrativeUnit.objects.get(code="22768", valid_from__isnull=True)
    edges = UnitSuccession.objects.filter(predecessor=dong_hai).select_related("successor")

    assert {(e.successor.name, e.successor.code) for e in edges} == {
        ("Xã Phước Dinh", "22888"),
        ("Phường Đông Hải", "22780"),
    }
    assert {(e.kind, e.partial, e.effective_date) for e in edges} == {(SuccessionKind.SPLIT, True, MERGER_DAY)}


def test_whole_communes_merge_into_one_new_unit(registry):
    cam_lap = AdministrativeUnit.objects.get(code="22483", valid_from__isnull=True)
    edge = UnitSuccession.objects.get(predecessor=cam_lap)

    assert (edge.successor.name, edge.kind, edge.partial) == ("Xã Nam Cam Ranh", SuccessionKind.MERGE, False)
    assert "1667/NQ-UBTVQH15" in edge.legal_basis


def test_provinces_merge_and_districts_are_abolished_on_1_7_2025(registry):
    new_province = AdministrativeUnit.objects.get(code="56", valid_from=MERGER_DAY)
    province_edges = UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE)
    district_edges = UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT)

    assert {(e.predecessor.code, e.successor_id, e.kind) for e in province_edges} == {
        ("56", new_province.pk, SuccessionKind.MERGE),
        ("58", new_province.pk, SuccessionKind.MERGE),
    }
    assert all("202/2025/QH15" in e.legal_basis for e in province_edges)
    assert district_edges.count() == 16
    assert {(e.successor_id, e.kind, e.effective_date) for e in district_edges} == {
        (None, SuccessionKind.ABOLISH, MERGER_DAY)
    }
    assert all("Luật Tổ chức chính quyền địa phương 2025" in e.legal_basis for e in district_edges)


# --- agencies --------------------------------------------------------------------------------


def test_a_peoples_committee_is_generated_for_every_district_and_commune(registry):
    committees = Agency.objects.filter(kind="ubnd")

    assert committees.filter(level=Level.DISTRICT).count() == 16
    assert committees.filter(level=Level.COMMUNE, valid_to=MERGER_DAY).count() == 194
    assert committees.filter(level=Level.COMMUNE, valid_from=MERGER_DAY).count() == 65
    cam_lam = committees.get(code="ubnd-570")
    assert (cam_lam.name, cam_lam.valid_to) == ("Ủy ban nhân dân huyện Cam Lâm", MERGER_DAY)
    assert cam_lam.unit.name == "Huyện Cam Lâm"
    assert cam_lam.parent.code == "ubnd-56"
    new_commune = committees.get(code="ubnd-22480", valid_from=MERGER_DAY)
    assert new_commune.name == "Ủy ban nhân dân xã Nam Cam Ranh"
    assert new_commune.parent == Agency.objects.get(code="ubnd-56", valid_from=MERGER_DAY)


def test_old_and_merged_province_agencies_are_distinct_records(registry):
    old = Agency.objects.get(code="so-noi-vu", valid_from__isnull=True)
    new = Agency.objects.get(code="so-noi-vu", valid_from=MERGER_DAY)

    assert old.valid_to == MERGER_DAY
    assert new.valid_to is None
    assert new.unit.valid_from == MERGER_DAY
    edge = AgencySuccession.objects.get(predecessor=old, successor=new)
    assert edge.kind == SuccessionKind.MERGE
    assert "202/2025/QH15" in edge.legal_basis


def test_unconfirmed_reorganisations_keep_the_agency_and_ask_for_review(registry):
    for code in ["cuc-thue-tinh", "bao-hiem-xa-hoi-tinh"]:
        agency = Agency.objects.get(code=code)
        assert agency.valid_to is None
        assert agency.confidence == Confidence.UNCONFIRMED
        assert "chưa xác nhận" in agency.review_note
        assert not agency.successions_out.exists()


def test_department_mergers_carry_their_legal_basis_and_confidence(registry):
    edge = AgencySuccession.objects.get(predecessor__code="so-ke-hoach-va-dau-tu")
    inferred = AgencySuccession.objects.get(predecessor__code="so-du-lich")

    assert (edge.successor.code, edge.effective_date) == ("so-tai-chinh", date(2025, 3, 1))
    assert "45/2025/NĐ-CP" in edge.legal_basis
    assert edge.confidence == Confidence.SECONDARY
    assert inferred.confidence == Confidence.UNCONFIRMED


def test_every_authored_record_states_its_source_and_confidence():
    data = json.loads((DATA_DIR / "agencies.json").read_text(encoding="utf-8"))

    for record in data["agencies"]:
        assert record["source"], record["code"]
        assert record["confidence"] in Confidence.values, record["code"]
    for record in data["successions"]:
        assert record["legal_basis"], record
        assert record["confidence"] in Confidence.values, record


def test_groups_are_loaded_from_data_with_their_aliases(registry):
    group = AgencyGroup.objects.get(code="ubnd-cap-huyen")

    assert "UBND cấp huyện" in group.aliases
    assert group.clauses == [{"kinds": ["ubnd"], "levels": ["district"]}]
    assert group.scope_unit_code == "56"


# --- idempotency and transaction -------------------------------------------------------------


def _history_rows():
    return sum(
        model.history.count() for model in (AdministrativeUnit, UnitSuccession, Agency, AgencySuccession, AgencyGroup)
    )


def test_second_load_changes_nothing(registry, django_assert_num_queries):
    # given a loaded registry
    history_before = _history_rows()

    # when loading again: one read per table (6, with the agencies' names) plus the savepoint and its
    # release, no writes
    with django_assert_num_queries(8):
        result = org_load_khanh_hoa()

    # then
    assert registry.changed
    assert not result.changed
    assert sum(result.unchanged.values()) == sum(registry.created.values())
    assert _history_rows() == history_before


def test_load_repairs_a_record_changed_by_hand(registry):
    Agency.objects.filter(code="so-tu-phap", valid_from__isnull=True).update(name="Sở Tư Pháp (sửa tay)")

    result = org_load_khanh_hoa()

    assert result.updated["agency"] == 1
    assert Agency.objects.get(code="so-tu-phap", valid_from__isnull=True).name == "Sở Tư pháp"


def test_bad_data_writes_nothing(db, tmp_path):
    # given agencies.json with a succession pointing to an unknown agency
    for path in DATA_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    agencies_file = tmp_path / "agencies.json"
    data = json.loads(agencies_file.read_text(encoding="utf-8"))
    data["successions"][0]["successor"] = "so-khong-ton-tai"
    agencies_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    # when / then: the whole load is rolled back
    with pytest.raises(OrgDataError, match="so-khong-ton-tai"):
        org_load_khanh_hoa(data_dir=tmp_path)
    assert AdministrativeUnit.objects.count() == 0
    assert Agency.objects.count() == 0

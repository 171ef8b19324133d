"""The province map's GeoJSON (issue 18 item 4): a schematic from the units' centres and areas, one valid
polygon per commune-level unit, none overlapping, far islands in an inset; real boundaries drop in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from cchc.org.constants import UnitsDataError
from cchc.org.geo import SCHEMATIC, province_map
from cchc.org.units_data import _vp_provinces, province_units


def _overlaps(geometries: list) -> list[tuple[int, int]]:
    tree = STRtree(geometries)
    found = []
    for i, geometry in enumerate(geometries):
        for j in tree.query(geometry):
            if j > i and geometry.intersection(geometries[j]).area > 1e-9:
                found.append((i, int(j)))
    return found


def test_khanh_hoa_has_one_valid_polygon_per_unit_none_overlapping_and_truong_sa_in_an_inset():
    # when
    found = province_map("56")

    # then: the 65 units since 1/7/2025, each drawn once, by its published code
    units = province_units("56").units
    features = found.features()
    assert len(features) == len(found.regions) == 65
    assert {f["properties"]["name"] for f in features} == set(units)
    assert found.missing == ()
    geometries = [shape(f["geometry"]) for f in features]
    assert all(g.geom_type == "Polygon" and g.is_valid and not g.is_empty for g in geometries)
    assert _overlaps(geometries) == []
    # each mainland unit's shape holds its centre; Trường Sa (8.6–11.5°N, 111.5–117.8°E) sits in a corner
    for feature, geometry in zip(features, geometries, strict=True):
        unit = units[feature["properties"]["name"]]
        assert feature["properties"]["ten"] == unit.name
        if unit.name != "Đặc khu Trường Sa":
            assert geometry.buffer(1e-4).contains(Point(unit.longitude, unit.latitude)), unit.name
    (inset,) = found.insets
    assert inset.names == ("Đặc khu Trường Sa",)
    assert inset.distance_km > 400
    truong_sa = next(g for f, g in zip(features, geometries, strict=True) if f["properties"]["ten"] == inset.names[0])
    assert truong_sa.bounds[2] < 110  # drawn beside the mainland (about 108–109.5°E), not at 114°E
    assert found.schematic
    assert "không phải ranh giới pháp lý" in found.caption
    assert "Đặc khu Trường Sa (cách đất liền khoảng" in found.caption
    assert "không đúng vị trí thật" in found.caption
    # computed once per process
    assert province_map("56") is found


@pytest.mark.parametrize("code", sorted(_vp_provinces()))
def test_every_province_gets_a_valid_non_overlapping_polygon_for_every_unit(code):
    found = province_map(code)

    features = found.features()
    assert {f["properties"]["name"] for f in features} == set(province_units(code).units)
    geometries = [shape(f["geometry"]) for f in features]
    assert all(g.is_valid and not g.is_empty for g in geometries)
    assert _overlaps(geometries) == []
    assert 0.5 < found.aspect < 1


def test_an_unknown_province_is_refused():
    with pytest.raises(UnitsDataError) as caught:
        province_map("99")

    assert caught.value.code == "units.unknown_province"


def test_real_boundaries_dropped_in_are_used_and_the_units_without_one_listed(tmp_path: Path):
    # given: a file with two of Khánh Hòa's units, one by its draft code (22411 = Phường Bắc Cam Ranh, 22408)
    square = {"type": "Polygon", "coordinates": [[[109.1, 12.2], [109.2, 12.2], [109.2, 12.3], [109.1, 12.2]]]}
    features = [
        {"type": "Feature", "properties": {"code": "22411"}, "geometry": square},
        {"type": "Feature", "properties": {"ma": "22489"}, "geometry": square},
        {"type": "Feature", "properties": {"code": "00001"}, "geometry": square},  # not a unit of the province
    ]
    (tmp_path / "56.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    # when
    found = province_map("56", boundaries_dir=tmp_path)

    # then
    assert found.source == str(tmp_path / "56.geojson") != SCHEMATIC
    assert [r.code for r in found.regions] == sorted(["22408", "22489"], key=list(province_units("56").units).index)
    assert len(found.missing) == 63
    assert found.insets == ()
    assert "Bản đồ ranh giới" in found.caption
    assert "Không vẽ được:" in found.caption


def test_a_broken_boundaries_file_falls_back_to_the_schematic_and_says_so(tmp_path: Path):
    (tmp_path / "56.geojson").write_text("{không phải GeoJSON", encoding="utf-8")

    found = province_map("56", boundaries_dir=tmp_path)

    assert found.schematic
    assert len(found.regions) == 65
    assert found.caption.endswith(
        "Tệp ranh giới 56.geojson không đọc được (JSONDecodeError); đang dùng sơ đồ minh họa."
    )

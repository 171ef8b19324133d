"""A map of a province's communes that works offline: a schematic built from the units' centres.

Neither data package ships boundaries (``vietnam-provinces``, ``vietnamadminunits``: a centre and an
area per commune-level unit since 1/7/2025), and the platform downloads nothing at run time. So the map
is **a schematic, not the legal boundaries** (these are set by the Standing Committee's resolutions
arranging each province's communes, for Khánh Hòa Nghị quyết 1667/NQ-UBTVQH15, with their maps):

1. every unit's centre is projected to kilometres (equirectangular around the province's middle);
2. the province's outline is approximated by the union of one disk per unit whose area is 1.5 times
   the unit's area (``wardAreaKm2``; the province's median where the package has none), closed (grown
   then shrunk) so that neighbouring disks join, then simplified;
3. each unit gets its Voronoi cell (the points nearer its centre than any other centre), cut to that
   outline (only the piece holding its centre is kept): cells never overlap and tile the outline;
4. units far out at sea (a group more than ``FAR_KM`` from the rest: Đặc khu Trường Sa of Khánh Hòa,
   Hoàng Sa of Đà Nẵng, Côn Đảo, Bạch Long Vĩ) are drawn in a corner beside the mainland, enlarged
   to be visible, and named in the caption: their place on the map is not their place on the earth.

A province with real boundaries drops them in: ``CCHC_MAP_BOUNDARIES_DIR/<province code>.geojson``, a
FeatureCollection whose features carry the unit's code in ``properties.code`` (or ``ma``); those are
used as they are (no inset), units without a feature are listed as not drawn.

Reading is pure and cached per process (:func:`province_map`): nothing here writes anywhere.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

from cchc.common.numbers import vi_number
from cchc.org.units_data import province_units

if TYPE_CHECKING:
    import numpy as np
    from shapely.geometry.base import BaseGeometry

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320
DISK_AREA_FACTOR = 1.5  # each unit's disk covers 1.5 × its area, so neighbours' disks meet
FAR_KM = 100.0  # a group of units farther than this from the rest is drawn in an inset
INSET_SHARE = 0.12  # an inset spans at least this share of the mainland's larger side
GRID_DEG = 1e-5  # output precision (about 1 m)
SCHEMATIC = "schematic"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str
    area_km2: float | None
    inset: bool = False


@dataclass(frozen=True)
class Inset:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    distance_km: float  # from the nearest mainland centre
    scale: float  # enlargement on the map


@dataclass(frozen=True)
class ProvinceMap:
    code: str
    name: str
    geojson: str  # a FeatureCollection in longitude / latitude; ``properties.name`` is the unit's code
    regions: tuple[Region, ...]  # every unit drawn, in the package's order
    missing: tuple[Region, ...]  # units that could not be drawn (no centre, or no feature in the file)
    insets: tuple[Inset, ...]
    source: str  # SCHEMATIC, or the boundaries file used
    aspect: float  # ECharts geo ``aspectScale``: cos(latitude) of the province's middle
    note: str = ""  # why a boundaries file present was not used

    @property
    def schematic(self) -> bool:
        return self.source == SCHEMATIC

    @property
    def caption(self) -> str:
        """What the map is, in Vietnamese, for the figure's caption."""
        if not self.schematic:
            text = f"Bản đồ ranh giới các đơn vị hành chính cấp xã của {self.name} (tệp {Path(self.source).name})."
        else:
            text = (
                f"Sơ đồ minh họa {len(self.regions)} đơn vị hành chính cấp xã của {self.name}, dựng từ tọa độ "
                "trung tâm và diện tích của từng đơn vị; không phải ranh giới pháp lý."
            )
        for inset in self.insets:
            names = ", ".join(inset.names)
            zoom = f", phóng to {vi_number(inset.scale, 1, trim=True)} lần" if inset.scale > 1.05 else ""
            text += (
                f" {names} (cách đất liền khoảng {vi_number(round(inset.distance_km))} km) được vẽ ở góc bản đồ{zoom},"
                " không đúng vị trí thật."
            )
        if self.missing:
            text += " Không vẽ được: " + ", ".join(r.name for r in self.missing) + "."
        if self.note:
            text += " " + self.note
        return text

    def features(self) -> list[dict[str, Any]]:
        return list(json.loads(self.geojson)["features"])


def province_map(code: str, *, boundaries_dir: Path | str | None = None) -> ProvinceMap:
    """The map of the province's commune-level units (cached per province and boundaries directory).

    Raises :class:`cchc.org.constants.UnitsDataError` for an unknown province code
    (:func:`cchc.org.units_data.province_units`).
    """
    directory = str(boundaries_dir) if boundaries_dir else ""
    return _province_map(str(code), directory)


@cache
def _province_map(code: str, directory: str) -> ProvinceMap:
    import numpy as np  # shapely and numpy load on the first map, not with the web process
    import shapely
    from shapely import affinity
    from shapely.ops import unary_union

    units = province_units(code)
    note = ""
    if directory:
        path = Path(directory) / f"{units.code}.geojson"
        if path.is_file():
            try:
                return _from_file(units, path)
            except (OSError, ValueError, KeyError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
                # a broken file must not break the dashboards: the schematic, and the caption says why
                note = f"Tệp ranh giới {path.name} không đọc được ({type(exc).__name__}); đang dùng sơ đồ minh họa."
    areas = _areas(units.code, units.other_codes)
    regions: list[Region] = []
    missing: list[Region] = []
    points: list[tuple[float, float]] = []
    for unit in units.units.values():
        region = Region(unit.code, unit.name, unit.kind, areas.get(unit.code))
        if unit.latitude is None or unit.longitude is None:
            missing.append(region)
            continue
        regions.append(region)
        points.append((unit.longitude, unit.latitude))
    known = [a for a in areas.values() if a]
    fallback = median(known) if known else 10.0
    lon0 = (min(p[0] for p in points) + max(p[0] for p in points)) / 2
    lat0 = (min(p[1] for p in points) + max(p[1] for p in points)) / 2
    kx = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    xy = [((lon - lon0) * kx, (lat - lat0) * KM_PER_DEG_LAT) for lon, lat in points]
    radii = [math.sqrt(DISK_AREA_FACTOR * (r.area_km2 or fallback) / math.pi) for r in regions]

    groups = _groups(xy, FAR_KM)
    main = max(groups, key=len)
    shapes: dict[int, BaseGeometry] = _cells(main, xy, radii)
    main_box = unary_union(list(shapes.values())).bounds
    span = max(main_box[2] - main_box[0], main_box[3] - main_box[1])
    insets: list[Inset] = []
    corner_y = main_box[1]
    drawn_inset: set[int] = set()
    for group in sorted((g for g in groups if g is not main), key=lambda g: min(g)):
        cells = _cells(group, xy, radii)
        box = unary_union(list(cells.values())).bounds
        side = max(box[2] - box[0], box[3] - box[1])
        scale = max(1.0, INSET_SHARE * span / side) if side > 0 else 1.0
        # to the right of the mainland's lower corner, stacked upwards, a gap of 5% of the span
        dx = main_box[2] + 0.05 * span - box[0] * scale
        dy = corner_y - box[1] * scale
        for i, cell in cells.items():
            shapes[i] = affinity.affine_transform(cell, [scale, 0, 0, scale, dx, dy])
        corner_y += (box[3] - box[1]) * scale + 0.05 * span
        distance = min(math.dist(xy[i], xy[j]) for i in group for j in main)
        insets.append(
            Inset(
                codes=tuple(regions[i].code for i in group),
                names=tuple(regions[i].name for i in group),
                distance_km=distance,
                scale=round(scale, 1),
            )
        )
        drawn_inset.update(group)

    def to_degrees(coords: np.ndarray) -> np.ndarray:
        return np.column_stack((coords[:, 0] / kx + lon0, coords[:, 1] / KM_PER_DEG_LAT + lat0))

    features = []
    final: list[Region] = []
    for i, region in enumerate(regions):
        geometry = shapely.set_precision(shapely.transform(shapes[i], to_degrees), GRID_DEG)
        final.append(Region(region.code, region.name, region.kind, region.area_km2, inset=i in drawn_inset))
        features.append(_feature(region, geometry))
    return ProvinceMap(
        code=units.code,
        name=units.name,
        geojson=json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        regions=tuple(final),
        missing=tuple(missing),
        insets=tuple(insets),
        source=SCHEMATIC,
        note=note,
        aspect=round(math.cos(math.radians(lat0)), 4),
    )


def _feature(region: Region, geometry: BaseGeometry) -> dict[str, Any]:
    from shapely.geometry import mapping

    return {
        "type": "Feature",
        "properties": {"name": region.code, "ten": region.name, "loai": region.kind},
        "geometry": mapping(geometry),
    }


def _areas(code: str, other_codes: dict[str, str]) -> dict[str, float]:
    """Each unit's area (km²) from ``vietnamadminunits``' data set, by the published code."""
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).resolve().parent / "data" / "dataset.db"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT wardCode, wardAreaKm2 FROM admin_units WHERE provinceCode = ? AND wardAreaKm2 IS NOT NULL",
            (code,),
        ).fetchall()
    finally:
        con.close()
    return {other_codes.get(ward, ward): float(area) for ward, area in rows if area and area > 0}


def _groups(xy: list[tuple[float, float]], link_km: float) -> list[list[int]]:
    """Single-linkage groups: centres joined when closer than ``link_km`` (the mainland and its near
    islands form one group; far archipelagos their own)."""
    parent = list(range(len(xy)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(xy)):
        for j in range(i + 1, len(xy)):
            if math.dist(xy[i], xy[j]) < link_km:
                parent[root(i)] = root(j)
    found: dict[int, list[int]] = {}
    for i in range(len(xy)):
        found.setdefault(root(i), []).append(i)
    return list(found.values())


def _cells(members: list[int], xy: list[tuple[float, float]], radii: list[float]) -> dict[int, BaseGeometry]:
    """Voronoi cells of the members' centres, cut to the closed union of their disks."""
    import shapely
    from shapely.geometry import MultiPoint, Point
    from shapely.ops import unary_union

    disks = [Point(xy[i]).buffer(radii[i], quad_segs=8) for i in members]
    close = median(radii[i] for i in members) * 0.6
    outline = unary_union(disks).buffer(close, quad_segs=4).buffer(-close, quad_segs=4)
    outline = unary_union([outline, *disks]).simplify(0.05 * close, preserve_topology=True)
    if len(members) == 1:
        return {members[0]: _piece(outline, Point(xy[members[0]]))}
    centres = MultiPoint([xy[i] for i in members])
    frame = outline.envelope.buffer(10 * max(radii))
    voronoi = shapely.voronoi_polygons(centres, extend_to=frame, ordered=True)
    cells: dict[int, BaseGeometry] = {}
    for i, cell in zip(members, voronoi.geoms, strict=True):
        cells[i] = _piece(cell.intersection(outline), Point(xy[i]))
    return cells


def _piece(geometry: BaseGeometry, centre: Any) -> BaseGeometry:
    """The polygon of ``geometry`` that holds the centre (or is nearest to it)."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon" and not g.is_empty]
    if not parts:
        return centre.buffer(0.5)
    return min(parts, key=lambda g: g.distance(centre))


def _from_file(units: Any, path: Path) -> ProvinceMap:
    """Real boundaries: the file's features matched to the province's units by code."""
    import shapely
    from shapely.geometry import shape

    data = json.loads(path.read_text(encoding="utf-8"))
    by_code: dict[str, BaseGeometry] = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        raw = str(props.get("code") or props.get("ma") or "").strip()
        found = units.other_codes.get(raw.zfill(5), raw.zfill(5))
        if found in units.units and feature.get("geometry"):
            by_code[found] = shapely.make_valid(shape(feature["geometry"]))
    regions, missing, features = [], [], []
    lats = []
    for unit in units.units.values():
        region = Region(unit.code, unit.name, unit.kind, None)
        if unit.code not in by_code:
            missing.append(region)
            continue
        regions.append(region)
        features.append(_feature(region, by_code[unit.code]))
        lats.append(by_code[unit.code].centroid.y)
    middle = (min(lats) + max(lats)) / 2 if lats else 12.0
    return ProvinceMap(
        code=units.code,
        name=units.name,
        geojson=json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        regions=tuple(regions),
        missing=tuple(missing),
        insets=(),
        source=str(path),
        aspect=round(math.cos(math.radians(middle)), 4),
    )

"""Reading OpenStreetMap data files: GeoJSON, Overpass JSON, OSM XML and PBF (the last two with osmium).

Every reader yields the same thing: a GeoJSON-like feature per OSM object,
`{"type": "Feature", "id": "node/123", "geometry": {...} | None, "properties": {tag: value}}`, which
`osm.import_features` turns into places. Ways and areas become one representative point: the centroid
when it lies inside the area, otherwise a point surely inside it (or on the line).

- GeoJSON (RFC 7946): a FeatureCollection whose properties are OSM tags (osmtogeojson, ogr2ogr). Every
  feature is a candidate; what cannot be used is reported by the import.
- Overpass JSON (`[out:json]`), OSM XML (`.osm`, also `.osm.gz`/`.osm.bz2`) and PBF (`.osm.pbf`): whole
  extracts, so only objects with a known category tag are yielded; the others are not places.

The format is chosen by the file's first bytes (then by its name for compressed XML).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, Point, Polygon
from shapely.validation import make_valid

FORMATS = {"geojson": "GeoJSON", "overpass": "Overpass JSON", "xml": "OSM XML", "pbf": "OSM PBF"}


class ReadError(ValueError):
    """The file cannot be read at all."""


def point_of(geometry) -> Point:
    """One point for a geometry: itself, the centroid of an area when inside it, else a point on/inside it."""
    if geometry.geom_type == "Point":
        return geometry
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        if not geometry.is_valid:
            geometry = make_valid(geometry)
        centroid = geometry.centroid
        if not centroid.is_empty and geometry.contains(centroid):
            return centroid
    return geometry.representative_point()


def _point_feature(osm_id: str, geometry, tags: dict[str, str]) -> dict[str, Any]:
    geojson = None
    if geometry is not None and not geometry.is_empty:
        point = point_of(geometry)
        geojson = {"type": "Point", "coordinates": [point.x, point.y]}
    return {"type": "Feature", "id": osm_id, "geometry": geojson, "properties": tags}


def _from_coords(coords: list[tuple[float, float]]):
    if not coords:
        return None
    if len(coords) >= 4 and coords[0] == coords[-1]:
        return Polygon(coords)
    if len(coords) >= 2:
        return LineString(coords)
    return Point(coords[0])


# ---------------------------------------------------------------------------------------------
# format detection

def detect_format(path: Path) -> str:
    """'geojson', 'overpass', 'xml' or 'pbf', from the file's first bytes (and its name when compressed)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError as exc:
        raise ReadError(f"File not found: {path}") from exc
    except OSError as exc:
        raise ReadError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    name = path.name.lower()
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"OSMHeader" in head[:64]:
        return "pbf"
    if stripped.startswith(b"<"):
        return "xml"
    if stripped.startswith(b"{"):
        # Overpass JSON has "elements"; GeoJSON has "type": "FeatureCollection". Decided after parsing.
        return "json"
    if (head[:2] == b"\x1f\x8b" or head[:3] == b"BZh") and name.endswith((".osm.gz", ".osm.bz2", ".xml.gz",
                                                                             ".xml.bz2")):
        return "xml"
    if name.endswith(".pbf"):
        return "pbf"
    raise ReadError(f"{path}: unknown format; expected GeoJSON, Overpass JSON, OSM XML (.osm) or PBF (.osm.pbf)")


def read_format(path: Path) -> tuple[str, Iterator[dict[str, Any]]]:
    """The file's format and an iterator over its features (errors while reading raise ReadError)."""
    fmt = detect_format(path)
    if fmt == "json":
        data = _load_json(path)
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            return "geojson", iter(_geojson_features(data))
        if isinstance(data, dict) and isinstance(data.get("elements"), list):
            return "overpass", _overpass_features(data["elements"])
        raise ReadError(f"{path} is neither a GeoJSON FeatureCollection nor Overpass JSON (with \"elements\")")
    return fmt, _osmium_features(Path(path), fmt)


# ---------------------------------------------------------------------------------------------
# GeoJSON and Overpass JSON

def _load_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReadError(f"File not found: {path}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReadError(f"{path} is not valid JSON: {exc}") from exc


def _geojson_features(data: dict) -> list[dict]:
    return [f for f in data.get("features") or [] if isinstance(f, dict)]


def _is_category(tags: dict[str, str]) -> bool:
    from webapp.places.osm import category_from_tags

    return category_from_tags(tags) is not None


def _latlon(item: Any) -> tuple[float, float] | None:
    if not isinstance(item, dict):
        return None
    lat: Any = item.get("lat")
    lon: Any = item.get("lon")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    if numbers and -90 <= lat <= 90 and -180 <= lon <= 180:
        return (float(lon), float(lat))
    return None


def _overpass_features(elements: list) -> Iterator[dict[str, Any]]:
    """Overpass JSON: nodes (lat/lon), ways and relations with `out center`, `out geom`, or node ids
    resolved from the nodes in the same file (`out body; >; out skel;`)."""
    nodes = {el.get("id"): _latlon(el) for el in elements if isinstance(el, dict) and el.get("type") == "node"}
    for el in elements:
        if not isinstance(el, dict):
            continue
        tags = el.get("tags")
        if not isinstance(tags, dict) or not tags:
            continue   # geometry only (the nodes of a way)
        tags = {str(k): v for k, v in tags.items()}
        if not _is_category(tags):
            continue
        kind, number = el.get("type"), el.get("id")
        if kind not in ("node", "way", "relation") or not isinstance(number, int):
            yield {"type": "Feature", "id": None, "geometry": None, "properties": tags}
            continue
        geometry = None
        point, centre = _latlon(el), _latlon(el.get("center"))
        if kind == "node" and point:
            geometry = Point(point)
        elif centre:
            geometry = Point(centre)
        elif kind == "way" and isinstance(el.get("geometry"), list):
            geometry = _from_coords([c for c in map(_latlon, el["geometry"]) if c])
        elif kind == "way" and isinstance(el.get("nodes"), list):
            geometry = _from_coords([c for n in el["nodes"] if (c := nodes.get(n))])
        elif kind == "relation" and isinstance(el.get("members"), list):
            coords = [c for m in el["members"] if isinstance(m, dict) and isinstance(m.get("geometry"), list)
                      for c in map(_latlon, m["geometry"]) if c]
            if coords:
                geometry = _from_coords(coords).convex_hull if len(coords) > 2 else Point(coords[0])
        yield _point_feature(f"{kind}/{number}", geometry, tags)


# ---------------------------------------------------------------------------------------------
# OSM XML and PBF (osmium)

def _osmium_features(path: Path, fmt: str) -> Iterator[dict[str, Any]]:
    import osmium
    from osmium.geom import WKBFactory
    from shapely import wkb

    from webapp.places.osm import TAG_TO_CATEGORY

    pairs = list(TAG_TO_CATEGORY)
    relations: dict[int, dict[str, str]] = {}
    with_area: set[int] = set()
    factory = WKBFactory()
    name = str(path)
    lower = name.lower()
    known = lower.endswith((".pbf", ".osm", ".gz", ".bz2", ".xml"))
    source = osmium.io.File(name) if known else osmium.io.File(name, fmt)
    try:
        processor = (osmium.FileProcessor(source).with_locations()
                     .with_areas(osmium.filter.TagFilter(*pairs)).with_filter(osmium.filter.TagFilter(*pairs)))
        obj: Any  # osmium's OSMObject union: each branch below asks which kind it is
        for obj in processor:
            tags = {tag.k: tag.v for tag in obj.tags}
            if obj.is_node():
                yield _point_feature(f"node/{obj.id}", Point(obj.lon, obj.lat), tags)
            elif obj.is_way():
                coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
                geometry = _from_coords(coords) if len(coords) == len(obj.nodes) else None
                yield _point_feature(f"way/{obj.id}", geometry, tags)
            elif obj.is_relation():
                relations[obj.id] = tags
            elif obj.is_area() and not obj.from_way():
                try:
                    geometry = wkb.loads(factory.create_multipolygon(obj), hex=True)
                except RuntimeError:
                    continue
                with_area.add(obj.orig_id())
                yield _point_feature(f"relation/{obj.orig_id()}", geometry, tags)
    except RuntimeError as exc:   # osmium: a damaged or wrongly named file
        raise ReadError(f"{path} cannot be read as {FORMATS.get(fmt, fmt)}: {exc}") from exc
    for number, tags in relations.items():
        if number not in with_area:   # not a (valid) multipolygon: no area to place it
            yield _point_feature(f"relation/{number}", None, tags)


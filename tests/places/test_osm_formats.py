"""Reading real OpenStreetMap formats: PBF and XML (osmium), Overpass JSON, GeoJSON; the CLI picks the
reader by content. The PBF is a real extract (tests/fixtures/osm/README.md); what the import must find is
read from it independently here, with osmium's own area assembly."""
from __future__ import annotations

import json
from pathlib import Path

import osmium
import pytest
from shapely import wkb
from shapely.geometry import Point
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.places import osm
from webapp.places.models import Place
from webapp.places.osm_readers import detect_format

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "osm"
PBF = FIXTURES / "osm-amsterdam-watergraafsmeer.osm.pbf"
OVERPASS = FIXTURES / "overpass.json"


def independent_read(path: Path) -> dict[str, tuple[dict[str, str], object]]:
    """osm id -> (tags, geometry) of every object with a known category tag, read by osmium directly."""
    factory = osmium.geom.WKBFactory()
    found: dict[str, tuple[dict[str, str], object]] = {}
    for obj in osmium.FileProcessor(str(path)).with_areas():
        tags = dict(obj.tags)
        if osm.category_from_tags(tags) is None:
            continue
        if obj.is_node():
            found[f"node/{obj.id}"] = (tags, Point(obj.lon, obj.lat))
        elif obj.is_area():
            kind = "way" if obj.from_way() else "relation"
            found[f"{kind}/{obj.orig_id()}"] = (tags, wkb.loads(factory.create_multipolygon(obj), hex=True))
        elif obj.is_way() and not obj.is_closed():
            found[f"way/{obj.id}"] = (tags, wkb.loads(factory.create_linestring(obj), hex=True))
    return found


def located(osm_id: str) -> tuple[Place, Point]:
    place, x, y = db.session.execute(select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))
                                     .where(Place.osm_id == osm_id)).one()
    return place, Point(x, y)


def test_pbf_import_matches_an_independent_read(app):
    expected = independent_read(PBF)
    assert "way/364958257" in expected and len(expected) == 2        # Drieburg and an unnamed garden
    report = osm.import_features(osm.read_features(PBF), status="published")
    named = {k for k, (tags, _) in expected.items() if tags.get("name")}
    assert report.created == len(named) == 1
    assert report.skipped == ["way/391544265: no name"]
    assert db.session.scalar(select(func.count()).select_from(Place)) == len(named)
    for osm_id in named:
        tags, area = expected[osm_id]
        place, point = located(osm_id)
        assert place.osm_tags == tags                      # every tag, unchanged
        assert area.contains(point)                       # a point inside the way's area
        assert point.distance(area.centroid) < 1e-9       # its centroid (inside, so used)
    drieburg, _ = located("way/364958257")
    assert (drieburg.name, drieburg.category, drieburg.gemeente_code) == ("Drieburg", "sports", "GM0363")
    exported = osm.export_collection(db.session.execute(
        select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))).all())["features"]
    assert [(f["id"], f["properties"]) for f in exported] == [("way/364958257", expected["way/364958257"][0])]


def test_osm_xml_import_equals_the_pbf_import(app, tmp_path):
    xml = tmp_path / "extract.osm"
    with osmium.SimpleWriter(str(xml)) as writer:      # osmium converts the PBF to XML
        for obj in osmium.FileProcessor(str(PBF)):
            writer.add(obj)
    assert detect_format(xml) == "xml" and detect_format(PBF) == "pbf"
    from_xml = osm.read_features(xml)
    assert from_xml == osm.read_features(PBF)
    assert osm.import_features(from_xml).created == 1


def test_overpass_json_nodes_ways_and_relations(app):
    features = {f["id"]: f for f in osm.read_features(OVERPASS)}
    # untagged nodes, the tagged entrance node and the bakery are not places: not read
    assert set(features) == {"node/9200000001", "way/9200000002", "way/9200000003", "way/9200000004",
                             "relation/9200000005"}
    assert features["way/9200000002"]["geometry"]["coordinates"] == [5.1210, 52.0906]            # out center
    assert features["way/9200000003"]["geometry"]["coordinates"] == pytest.approx([6.0850, 52.5150])  # out geom
    assert features["way/9200000004"]["geometry"]["coordinates"] == pytest.approx([4.8810, 52.3604])  # its nodes
    report = osm.import_features(list(features.values()), status="published")
    assert report.created == 4
    assert report.skipped == ["relation/9200000005 (Voorbeeldbos): no usable geometry"]
    library, _ = located("node/9200000001")
    assert library.osm_tags["wheelchair"] == "designated" and library.wheelchair == "yes"


@pytest.mark.parametrize("name,content,message", [
    ("broken.osm.pbf", b"\x00\x00\x00\x0dOSMHeader garbage", "cannot be read as OSM PBF"),
    ("broken.osm", b"<osm version='0.6'><node id='1' lat='x'", "cannot be read as OSM XML"),
    ("other.json", b'{"type": "Feature"}', "neither a GeoJSON FeatureCollection nor Overpass JSON"),
    ("picture.png", b"\x89PNG\r\n\x1a\n", "unknown format"),
])
def test_unreadable_files_get_a_clear_message(app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["places", "import", str(path)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Place)) == 0


def test_cli_picks_the_reader_by_content(app, tmp_path):
    runner = app.test_cli_runner()
    renamed = tmp_path / "extract.data"          # a PBF without its extension
    renamed.write_bytes(PBF.read_bytes())
    result = runner.invoke(args=["places", "import", str(renamed), "--status", "published"])
    assert result.exit_code == 0, result.output
    assert "Reading OSM PBF" in result.output and "1 created" in result.output
    result = runner.invoke(args=["places", "import", str(OVERPASS)])
    assert result.exit_code == 0 and "Reading Overpass JSON" in result.output and "4 created" in result.output
    out = tmp_path / "export.geojson"
    assert runner.invoke(args=["places", "export", "--all-statuses", "-o", str(out)]).exit_code == 0
    again = runner.invoke(args=["places", "import", str(out)])
    assert again.exit_code == 0 and "Reading GeoJSON" in again.output
    assert "0 created, 0 updated, 5 unchanged" in again.output
    assert len(json.loads(out.read_text())["features"]) == 5


def test_an_object_twice_in_a_file_is_one_place(app, monkeypatch):
    monkeypatch.setattr(osm, "BATCH", 2)
    feature = osm.read_features(OVERPASS)[0]
    moved = json.loads(json.dumps(feature))
    moved["geometry"]["coordinates"] = [4.9020, 52.3710]
    report = osm.import_features([feature, feature, osm.read_features(OVERPASS)[1], moved])
    assert (report.created, report.updated, report.unchanged) == (2, 1, 1)
    place, point = located(feature["id"])
    assert (round(point.x, 4), round(point.y, 4)) == (4.9020, 52.3710) and place.wheelchair == "yes"


def test_malformed_overpass_elements_are_skipped_with_a_reason(app, tmp_path):
    path = tmp_path / "odd.json"
    place_tags = {"amenity": "library", "name": "Bieb"}
    path.write_text(json.dumps({"elements": [
        "not an element", 7, None,
        {"type": "node", "id": 1, "lat": "52.37", "lon": 4.9, "tags": place_tags},        # text coordinates
        {"type": "node", "id": 2, "lat": True, "lon": 4.9, "tags": place_tags},           # not a number
        {"type": "way", "id": 3, "nodes": [99, 98], "tags": place_tags},                  # nodes not in the file
        {"type": "area", "id": 4, "tags": place_tags},                                    # not an OSM type
        {"type": "node", "id": 5, "lat": 52.3702, "lon": 4.9012, "tags": place_tags},     # fine
    ]}))
    report = osm.import_features(osm.read_features(path))
    assert report.created == 1
    assert sorted(report.skipped) == ["feature 4: no OSM id (node/123, way/123 or relation/123)",
                                      "node/1 (Bieb): no usable geometry", "node/2 (Bieb): no usable geometry",
                                      "way/3 (Bieb): no usable geometry"]

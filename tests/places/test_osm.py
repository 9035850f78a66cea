"""Import from and export to OpenStreetMap-tagged GeoJSON: the mapping table works both ways."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.places import osm
from webapp.places.models import Place

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "osm-sample.geojson"


def sample_features():
    return osm.read_features(SAMPLE)


def test_import_creates_places_and_reports_what_it_skipped(app):
    report = osm.import_features(sample_features(), status="published")
    assert report.created == 5
    reasons = "\n".join(report.skipped)
    assert "node/9000000006: no name" in reasons
    assert "not inside a Dutch gemeente" in reasons
    assert "Bakkerij Voorbeeld): no known category tag" in reasons
    assert "feature 9: no OSM id" in reasons
    assert any("elke dag open" in w for w in report.warnings)
    house = db.session.scalars(select(Place).where(Place.osm_id == "node/9000000001")).one()
    assert house.category == "community_centre" and house.gemeente_code == "GM0363"
    assert house.address == "Voorbeeldstraat 12, 1011 AA Amsterdam"
    assert house.wheelchair == "yes" and house.toilets_wheelchair == "limited" and house.hearing_loop == "no"
    assert house.cost == "free" and house.languages == ["ar", "nl"] and house.audience == ["elderly", "newcomers"]
    assert house.attribute_meta["wheelchair"]["source"] == "osm"
    park = db.session.scalars(select(Place).where(Place.osm_id == "way/9000000002")).one()
    assert park.gemeente_code == "GM0344"   # a polygon becomes a point inside it
    hall = db.session.scalars(select(Place).where(Place.osm_id == "node/9000000005")).one()
    assert hall.category == "sports" and hall.opening_hours == "" and hall.wheelchair == "yes"


def test_second_import_updates_by_osm_id(app):
    osm.import_features(sample_features())
    again = osm.import_features(sample_features())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    features = sample_features()
    features[0]["properties"]["wheelchair"] = "limited"
    features[0]["geometry"]["coordinates"] = [4.8925, 52.3735]
    changed = osm.import_features(features)
    assert (changed.created, changed.updated) == (0, 1)
    place = db.session.scalars(select(Place).where(Place.osm_id == "node/9000000001")).one()
    assert place.wheelchair == "limited"
    x, y = db.session.execute(select(func.ST_X(Place.location), func.ST_Y(Place.location))
                              .where(Place.id == place.id)).one()
    assert (round(x, 4), round(y, 4)) == (4.8925, 52.3735)
    assert db.session.scalar(select(func.count()).select_from(Place)) == 5


def test_new_places_are_proposed_by_default(app):
    osm.import_features(sample_features())
    assert set(db.session.scalars(select(Place.status))) == {"proposed"}


def test_round_trip_keeps_every_mapped_tag(app):
    wanted = ("node/9000000001", "node/9000000003", "node/9000000004")
    features = [f for f in sample_features() if f.get("id") in wanted]
    osm.import_features(features, status="published")
    rows = db.session.execute(select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))
                              .order_by(Place.osm_id)).all()
    exported = {f["id"]: f for f in osm.export_collection(rows)["features"]}
    for original in features:
        tags = original["properties"]
        mapped = {k: v for k, v in tags.items() if osm.is_mapped(k)}
        out = exported[original["id"]]["properties"]
        assert mapped == {k: v for k, v in out.items() if k in mapped}, original["id"]
        assert set(out) == set(mapped), set(out) ^ set(mapped)
        assert exported[original["id"]]["geometry"]["coordinates"] == original["geometry"]["coordinates"]
    # and importing the export again changes nothing
    again = osm.import_features(list(exported.values()))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_every_category_and_attribute_survives_a_round_trip(app, make_place):
    from webapp.places.attributes import ATTRIBUTE_KEYS, CATEGORIES

    for category in CATEGORIES:
        make_place(name=f"Plek {category}", category=category, osm_id=f"node/{abs(hash(category)) % 10**9}",
                   cost="contribution", languages=["nl", "pap"], audience=list(osm.AUDIENCE_TAGS),
                   opening_hours="Mo 10:00-12:00", address="Lindelaan 3a, 1234 AB Voorbeeld",
                   **{k: ("yes", "limited", "no")[i % 3] for i, k in enumerate(ATTRIBUTE_KEYS)})
    db.session.commit()
    rows = db.session.execute(select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))).all()
    before = {p.osm_id: osm.tags_from_place(p) for p, _, _ in rows}
    collection = osm.export_collection(rows)
    db.session.query(Place).delete()
    report = osm.import_features(collection["features"], status="published")
    assert report.created == len(CATEGORIES), report.skipped
    after = {p.osm_id: osm.tags_from_place(p) for p in db.session.scalars(select(Place))}
    assert after == before


def test_cli_import_and_export(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["places", "import", str(SAMPLE), "--status", "published"])
    assert result.exit_code == 0, result.output
    assert "5 created" in result.output and "skipped node/9000000006: no name" in result.output
    out = tmp_path / "export.geojson"
    result = runner.invoke(args=["places", "export", "-o", str(out), "--gemeente", "GM0363"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [f["id"] for f in data["features"]] == ["node/9000000001"]
    bad = runner.invoke(args=["places", "import", str(tmp_path / "missing.geojson")])
    assert bad.exit_code != 0 and "File not found" in bad.output
    (tmp_path / "broken.json").write_text("{not json")
    bad = runner.invoke(args=["places", "import", str(tmp_path / "broken.json")])
    assert bad.exit_code != 0 and "not valid JSON" in bad.output


def test_dry_run_changes_nothing(app):
    report = osm.import_features(sample_features(), dry_run=True)
    assert report.created == 5
    assert db.session.scalar(select(func.count()).select_from(Place)) == 0


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("designated", "yes"), ("limited", "limited"),
                                            ("no", "no")])
def test_tri_state_values(value, expected):
    assert osm.values_from_tags({"wheelchair": value}, [])["wheelchair"] == expected


def test_unusable_tag_value_is_a_warning():
    warnings = []
    assert "wheelchair" not in osm.values_from_tags({"wheelchair": "sometimes"}, warnings)
    assert warnings and "wheelchair" in warnings[0]

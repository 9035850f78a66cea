"""OpenStreetMap round trip (issue 12, item 3): every imported tag comes back unchanged, unless a person
edited the field it maps to; then the edited value is exported, under the key the object used.

One focused test per flattening the issue found, each failing on the export before osm_tags existed.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.places import osm
from webapp.places.models import Place
from webapp.stewardship import services as stewardship

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "osm" / "round-trip.geojson"


def fixture_features() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["features"]


def export() -> dict[str, dict]:
    db.session.expire_all()
    rows = db.session.execute(select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))
                              .order_by(Place.id)).all()
    return {f["id"]: f for f in osm.export_collection(rows)["features"]}


def round_trip(tags: dict[str, str], osm_id: str = "node/9300000001",
               coordinates=(4.9012, 52.3702)) -> dict[str, str]:
    """Import one object with these tags and return the tags exported for it."""
    feature = {"type": "Feature", "id": osm_id, "geometry": {"type": "Point", "coordinates": list(coordinates)},
               "properties": {"name": "Voorbeeldplek", **tags}}
    report = osm.import_features([feature], status="published")
    assert report.created == 1, report.skipped
    return export()[osm_id]["properties"]


def place(osm_id: str = "node/9300000001") -> Place:
    return db.session.scalars(select(Place).where(Place.osm_id == osm_id)).one()


# --- each flattening of the issue -------------------------------------------------------------

def test_wheelchair_designated_is_exported_as_designated(app):
    out = round_trip({"amenity": "community_centre", "wheelchair": "designated"})
    assert out["wheelchair"] == "designated"
    assert place().wheelchair == "yes"          # our attribute still filters as "yes"


def test_capacity_disabled_number_is_exported_as_the_number(app):
    out = round_trip({"amenity": "community_centre", "capacity:disabled": "2"})
    assert out["capacity:disabled"] == "2"
    assert place().disabled_parking == "yes"


def test_language_main_is_exported_as_main(app):
    out = round_trip({"amenity": "community_centre", "language:nl": "main", "language:ar": "yes"})
    assert (out["language:nl"], out["language:ar"]) == ("main", "yes")
    assert place().languages == ["ar", "nl"]


def test_social_facility_and_its_subtags_are_kept(app):
    tags = {"amenity": "social_facility", "social_facility": "outreach", "social_facility:for": "senior;homeless"}
    out = round_trip(tags)
    assert {k: out.get(k) for k in tags} == tags
    assert "social_centre" not in out.values()
    assert place().category == "other" and place().audience == ["elderly"]


def test_contact_keys_keep_their_names(app):
    tags = {"amenity": "community_centre", "contact:phone": "+31 20 612 3456", "contact:email": "a@voorbeeld.example",
            "contact:website": "https://voorbeeld.example"}
    out = round_trip(tags)
    assert {k: out.get(k) for k in tags} == tags
    assert not {"phone", "email", "website"} & set(out)


@pytest.mark.parametrize("address", [
    {"addr:street": "Havenstraat", "addr:housenumber": "7"},
    {"addr:street": "Havenstraat", "addr:housenumber": "7", "addr:city": "Amsterdam"},
    {"addr:street": "Havenstraat", "addr:housenumber": "7", "addr:postcode": "1011 AA"},
    {"addr:postcode": "1011 AA"},
])
def test_address_without_postcode_or_city_is_kept(app, address):
    out = round_trip({"amenity": "community_centre", **address})
    assert {k: v for k, v in out.items() if k.startswith("addr:")} == address


def test_hours_ending_in_a_semicolon_are_kept(app):
    out = round_trip({"amenity": "community_centre", "opening_hours": "Mo-Fr 10:00-12:00;"})
    assert out["opening_hours"] == "Mo-Fr 10:00-12:00;"
    assert place().opening_hours == "Mo-Fr 10:00-12:00;"


def test_unmapped_tags_are_kept(app):
    tags = {"amenity": "community_centre", "operator": "Stichting Voorbeeld", "wikidata": "Q1", "name:en": "Example",
            "check_date": "2026-05-01", "wheelchair:description": "Lift achterom"}
    out = round_trip(tags)
    assert {k: out.get(k) for k in tags} == tags


def test_unreadable_values_are_kept_as_tags(app):
    tags = {"amenity": "community_centre", "opening_hours": "elke dag open", "wheelchair": "sometimes"}
    out = round_trip(tags)
    assert {k: out.get(k) for k in tags} == tags
    assert place().opening_hours == "" and place().wheelchair == "unknown"


# --- the whole cycle --------------------------------------------------------------------------

def test_geojson_import_export_import_is_lossless(app):
    """GeoJSON -> import -> export -> import: every tag (mapped and unmapped) and every field survives."""
    features = fixture_features()
    report = osm.import_features(copy.deepcopy(features), status="published")
    assert report.created == len(features), report.skipped
    first = export()
    for original in features:
        tags = {k: v for k, v in original["properties"].items() if not k.startswith("@")}
        assert first[original["id"]]["properties"] == tags, original["id"]
    fields = list(osm.FIELD_DEFAULTS)
    before = {p.osm_id: {f: osm._current(p, f) for f in fields} for p in db.session.scalars(select(Place))}
    again = osm.import_features(list(first.values()))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(features))
    after = {p.osm_id: {f: osm._current(p, f) for f in fields} for p in db.session.scalars(select(Place))}
    assert after == before
    assert export() == first
    # and from an empty database the export imports to the same fields and exports the same tags
    db.session.query(Place).delete()
    assert osm.import_features(list(first.values()), status="published").created == len(features)
    assert {p.osm_id: {f: osm._current(p, f) for f in fields} for p in db.session.scalars(select(Place))} == before
    assert export() == first


def test_places_made_here_round_trip_through_generated_tags(app, make_place):
    made = make_place(name="Buurtkamer Zonder OSM", osm_id="node/9300000009", address="Havenstraat 7, Amsterdam",
                      languages=["nl", "tr"], audience=["elderly", "newcomers"], cost="free",
                      phone="+31 20 612 3456", wheelchair="limited")
    db.session.commit()
    out = export()["node/9300000009"]["properties"]
    assert out["addr:street"] == "Havenstraat" and out["addr:city"] == "Amsterdam" and "addr:postcode" not in out
    assert out["community_centre:for"] == "senior;migrant" and out["language:tr"] == "yes"
    db.session.delete(made)
    db.session.commit()
    osm.import_features([{"type": "Feature", "id": "node/9300000009",
                          "geometry": {"type": "Point", "coordinates": [4.8930, 52.3731]}, "properties": out}])
    assert export()["node/9300000009"]["properties"] == out


# --- edits by a person ------------------------------------------------------------------------

def owner_of(make_user, target: Place):
    user = make_user("Eigenaar")
    stewardship.add_owner(target, user)
    db.session.commit()
    return user


def test_edited_attribute_is_exported_with_the_edited_value(app, make_user):
    osm.import_features(fixture_features(), status="published")
    target = place("node/9100000001")
    user = owner_of(make_user, target)
    stewardship.edit_subject(user, target, {"wheelchair": "limited", "phone": "+31 20 000 1111",
                                            "address": "Havenstraat 9, 1011 AB Amsterdam"}, target.version)
    db.session.commit()
    out = export()["node/9100000001"]["properties"]
    assert out["wheelchair"] == "limited"
    assert out["contact:phone"] == "+31 20 000 1111" and "phone" not in out     # the key the object used
    assert {k: v for k, v in out.items() if k.startswith("addr:")} == {
        "addr:street": "Havenstraat", "addr:housenumber": "9", "addr:postcode": "1011 AB", "addr:city": "Amsterdam"}
    # what was not edited is exported unchanged
    original = fixture_features()[0]["properties"]
    for key in ("capacity:disabled", "language:nl", "amenity", "social_facility", "contact:email", "opening_hours"):
        assert out[key] == original[key], key
    assert osm.edited_fields(place("node/9100000001")) == ["phone", "address", "wheelchair"]


def test_edit_back_to_the_imported_value_exports_the_original_tag(app, make_user):
    osm.import_features(fixture_features(), status="published")
    target = place("node/9100000001")
    user = owner_of(make_user, target)
    stewardship.edit_subject(user, target, {"wheelchair": "no"}, target.version)
    db.session.commit()
    assert export()["node/9100000001"]["properties"]["wheelchair"] == "no"
    stewardship.edit_subject(user, target, {"wheelchair": "yes"}, target.version)
    db.session.commit()
    assert export()["node/9100000001"]["properties"]["wheelchair"] == "designated"


def test_edited_category_replaces_only_the_category_tag(app, make_user):
    osm.import_features(fixture_features(), status="published")
    target = place("node/9100000001")
    user = owner_of(make_user, target)
    stewardship.edit_subject(user, target, {"category": "community_centre"}, target.version)
    db.session.commit()
    out = export()["node/9100000001"]["properties"]
    assert out["amenity"] == "community_centre"
    assert out["social_facility"] == "outreach"     # not mapped: kept


def test_edited_languages_and_audience_keep_what_we_cannot_say(app):
    osm.import_features(fixture_features(), status="published")
    target = place("node/9100000002")
    target.languages = ["nl", "tr"]
    target.audience = ["everyone"]
    db.session.commit()
    out = export()["node/9100000002"]["properties"]
    assert (out["language:tr"], out["language:nl"], out["language:fr"]) == ("yes", "yes", "no")
    assert out["community_centre:for"] == "all;student"     # 'student' has no audience of ours: kept
    source = place("node/9100000001")
    source.languages = ["nl"]
    db.session.commit()
    out = export()["node/9100000001"]["properties"]
    assert out["language:nl"] == "main" and "language:en" not in out


def test_reimport_keeps_a_persons_edit_and_takes_other_changes(app, make_user):
    features = fixture_features()
    osm.import_features(copy.deepcopy(features), status="published")
    target = place("node/9100000001")
    user = owner_of(make_user, target)
    stewardship.edit_subject(user, target, {"wheelchair": "limited"}, target.version)
    db.session.commit()
    features[0]["properties"]["toilets:wheelchair"] = "no"        # changed in OSM meanwhile
    report = osm.import_features(copy.deepcopy(features))
    assert report.updated == 1 and not [w for w in report.warnings if "edited here" in w]
    target = place("node/9100000001")
    assert (target.wheelchair, target.toilets_wheelchair) == ("limited", "no")
    features[0]["properties"]["wheelchair"] = "no"                # now OSM changes the edited field too
    report = osm.import_features(copy.deepcopy(features))
    assert any("wheelchair was edited here and changed in OpenStreetMap" in w for w in report.warnings)
    assert place("node/9100000001").wheelchair == "limited"
    assert export()["node/9100000001"]["properties"]["wheelchair"] == "limited"


def test_wrong_user_cannot_edit_an_imported_place(app, make_user):
    osm.import_features(fixture_features(), status="published")
    target = place("node/9100000001")
    stranger = make_user("Vreemde")
    with pytest.raises(NotAllowed):
        stewardship.edit_subject(stranger, target, {"wheelchair": "no"}, target.version)
    db.session.rollback()
    assert place("node/9100000001").wheelchair == "yes"
    assert export()["node/9100000001"]["properties"]["wheelchair"] == "designated"


def test_hostile_tags_are_left_out_with_a_warning(app):
    feature = {"type": "Feature", "id": "node/9300000002", "geometry": {"type": "Point", "coordinates": [4.9, 52.37]},
               "properties": {"amenity": "community_centre", "name": "Plek", "bad\x00key": "x", "long": "x" * 300,
                              "nested": {"a": 1}, "phone": "1" * 80}}
    report = osm.import_features([feature])
    assert report.created == 1
    assert any("NUL" in w for w in report.warnings) and any("phone is longer" in w for w in report.warnings)
    stored = place("node/9300000002").osm_tags
    assert "bad\x00key" not in stored and "long" not in stored and "nested" not in stored
    assert stored["phone"] == "1" * 80 and place("node/9300000002").phone == ""

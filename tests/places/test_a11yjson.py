"""A11yJSON output checked with the official schema (npm `@sozialhelden/a11yjson`, its
getPlaceInfoSchemaDefinition() with simpl-schema) by scripts/validate_a11yjson.js: every record must validate.

Needs Node and `npm ci` (the Makefile's `node_modules` target). Without them these tests FAIL: a skipped
standard check would look like a passed one.
"""
from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path

from tests.places.conftest import DAM, offset
from webapp.places import demo
from webapp.places.attributes import ATTRIBUTE_KEYS, TRI_STATES

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "scripts" / "validate_a11yjson.js"
TRI = TRI_STATES   # yes / limited / no / unknown


def validate(records) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "node is not installed: scripts/install-system.sh installs nodejs and npm"
    assert (ROOT / "node_modules" / "@sozialhelden" / "a11yjson").is_dir(), \
        "node_modules is missing: run `make venv` (npm ci --ignore-scripts)"
    return subprocess.run([node, str(VALIDATOR)], input=json.dumps(records), capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def assert_all_valid(records) -> None:
    result = validate(records)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(records)} records, {len(records)} valid, 0 invalid" in result.stdout


def _varied_places(make_place) -> list:
    """Every attribute in each of its four states (a Latin square over 4 places), plus the edge cases:
    all unknown, toilets 'no' with a leftover toilets_wheelchair, closed or unreadable opening hours,
    a website without a scheme, a broken e-mail address, an OSM object, markup and a language the
    IETF registry does not know."""
    places = []
    for i in range(len(TRI)):
        values = {key: TRI[(i + k) % len(TRI)] for k, key in enumerate(ATTRIBUTE_KEYS)}
        places.append(make_place(*offset(*DAM, 10 * i), name=f"Combinatie {i}", **values))
    # Every combination of wheelchair x toilets x toilets_wheelchair (the facts that nest in A11yJSON).
    for n, (wheelchair, toilets, toilets_wheelchair) in enumerate(itertools.product(TRI, TRI, TRI)):
        places.append(make_place(*offset(*DAM, 50, n), name=f"Toilet {n}", wheelchair=wheelchair, toilets=toilets,
                                 toilets_wheelchair=toilets_wheelchair, step_free_entrance=TRI[n % len(TRI)]))
    places += [
        make_place(*offset(*DAM, 0, -20), name="Alles onbekend"),
        make_place(*offset(*DAM, 0, -30), name="Gesloten", opening_hours="off", disabled_parking="no"),
        make_place(*offset(*DAM, 0, -40), name="Onleesbare tijden", opening_hours="ma-vr 9-17",
                   website="www.buurthuis.example", email="info(at)buurthuis", phone="+31 20 612 3456"),
        make_place(*offset(*DAM, 0, -50), name="Uit OSM <b>vet</b>", osm_id="node/123456",
                   description='<img src=x onerror="alert(1)">', address="Dam 1, 1012 JS Amsterdam",
                   website="https://buurthuis.example/over", email="info@buurthuis.example",
                   opening_hours="Mo-Fr 09:00-17:00; PH off", cost="contribution",
                   languages=["nl", "fry", "ngt", "prs"], wheelchair="yes", disabled_parking="yes",
                   seating="limited", easy_language="yes"),
    ]
    return places


def test_official_schema_accepts_every_served_record(client, make_place):
    places = _varied_places(make_place)
    make_place(*offset(*DAM, 0, -60), name="Gesloten plek", status="closed")   # never served
    records = [client.get(f"/api/v1/places/{p.id}?format=a11yjson").get_json() for p in places]
    listing = client.get(f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}&limit=200&format=a11yjson")
    assert listing.status_code == 200
    download = client.get("/api/v1/gemeenten/GM0363/places.geojson?format=a11yjson")
    assert download.status_code == 200
    # The list and the download serve the same records as the single-place URL; all three are validated.
    by_id = {r["properties"]["originalId"]: r for r in records}
    for served in (listing.get_json(), download.get_json()):
        assert {r["properties"]["originalId"]: r for r in served} == by_id
    assert_all_valid(records + listing.get_json() + download.get_json())


def test_official_schema_accepts_the_demo_places(client, app):
    demo.load(random.Random(7))
    records = client.get("/api/v1/gemeenten/GM0363/places.geojson?format=a11yjson").get_json()
    assert len(records) >= 10
    assert_all_valid(records)


def test_validator_rejects_what_the_standard_does_not_define():
    """The validator itself can fail: the record shape of before issue 12 is rejected, key by key."""
    old = {"type": "Feature", "_id": "1", "geometry": {"type": "Point", "coordinates": [4.9, 52.37]},
           "properties": {"name": {"nl": "X"}, "category": "library", "address": {"text": "Dam 1"},
                          "distance_m": 3.2, "openingHours": "24/7",
                          "accessibility": {"hasSeating": True, "entrances": [{"isLevel": True}],
                                            "parking": {"forWheelchairUsers": {"isAvailable": True}},
                                            "hasEasyLanguageInformation": True}}}
    result = validate([old])
    assert result.returncode == 1
    for key in ("(type)", "(_id)", "(properties.address.text)", "(properties.distance_m)",
                "(properties.openingHours)", "(properties.accessibility.hasSeating)",
                "(properties.accessibility.entrances.0.isLevel)",
                "(properties.accessibility.parking.forWheelchairUsers.isAvailable)",
                "(properties.accessibility.hasEasyLanguageInformation)"):
        assert key in result.stdout, key
    assert "1 records, 0 valid, 1 invalid" in result.stdout


def test_mapping_of_each_fact(client, make_place):
    place = make_place(name="Toegankelijk", wheelchair="limited", step_free_entrance="yes", toilets="yes",
                       toilets_wheelchair="unknown", hearing_loop="yes", quiet_space="no", well_lit="yes",
                       seating="yes", easy_language="no", disabled_parking="no", assistance_dogs="yes",
                       opening_hours="Mo-Fr 09:00-17:00", languages=["nl", "ar"], cost="free",
                       address="Dam 1, Amsterdam", osm_id="way/42")
    record = client.get(f"/api/v1/places/{place.id}?format=a11yjson").get_json()
    assert set(record) == {"geometry", "properties"}
    props = record["properties"]
    assert props["originalId"] == str(place.id)
    assert props["address"] == {"text": {"nl": "Dam 1, Amsterdam"}}
    assert props["sameAs"] == ["https://www.openstreetmap.org/way/42"]
    a11y = props["accessibility"]
    assert a11y["wheelchairAccessibilityGrade"] == "partially"
    assert a11y["partiallyAccessibleWith"] == {"wheelchair": True}
    assert a11y["accessibleWith"] == {"guideDog": True}            # limited wheelchair is neither true nor false
    assert a11y["entrances"] == [{"properties": {"isLevel": True}}]
    assert a11y["restrooms"] == [{}]                              # a toilet, its wheelchair access unknown
    assert a11y["parking"] == {"forWheelchairUsers": {"count": 0}}
    assert a11y["animalPolicy"] == {"allowsAssistanceDogs": True}
    assert a11y["hasInductionLoop"] is True and a11y["isQuiet"] is False and a11y["isWellLit"] is True
    tags = props["tags"]
    assert tags["seating"] == "yes" and tags["information:easy_language"] == "no"
    assert tags["capacity:disabled"] == "no" and tags["wheelchair"] == "limited"
    assert tags["opening_hours"] == "Mo-Fr 09:00-17:00" and tags["fee"] == "no"
    assert tags["language:nl"] == tags["language:ar"] == "yes"
    assert "toilets:wheelchair" not in tags                      # unknown is left out
    unknown = make_place(name="Onbekend")
    props = client.get(f"/api/v1/places/{unknown.id}?format=a11yjson").get_json()["properties"]
    assert "accessibility" not in props and "tags" not in props   # unknown is left out, never guessed
    no_toilet = make_place(name="Geen toilet", toilets="no", toilets_wheelchair="yes")
    props = client.get(f"/api/v1/places/{no_toilet.id}?format=a11yjson").get_json()["properties"]
    assert props["accessibility"] == {"restrooms": []} and props["tags"] == {"toilets": "no"}

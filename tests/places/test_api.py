"""The open-data API: GeoJSON, A11yJSON, CSV, errors, and an OpenAPI document that tells the truth."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC

import pytest
from openapi_schema_validator import OAS30Validator

from tests.places.conftest import DAM, offset
from webapp.places.attributes import ATTRIBUTE_KEYS

XSS = '<img src=x onerror="alert(1)">${alert(2)}</script>'


def get(client, url):
    response = client.get(url)
    assert response.status_code < 500, response.data
    return response


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def validate(doc, schema_name, instance):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
    OAS30Validator(schema).validate(instance)


def test_nearby_geojson(client, make_place, doc):
    near = make_place(*offset(*DAM, 100), name="Dichtbij", wheelchair="yes", toilets="no", toilets_wheelchair="yes",
                      opening_hours="24/7", languages=["nl", "ar"])
    make_place(*offset(*DAM, 600), name="Verder")
    response = get(client, f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}&radius=1000")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = response.get_json()
    validate(doc, "PlaceCollection", data)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["Dichtbij", "Verder"]
    first = data["features"][0]
    assert first["id"] == near.id
    assert first["properties"]["distance_m"] == pytest.approx(100, abs=1)
    assert first["properties"]["open_now"] is True
    assert first["properties"]["attributes"]["wheelchair"] == "yes"
    assert "toilets_wheelchair" not in first["properties"]["attributes"]   # no toilets: not applicable
    assert first["geometry"]["coordinates"] == pytest.approx(list(offset(*DAM, 100)), abs=1e-6)
    assert all(re.match(r"^[a-z0-9_]+$", key) for key in first["properties"])


def test_filters_in_the_api(client, make_place):
    make_place(name="Rolstoel", wheelchair="yes", category="library")
    make_place(name="Anders", category="library")
    data = get(client, f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}&need=wheelchair&category=library").get_json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Rolstoel"]


def test_one_place_and_404_for_non_public(client, make_place, doc):
    public = make_place(name="Openbaar")
    proposed = make_place(name="Voorstel", status="proposed")
    hidden = make_place(name="Verborgen", hidden=True)
    data = get(client, f"/api/v1/places/{public.id}").get_json()
    validate(doc, "PlaceFeature", data)
    for place in (proposed, hidden):
        response = get(client, f"/api/v1/places/{place.id}")
        assert response.status_code == 404
        validate(doc, "Error", response.get_json())
    assert get(client, "/api/v1/places/999999").status_code == 404


def test_a11yjson(client, make_place, doc):
    place = make_place(name="Toegankelijk", wheelchair="limited", step_free_entrance="yes", toilets="yes",
                       toilets_wheelchair="yes", hearing_loop="yes", quiet_space="no", well_lit="yes")
    item = get(client, f"/api/v1/places/{place.id}?format=a11yjson").get_json()
    validate(doc, "A11yPlaceInfo", item)
    a11y = item["properties"]["accessibility"]
    assert a11y["wheelchairAccessibilityGrade"] == "partially"
    assert a11y["entrances"] == [{"properties": {"isLevel": True}}]   # A11yJSON's Entrance has properties
    assert a11y["restrooms"] == [{"isAccessibleWithWheelchair": True}]
    assert a11y["hasInductionLoop"] is True and a11y["isQuiet"] is False and a11y["isWellLit"] is True
    assert "accessibleWith" not in a11y or "wheelchair" not in a11y["accessibleWith"]   # limited is not yes/no
    unknown = make_place(name="Onbekend")
    a11y = get(client, f"/api/v1/places/{unknown.id}?format=a11yjson").get_json()["properties"].get("accessibility", {})
    assert a11y == {}   # unknown is left out, never guessed
    listing = get(client, f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}&format=a11yjson").get_json()
    assert isinstance(listing, list) and len(listing) == 2


def test_gemeente_downloads(client, make_place, doc):
    make_place(name="A", toilets="no")
    make_place(name="=HYPERLINK(\"x\")")
    make_place(5.1214, 52.0907, name="Utrecht", gemeente_code="GM0344")
    data = get(client, "/api/v1/gemeenten/GM0363/places.geojson").get_json()
    validate(doc, "PlaceCollection", data)
    assert sorted(f["properties"]["name"] for f in data["features"]) == ["=HYPERLINK(\"x\")", "A"]
    assert data["gemeente"] == {"code": "GM0363", "name": "Amsterdam"}
    response = get(client, "/api/v1/gemeenten/gm0363/places.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    by_name = {r["name"]: r for r in rows}
    assert "'=HYPERLINK(\"x\")" in by_name                 # no spreadsheet formula injection
    assert by_name["A"]["toilets_wheelchair"] == ""
    assert set(ATTRIBUTE_KEYS) <= set(rows[0])
    assert get(client, "/api/v1/gemeenten/GM9999/places.csv").status_code == 404
    assert get(client, "/api/v1/gemeenten/GM9999/places.geojson").status_code == 404


@pytest.mark.parametrize("query,param", [
    ("lat=91&lon=4", "lat"), ("lat=52&lon=-181", "lon"), ("lat=52&lon=4&radius=0", "radius"),
    ("lat=52&lon=4&radius=30000", "radius"), ("lat=52&lon=4&limit=500", "limit"), ("lat=noord&lon=4", "lat"),
    ("lat=52&lon=4&radius=ver", "radius"), ("lat=52&lon=4&category=kroeg", "category"),
    ("lat=52&lon=4&need=lift", "need"), ("lat=52&lon=4&format=xml", "format"), ("", "lat"),
    ("lat=52&lon=4&open_now=ja-graag", "open_now"), ("gemeente=GM9999", "gemeente"),
])
def test_bad_input_is_a_400_naming_the_parameter(client, doc, query, param):
    response = get(client, f"/api/v1/places?{query}")
    assert response.status_code == 400
    body = response.get_json()
    validate(doc, "Error", body)
    assert body["error"]["param"] == param
    assert body["error"]["message"]


def test_xss_in_a_name_is_plain_data_in_the_api(client, make_place):
    place = make_place(name=XSS)
    data = get(client, f"/api/v1/places/{place.id}").get_json()
    assert data["properties"]["name"] == XSS           # data stays data; JSON is not HTML
    response = get(client, f"/api/v1/places/{place.id}")
    assert response.mimetype == "application/geo+json"          # never rendered as HTML by a browser
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_openapi_lists_every_api_rule_of_the_blueprint(app, doc):
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
             if r.endpoint.startswith("places_api.")}
    from webapp.places.api import PATHS

    assert rules <= set(doc["paths"])          # every rule of the blueprint is documented
    assert set(PATHS) == rules                 # and everything this package documents exists
    for path in rules:
        operation = doc["paths"][path]["get"]
        assert "200" in operation["responses"]
        declared = {p["name"] for p in operation.get("parameters", [])}
        assert set(re.findall(r"{(\w+)}", path)) <= declared


def test_openapi_documents_every_search_parameter(doc):
    from webapp.places.search import SEARCH_PARAMS

    declared = {p["name"] for p in doc["paths"]["/api/v1/places"]["get"]["parameters"]}
    assert set(SEARCH_PARAMS) | {"format"} == declared


def test_sql_built_features_match_the_python_serializer(client, make_place):
    """The nearby list is written by PostgreSQL (fast path); one place is written by Python: same data."""
    place = make_place(*offset(*DAM, 250), name='Plek "met" \\ tekens ✓', description="Regel 1\nRegel 2",
                       toilets="no", toilets_wheelchair="yes", wheelchair="limited", cost=None,
                       languages=["nl", "ar"], audience=["women"], activities=["walk_in"], osm_id="node/1",
                       attribute_meta={"wheelchair": {"source": "osm", "checked": "2026-01-02"}},
                       opening_hours="Mo-Su 00:00-24:00", house_rules="1. Welkom\n2. Rustig")
    from webapp.extensions import db

    db.session.refresh(place)
    listed = get(client, f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}").get_json()["features"][0]
    single = get(client, f"/api/v1/places/{place.id}").get_json()
    distance = listed["properties"].pop("distance_m")
    assert distance == pytest.approx(250, abs=1)
    assert listed["properties"] == single["properties"]
    assert listed["geometry"]["coordinates"] == pytest.approx(single["geometry"]["coordinates"], abs=1e-7)
    assert listed["id"] == single["id"] == place.id
    assert listed["properties"]["open_now"] is True


@pytest.mark.parametrize("microsecond", [660470, 0, 1])
def test_sql_built_and_python_built_timestamps_agree_to_the_character(client, make_place, microsecond):
    """PostgreSQL's JSON drops trailing zeros of the microseconds, Python's isoformat a zero fraction: both
    paths write the one open-data format instead."""
    from datetime import datetime

    from sqlalchemy import text

    from webapp.extensions import db

    place = make_place(*offset(*DAM, 100), name="Plek met tijd")
    moment = datetime(2026, 11, 28, 1, 2, 3, microsecond, tzinfo=UTC)
    db.session.execute(text("update places set updated_at = :t where id = :id"), {"t": moment, "id": place.id})
    db.session.commit()
    listed = get(client, f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}").get_json()["features"][0]
    single = get(client, f"/api/v1/places/{place.id}").get_json()
    expected = moment.isoformat(timespec="microseconds")
    assert listed["properties"]["updated_at"] == single["properties"]["updated_at"] == expected


@pytest.mark.parametrize("query", [
    "open_at=0001-01-01T00:00%2B14:00", "open_at=9999-12-31T23:59-14:00", "open_at=9999-12-31T23:59",
    "open_at=0001-01-01T00:00",
])
def test_open_at_out_of_range_is_a_400_naming_the_parameter(client, doc, query):
    response = get(client, f"/api/v1/places?lat=52.37&lon=4.89&{query}")
    assert response.status_code == 400, query
    body = response.get_json()
    validate(doc, "Error", body)
    assert body["error"]["param"] == "open_at"
    assert "5 jaar" in body["error"]["message"]
    page = client.get(f"/plekken?lat=52.37&lon=4.89&{query}", headers={"Accept-Language": "nl"})
    assert page.status_code == 400
    assert "open_at mag hoogstens 5 jaar van vandaag liggen." in page.get_data(as_text=True)


def test_absolute_links_use_public_url_never_the_host_header(app, client, make_place):
    """Host: evil.example must not come back as http://evil.example/... (issue 10, finding 10)."""
    place = make_place(name="Buurthuis", commit=False)
    public = app.config["PUBLIC_URL"].rstrip("/")
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    urls = [f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}", f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}&format=a11yjson",
            f"/api/v1/places/{place.id}", f"/api/v1/places/{place.id}?format=a11yjson",
            "/api/v1/gemeenten/GM0363/places.geojson", "/api/v1/gemeenten/GM0363/places.csv",
            f"/plekken/{place.id}/poster"]
    for url in urls:
        response = client.get(url, headers=evil)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "evil.example" not in body, url
        assert f"{public}/plekken/{place.id}" in body, url

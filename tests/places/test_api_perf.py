"""The open-data API's hot path stays lean without changing what it answers: the same JSON (bytes as the
standard library would write them), no cookie and no session work for an anonymous client, the same
security headers."""
from __future__ import annotations

import json

import pytest

from tests.places.conftest import DAM, offset

TRICKY = 'Plek "met" \\ tekens ✓ € \u2028 <b>&</b> /slash/ \t tab'


def old_encoding(body: bytes) -> bytes:
    """How the API wrote its JSON before (json.dumps, compact, UTF-8, keys in their own order)."""
    return json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture
def tricky_place(make_place):
    return make_place(*offset(*DAM, 120), name=TRICKY, description="Regel 1\nRegel 2", opening_hours="24/7",
                      languages=["nl", "ar"], attribute_meta={"wheelchair": {"source": "osm", "note": "ü"}},
                      toilets="no", toilets_wheelchair="yes", wheelchair="limited")


@pytest.mark.parametrize("query", ["", "?format=a11yjson"])
def test_one_place_is_the_same_json_to_the_byte(client, tricky_place, query):
    response = client.get(f"/api/v1/places/{tricky_place.id}{query}")
    assert response.status_code == 200
    assert response.data == old_encoding(response.data)
    data = json.loads(response.data)
    name = data["properties"]["name"]
    assert (name if isinstance(name, str) else name["nl"]) == TRICKY


@pytest.mark.parametrize("query", ["", "&format=a11yjson", "&q=1012"])
def test_the_nearby_list_is_valid_json_equal_in_content(client, tricky_place, query):
    response = client.get(f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}{query}")
    assert response.status_code == 200
    data = json.loads(response.data)        # strict: the body is valid JSON as sent
    assert json.loads(old_encoding(response.data)) == data
    places = data if isinstance(data, list) else data["features"]
    assert places, "the place near the Dam is found"
    if not isinstance(data, list):   # (PostgreSQL writes its parts with spaces after ':': equal in content)
        assert data["features"][0]["properties"]["name"] == TRICKY


def test_gemeente_downloads_are_the_same_json_and_csv(client, tricky_place):
    geo = client.get("/api/v1/gemeenten/GM0363/places.geojson")
    assert geo.status_code == 200 and geo.mimetype == "application/geo+json"
    assert geo.data == old_encoding(geo.data)
    csv_response = client.get("/api/v1/gemeenten/GM0363/places.csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response.headers["Access-Control-Allow-Origin"] == "*"
    assert 'Plek ""met"" \\ tekens ✓ €' in csv_response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/v1/places?lat=52.373&lon=4.893", "/api/v1/places/999999999",
                                 "/api/v1/places?lat=x&lon=4.9", "/api/v1/places?format=nope"])
def test_an_anonymous_api_call_sets_no_cookie(client, url):
    client.delete_cookie("session")
    response = client.get(url)
    assert response.status_code in (200, 400, 404)
    assert response.headers.getlist("Set-Cookie") == []
    if response.status_code == 200:
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_without_a_session_cookie_no_cookie_signer_is_built(app, client, monkeypatch):
    """An anonymous request gets its empty session at once (no signer, no verification)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the cookie signer was built for a request without a session cookie")

    monkeypatch.setattr(type(app.session_interface), "get_signing_serializer", refuse)
    response = client.get("/api/v1/places?lat=52.373&lon=4.893")
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []


def test_a_session_cookie_is_still_read_and_verified(app, client):
    """With a cookie the signed session works as before: a tampered cookie is an empty session."""
    from flask import session

    with client.session_transaction() as sess:
        sess["probe"] = "kept"
    with client:
        client.get("/api/v1/places?lat=52.373&lon=4.893")
        assert session.get("probe") == "kept"
    client.set_cookie("session", "tampered.value.sig")
    with client:
        client.get("/api/v1/places?lat=52.373&lon=4.893")
        assert "probe" not in session


def test_api_responses_keep_every_security_header_with_a_fresh_nonce(client):
    first = client.get("/api/v1/places?lat=52.373&lon=4.893")
    second = client.get("/api/v1/places?lat=52.373&lon=4.893")
    for response in (first, second):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "geolocation=(self)" in response.headers["Permissions-Policy"]
        assert len(response.headers.getlist("Content-Security-Policy")) == 1
        assert len(response.headers.getlist("X-Frame-Options")) == 1
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]   # new nonce


def test_a_header_a_response_sets_itself_wins(app_with):
    """The security headers are defaults: a response that sets one keeps its own (and gets no second)."""
    from flask import Response

    app = app_with()

    @app.get("/_test/own-frame-options")
    def own_frame_options():
        response = Response("x")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = app.test_client().get("/_test/own-frame-options")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_small_responses_are_not_compressed_large_ones_are(client):
    small = client.get("/api/v1/places/999999999", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 404 and "Content-Encoding" not in small.headers
    assert len(client.get("/api/v1/places/999999999").data) < 1400
    large = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert large.headers.get("Content-Encoding") == "gzip"


@pytest.mark.parametrize("args", [{}, {"open_now": "1", "wheelchair": "yes", "category": "library"}])
def test_the_search_statement_stays_within_psycopgs_query_cache(app, args):
    """psycopg caches its conversion of a statement only up to 4096 bytes and 50 parameters; the GeoJSON keys
    are written into the SQL so the search statement stays below both (bench/README.md)."""
    from werkzeug.datastructures import MultiDict

    from webapp.extensions import db
    from webapp.places import search

    params = search.parse_params(MultiDict({"lat": "52.37", "lon": "4.9", **args}))
    stmt, _values = search.query_and_values(params, 4.9, 52.37, url_prefix="http://127.0.0.1/plekken/")
    compiled = stmt.compile(dialect=db.engine.dialect)
    assert len(str(compiled)) < 4096 and len(compiled.params) < 50

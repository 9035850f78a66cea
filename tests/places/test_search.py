"""The nearby search: order against a brute-force distance, every filter, one query, public only."""
from __future__ import annotations

import math
import random

import pytest
from werkzeug.datastructures import MultiDict

from tests.places.conftest import DAM, offset
from webapp.errors import ApiError
from webapp.places import search as searching
from webapp.places.attributes import ATTRIBUTE_KEYS

EARTH_RADIUS = 6_371_008.8  # PostGIS's sphere (the same one `<->` and ST_Distance(..., false) use)


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(a))


def run(**query):
    args = MultiDict()
    for key, value in query.items():
        for v in (value if isinstance(value, list) else [value]):
            args.add(key, str(v))
    args.setdefault("lat", str(DAM[1]))
    args.setdefault("lon", str(DAM[0]))
    return searching.search(searching.parse_params(args))


def names(result):
    return [h.place.name for h in result.hits]


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_sorted_by_distance_like_a_brute_force(make_place):
    rng = random.Random(7)
    points = []
    for i in range(60):
        lon, lat = offset(*DAM, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        make_place(lon, lat, name=f"P{i}")
        points.append((f"P{i}", lon, lat))
    result = run(radius=2500, limit=200)
    expected = sorted(((haversine(*DAM, lon, lat), name) for name, lon, lat in points))
    expected = [(d, n) for d, n in expected if d <= 2500]
    assert names(result) == [n for _, n in expected]
    for hit, (dist, _) in zip(result.hits, expected, strict=False):
        assert hit.distance == pytest.approx(dist, abs=0.5)
    # the LIMIT keeps the nearest ones
    assert names(run(radius=2500, limit=5)) == [n for _, n in expected[:5]]


def test_only_published_and_not_hidden(make_place):
    make_place(name="Open")
    make_place(name="Voorgesteld", status="proposed")
    make_place(name="Dicht", status="closed")
    make_place(name="Verborgen", hidden=True)
    assert names(run()) == ["Open"]


def test_radius(make_place):
    make_place(*offset(*DAM, 400), name="400 m")
    make_place(*offset(*DAM, 1500), name="1500 m")
    assert names(run()) == ["400 m"]                      # default 1 km
    assert names(run(radius=2000)) == ["400 m", "1500 m"]
    assert names(run(radius=300)) == []


def test_category_filter(make_place):
    make_place(name="Huis", category="community_centre")
    make_place(name="Bieb", category="library")
    make_place(name="Park", category="park")
    assert names(run(category="library")) == ["Bieb"]
    assert sorted(names(run(category=["library", "park"]))) == ["Bieb", "Park"]
    assert sorted(names(run(category="library,park"))) == ["Bieb", "Park"]


@pytest.mark.parametrize("key", ATTRIBUTE_KEYS)
def test_each_attribute_must_be_yes(make_place, key):
    make_place(name="Ja", **{key: "yes"})
    make_place(name="Deels", **{key: "limited"})
    make_place(name="Nee", **{key: "no"})
    make_place(name="Onbekend")
    assert names(run(need=key)) == ["Ja"]


def test_several_needs_together(make_place):
    make_place(name="Beide", wheelchair="yes", hearing_loop="yes")
    make_place(name="Een", wheelchair="yes")
    assert names(run(need=["wheelchair", "hearing_loop"])) == ["Beide"]


def test_free_filter(make_place):
    make_place(name="Gratis", cost="free")
    make_place(name="Bijdrage", cost="contribution")
    make_place(name="Betaald", cost="paid")
    make_place(name="Onbekend", cost=None)
    assert names(run(free=1)) == ["Gratis"]


def test_audience_and_language(make_place):
    make_place(name="Ouderen", audience=["elderly"], languages=["nl", "tr"])
    make_place(name="Jongeren", audience=["youth"], languages=["nl", "ar"])
    assert names(run(audience="elderly")) == ["Ouderen"]
    assert names(run(language="ar")) == ["Jongeren"]
    assert sorted(names(run(language=["ar", "tr"]))) == ["Jongeren", "Ouderen"]
    assert names(run(language="so")) == []


def test_newcomers_filter(make_place):
    good = dict(activities=["walk_in", "sit_quietly"], cost="contribution", host_present="yes",
                house_rules_published="yes")
    make_place(name="Welkom", **good)
    make_place(name="Betaald", **{**good, "cost": "paid"})
    make_place(name="Geen gastvrouw", **{**good, "host_present": "unknown"})
    make_place(name="Geen spelregels", **{**good, "house_rules_published": "no"})
    make_place(name="Alleen activiteit", **{**good, "activities": ["join_activity"]})
    assert names(run(newcomers=1)) == ["Welkom"]


def test_open_now_and_open_at(make_place):
    make_place(*offset(*DAM, 10), name="Altijd", opening_hours="24/7")
    make_place(*offset(*DAM, 20), name="Werkdagen", opening_hours="Mo-Fr 09:00-17:00; PH off")
    make_place(*offset(*DAM, 30), name="Onbekend", opening_hours="")
    monday = run(open_at="2026-11-23T10:00")
    assert names(monday) == ["Altijd", "Werkdagen"]
    assert names(run(open_at="2026-12-25T10:00")) == ["Altijd"]
    assert names(run(open_at="2026-11-23T20:00")) == ["Altijd"]
    assert "Altijd" in names(run(open_now=1))
    # without the filter the state is still computed for each row
    states = {h.place.name: h.open_state for h in run(open_at="").hits}
    assert states["Onbekend"] == "unknown"


def test_open_filter_over_fetches(make_place):
    for i in range(8):
        make_place(*offset(*DAM, 10 + i), name=f"Dicht {i}", opening_hours="Mo 00:00-00:01")
    make_place(*offset(*DAM, 500), name="Open", opening_hours="24/7")
    result = run(open_at="2026-11-24T12:00", limit=2)   # 2 * 5 = 10 rows fetched, 1 open
    assert names(result) == ["Open"]


def test_gemeente_search_keeps_to_the_gemeente(make_place):
    make_place(name="In Amsterdam")
    make_place(5.1214, 52.0907, name="In Utrecht", gemeente_code="GM0344")
    args = MultiDict({"gemeente": "GM0344"})
    result = searching.search(searching.parse_params(args))
    assert names(result) == ["In Utrecht"]
    assert result.gemeente_name == "Utrecht"
    # the radius is for searches from a position; a gemeente search covers the whole gemeente
    wide = searching.search(searching.parse_params(MultiDict({"gemeente": "GM0344", "radius": "500"})))
    assert names(wide) == ["In Utrecht"]
    with pytest.raises(ApiError) as err:
        searching.search(searching.parse_params(MultiDict({"gemeente": "GM9999"})))
    assert err.value.param == "gemeente"


def test_one_query_whatever_the_number_of_results(make_place, count_queries):
    for i in range(25):
        make_place(*offset(*DAM, 20 * i), name=f"P{i}", opening_hours="Mo-Fr 09:00-17:00", wheelchair="yes",
                   languages=["nl", "en"], audience=["everyone"])
    params = searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0]), "need": "wheelchair",
                                               "category": "community_centre", "language": "en"}))
    with count_queries() as counter:
        result = searching.search(params)
        for hit in result.hits:   # everything the list shows is loaded already
            _ = (hit.place.name, hit.place.languages, hit.place.wheelchair, hit.open_state, hit.distance)
    assert len(result.hits) == 25
    assert counter.count == 1
    sql = counter.statements[0]
    assert "_ST_Expand" in sql and "ST_Distance" in sql and "<->" in sql and "LIMIT" in sql.upper()


def test_the_query_uses_the_geography_index(make_place):
    from sqlalchemy import text

    from webapp.extensions import db

    for i in range(30):
        make_place(*offset(*DAM, 50 * i))
    db.session.execute(text("ANALYZE places"))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    params = searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0])}))
    plan = "\n".join(r[0] for r in db.session.execute(text("EXPLAIN " + searching.literal_sql(params, *DAM))))
    assert "ix_places_location_geog" in plan


@pytest.mark.parametrize("query,param", [
    ({"lat": "91", "lon": "4"}, "lat"), ({"lat": "-90.5", "lon": "4"}, "lat"),
    ({"lat": "52", "lon": "181"}, "lon"), ({"lat": "52", "lon": "-180.1"}, "lon"),
    ({"lat": "abc", "lon": "4"}, "lat"), ({"lat": "52", "lon": "nan"}, "lon"), ({"lat": "52"}, "lon"),
    ({"lat": "52", "lon": "4", "radius": "0"}, "radius"), ({"lat": "52", "lon": "4", "radius": "-5"}, "radius"),
    ({"lat": "52", "lon": "4", "radius": "25001"}, "radius"), ({"lat": "52", "lon": "4", "radius": "ver"}, "radius"),
    ({"lat": "52", "lon": "4", "limit": "201"}, "limit"), ({"lat": "52", "lon": "4", "limit": "0"}, "limit"),
    ({"lat": "52", "lon": "4", "limit": "1.5"}, "limit"),
    ({"lat": "52", "lon": "4", "category": "kroeg"}, "category"), ({"lat": "52", "lon": "4", "need": "lift"}, "need"),
    ({"lat": "52", "lon": "4", "audience": "iedereen"}, "audience"),
    ({"lat": "52", "lon": "4", "language": "nederlands"}, "language"),
    ({"lat": "52", "lon": "4", "open_now": "misschien"}, "open_now"), ({"lat": "52", "lon": "4", "free": "2"}, "free"),
    ({"lat": "52", "lon": "4", "open_at": "morgen"}, "open_at"), ({"gemeente": "Amsterdam"}, "gemeente"),
])
def test_bad_input_names_the_parameter(query, param):
    with pytest.raises(ApiError) as err:
        searching.parse_params(MultiDict(query))
    assert err.value.param == param
    assert err.value.status == 400


def test_boundaries_are_accepted():
    params = searching.parse_params(MultiDict({"lat": "-90", "lon": "180", "radius": "25000", "limit": "200"}))
    assert (params.lat, params.lon, params.radius, params.limit) == (-90, 180, 25000, 200)
    assert searching.parse_params(MultiDict({"lat": "52,37", "lon": "4,89"})).lat == pytest.approx(52.37)


# --- Opening hours at the place's own coordinates (issue 12, item 2) ----------------------------------

# Cadzand, the far south-west of the Netherlands: in December the sun sets there about ten minutes later
# than at the centre of the country (hours.NL_CENTRE, used when no coordinates are given).
CADZAND = (3.4020, 51.3700)   # (lon, lat)
SUN_HOURS = "Mo-Su sunrise-sunset"


def sunset_gap_moment():
    """A local moment after sunset at the centre of the Netherlands but before sunset in Cadzand."""
    from datetime import datetime, timedelta

    from webapp.places import hours
    start = datetime(2026, 12, 14, 16, 0, tzinfo=hours.TZ)
    gap = [start + timedelta(minutes=m) for m in range(90)
           if hours.state_at(SUN_HOURS, start + timedelta(minutes=m), coords=(CADZAND[1], CADZAND[0])) == "open"
           and hours.state_at(SUN_HOURS, start + timedelta(minutes=m)) == "closed"]
    assert len(gap) >= 4, "sunset in Cadzand should be several minutes later than in the centre"
    return gap[len(gap) // 2]


def test_open_filter_uses_the_places_coordinates(make_place):
    """The 'open at' filter evaluates sunrise/sunset where the place is, not at a fixed or central spot."""
    moment = sunset_gap_moment()
    make_place(*CADZAND, name="Strandpaviljoen", opening_hours=SUN_HOURS, gemeente_code=None)
    args = MultiDict({"lat": str(CADZAND[1]), "lon": str(CADZAND[0]),
                      "open_at": moment.replace(tzinfo=None).isoformat(timespec="minutes")})
    result = searching.search(searching.parse_params(args))
    assert [(h.place.name, h.open_state) for h in result.hits] == [("Strandpaviljoen", "open")]


def test_open_filter_keeps_only_open_never_unknown(make_place):
    """'Unknown' (no hours, open end, a comment only, unreadable hours) is not 'open' for the filter."""
    from datetime import datetime
    make_place(*offset(*DAM, 10), name="Open", opening_hours="Mo-Su 09:00-17:00")
    make_place(*offset(*DAM, 20), name="Open einde", opening_hours="Mo-Su 09:00+")
    make_place(*offset(*DAM, 30), name="Op afspraak", opening_hours='"op afspraak"')
    make_place(*offset(*DAM, 40), name="Onleesbaar", opening_hours="ma-vr 9-17")
    make_place(*offset(*DAM, 50), name="Geen tijden")
    make_place(*offset(*DAM, 60), name="Dicht", opening_hours="off")
    at = datetime(2026, 12, 15, 11, 0).isoformat(timespec="minutes")
    base = {"lat": str(DAM[1]), "lon": str(DAM[0]), "open_at": at}
    everything = searching.search(searching.parse_params(MultiDict({**base, "open_at": ""})))
    assert len(everything.hits) == 6
    filtered = searching.search(searching.parse_params(MultiDict(base)))
    assert [h.place.name for h in filtered.hits] == ["Open"]


def test_search_rows_leave_out_the_osm_import_columns(make_place):
    """The hot path reads no JSONB of the OSM import (osm_tags, osm_values)."""
    make_place(name="Uit OSM", osm_tags={"amenity": "community_centre", "name": "Uit OSM"},
               osm_values={"name": "Uit OSM"})
    stmt = searching.build_query(searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0])})),
                                 DAM[0], DAM[1])
    sql = str(stmt.compile())
    assert "osm_tags" not in sql and "osm_values" not in sql
    hit = searching.search(searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0])}))).hits[0]
    assert hit.place.name == "Uit OSM" and not hasattr(hit.place, "osm_tags")


def test_the_radius_test_of_the_knn_search_equals_st_dwithin(make_place):
    """geo.within_m_nearest (written so PostgreSQL walks the KNN index) keeps exactly what ST_DWithin keeps,
    also just inside and just outside the circle, in every direction."""
    from sqlalchemy import select

    from webapp import geo
    from webapp.extensions import db
    from webapp.places.models import Place

    rng = random.Random(16)
    for i in range(240):
        metres = rng.choice([rng.uniform(0, 30_000), rng.choice([1000, 5000, 25_000]) + rng.uniform(-3, 3)])
        bearing = rng.uniform(0, 360)
        lon = DAM[0] + metres * math.sin(math.radians(bearing)) / (111_320 * math.cos(math.radians(DAM[1])))
        lat = DAM[1] + metres * math.cos(math.radians(bearing)) / 110_574
        make_place(lon, lat, name=f"R{i}")
    place, centre = geo.geography(Place.location), geo.point(DAM[0], DAM[1])
    for radius in (1000, 5000, 25_000):
        exact = set(db.session.scalars(select(Place.id).where(geo.within_m(place, centre, radius))))
        nearest = set(db.session.scalars(select(Place.id).where(geo.within_m_nearest(place, centre, radius))))
        assert nearest == exact and len(exact) > 10

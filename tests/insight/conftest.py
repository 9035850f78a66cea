"""Fixtures for insight: places at RD New (EPSG:28992) points, hand-made buurten, residents."""
from __future__ import annotations

import itertools
import json

import pytest
import sqlalchemy as sa

from webapp.extensions import db
from webapp.places.models import Place

_n = itertools.count(1)
NEWCOMERS = dict(activities=["walk_in"], cost="free", host_present="yes", house_rules_published="yes")
UTRECHT_DOM = (5.1214, 52.0907)


def rd_to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = db.session.execute(sa.text(
        "select ST_X(p), ST_Y(p) from ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 28992), 4326) p"),
        {"x": x, "y": y}).one()
    return lon, lat


def rd_geojson(wkt: str) -> dict:
    """A polygon given in RD New metres, as GeoJSON in WGS84 (what a CBS file holds)."""
    return json.loads(db.session.execute(sa.text(
        "select ST_AsGeoJSON(ST_Transform(ST_GeomFromText(:wkt, 28992), 4326), 15)"), {"wkt": wkt}).scalar())


@pytest.fixture
def make_place(app):
    def make(rd: tuple[float, float] | None = None, lonlat: tuple[float, float] = UTRECHT_DOM, **values) -> Place:
        lon, lat = rd_to_lonlat(*rd) if rd else lonlat
        values.setdefault("name", f"Testplek {next(_n)}")
        values.setdefault("category", "community_centre")
        values.setdefault("status", "published")
        values.setdefault("gemeente_code", "GM0344")
        place = Place(location=f"SRID=4326;POINT({lon} {lat})", **values)
        db.session.add(place)
        db.session.flush()
        return place

    return make


@pytest.fixture
def buurten_file(tmp_path):
    """Write a CBS-style buurten GeoJSON: buurten_file([(code, name, inhabitants, rd_wkt), ...]) -> path."""
    def write(rows, name="buurten.geojson") -> str:
        features = [{"type": "Feature", "geometry": rd_geojson(wkt),
                     "properties": {"buurtcode": code, "buurtnaam": bname, "aantal_inwoners": inhabitants}}
                    for code, bname, inhabitants, wkt in rows]
        path = tmp_path / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        return path

    return write

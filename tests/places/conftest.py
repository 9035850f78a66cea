"""Helpers for the places tests: make places at given points (published unless said otherwise)."""
from __future__ import annotations

import itertools

import pytest

from webapp.extensions import db
from webapp.places.models import Place

_n = itertools.count(1)

# A point in central Amsterdam (Dam square) used as the search centre in many tests.
DAM = (4.8930, 52.3731)


def offset(lon: float, lat: float, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    import math

    return (lon + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 111_320)


@pytest.fixture
def make_place(app):
    def make(lon: float = DAM[0], lat: float = DAM[1], commit: bool = False, **values) -> Place:
        n = next(_n)
        values.setdefault("name", f"Testplek {n}")
        values.setdefault("category", "community_centre")
        values.setdefault("status", "published")
        values.setdefault("gemeente_code", "GM0363")
        place = Place(location=f"SRID=4326;POINT({lon} {lat})", **values)
        db.session.add(place)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return place

    return make

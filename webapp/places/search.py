"""The nearby search: parse the filters, then ONE SQL query does the work.

The query (see `_statement`, built once per shape of filters, values bound): `geo.within_m_nearest` on
geography (metres; ST_DWithin's test, written so the planner walks the KNN index) for the radius, KNN
ordering with `<->` on the GiST index over `geography(location)`, every filter in SQL, `LIMIT`. Distances
are spherical (`webapp/geo.py`: `use_spheroid => false`), the same measure the KNN operator orders by, so
the order and the shown distance always agree.

Open now / open at: each place's opening intervals are precomputed for a rolling window
(`opening_windows.py`, equal to `hours.state_at`), so when the moment lies inside it (from today's
midnight to 14 days from now: `opening_windows.covers`) the filter is one more predicate of the same
statement (the moment a bound parameter) and no row is evaluated in Python. A moment outside the window
(the past, or further ahead) keeps the evaluation in Python: SQL keeps only places that have opening
hours and over-fetches `limit * OPEN_OVERFETCH` rows (at most `OPEN_FETCH_MAX`), Python keeps the open
ones and cuts back to `limit` (near a dense centre that can return fewer than `limit` open places while
more exist further away; the page says "toon meer"). Without the filter each row's open state comes from
its window too (a column of the same statement); a row without a covering window, or a moment outside the
window, is evaluated in Python for the LIMITed rows only. "Unknown" (no hours, unreadable hours, an open
end) is never "open".
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import (
    ARRAY,
    Float,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.engine import Engine
from sqlalchemy.types import NullType
from werkzeug.datastructures import MultiDict

from webapp import geo
from webapp.areas.models import Gemeente
from webapp.errors import ApiError
from webapp.extensions import db
from webapp.places import barriers, hours, opening_windows, visibility
from webapp.places.attributes import ATTRIBUTE_KEYS, AUDIENCES, CATEGORIES
from webapp.places.models import Place
from webapp.places.serialize import TIMESTAMP_SQL_FORMAT
from webapp.places.visibility import listed_filter

log = logging.getLogger(__name__)

DEFAULT_RADIUS = 1000
MAX_RADIUS = 25_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
OPEN_OVERFETCH = 5
OPEN_FETCH_MAX = 1000
MAX_YEARS_AWAY = 5          # open_at lies at most this many years before or after today
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RADIUS_CHOICES = (500, 1000, 2000, 5000, 10_000, 25_000)
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
GEMEENTE_RE = re.compile(r"^GM\d{4}$")
TRUE_VALUES = {"1", "true", "yes", "on", "ja"}
FALSE_VALUES = {"0", "false", "no", "off", "nee", ""}

# Query parameters the search understands (others, e.g. `view`, are for the page, and ignored here).
SEARCH_PARAMS = ("q", "lat", "lon", "gemeente", "radius", "limit", "category", "open_now", "open_at", "free",
                 "need", "audience", "language", "newcomers")


MAX_Q = 120                 # characters of "Postcode of plaats"


@dataclass
class SearchParams:
    q: str = ""                        # what the person typed: postcode, place, gemeente (places.where resolves it)
    origin_kind: str | None = None     # what q turned out to be: pc4 / woonplaats / gemeente / address
    origin_name: str | None = None     # its plain name: "3511", "Utrecht"
    lat: float | None = None
    lon: float | None = None
    gemeente: str | None = None
    radius: int | None = None          # metres around lat/lon; a gemeente search covers the whole gemeente
    limit: int = DEFAULT_LIMIT
    categories: list[str] = field(default_factory=list)
    open_now: bool = False
    open_at: datetime | None = None
    free: bool = False
    needs: list[str] = field(default_factory=list)      # attributes that must be 'yes'
    audiences: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    newcomers: bool = False

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def has_centre(self) -> bool:
        return self.has_position or self.gemeente is not None

    @property
    def wants_open(self) -> bool:
        return self.open_now or self.open_at is not None

    def effective_radius(self) -> int | None:
        if self.has_position:
            return self.radius or DEFAULT_RADIUS
        return None   # a gemeente without a position: every place in the gemeente, nearest its centre first


@dataclass
class PlaceHit:
    place: Any                 # a row with the Place column names as attributes, plus lon and lat
    distance: float | None     # metres from the search centre
    open_state: str            # open / closed / unknown (at open_at, else now)


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[PlaceHit]
    centre: tuple[float, float] | None   # (lon, lat)
    gemeente_name: str | None = None
    more_possible: bool = False          # the LIMIT was reached: "toon meer" makes sense


# ---------------------------------------------------------------------------------------------
# Parsing: every bad value becomes an ApiError naming the parameter (the page shows it as text).

def _number(args: MultiDict, name: str, kind=float):
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = kind(raw.strip().replace(",", ".") if kind is float else raw.strip())
    except ValueError:
        raise ApiError(_("%(param)s moet een getal zijn.", param=name), code="invalid_number", param=name) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ApiError(_("%(param)s moet een getal zijn.", param=name), code="invalid_number", param=name)
    return value


def _flag(args: MultiDict, name: str) -> bool:
    raw = (args.get(name) or "").strip().lower()
    if raw in TRUE_VALUES:
        return True
    if raw in FALSE_VALUES:
        return False
    raise ApiError(_("%(param)s moet 1 of 0 zijn.", param=name), code="invalid_value", param=name)


def _choices(args: MultiDict, name: str, allowed) -> list[str]:
    values: list[str] = []
    for raw in args.getlist(name):
        for value in raw.split(","):
            value = value.strip()
            if not value:
                continue
            if value not in allowed:
                raise ApiError(_("Onbekende waarde voor %(param)s: %(value)s", param=name, value=value[:40]),
                               code="unknown_value", param=name)
            if value not in values:
                values.append(value)
    return values


def _languages(args: MultiDict) -> list[str]:
    values = []
    for raw in args.getlist("language"):
        for value in raw.split(","):
            value = value.strip().lower()
            if not value:
                continue
            if not LANGUAGE_RE.match(value):
                raise ApiError(_("Onbekende taalcode: %(value)s (gebruik bijvoorbeeld nl, en, ar)", value=value[:20]),
                               code="unknown_value", param="language")
            if value not in values:
                values.append(value)
    return values


def parse_params(args: MultiDict, default_limit: int = DEFAULT_LIMIT) -> SearchParams:
    """SearchParams from a query string. Raises ApiError(param=...) on the first bad value."""
    params = SearchParams(limit=default_limit)
    params.q = " ".join((args.get("q") or "").split())
    if len(params.q) > MAX_Q:
        raise ApiError(_("Typ hoogstens %(max)s tekens bij postcode of plaats.", max=MAX_Q), code="out_of_range",
                       param="q")
    lat, lon = _number(args, "lat"), _number(args, "lon")
    if lat is not None and not -90 <= lat <= 90:
        raise ApiError(_("lat moet tussen -90 en 90 liggen."), code="out_of_range", param="lat")
    if lon is not None and not -180 <= lon <= 180:
        raise ApiError(_("lon moet tussen -180 en 180 liggen."), code="out_of_range", param="lon")
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise ApiError(_("Geef lat en lon allebei op."), code="missing", param=missing)
    params.lat, params.lon = lat, lon

    gemeente = (args.get("gemeente") or "").strip().upper()
    if gemeente:
        if not GEMEENTE_RE.match(gemeente):
            raise ApiError(_("Onbekende gemeente: %(value)s", value=gemeente[:20]), code="unknown_value",
                           param="gemeente")
        params.gemeente = gemeente

    radius = _number(args, "radius")
    if radius is not None:
        if radius <= 0 or radius > MAX_RADIUS:
            raise ApiError(_("radius moet groter dan 0 en hoogstens %(max)s meter zijn.", max=MAX_RADIUS),
                           code="out_of_range", param="radius")
        params.radius = int(math.ceil(radius))

    limit = _number(args, "limit", int)
    if limit is not None:
        if limit < 1 or limit > MAX_LIMIT:
            raise ApiError(_("limit moet tussen 1 en %(max)s liggen.", max=MAX_LIMIT), code="out_of_range",
                           param="limit")
        params.limit = limit

    params.categories = _choices(args, "category", CATEGORIES)
    params.needs = _choices(args, "need", ATTRIBUTE_KEYS)
    params.audiences = _choices(args, "audience", AUDIENCES)
    params.languages = _languages(args)
    params.open_now = _flag(args, "open_now")
    params.free = _flag(args, "free")
    params.newcomers = _flag(args, "newcomers")
    raw_at = (args.get("open_at") or "").strip()
    if raw_at:
        try:
            params.open_at = datetime.fromisoformat(raw_at)
        except ValueError:
            raise ApiError(_("open_at moet een datum en tijd zijn, zoals 2026-05-01T14:00."), code="invalid_value",
                           param="open_at") from None
        # Year 1 or 9999 (with an offset) overflows on conversion; opening hours that far away mean nothing.
        now = datetime.now(UTC)
        if params.open_at.tzinfo is None:
            now = now.astimezone(AMSTERDAM).replace(tzinfo=None)
        if abs(params.open_at - now) > timedelta(days=365 * MAX_YEARS_AWAY + 1):
            raise ApiError(_("open_at mag hoogstens %(years)s jaar van vandaag liggen.", years=MAX_YEARS_AWAY),
                           code="out_of_range", param="open_at")
    return params


# ---------------------------------------------------------------------------------------------
# The query

def geography(column):
    """`geography(location)`: the expression of the GiST index ix_places_location_geog."""
    return geo.geography(column)


# The OpenStreetMap import's JSONB (every tag as read): only the OSM export reads them, never a search.
OSM_COLUMNS = ("osm_tags", "osm_values")


def _result_columns() -> list:
    """Every column but the geometry and the OSM import's JSONB, plus lon/lat: plain rows (no ORM objects,
    no WKB parsing).

    Arrays come back as psycopg's lists as they are (no per-item processing): this is the hot path
    of the open-data API, measured in bench/nearby.py.
    """
    columns: list[Any] = []
    for column in Place.__table__.columns:
        if column.key in ("location", *OSM_COLUMNS):
            continue
        if isinstance(column.type, ARRAY):
            columns.append(type_coerce(column, NullType()).label(column.key))
        else:
            columns.append(column)
    columns += [func.ST_X(Place.location).label("lon"), func.ST_Y(Place.location).label("lat")]
    return columns


def window_moment(params: SearchParams) -> datetime | None:
    """The moment (UTC) of the open state (open_at, else now) when the precomputed windows answer it."""
    now = datetime.now(UTC)
    at = hours.local_moment(params.open_at).astimezone(UTC) if params.open_at is not None else now
    return at if opening_windows.covers(at, now) else None


def open_moment(params: SearchParams) -> datetime | None:
    """The moment (UTC) the open filter asks about, when the precomputed windows answer it; else None."""
    return window_moment(params) if params.wants_open else None


def _shape(params: SearchParams, windows: bool = False) -> tuple:
    """What decides the statement's SQL text (values are bound parameters)."""
    return (params.effective_radius() is not None, bool(params.gemeente and not params.has_position),
            bool(params.categories), params.free, tuple(params.needs), bool(params.audiences),
            bool(params.languages), params.newcomers, params.wants_open, windows)


def _key(name: str) -> Any:
    """A JSON key written into the SQL text, not bound: the keys are fixed names from this code (checked),
    and the statement stays short enough for psycopg to cache its conversion (about 15 % of a request's CPU
    when every key was a parameter; bench/README.md)."""
    if not re.fullmatch(r"[A-Za-z_]+", name):
        raise ValueError(name)
    return literal_column(f"'{name}'", String)


def _geojson_columns(distance) -> list:
    """The open-data Feature built by PostgreSQL (C is faster than Python at this): `geom` and `props`
    as JSON text, the same fields as serialize.properties(); `open_now` is added in Python."""
    attributes: Any = func.jsonb_build_object(
        *[x for key in ATTRIBUTE_KEYS for x in (_key(key), getattr(Place, key))])
    attributes = case((Place.toilets == "no", attributes.op("-")(_key("toilets_wheelchair"))), else_=attributes)
    fields = {
        "id": Place.id, "name": Place.name, "description": Place.description, "category": Place.category,
        "address": Place.address, "gemeente_code": Place.gemeente_code, "website": Place.website,
        "phone": Place.phone, "email": Place.email, "opening_hours": Place.opening_hours, "cost": Place.cost,
        "languages": Place.languages, "audience": Place.audience, "activities": Place.activities,
        "host_name": Place.host_name, "house_rules": Place.house_rules, "safe_space_for": Place.safe_space_for,
        "attributes": attributes, "attribute_meta": Place.attribute_meta, "osm_id": Place.osm_id,
        "updated_at": func.to_char(func.timezone("UTC", Place.updated_at), TIMESTAMP_SQL_FORMAT),
        "url": func.concat(bindparam("url_prefix", type_=String), Place.id),
        "status": Place.status,
        "distance_m": func.round(cast(distance, Numeric), 1),
        "reported_attributes": barriers.reported_attributes_sql(),
    }
    props = func.json_build_object(*[x for key, value in fields.items() for x in (_key(key), value)])
    geom = func.json_build_object(_key("type"), _key("Point"), _key("coordinates"), func.json_build_array(
        func.round(cast(func.ST_X(Place.location), Numeric), 7),
        func.round(cast(func.ST_Y(Place.location), Numeric), 7)))
    return [Place.id, Place.opening_hours, cast(props, Text).label("props"), cast(geom, Text).label("geom"),
            func.ST_X(Place.location).label("lon"), func.ST_Y(Place.location).label("lat")]


@lru_cache(maxsize=512)
def _statement(shape: tuple, as_geojson: bool = False) -> Select:
    """The search statement for one shape of filters, built once (building costs more than running)."""
    with_radius, in_gemeente, categories, free, needs, audiences, languages, newcomers, wants_open, windows = shape
    centre = geo.bound_point("lon", "lat")
    place_geog = geography(Place.location)
    conditions = [listed_filter()]
    distance = geo.distance_m(place_geog, centre)
    columns = (_geojson_columns(distance) if as_geojson else _result_columns()) + [distance.label("distance")]
    if with_radius:
        conditions.append(geo.within_m_nearest(place_geog, centre, bindparam("radius", type_=Float)))
    if in_gemeente:
        conditions.append(Place.gemeente_code == bindparam("gemeente", type_=String))
    if categories:
        conditions.append(Place.category.in_(bindparam("categories", expanding=True)))
    if free:
        conditions.append(Place.cost == "free")
    for key in needs:
        conditions.append(getattr(Place, key) == "yes")
        conditions.append(barriers.not_flagged(key))  # an open barrier report: not a sure "yes" now
    if audiences:
        conditions.append(Place.audience.op("&&")(bindparam("audiences", type_=ARRAY(String))))
    if languages:
        conditions.append(Place.languages.op("&&")(bindparam("languages", type_=ARRAY(String))))
    if newcomers:
        conditions.extend([
            Place.activities.op("@>")(array(["walk_in"], type_=String)),
            Place.cost.in_(("free", "contribution")),
            Place.host_present == "yes",
            Place.house_rules_published == "yes",
        ])
    if windows and wants_open:
        conditions.append(opening_windows.open_at_sql(Place.id))
    elif windows:
        # Each row's state at `open_at` from its window (NULL without one: then evaluated in Python).
        columns.append(opening_windows.state_at_sql(Place.id).label("open_state"))
    elif wants_open:
        conditions.append(Place.opening_hours != "")
    return (select(*columns).where(*conditions)
            .order_by(geo.nearest_first(place_geog, centre))
            .limit(bindparam("fetch", type_=Integer)))


def query_and_values(params: SearchParams, lon: float, lat: float, fetch: int | None = None,
                     url_prefix: str | None = None) -> tuple[Select, dict]:
    """The one search statement and its values. Rows have the Place column names as attributes,
    plus lon, lat and distance (metres from lon/lat). With `url_prefix` (the open-data API) the rows
    are id, opening_hours, props and geom (GeoJSON text made by PostgreSQL), lon, lat and distance."""
    values: dict[str, Any] = {"lon": lon, "lat": lat, "fetch": fetch or params.limit}
    at = window_moment(params)
    if at is not None:
        values["open_at"] = at
        values["fetch"] = min(values["fetch"], params.limit)   # no over-fetch: SQL keeps only the open places
    if url_prefix is not None:
        values["url_prefix"] = url_prefix
    radius = params.effective_radius()
    if radius is not None:
        values["radius"] = radius
    if params.gemeente and not params.has_position:
        values["gemeente"] = params.gemeente
    if params.categories:
        values["categories"] = list(params.categories)
    if params.audiences:
        values["audiences"] = list(params.audiences)
    if params.languages:
        values["languages"] = list(params.languages)
    return _statement(_shape(params, at is not None), url_prefix is not None), values


def build_query(params: SearchParams, lon: float, lat: float, fetch: int | None = None) -> Select:
    """The statement with its values bound in (for EXPLAIN, the benchmark and literal SQL)."""
    stmt, values = query_and_values(params, lon, lat, fetch)
    return stmt.params(**values)


def fetch_size(params: SearchParams) -> int:
    if params.wants_open and open_moment(params) is None:
        return min(params.limit * OPEN_OVERFETCH, OPEN_FETCH_MAX)
    return params.limit


def search(params: SearchParams, geojson_url_prefix: str | None = None) -> SearchResult:
    """Run the search. With lat/lon: one SQL statement. With only a gemeente: one more for its centre.

    `geojson_url_prefix`: let PostgreSQL build each GeoJSON Feature (see query_and_values)."""
    centre_lonlat: Any = None
    gemeente_name = None
    if params.has_position:
        centre_lonlat = (params.lon, params.lat)
    elif params.gemeente:
        row = db.session.execute(
            select(Gemeente.name,
                   func.ST_X(func.ST_PointOnSurface(Gemeente.boundary)),
                   func.ST_Y(func.ST_PointOnSurface(Gemeente.boundary)))
            .where(Gemeente.code == params.gemeente)
        ).first()
        if row is None:
            raise ApiError(_("Onbekende gemeente: %(value)s", value=params.gemeente), code="unknown_value",
                           param="gemeente")
        gemeente_name, centre_lonlat = row[0], (row[1], row[2])
    else:
        raise ApiError(_("Kies een plek: geef lat en lon op, of een gemeente."), code="missing", param="lat")

    fetch = fetch_size(params)
    lon, lat = centre_lonlat
    stmt, values = query_and_values(params, lon, lat, fetch, url_prefix=geojson_url_prefix)
    fetch = values["fetch"]
    windows = "open_at" in values
    rows = read_rows(stmt, values)
    at = params.open_at
    hits = []
    for row in rows:
        # The open filter keeps only "open": "unknown" (no hours, an open end, "op afspraak") is never
        # counted as open. From the windows: the filter left only open places, else each row has its
        # state; without them (or without a window for the row) evaluated in Python, at the place's own
        # coordinates (sunrise/sunset).
        if windows and params.wants_open:
            state = "open"
        elif windows and row.open_state is not None:
            state = row.open_state
        else:
            state = hours.state_at(row.opening_hours, at, coords=(row.lat, row.lon))
        if params.wants_open and state != "open":
            continue
        hits.append(PlaceHit(row, float(row.distance), state))
        if len(hits) >= params.limit:
            break
    more = len(rows) >= fetch
    return SearchResult(params, hits, centre_lonlat, gemeente_name, more)


def read_rows(stmt, values: dict | None = None) -> list:
    """Run a read-only statement with as few round trips as possible: plain Core rows (no ORM
    loading), and when the request has no transaction yet, on an autocommit connection (no BEGIN
    and ROLLBACK around one SELECT). Inside a transaction (tests, or a request that already used
    the session) it joins that transaction.
    """
    bind = db.session.get_bind()
    if isinstance(bind, Engine) and not db.session().in_transaction():
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return list(conn.execute(stmt, values or {}).all())
    return list(db.session.connection().execute(stmt, values or {}).all())


def get_public(place_id: int) -> Place | None:
    """A public place (published or closed, not hidden), or None (the public sees nothing else)."""
    return db.session.scalars(select(Place).where(Place.id == place_id, visibility.public_filter())).first()


def gemeente_places(code: str) -> tuple[Gemeente | None, list[Place]]:
    """Every listed place of a gemeente, by name (for the open-data downloads; closed places left out)."""
    gemeente = db.session.get(Gemeente, code)
    if gemeente is None:
        return None, []
    places = list(db.session.scalars(
        select(Place).where(listed_filter(), Place.gemeente_code == code).order_by(Place.name, Place.id)))
    return gemeente, places


def literal_sql(params: SearchParams, lon: float, lat: float) -> str:
    """The search statement as plain SQL with the values inlined (for EXPLAIN and the benchmark)."""
    stmt = build_query(params, lon, lat, fetch_size(params))
    return str(stmt.compile(dialect=db.engine.dialect if db else None, compile_kwargs={"literal_binds": True}))


__all__ = ["SearchParams", "PlaceHit", "SearchResult", "parse_params", "search", "build_query", "get_public",
           "gemeente_places", "RADIUS_CHOICES", "DEFAULT_RADIUS", "MAX_RADIUS", "MAX_LIMIT"]

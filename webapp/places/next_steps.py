"""No dead ends: the active filters as removable chips, and counted next steps when results are few.

Each next step is counted with the search's own statement (same shape, same WHERE, `count(*)` instead
of the rows; `places.search._statement`), so a step that says "5 plekken" finds 5 places. Open now / open at
cannot be counted in SQL (the opening-hours syntax needs the library): with that filter a step runs the
real search up to `OPEN_COUNT_MAX` places and counts the open ones.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import func

from webapp.places import search as searching
from webapp.places.attributes import ATTRIBUTES_BY_KEY, AUDIENCES, CATEGORIES, LANGUAGES
from webapp.places.models import Place

FEW = 3                                  # fewer results than this: offer next steps
WIDER = (2000, 5000, 25_000)             # radii offered, when wider than the current one
OPEN_COUNT_MAX = 50


@dataclass(frozen=True)
class Filter:
    """One active filter: `param` and the values left when it is removed (None: the parameter goes)."""

    label: str
    param: str
    remaining: tuple[str, ...] | None
    without: searching.SearchParams


@dataclass(frozen=True)
class Step:
    """A next step: `text` to show, `count` places it finds, and the query change (`drop`, `set`)."""

    text: str
    count: int
    drop: tuple[str, ...]
    set: tuple[tuple[str, str], ...]


def _listed(label: str, param: str, values: list[str], value: str, params: searching.SearchParams,
            field: str) -> Filter:
    rest = [v for v in values if v != value]
    without = replace(params)
    setattr(without, field, rest)
    return Filter(label, param, tuple(rest), without)


def active_filters(params: searching.SearchParams) -> list[Filter]:
    """Every filter that narrows the search, one chip each (a list filter: one chip per value)."""
    out = [_listed(str(CATEGORIES.get(c, c)), "category", params.categories, c, params, "categories")
           for c in params.categories]
    out += [_listed(str(ATTRIBUTES_BY_KEY[k].label), "need", params.needs, k, params, "needs") for k in params.needs]
    out += [_listed(str(AUDIENCES.get(a, a)), "audience", params.audiences, a, params, "audiences")
            for a in params.audiences]
    out += [_listed(str(LANGUAGES.get(lang, lang)), "language", params.languages, lang, params, "languages")
            for lang in params.languages]
    if params.open_now:
        out.append(Filter(_("Nu open"), "open_now", None, replace(params, open_now=False)))
    if params.open_at is not None:
        out.append(Filter(_("Open op het gekozen moment"), "open_at", None, replace(params, open_at=None)))
    if params.free:
        out.append(Filter(_("Gratis"), "free", None, replace(params, free=False)))
    if params.newcomers:
        out.append(Filter(_("Goed om te beginnen"), "newcomers", None, replace(params, newcomers=False)))
    return out


def count(params: searching.SearchParams, centre: tuple[float, float]) -> int:
    """How many places the search with `params` finds from `centre` (lon, lat)."""
    lon, lat = centre
    if params.wants_open:
        probe = replace(params, limit=OPEN_COUNT_MAX, lon=lon, lat=lat) if params.has_position else \
            replace(params, limit=OPEN_COUNT_MAX)
        return len(searching.search(probe).hits)
    stmt, values = searching.query_and_values(params, lon, lat, fetch=1)
    values.pop("fetch")
    counting = stmt.with_only_columns(func.count(Place.id)).order_by(None).limit(None)
    return int(searching.read_rows(counting, values)[0][0])


def nearest_distance(params: searching.SearchParams) -> float | None:
    """Metres to the nearest place that meets every filter within 25 km, or None."""
    if not params.has_position:
        return None
    hits = searching.search(replace(params, radius=searching.MAX_RADIUS, limit=1)).hits
    return hits[0].distance if hits else None


def next_steps(result: searching.SearchResult) -> tuple[list[Step], float | None]:
    """The counted steps (wider radius, each filter dropped) and the distance to the nearest full match.

    Only when the search found fewer than FEW places; steps that find no more places are left out.
    """
    params, found = result.params, len(result.hits)
    if found >= FEW or result.centre is None:
        return [], None
    steps: list[Step] = []
    radius = params.effective_radius()
    if radius is not None:
        for wider in WIDER:
            if wider > radius:
                n = count(replace(params, radius=wider), result.centre)
                if n > found:
                    steps.append(Step(_("Zoek tot %(km)s km", km=wider // 1000), n, ("radius", "limit"),
                                      (("radius", str(wider)),)))
                if n >= FEW:
                    break
    for active in active_filters(params):
        n = count(active.without, result.centre)
        if n > found:
            kept = (((active.param, ",".join(active.remaining)),) if active.remaining else ())
            steps.append(Step(_("Zonder \u2018%(what)s\u2019", what=active.label), n, (active.param, "limit"), kept))
    nearest = nearest_distance(params) if found == 0 else None
    return steps, nearest


def radius_for(distance: float) -> int:
    """The smallest radius choice that holds `distance` metres."""
    for choice in searching.RADIUS_CHOICES:
        if choice >= distance:
            return choice
    return searching.MAX_RADIUS

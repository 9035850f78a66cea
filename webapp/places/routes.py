"""Thin controllers for the places pages: the search (list first, map second) and the place page."""
from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import abort, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from webapp.areas.services import list_gemeenten
from webapp.errors import ApiError
from webapp.i18n import distance as format_distance
from webapp.i18n import local_date
from webapp.places import barriers, detail_view, next_steps, visibility, where
from webapp.places import search as searching
from webapp.places.attributes import (
    ATTRIBUTES,
    ATTRIBUTES_BY_KEY,
    AUDIENCES,
    CATEGORIES,
    LANGUAGES,
    SHOW_NO_IN_LIST,
)
from webapp.places.serialize import lonlat, visible_attributes
from webapp.security import csp_nonce
from webapp.stewardship.services import status_since

PAGE_SIZE = 30
MAP_VIEW = "kaart"
# Which form control to link to from an error about a query parameter.
PARAM_FIELD = {"q": "q", "lat": "gemeente", "lon": "gemeente", "gemeente": "gemeente", "radius": "radius",
               "need": "need-wheelchair", "category": "category-community_centre", "audience": "audience-everyone",
               "language": "language", "open_now": "open_now", "open_at": "open_at", "free": "free"}


def _query_without(args: MultiDict, *drop: str, **overrides) -> str:
    """The current query string minus `drop`, with `overrides` set (for links that keep the filters)."""
    items = [(k, v) for k, v in args.items(multi=True) if k not in drop and k not in overrides and v != ""]
    items += [(k, v) for k, v in overrides.items() if v is not None]
    return urlencode(items)


def search_url(args: MultiDict | None = None, *drop: str, **overrides) -> str:
    query = _query_without(args if args is not None else request.args, *drop, **overrides)
    return url_for("places.search") + ("?" + query if query else "")


def _badges(place) -> list[dict]:
    badges = []
    for key, value in visible_attributes(place).items():
        attr = ATTRIBUTES_BY_KEY[key]
        if value == "yes":
            badges.append({"cls": "badge-ok", "icon": "✓", "text": str(attr.label)})
        elif value == "limited":
            badges.append({"cls": "badge-warn", "icon": "◐", "text": _("Deels: %(what)s", what=attr.label)})
        elif value == "no" and key in SHOW_NO_IN_LIST:
            badges.append({"cls": "badge-bad", "icon": "✕", "text": _("Niet: %(what)s", what=attr.label)})
    return badges


def _unknown_badge() -> dict:
    return {"cls": "badge-unknown", "icon": "?", "text": _("Open of dicht: onbekend")}


def _open_text(state: str, at=None) -> dict:
    """The open/closed/unknown badge: now, or at the moment the user asked about ("open op"). Unknown (no
    hours, unreadable hours, an open end, "op afspraak") is its own badge, never shown as open or closed."""
    if at is not None:
        local = at if at.tzinfo else at.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))  # the user's wall clock
        when = format_datetime(local, "EEE d MMM HH:mm")
        return {"open": {"cls": "badge-ok", "icon": "●", "text": _("Open op %(when)s", when=when)},
                "closed": {"cls": "badge-bad", "icon": "○", "text": _("Dicht op %(when)s", when=when)},
                "unknown": _unknown_badge()}[state]
    return {"open": {"cls": "badge-ok", "icon": "●", "text": _("Nu open")},
            "closed": {"cls": "badge-bad", "icon": "○", "text": _("Nu dicht")},
            "unknown": _unknown_badge()}[state]


def _keep_what_is_valid(args: MultiDict, bad: str | None) -> searching.SearchParams:
    """The filters minus the wrong ones, so the form shows again what the user chose."""
    remaining = MultiDict(args)
    for _attempt in range(len(searching.SEARCH_PARAMS)):
        if bad in ("lat", "lon"):
            remaining.poplist("lat")
            remaining.poplist("lon")
        elif bad:
            remaining.poplist(bad)
        try:
            return searching.parse_params(remaining, default_limit=PAGE_SIZE)
        except ApiError as exc:
            bad = exc.param
    return searching.SearchParams(limit=PAGE_SIZE)


def search():
    """GET /plekken (and /): the list of places near a point or in a gemeente; ?view=kaart adds the map."""
    args = request.args
    view_map = args.get("view") == MAP_VIEW
    error = None
    error_param = None
    result = None
    candidates: list = []
    params = searching.SearchParams(limit=PAGE_SIZE)
    try:
        params = searching.parse_params(args, default_limit=PAGE_SIZE)
        candidates = where.locate(params)
        if len(candidates) <= 1 and params.has_centre:
            result = searching.search(params)
    except ApiError as exc:
        error, error_param = exc.message, exc.param
        params = _keep_what_is_valid(args, exc.param)
        if exc.param == "q":  # a place we do not know: the field keeps what was typed
            params.q = " ".join((args.get("q") or "").split())[:searching.MAX_Q]
    # A place we do not know is not a broken request: the page says so and keeps the form (the API says 400).
    status = 400 if error and error_param != "q" else 200

    rendered_map = None
    if view_map:
        # Imported here: folium takes about a second to import, and only the pages with a map need it.
        from webapp.places import mapview
    if view_map and result is not None:
        markers = [mapview.MapMarker(*lonlat(h.place), name=h.place.name,
                                     url=url_for("places.detail", place_id=h.place.id),
                                     detail=f"{CATEGORIES.get(h.place.category, '')} · {format_distance(h.distance)}")
                   for h in result.hits]
        fmap = mapview.build_map(markers, result.centre, zoom=15 if params.has_position else 13,
                                 click_url=search_url(args, "q", "lat", "lon", "gemeente"),
                                 you_are_here=params.has_position)
        rendered_map = mapview.render(fmap, csp_nonce())
    elif view_map and result is None and not error:
        # An empty map of the Netherlands to tap on (the gemeente picker is the non-map way).
        fmap = mapview.build_map([], (5.3, 52.2), zoom=7, click_url=search_url(args, "q", "lat", "lon", "gemeente"))
        rendered_map = mapview.render(fmap, csp_nonce())

    hits = []
    if result is not None:
        flags = barriers.flags_of([h.place.id for h in result.hits])   # one query for the whole list
        for hit in result.hits:
            hits.append({"hit": hit, "badges": _badges(hit.place), "open": _open_text(hit.open_state, params.open_at),
                         "flags": flags.get(hit.place.id, set())})
    context = dict(
        params=params, result=result, hits=hits, error=error, origin=where.origin_text(params),
        did_you_mean=[(c.label, search_url(args, "q", "lat", "lon", "gemeente", "limit", q=c.label))
                      for c in candidates] if len(candidates) > 1 else [],
        **_no_dead_ends(args, params, result),
        error_field=PARAM_FIELD.get(error_param or "", "search-submit"), view_map=view_map,
        rendered_map=rendered_map, gemeenten=list_gemeenten(), categories=CATEGORIES, audiences=AUDIENCES,
        languages=LANGUAGES, attributes=ATTRIBUTES, radius_choices=searching.RADIUS_CHOICES,
        default_radius=searching.DEFAULT_RADIUS,
        map_url=search_url(args, "view", view=MAP_VIEW),
        list_url=search_url(args, "view"),
        newcomers_url=search_url(args, "newcomers", "limit", newcomers="1"),
        all_url=search_url(args, "newcomers", "limit"),
        more_url=search_url(args, "limit", limit=str(min(params.limit + PAGE_SIZE, searching.MAX_LIMIT))),
        clear_point_url=search_url(args, "lat", "lon", "limit"),
        can_show_more=result is not None and result.more_possible and params.limit < searching.MAX_LIMIT,
    )
    return render_template("places/search.html", **context), status


def _no_dead_ends(args: MultiDict, params: searching.SearchParams, result) -> dict:
    """The active filters as chips (links that remove one) and, when few results, counted next steps."""
    chips = []
    for active in next_steps.active_filters(params):
        keep = {active.param: ",".join(active.remaining)} if active.remaining else {}
        chips.append((active.label, search_url(args, active.param, "limit", **keep)))
    steps, nearest = next_steps.next_steps(result) if result is not None else ([], None)
    links = [(step.text, step.count, search_url(args, *step.drop, **dict(step.set))) for step in steps]
    nearest_link = None
    if nearest is not None:
        nearest_link = (format_distance(nearest),
                        search_url(args, "radius", "limit", radius=str(next_steps.radius_for(nearest))))
    return {"chips": chips, "steps": links, "nearest": nearest_link}


def _closed(place, lon: float, lat: float):
    """A closed place's page: it says kindly that it closed (since when, why) and where to look instead."""
    since = status_since(place, "closed")
    return render_template("places/closed.html", place=place, since=local_date(since) if since else None,
                           category=CATEGORIES.get(place.category, place.category),
                           nearby_url=search_url(MultiDict(), lat=f"{lat:.5f}", lon=f"{lon:.5f}"))


def detail(place_id: int):
    """GET /plekken/<id>: everything we know about one public place (a closed one says it closed)."""
    found = detail_view.public_place(place_id)
    if found is None:
        abort(404)
    place, flags = found
    if visibility.is_closed(place):
        return _closed(place, *lonlat(place))
    context = detail_view.context(place, flags)
    context["open_badge"] = _open_text(context.pop("open_state"))
    context["nearby_url"] = search_url(MultiDict(), lat=f"{context['lat']:.5f}", lon=f"{context['lon']:.5f}")
    return render_template("places/detail.html", gettext=detail_view.gettext_once(), **context)

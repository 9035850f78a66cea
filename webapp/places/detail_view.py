"""What the place page shows of one place, read and prepared once per request.

- `public_place(place_id)`: the public place (published or closed, not hidden: `visibility.public_filter`)
  and its open barrier flags in ONE statement (the flags as a correlated subquery,
  `barriers.reported_attributes_sql`), instead of a second query for the flags.
- `context(place, flags)`: the template's values: attribute groups, labels, the opening hours (each
  evaluation of `hours` made once), the small map (`place_map`, no folium) and the links.
- `gettext_once()`: the template's `_()` with the request's translations looked up once per page.

The panels of other domains on the page (initiatives, co-beheer, "Hoe voelde het?") read their own data.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from flask import url_for
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select

from webapp.extensions import db
from webapp.places import barriers, hours, place_map, visibility
from webapp.places.attributes import (
    ACTIVITIES,
    ATTRIBUTES,
    AUDIENCES,
    CATEGORIES,
    COSTS,
    LANGUAGES,
    TRI_STATE_LABELS,
)
from webapp.places.models import Place
from webapp.places.serialize import lonlat, visible_attributes
from webapp.security import csp_nonce

ICONS = {"yes": "✓", "limited": "◐", "no": "✕", "unknown": "?"}
CSS = {"yes": "badge-ok", "limited": "badge-warn", "no": "badge-bad"}
MAP_ZOOM = 16


@cache
def _place_statement() -> Select:
    """Built once (its SQL is compiled once anyway): building it cost more than running it."""
    return (select(Place, barriers.reported_attributes_sql().label("reported"))
            .where(Place.id == bindparam("place_id"), visibility.public_filter()))


def public_place(place_id: int) -> tuple[Place, frozenset[str]] | None:
    """The public place with the keys of its open barrier reports, or None (the public sees nothing else)."""
    row = db.session.execute(_place_statement(), {"place_id": place_id}).first()
    if row is None:
        return None
    return row[0], frozenset(str(key) for key in row[1] or ())


@lru_cache(maxsize=8)
def _labels(locale: str) -> tuple[dict[str, Markup], dict[str, Markup]]:
    """The attributes' names and the values' labels in `locale` (the current one when first asked): each
    translated once per process, not twice per attribute per page. Markup, as the lazy strings were."""
    return ({attr.key: Markup(str(attr.label)) for attr in ATTRIBUTES},
            {value: Markup(str(label)) for value, label in TRI_STATE_LABELS.items()})


def attribute_groups(place: Place) -> dict[str, list[dict[str, Any]]]:
    """The access and safety attributes to list, in the order of ATTRIBUTES, each with its name, label and
    badge."""
    names, labels = _labels(str(get_locale()))
    attrs = visible_attributes(place)
    all_meta = place.attribute_meta or {}
    groups: dict[str, list[dict[str, Any]]] = {"access": [], "safety": []}
    for attr in ATTRIBUTES:
        if attr.key not in attrs:
            continue
        value = attrs[attr.key]
        groups[attr.group].append({"attr": attr, "name": names[attr.key], "value": value, "label": labels[value],
                                   "meta": all_meta.get(attr.key) or {}, "icon": ICONS[value],
                                   "cls": CSS.get(value, "")})
    return groups


def opening_hours(place: Place, lon: float, lat: float) -> dict[str, Any]:
    """Every opening-hours value the page shows; `open_state` is 'open' / 'closed' / 'unknown' now."""
    text, coords = place.opening_hours, (lat, lon)
    return {
        "hours_now": hours.describe(text, coords=coords),
        "open_state": hours.state_at(text, coords=coords),
        "schedule": hours.week_schedule(text, coords=coords),
        "holidays_closed": hours.mentions_holidays_closed(text),
        "hours_valid": hours.is_valid(text),
        "hours_problem": hours.problem(text),
    }


def context(place: Place, flags: frozenset[str]) -> dict[str, Any]:
    """The values of places/detail.html (without `open_badge` and `nearby_url`: the route adds those)."""
    lon, lat = lonlat(place)
    place_path = url_for("places.detail", place_id=place.id)
    category = CATEGORIES.get(place.category, place.category)
    marker = place_map.MapMarker(lon, lat, place.name, place_path, str(CATEGORIES.get(place.category, "")))
    return dict(
        place=place, flags=flags, place_path=place_path, lon=lon, lat=lat, groups=attribute_groups(place),
        category=category, cost=COSTS.get(place.cost) if place.cost else None,
        audiences=[AUDIENCES.get(a, a) for a in place.audience or []],
        safe_space_for=[AUDIENCES.get(a, a) for a in place.safe_space_for or []],
        activities=[ACTIVITIES.get(a, a) for a in place.activities or []],
        languages=[LANGUAGES.get(code, code) for code in place.languages or []],
        **opening_hours(place, lon, lat),
        rendered_map=place_map.render_one(marker, csp_nonce(), zoom=MAP_ZOOM),
        geo_uri=f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
    )


def gettext_once() -> Callable[..., str]:
    """`gettext` (and so `_`) for one render of the place page and the panels it includes, with this
    request's translations looked up once: flask-babel looks up the locale and domain on each of the page's
    ~60 calls. It does what the function Jinja's i18n extension installs (newstyle, as flask-babel sets it
    up) does: the translation, Markup when autoescaping, then always `% variables`."""
    translate = get_translations().ugettext

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext

"""Parsing the "Wat is er te doen?" query string (shared by the page and its .ics feed).

Bad input raises `Invalid` naming the parameter (`field`), with a message for the user."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from webapp.areas.services import gemeente_centre
from webapp.domain_errors import Invalid
from webapp.initiatives import clock
from webapp.initiatives.models import THEMES
from webapp.initiatives.rules import MAX_RADIUS
from webapp.initiatives.vocab import ACCESS_FILTERS, RADII
from webapp.places.attributes import AUDIENCES

DEFAULT_RADIUS = 5000


@dataclass
class Search:
    start: datetime
    end: datetime
    lat: float | None = None
    lon: float | None = None
    gemeente: str = ""
    radius: int = DEFAULT_RADIUS
    theme: str | None = None
    audience: str | None = None
    free: bool = False
    access: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def parse_float(args: MultiDict[str, str], name: str, low: float, high: float) -> float | None:
    raw = (args.get(name) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(_("%(name)s moet een getal zijn.", name=name), name) from None
    if not math.isfinite(value) or not (low <= value <= high):
        raise Invalid(_("%(name)s moet tussen %(low)s en %(high)s liggen.", name=name, low=low, high=high), name)
    return value


def parse_search(args: MultiDict[str, str], days: int = 7, now: datetime | None = None) -> Search:
    now = now or clock.utcnow()
    search = Search(start=now, end=now + timedelta(days=days))
    gemeente = (args.get("gemeente") or "").strip()
    lat = parse_float(args, "lat", -90, 90)
    lon = parse_float(args, "lon", -180, 180)
    if (lat is None) != (lon is None):
        raise Invalid(_("Geef zowel lat als lon op."), "lat" if lat is None else "lon")
    if gemeente and gemeente != "here":
        centre = gemeente_centre(gemeente)
        if centre is None:
            raise Invalid(_("Deze gemeente kennen we niet."), "gemeente")
        search.lon, search.lat = centre
        search.gemeente = gemeente
    elif lat is not None:
        search.lat, search.lon = lat, lon
        search.gemeente = "here"
    radius = (args.get("radius") or "").strip()
    if radius:
        if not (radius.isascii() and radius.isdigit()) or not (100 <= int(radius) <= MAX_RADIUS):
            raise Invalid(_("Kies een afstand tussen 100 meter en 50 kilometer."), "radius")
        search.radius = int(radius)
    theme = (args.get("theme") or "").strip()
    if theme:
        if theme not in THEMES:
            raise Invalid(_("Dit thema kennen we niet."), "theme")
        search.theme = theme
    audience = (args.get("audience") or "").strip()
    if audience:
        if audience not in AUDIENCES:
            raise Invalid(_("Deze groep kennen we niet."), "audience")
        search.audience = audience
    search.free = args.get("free") in ("1", "on", "true")
    access = tuple(a for a in args.getlist("access") if a)
    for key in access:
        if key not in ACCESS_FILTERS:
            raise Invalid(_("Deze voorziening kennen we niet."), "access")
    search.access = access
    return search


__all__ = ["Search", "parse_search", "parse_float", "RADII", "DEFAULT_RADIUS"]

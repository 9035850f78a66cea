"""Thin controllers for finding: "Wat is er te doen?", the iCalendar feeds and the printable posters."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webapp.areas.geocode import MAX_TEXT
from webapp.converters import parse_id
from webapp.domain_errors import Invalid, NotFound
from webapp.initiatives import clock, finding, finding_place, helpers, place_picker, services
from webapp.initiatives.gemeente_picker import gemeente_options
from webapp.initiatives.models import Initiative
from webapp.initiatives.recurrence import expand_many
from webapp.initiatives.routes import visible_initiative
from webapp.initiatives.search import parse_search
from webapp.urls import absolute_path, absolute_url


def index() -> ResponseReturnValue:
    query: dict[str, Any] = request.args.to_dict(flat=False)
    return redirect(url_for("initiatives.whats_on", **query))


def whats_on() -> ResponseReturnValue:
    q = " ".join((request.args.get("q") or "").split())[:MAX_TEXT]
    try:
        located = finding_place.locate(request.args)
        search = parse_search(located.args)
    except Invalid as exc:   # the page again, with the message linked to the field it is about
        # A place we do not know is not a broken request: 200, the message and the form with what was typed.
        return render_template("initiatives/whats_on.html", search=None, error=exc, results=[], q=q,
                               gemeente_options=gemeente_options(), args=request.args), 200 if exc.field == "q" else 400
    did_you_mean = []
    if len(located.candidates) > 1:
        kept: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items()
                                if k not in ("q", "lat", "lon", "gemeente")}
        did_you_mean = [(c.label, url_for("initiatives.whats_on", **kept, q=c.label)) for c in located.candidates]
    page = None
    if search.has_point and not did_you_mean:
        number = parse_id(request.args.get("pagina")) or 1   # not a number, 0 or too large: the first page
        page = finding.whats_on_page(search.start, search.end, search.lon, search.lat, search.radius, number,
                                     search.theme, search.audience, search.free, search.access)
    return render_template("initiatives/whats_on.html", search=search, error=None,
                           results=page.found if page else [], page=page, q=q, query=_without_page(request.args),
                           origin=located.origin_text(), did_you_mean=did_you_mean,
                           gemeente_options=gemeente_options(search.gemeente if not q else ""), args=request.args)


def _without_page(args: Any) -> dict[str, Any]:
    """The search's query string for links to other pages and to the feed."""
    return {k: v for k, v in args.to_dict(flat=False).items() if k != "pagina"}


def _ics_response(body: bytes, filename: str) -> ResponseReturnValue:
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _initiative_link(initiative: Initiative) -> str:
    return absolute_url("initiatives.detail", initiative_id=initiative.id)


def initiative_ics(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    now = clock.utcnow()
    instances = expand_many(initiative.activities, now - timedelta(days=30), now + timedelta(days=365))
    dates = ((i, initiative, place_picker.shown_place(i.activity.place)) for i in instances)
    body = helpers.ical_feed(initiative.title, dates, _initiative_link)
    return _ics_response(body, f"initiatief-{initiative.id}.ics")


def whats_on_ics() -> ResponseReturnValue:
    search = parse_search(request.args, days=28)   # bad input: Invalid, a 400 naming what is wrong
    if not search.has_point:
        abort(400)
    results = services.whats_on(search.start, search.end, search.lon, search.lat, search.radius, search.theme,
                                search.audience, search.free, search.access, limit=1000)
    body = helpers.ical_feed(_("Wat is er te doen? Buurtplek"),
                             ((f.instance, f.initiative, f.place) for f in results), _initiative_link)
    return _ics_response(body, "wat-is-er-te-doen.ics")


# --- posters -------------------------------------------------------------------------------

def initiative_poster(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    link = _initiative_link(initiative)
    return render_template("initiatives/poster.html", initiative=initiative, place=None, link=link,
                           qr=helpers.qr_svg(link, _("QR-code naar de pagina op Buurtplek")),
                           dates=services.upcoming(initiative, limit=6),
                           items=None)


def place_poster(place_id: int) -> ResponseReturnValue:
    place = services.public_place(place_id)
    if place is None:
        raise NotFound()
    link = absolute_path(helpers.place_url(place))
    return render_template("initiatives/poster.html", initiative=None, place=place, link=link,
                           qr=helpers.qr_svg(link, _("QR-code naar de pagina op Buurtplek")),
                           dates=None, items=services.initiatives_at_place(place))

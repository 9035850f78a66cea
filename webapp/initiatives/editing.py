"""Starting and editing an initiative: the checks of its fields, its places and its own location."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from geoalchemy2.shape import to_shape

from webapp.accounts.models import User
from webapp.areas.services import gemeente_at
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.initiatives import clock, place_picker
from webapp.initiatives.models import STATUSES, THEMES, Initiative
from webapp.initiatives.rules import COSTS, EDITABLE_FIELDS, is_logged_in
from webapp.initiatives.staleness import touch
from webapp.initiatives.vocab import LANGUAGES
from webapp.places.attributes import AUDIENCES
from webapp.places.models import Place
from webapp.stewardship import services as stewardship
from webapp.stewardship.models import Revision

log = logging.getLogger(__name__)

LonLat = tuple[float, float]


def coordinates(initiative_or_place: Initiative | Place | None) -> LonLat | None:
    """(lon, lat) of a subject's location, or None."""
    location: Any = None if initiative_or_place is None else initiative_or_place.location
    if location is None:
        return None
    point: Any = to_shape(location)  # a shapely Point (the column holds POINTs only)
    return point.x, point.y


def _title(value: Any) -> str:
    title = (value or "").strip()
    if not title:
        raise Invalid(_("Geef het initiatief een naam."), "title")
    if len(title) > 160:
        raise Invalid(_("De naam is te lang (hoogstens 160 tekens)."), "title")
    return title


def _summary(value: Any) -> str:
    summary = (value or "").strip()
    if len(summary) > 300:
        raise Invalid(_("De korte beschrijving is te lang (hoogstens 300 tekens)."), "summary")
    return summary


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise Invalid(_("Kies een status."), "status")
    return str(value)


# The checks of the fields a resident may suggest a new value for (stewardship's suggestion form).
_FIELD_CHECKS = {"title": _title, "summary": _summary, "status": _status}


def check_values(values: dict[str, Any]) -> None:
    """The rules of the fields given (a suggestion names only some of them); raises Invalid naming the field."""
    for name, value in values.items():
        if name in _FIELD_CHECKS:
            _FIELD_CHECKS[name](value)


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the editable fields; raises Invalid naming the field."""
    clean = dict(values)
    clean["title"] = _title(clean.get("title"))
    clean["summary"] = _summary(clean.get("summary"))
    clean["description"] = (clean.get("description") or "").strip()
    clean["themes"] = [t for t in clean.get("themes") or [] if t in THEMES]
    clean["audience"] = [a for a in clean.get("audience") or [] if a in AUDIENCES]
    clean["languages"] = [code for code in clean.get("languages") or [] if code in LANGUAGES]
    if clean.get("cost") not in COSTS:
        clean["cost"] = None
    clean["cost_note"] = (clean.get("cost_note") or "").strip()[:160]
    clean["status"] = _status(clean.get("status", "active"))
    roles: list[str] = []
    for role in clean.get("volunteer_roles") or []:
        role = role.strip()[:120]
        if role and role not in roles:
            roles.append(role)
    clean["volunteer_roles"] = roles[:20]
    clean["location_name"] = (clean.get("location_name") or "").strip()[:160]
    return clean


def _location(places: list[Place], own: LonLat | None, location_name: str) -> tuple[Any, str | None]:
    """The WKT location and gemeente code: its own location, else its first place."""
    if own is not None:
        lon, lat = own
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise Invalid(_("Deze plek ligt niet op de kaart."), "lat")
        if not location_name:
            raise Invalid(_("Beschrijf de plek, bijvoorbeeld: speelveld achter de Dorpsstraat."), "location_name")
        gemeente = gemeente_at(lon, lat)
        if gemeente is None:
            raise Invalid(_("Deze plek ligt niet in Nederland. Kies een plek in een gemeente."), "lat")
        return f"SRID=4326;POINT({lon} {lat})", gemeente.code
    if places:
        return places[0].location, places[0].gemeente_code
    raise Invalid(_("Kies een plek op Buurtplek, of geef een eigen plek op."), "place_ids")


def _check_own_location(clean: dict[str, Any], own_location: LonLat | None) -> None:
    """A described own location needs its point on the map (and a point needs a description)."""
    if own_location is None and clean["location_name"]:
        raise Invalid(_("Geef ook aan waar de eigen plek is: tik op de kaart, gebruik uw locatie of "
                        "vul een adres, postcode of plaats in."), "lat")


def _checked(user: User, values: dict[str, Any], place_ids: Iterable[Any] | None, own_location: LonLat | None,
             linked_ids: Iterable[int] = ()) -> tuple[dict[str, Any], list[Place], Any, str | None]:
    """The form's values checked: the clean fields, the chosen places (place_picker's rule of what may be
    chosen), the location and its gemeente."""
    clean = clean_values(values)
    places = place_picker.chosen(user, place_ids, linked_ids)
    _check_own_location(clean, own_location)
    location, gemeente_code = _location(places, own_location, clean["location_name"])
    return clean, places, location, gemeente_code


def create_initiative(user: User, values: dict[str, Any], place_ids: Iterable[Any] = (),
                      own_location: LonLat | None = None, now: datetime | None = None) -> Initiative:
    """Any logged-in resident starts an initiative; it is public at once and they become its owner."""
    if not is_logged_in(user):
        raise NotAllowed()
    now = now or clock.utcnow()
    clean, places, location, gemeente_code = _checked(user, values, place_ids, own_location)
    initiative = Initiative(**{k: clean[k] for k in EDITABLE_FIELDS}, location=location,
                            gemeente_code=gemeente_code, created_by_id=user.id, owners_touched_at=now)
    initiative.places = places
    db.session.add(initiative)
    db.session.flush()
    stewardship.add_owner(initiative, user)
    changes = {k: {"old": None, "new": clean[k]} for k in EDITABLE_FIELDS if clean[k] not in ("", [], None)}
    changes["places"] = {"old": None, "new": [p.name for p in places]}
    stewardship.record_revision(initiative, user, changes, kind="create")
    log.info("initiative %s started by user %s", initiative.id, user.id)
    return initiative


def update_initiative(initiative: Initiative, user: User, values: dict[str, Any], expected_version: int,
                      place_ids: Iterable[Any] = (), own_location: LonLat | None = None,
                      now: datetime | None = None) -> Revision | None:
    """Edit through stewardship's apply_edit (row lock + version check): raises stewardship's EditConflict
    (a `Conflict`) when someone saved meanwhile."""
    if not stewardship.can_edit(user, initiative):
        raise NotAllowed()
    now = now or clock.utcnow()
    old_ids = {p.id for p in initiative.places}
    clean, places, location, gemeente_code = _checked(user, values, place_ids, own_location, old_ids)
    old_places = sorted(p.name for p in initiative.places)
    old_coords = coordinates(initiative)
    revision = stewardship.apply_edit(initiative, user, {k: clean[k] for k in EDITABLE_FIELDS}, expected_version)
    extra: dict[str, dict[str, Any]] = {}
    if {p.id for p in places} != old_ids:
        extra["places"] = {"old": old_places, "new": [p.name for p in places]}
        initiative.places = places
    initiative.location = location
    initiative.gemeente_code = gemeente_code
    db.session.flush()
    db.session.refresh(initiative, ["location"])
    new_coords = coordinates(initiative)
    if old_coords != new_coords and own_location is not None:
        extra["location"] = {"old": _coords_text(old_coords), "new": _coords_text(new_coords)}
    if extra:
        if revision is None:
            initiative.version += 1
            revision = stewardship.record_revision(initiative, user, extra, kind="edit")
        else:
            revision.changes = {**revision.changes, **extra}
    if clean["status"] != "paused":
        initiative.auto_paused_at = None
    touch(initiative, user, now)
    log.info("initiative %s edited by user %s", initiative.id, user.id)
    return revision


def _coords_text(coords: LonLat | None) -> str | None:
    return None if coords is None else f"{coords[1]:.5f}, {coords[0]:.5f}"

"""The life of a place: proposed by a resident, published or rejected by a moderator, withdrawn by its
proposer; the rules on its values; duplicate hints. No Flask request inside: the acting user is passed in,
the caller commits. Co-owners, edits, suggestions and reports are stewardship's (generic) rules.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import Float, cast, func, or_, select

from webapp import geo
from webapp.areas.models import Gemeente
from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.places import hours
from webapp.places.attributes import ATTRIBUTE_KEYS, CATEGORIES, COSTS, TRI_STATES
from webapp.places.models import Place
from webapp.places.visibility import listed_filter
from webapp.stewardship import registry
from webapp.stewardship.services import (
    active_owners,
    add_owner,
    apply_edit,
    can_moderate,
    is_owner,
    moderators_of,
    notify,
    point_text,
    record_revision,
)
from webapp.stewardship.services.base import _, require, require_login
from webapp.stewardship.services.notify import moderation_path, site_path
from webapp.stewardship.services.reports import too_long
from webapp.stewardship.services.revisions import check_values
from webapp.stewardship.services.values import make_point, plain

log = logging.getLogger(__name__)

DUPLICATE_RADIUS_M = 150
DUPLICATE_MIN_SIMILARITY = 0.3
DUPLICATE_HINTS = 5


def place_path(place: Place) -> str:
    """The place's public page ("/plekken/12"), site-relative; works without a request (mails, CLI)."""
    return site_path("places.detail", place_id=place.id)


def edit_path(place: Place) -> str:
    """Its edit form, for its co-owners and moderators ("/plekken/12/bewerken")."""
    return site_path("places.edit", place_id=place.id)


def opening_hours_error(text: str) -> str | None:
    """None when `text` is empty or valid OSM opening_hours syntax; else a short message."""
    reason = hours.problem(text)
    if reason is None:
        return None
    return _("Deze openingstijden begrijpen we niet. %(reason)s Voorbeeld: Mo-Fr 09:00-17:00; Sa 10:00-14:00",
             reason=reason)


def check_place_values(values: dict[str, Any]) -> None:
    """Rules on place values, also when they do not come from our form. Raises Invalid."""
    if "name" in values and not str(values["name"] or "").strip():
        raise Invalid(_("Vul een naam in."))
    if "category" in values and values["category"] not in CATEGORIES:
        raise Invalid(_("Kies een soort plek."))
    if "cost" in values and values["cost"] not in (None, *COSTS):
        raise Invalid(_("Kies of het gratis is."))
    for key in ATTRIBUTE_KEYS:
        if key in values and values[key] not in TRI_STATES:
            raise Invalid(_("Kies ja, deels, nee of weet ik niet."))
    if "opening_hours" in values:
        error = opening_hours_error(values["opening_hours"] or "")
        if error:
            raise Invalid(error)
    if "gemeente_code" in values and values["gemeente_code"] and \
            db.session.get(Gemeente, values["gemeente_code"]) is None:
        raise Invalid(_("Deze gemeente kennen we niet."))
    if values.get("toilets") == "no" and "toilets_wheelchair" in values:
        values["toilets_wheelchair"] = "no"


def find_duplicates(name: str, lon: float, lat: float, exclude_id: int | None = None,
                    radius_m: float = DUPLICATE_RADIUS_M) -> list[tuple[Place, float]]:
    """Listed places within `radius_m` whose name looks like `name` (pg_trgm), nearest first."""
    centre = geo.point(lon, lat)
    place_geog = geo.geography(Place.location)
    distance = geo.distance_m(place_geog, centre)
    stmt = (select(Place, cast(distance, Float))
            .where(listed_filter(), geo.within_m(place_geog, centre, radius_m),
                   or_(func.similarity(Place.name, name) >= DUPLICATE_MIN_SIMILARITY,
                       func.lower(Place.name).contains(func.lower(name)),
                       func.lower(name).contains(func.lower(Place.name))))
            .order_by(distance).limit(DUPLICATE_HINTS))
    if exclude_id is not None:
        stmt = stmt.where(Place.id != exclude_id)
    return [(place, dist) for place, dist in db.session.execute(stmt)]


POSTCODE_IN_TEXT = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b|\b\d{4}\b")


def point_for_address(address: str) -> Any | None:
    """Where an address is, for a proposal without a point: the geocoded point (exact with PDOK when that
    is on; else the address's PC4 postcode, else its town), never a gemeente's centre. None: not found.

    Returns an `areas.geocode.Candidate` (lon, lat, label)."""
    from webapp.areas import geocode

    text = (address or "").strip()[:200]
    if not text:
        return None
    attempts = [text]
    postcode = POSTCODE_IN_TEXT.search(text)
    if postcode:
        attempts.append(postcode.group(0))
    attempts += [part.strip() for part in reversed(text.split(",")[1:]) if part.strip()]
    for attempt in attempts:
        found = geocode.resolve(attempt)
        if found:
            return found[0]
    return None


def propose_place(user: Any, values: dict[str, Any], lon: float, lat: float, gemeente_code: str | None = None,
                  note: str = "") -> Place:
    """A resident proposes a place. The proposer becomes its first co-owner; status 'proposed'.

    The gemeente comes from the point unless `gemeente_code` corrects it.
    """
    from webapp.areas.services import gemeente_at

    require_login(user)
    values = dict(values)
    check_values(registry.for_model(Place), values)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Invalid(_("Deze plek ligt niet op de kaart."))
    if not gemeente_code:
        found = gemeente_at(lon, lat)
        if found is None:
            raise Invalid(_("Deze plek ligt niet in een Nederlandse gemeente. Kies de gemeente."))
        gemeente_code = found.code
    elif db.session.get(Gemeente, gemeente_code) is None:
        raise Invalid(_("Deze gemeente kennen we niet."))
    values["name"] = values["name"].strip()
    place = Place(status="proposed", created_by_id=user.id, location=make_point(lon, lat),
                  gemeente_code=gemeente_code, **values)
    db.session.add(place)
    db.session.flush()
    add_owner(place, user, added_by=user)
    changes = {k: {"old": None, "new": plain(v)} for k, v in values.items() if v not in (None, "", "unknown")}
    changes["location"] = {"old": None, "new": point_text(place.location)}
    changes["gemeente_code"] = {"old": None, "new": gemeente_code}
    record_revision(place, user, changes, kind="create", note=note)
    notify(moderators_of(gemeente_code), _("Nieuwe plek voorgesteld: %(name)s", name=place.name),
           _("Een bewoner stelde een nieuwe plek voor: %(name)s. Bekijk het voorstel in de moderatie.",
             name=place.name), "stewardship.proposal", link=moderation_path())
    log.info("place %s proposed by user %s in %s", place.id, user.id, gemeente_code)
    return place


def _still_proposed(place: Place) -> None:
    if place.status != "proposed":
        raise Invalid(_("Deze plek is geen voorstel meer."))


def publish_place(moderator: Any, place: Place) -> None:
    require(can_moderate(moderator, place))
    _still_proposed(place)
    apply_edit(place, moderator, {"status": "published", "status_reason": ""}, place.version, kind="status",
               note="published")
    notify(active_owners(place), _("Uw plek staat online: %(name)s", name=place.name),
           _("Goed nieuws: een moderator heeft %(name)s gepubliceerd. Iedereen kan de plek nu vinden.",
             name=place.name), "stewardship.published", link=place_path(place))
    log.info("place %s published by user %s", place.id, moderator.id)


def reject_place(moderator: Any, place: Place, reason: str) -> None:
    require(can_moderate(moderator, place))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Schrijf de reden op. De bewoner ziet die reden."))
    too_long(reason)
    _still_proposed(place)
    apply_edit(place, moderator, {"status": "rejected", "status_reason": reason}, place.version, kind="status",
               note="rejected")
    notify(active_owners(place), _("Uw voorstel is niet geplaatst: %(name)s", name=place.name),
           _("Een moderator heeft uw voorstel %(name)s niet geplaatst. De reden:\n\n%(reason)s",
             name=place.name, reason=reason), "stewardship.rejected", link=site_path("stewardship.mine"))
    log.info("place %s rejected by user %s", place.id, moderator.id)


def withdraw_proposal(user: Any, place: Any) -> None:
    """The proposer (a co-owner of the proposal) takes it back before a moderator decided."""
    require(isinstance(place, Place) and is_owner(user, place))
    _still_proposed(place)
    apply_edit(place, user, {"status": "rejected", "status_reason": _("Ingetrokken door de bewoner.")},
               place.version, kind="status", note="withdrawn")
    log.info("place %s withdrawn by user %s", place.id, user.id)


def awaiting_moderation(codes: Any) -> list[Place]:
    """Proposals waiting for a moderator, in these gemeenten (None: everywhere), oldest first."""
    stmt = select(Place).where(Place.status == "proposed").order_by(Place.created_at)
    if codes is not None:
        stmt = stmt.where(Place.gemeente_code.in_(codes))
    return list(db.session.scalars(stmt))


def proposed_by(user_id: int) -> list[Place]:
    """A resident's own proposals, waiting or not placed, newest first."""
    return list(db.session.scalars(select(Place).where(Place.created_by_id == user_id,
                                                       Place.status.in_(("proposed", "rejected")))
                                   .order_by(Place.created_at.desc())))

"""Co-ownership and revisions for any subject (Place or Initiative). No Flask request inside."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _babel_gettext
from geoalchemy2 import Geography
from geoalchemy2.elements import WKTElement, _SpatialElement
from geoalchemy2.shape import to_shape
from sqlalchemy import Float, and_, cast, func, or_, select

from webapp.accounts.models import Role, RoleGrant, User
from webapp.accounts.permissions import gemeenten_with_role, has_role, is_admin
from webapp.areas.models import Gemeente
from webapp.mail.services import queue_mail_to_user
from webapp.places import hours as place_hours
from webapp.places.attributes import ATTRIBUTE_KEYS, CATEGORIES, COSTS, TRI_STATES
from webapp.extensions import db
from webapp.i18n import local_today
from webapp.initiatives.models import Initiative
from webapp.places.models import Place
from webapp.stewardship.models import (REPORT_CATEGORIES, InitiativeOwner, JoinRequest, PlaceOwner, Report, Revision,
                                       Suggestion)

# subject class -> (type name, owner model, owner FK attribute)
_REGISTRY: dict[type, tuple[str, type, str]] = {
    Place: ("place", PlaceOwner, "place_id"),
    Initiative: ("initiative", InitiativeOwner, "initiative_id"),
}


def subject_type(subject) -> str:
    return _REGISTRY[type(subject)][0]


def _owner_model(subject) -> tuple[type, str]:
    _, model, fk = _REGISTRY[type(subject)]
    return model, fk


def owners_of(subject) -> list:
    """The co-owner rows of a subject, oldest first (row.user is the User)."""
    model, fk = _owner_model(subject)
    stmt = select(model).where(getattr(model, fk) == subject.id).order_by(model.since)
    return list(db.session.scalars(stmt))


def is_owner(user, subject) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or subject.id is None:
        return False
    model, fk = _owner_model(subject)
    return db.session.get(model, {"user_id": user.id, fk: subject.id}) is not None


def add_owner(subject, user, added_by=None) -> None:
    """Make `user` a co-owner (no-op when already one). The caller commits."""
    if is_owner(user, subject):
        return
    model, fk = _owner_model(subject)
    db.session.add(model(user_id=user.id, added_by_id=added_by.id if added_by else None, **{fk: subject.id}))


def record_revision(subject, user, changes: dict[str, Any], kind: str = "edit", note: str = "") -> Revision:
    """Append a revision {field: {old, new}}. The caller commits (in the same transaction as the change)."""
    revision = Revision(subject_type=subject_type(subject), subject_id=subject.id,
                        user_id=user.id if user else None, kind=kind, changes=changes, note=note)
    db.session.add(revision)
    return revision


def history(subject) -> list[Revision]:
    stmt = (select(Revision)
            .where(Revision.subject_type == subject_type(subject), Revision.subject_id == subject.id)
            .order_by(Revision.id.desc()))
    return list(db.session.scalars(stmt))


class EditConflict(Exception):
    """Someone saved the subject after the editor loaded it (optimistic locking).

    `changed` maps each field changed meanwhile to its current value, so the form can show what
    changed while keeping everything the editor typed.
    """

    def __init__(self, changed: dict[str, Any], current_version: int):
        super().__init__("changed meanwhile")
        self.changed = changed
        self.current_version = current_version


def can_edit(user, subject) -> bool:
    """Co-owners edit; so do moderators of the subject's gemeente and admins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_owner(user, subject) or can_moderate(user, subject)


def _plain(value):
    """A JSON-safe form of a column value for the revision log."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, _SpatialElement):
        return point_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def apply_edit(subject, user, new_values: dict[str, Any], expected_version: int, kind: str = "edit",
               note: str = "", credit_to=None) -> Revision | None:
    """Change fields of a subject as one revision, refusing a stale edit.

    The row is locked (SELECT ... FOR UPDATE) and its version compared with the version the editor
    loaded: a mismatch raises EditConflict naming the fields changed meanwhile. Returns the revision,
    or None when nothing changed. The caller checks permission (can_edit) and commits.
    `credit_to`: the user the revision is credited to (e.g. the resident whose suggestion was accepted).
    """
    model = type(subject)
    db.session.refresh(subject, with_for_update=True)
    if subject.version != expected_version:
        changed = {}
        for revision in db.session.scalars(
                select(Revision).where(Revision.subject_type == subject_type(subject),
                                       Revision.subject_id == subject.id).order_by(Revision.id.desc())
                .limit(max(1, subject.version - expected_version))):
            for field_name in revision.changes:
                changed.setdefault(field_name, _plain(getattr(subject, field_name, None)))
        raise EditConflict(changed, subject.version)
    changes = {}
    for field_name, value in new_values.items():
        if not hasattr(model, field_name):
            raise ValueError(f"{model.__name__} has no field {field_name}")
        old = getattr(subject, field_name)
        if _plain(old) != _plain(value):
            changes[field_name] = {"old": _plain(old), "new": _plain(value)}
            setattr(subject, field_name, value)
    if not changes:
        return None
    subject.version += 1
    return record_revision(subject, credit_to or user, changes, kind=kind, note=note)


# ---------------------------------------------------------------------------------------------
# Everything below: proposals, co-ownership, suggestions, reverts, reports and moderation.
# Every rule takes the acting user and checks permission itself (PermissionDenied -> 403).
# The caller commits; on any exception it rolls back, so nothing is half-saved.
# ---------------------------------------------------------------------------------------------

log = logging.getLogger(__name__)

SUBJECT_MODELS: dict[str, type] = {"place": Place, "initiative": Initiative}
HIDE_AFTER_REPORTERS = 3
DUPLICATE_RADIUS_M = 150
DUPLICATE_MIN_SIMILARITY = 0.3

# Fields a co-owner edits and a resident may suggest, per subject type. Other packages may extend
# these lists (e.g. the initiatives package) with `register_editable_fields`.
EDITABLE_FIELDS: dict[str, list[str]] = {
    "place": ["name", "category", "description", "address", "website", "phone", "opening_hours",
              "house_rules", "cost", *ATTRIBUTE_KEYS],
    "initiative": ["title", "summary", "description"],
}
# Fields a revert never touches: publication and moderation state are decisions, not content.
NOT_REVERTIBLE = {"status", "status_reason", "hidden", "attributes_confirmed_on"}


def register_editable_fields(subject_type_name: str, fields: list[str]) -> None:
    for name in fields:
        if name not in EDITABLE_FIELDS[subject_type_name]:
            EDITABLE_FIELDS[subject_type_name].append(name)


def _(msgid: str, **variables) -> str:
    """gettext in a request (the user's language); plain Dutch outside one (CLI, demo)."""
    if has_request_context():
        return _babel_gettext(msgid, **variables)
    return msgid % variables if variables else msgid


class PermissionDenied(Exception):
    """The acting user may not do this. Routes answer 403."""


class StewardshipError(ValueError):
    """A rule was broken; the message is for the user (plain Dutch)."""


# --- subjects ----------------------------------------------------------------------------------

def get_subject(subject_type_name: str, subject_id: int):
    model = SUBJECT_MODELS.get(subject_type_name)
    if model is None:
        return None
    return db.session.get(model, subject_id)


def subject_of(row):
    """The subject a JoinRequest / Suggestion / Report / Revision is about."""
    return get_subject(row.subject_type, row.subject_id)


def subject_title(subject) -> str:
    return getattr(subject, "name", None) or getattr(subject, "title", "") or ""


def is_public(subject) -> bool:
    """Seen by everyone: published places and initiatives, unless hidden after reports."""
    if getattr(subject, "hidden", False):
        return False
    if isinstance(subject, Place):
        return subject.status in ("published", "closed")
    return True


def _real(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def can_moderate(user, subject_or_code) -> bool:
    """Moderator of the subject's gemeente, or admin. A subject without gemeente: admins only."""
    user = _real(user)
    if user is None:
        return False
    if is_admin(user):
        return True
    code = subject_or_code if isinstance(subject_or_code, str) or subject_or_code is None \
        else subject_or_code.gemeente_code
    return bool(code) and has_role(user, Role.MODERATOR, code)


def is_moderator_anywhere(user) -> bool:
    user = _real(user)
    if user is None:
        return False
    codes = gemeenten_with_role(user, Role.MODERATOR)
    return codes is None or bool(codes)


def can_view(user, subject) -> bool:
    return is_public(subject) or is_owner(user, subject) or can_moderate(user, subject)


def can_manage(user, subject) -> bool:
    """Decide join requests and suggestions, answer reports: co-owners and moderators."""
    return is_owner(user, subject) or can_moderate(user, subject)


def _require(check: bool, message: str = "") -> None:
    if not check:
        raise PermissionDenied(message or "not allowed")


def _require_login(user) -> None:
    if _real(user) is None:
        raise PermissionDenied("login required")


def moderators_of(gemeente_code: str | None) -> list[User]:
    if not gemeente_code:
        return []
    stmt = (select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.MODERATOR.value, RoleGrant.gemeente_code == gemeente_code,
                   User.deleted_at.is_(None)).distinct())
    return list(db.session.scalars(stmt))


def active_owners(subject) -> list[User]:
    return [row.user for row in owners_of(subject) if row.user.deleted_at is None]


def handlers_of(subject) -> list[User]:
    """Who acts on join requests and suggestions: the co-owners, or the moderators when there are none."""
    return active_owners(subject) or moderators_of(subject.gemeente_code)


def _notify(users, subject_line: str, body: str, kind: str, link: str | None = None) -> None:
    """Mail each user once; `link` (a path) is added as a full address."""
    if link:
        from webapp.urls import absolute_path

        body = f"{body}\n\n{absolute_path(link)}"
    seen = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        queue_mail_to_user(user, subject_line, body, kind)


def _manage_path(subject) -> str:
    return f"/beheer/{subject_type(subject)}/{subject.id}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- values and validation -------------------------------------------------------------------

def point_text(value) -> str | None:
    """'POINT(lon lat)' with 6 decimals, for revisions and comparisons."""
    if value is None:
        return None
    shape = to_shape(value)
    return f"POINT({shape.x:.6f} {shape.y:.6f})"


def make_point(lon: float, lat: float) -> WKTElement:
    return WKTElement(f"POINT({float(lon):.6f} {float(lat):.6f})", srid=4326)


def lon_lat(subject) -> tuple[float, float] | None:
    if getattr(subject, "location", None) is None:
        return None
    shape = to_shape(subject.location)
    return shape.x, shape.y


def opening_hours_error(text: str) -> str | None:
    """None when `text` is empty or valid OSM opening_hours syntax; else a short message."""
    reason = place_hours.problem(text)
    if reason is None:
        return None
    return _("Deze openingstijden begrijpen we niet. %(reason)s Voorbeeld: Mo-Fr 09:00-17:00; Sa 10:00-14:00",
             reason=reason)


def _check_place_values(values: dict[str, Any]) -> None:
    """Rules on place values, also when they do not come from our form. Raises StewardshipError."""
    if "name" in values and not str(values["name"] or "").strip():
        raise StewardshipError(_("Vul een naam in."))
    if "category" in values and values["category"] not in CATEGORIES:
        raise StewardshipError(_("Kies een soort plek."))
    if "cost" in values and values["cost"] not in (None, *COSTS):
        raise StewardshipError(_("Kies of het gratis is."))
    for key in ATTRIBUTE_KEYS:
        if key in values and values[key] not in TRI_STATES:
            raise StewardshipError(_("Kies ja, deels, nee of weet ik niet."))
    if "opening_hours" in values:
        error = opening_hours_error(values["opening_hours"] or "")
        if error:
            raise StewardshipError(error)
    if "gemeente_code" in values and values["gemeente_code"] and \
            db.session.get(Gemeente, values["gemeente_code"]) is None:
        raise StewardshipError(_("Deze gemeente kennen we niet."))
    if values.get("toilets") == "no" and "toilets_wheelchair" in values:
        values["toilets_wheelchair"] = "no"


def _check_values(subject_or_model, values: dict[str, Any], extra_allowed=("location", "gemeente_code")) -> None:
    model = subject_or_model if isinstance(subject_or_model, type) else type(subject_or_model)
    type_name = _REGISTRY[model][0]
    allowed = set(EDITABLE_FIELDS[type_name]) | set(extra_allowed)
    unknown = set(values) - allowed
    if unknown:
        raise StewardshipError(_("Dit veld kunt u hier niet wijzigen: %(fields)s", fields=", ".join(sorted(unknown))))
    if model is Place:
        _check_place_values(values)


# --- proposals -------------------------------------------------------------------------------

def find_duplicates(name: str, lon: float, lat: float, exclude_id: int | None = None,
                    radius_m: float = DUPLICATE_RADIUS_M) -> list[tuple[Place, float]]:
    """Published places within `radius_m` whose name looks like `name` (pg_trgm), nearest first."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    geog = cast(point, Geography(srid=4326))
    distance = func.ST_Distance(cast(Place.location, Geography(srid=4326)), geog)
    stmt = (select(Place, cast(distance, Float))
            .where(Place.status == "published", Place.hidden.is_(False),
                   func.ST_DWithin(cast(Place.location, Geography(srid=4326)), geog, radius_m),
                   or_(func.similarity(Place.name, name) >= DUPLICATE_MIN_SIMILARITY,
                       func.lower(Place.name).contains(func.lower(name)),
                       func.lower(name).contains(func.lower(Place.name))))
            .order_by(distance).limit(5))
    if exclude_id is not None:
        stmt = stmt.where(Place.id != exclude_id)
    return [(place, dist) for place, dist in db.session.execute(stmt)]


def propose_place(user, values: dict[str, Any], lon: float, lat: float, gemeente_code: str | None = None,
                  note: str = "") -> Place:
    """A resident proposes a place. The proposer becomes its first co-owner; status 'proposed'.

    The gemeente comes from the point unless `gemeente_code` corrects it.
    """
    from webapp.areas.services import gemeente_at

    _require_login(user)
    values = dict(values)
    _check_values(Place, values)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise StewardshipError(_("Deze plek ligt niet op de kaart."))
    if not gemeente_code:
        found = gemeente_at(lon, lat)
        if found is None:
            raise StewardshipError(_("Deze plek ligt niet in een Nederlandse gemeente. Kies de gemeente."))
        gemeente_code = found.code
    elif db.session.get(Gemeente, gemeente_code) is None:
        raise StewardshipError(_("Deze gemeente kennen we niet."))
    values["name"] = values["name"].strip()
    place = Place(status="proposed", created_by_id=user.id, location=make_point(lon, lat),
                  gemeente_code=gemeente_code, **values)
    db.session.add(place)
    db.session.flush()
    add_owner(place, user, added_by=user)
    changes = {k: {"old": None, "new": _plain(v)} for k, v in values.items() if v not in (None, "", "unknown")}
    changes["location"] = {"old": None, "new": point_text(place.location)}
    changes["gemeente_code"] = {"old": None, "new": gemeente_code}
    record_revision(place, user, changes, kind="create", note=note)
    _notify(moderators_of(gemeente_code), _("Nieuwe plek voorgesteld: %(name)s", name=place.name),
            _("Een bewoner stelde een nieuwe plek voor: %(name)s. Bekijk het voorstel in de moderatie.",
              name=place.name), "stewardship.proposal", link="/moderatie")
    log.info("place %s proposed by user %s in %s", place.id, user.id, gemeente_code)
    return place


def publish_place(moderator, place: Place) -> None:
    _require(can_moderate(moderator, place))
    if place.status != "proposed":
        raise StewardshipError(_("Deze plek is geen voorstel meer."))
    apply_edit(place, moderator, {"status": "published", "status_reason": ""}, place.version, kind="status",
               note="published")
    _notify(active_owners(place), _("Uw plek staat online: %(name)s", name=place.name),
            _("Goed nieuws: een moderator heeft %(name)s gepubliceerd. Iedereen kan de plek nu vinden.",
              name=place.name), "stewardship.published", link=f"/plekken/{place.id}")
    log.info("place %s published by user %s", place.id, moderator.id)


# The longest reason or answer a moderator or co-owner may write to a resident.
MAX_REASON = 2000


def _too_long(text: str) -> None:
    if len(text) > MAX_REASON:
        raise StewardshipError(_("Dit is te lang: hoogstens %(n)s tekens.", n=MAX_REASON))


def reject_place(moderator, place: Place, reason: str) -> None:
    _require(can_moderate(moderator, place))
    reason = (reason or "").strip()
    if not reason:
        raise StewardshipError(_("Schrijf de reden op. De bewoner ziet die reden."))
    _too_long(reason)
    if place.status != "proposed":
        raise StewardshipError(_("Deze plek is geen voorstel meer."))
    apply_edit(place, moderator, {"status": "rejected", "status_reason": reason}, place.version, kind="status",
               note="rejected")
    _notify(active_owners(place), _("Uw voorstel is niet geplaatst: %(name)s", name=place.name),
            _("Een moderator heeft uw voorstel %(name)s niet geplaatst. De reden:\n\n%(reason)s",
              name=place.name, reason=reason), "stewardship.rejected", link="/plekken/mijn")
    log.info("place %s rejected by user %s", place.id, moderator.id)


def withdraw_proposal(user, place: Place) -> None:
    """The proposer (a co-owner of the proposal) takes it back before a moderator decided."""
    _require(isinstance(place, Place) and is_owner(user, place))
    if place.status != "proposed":
        raise StewardshipError(_("Deze plek is geen voorstel meer."))
    apply_edit(place, user, {"status": "rejected", "status_reason": _("Ingetrokken door de bewoner.")},
               place.version, kind="status", note="withdrawn")
    log.info("place %s withdrawn by user %s", place.id, user.id)


# --- co-ownership ----------------------------------------------------------------------------

def open_join_request(user, subject) -> JoinRequest | None:
    if _real(user) is None:
        return None
    return db.session.scalars(select(JoinRequest).where(
        JoinRequest.subject_type == subject_type(subject), JoinRequest.subject_id == subject.id,
        JoinRequest.user_id == user.id, JoinRequest.status == "open")).first()


def join_requests(subject, status: str = "open") -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(
        JoinRequest.subject_type == subject_type(subject), JoinRequest.subject_id == subject.id,
        JoinRequest.status == status).order_by(JoinRequest.id)))


def request_join(user, subject, motivation: str) -> JoinRequest:
    _require_login(user)
    _require(is_public(subject))
    motivation = (motivation or "").strip()
    if is_owner(user, subject):
        raise StewardshipError(_("U bent al mede-beheerder."))
    if open_join_request(user, subject) is not None:
        raise StewardshipError(_("U heeft al gevraagd om mee te beheren. De beheerders beslissen snel."))
    if not motivation:
        raise StewardshipError(_("Schrijf kort waarom u mee wilt beheren."))
    if len(motivation) > 1000:
        raise StewardshipError(_("Schrijf het korter (hoogstens 1000 tekens)."))
    request = JoinRequest(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                          motivation=motivation)
    db.session.add(request)
    db.session.flush()
    _notify(handlers_of(subject), _("Iemand wil mee beheren: %(name)s", name=subject_title(subject)),
            _("%(who)s wil mee beheren. Motivatie:\n\n%(text)s\n\nAccepteer of wijs af op de beheerpagina.",
              who=user.public_name, text=motivation), "stewardship.join_request", link=_manage_path(subject))
    log.info("user %s asks to co-own %s %s", user.id, subject_type(subject), subject.id)
    return request


def withdraw_join(user, request: JoinRequest) -> None:
    _require(_real(user) is not None and request.user_id == user.id)
    if request.status != "open":
        raise StewardshipError(_("Over dit verzoek is al beslist."))
    request.status, request.decided_by_id, request.decided_at = "withdrawn", user.id, _now()
    log.info("join request %s withdrawn by user %s", request.id, user.id)


def decide_join(actor, request: JoinRequest, accept: bool) -> None:
    subject = subject_of(request)
    _require(subject is not None and can_manage(actor, subject))
    if request.status != "open":
        raise StewardshipError(_("Over dit verzoek is al beslist."))
    request.status = "accepted" if accept else "declined"
    request.decided_by_id = actor.id
    request.decided_at = _now()
    requester = request.user
    if accept and requester is not None:
        add_owner(subject, requester, added_by=actor)
        record_revision(subject, actor, {"owners": {"old": None, "new": requester.public_name}}, kind="owner",
                        note="joined")
        _notify([requester], _("U beheert nu mee: %(name)s", name=subject_title(subject)),
                _("Welkom! U bent nu mede-beheerder van %(name)s.", name=subject_title(subject)),
                "stewardship.join_accepted", link=_manage_path(subject))
    elif requester is not None:
        _notify([requester], _("Uw verzoek om mee te beheren: %(name)s", name=subject_title(subject)),
                _("De beheerders van %(name)s hebben uw verzoek nu niet aangenomen.", name=subject_title(subject)),
                "stewardship.join_declined")
    log.info("join request %s %s by user %s", request.id, request.status, actor.id)


def _remove_owner_row(subject, user) -> bool:
    model, fk = _owner_model(subject)
    row = db.session.get(model, {"user_id": user.id, fk: subject.id})
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def leave(user, subject, successor: User | None = None, to_moderators: bool = False) -> None:
    """A co-owner stops. The last co-owner names a successor or hands the subject to the moderators."""
    _require_login(user)
    _require(is_owner(user, subject))
    others = [o for o in active_owners(subject) if o.id != user.id]
    if not others:
        if successor is None and not to_moderators:
            raise StewardshipError(_("U bent de laatste beheerder. Kies wie het overneemt, of geef het aan de moderatoren."))
        if successor is not None:
            if successor.id == user.id or successor.deleted_at is not None:
                raise StewardshipError(_("Kies iemand anders om het over te nemen."))
            add_owner(subject, successor, added_by=user)
            pending = open_join_request(successor, subject)
            if pending is not None:
                pending.status, pending.decided_by_id, pending.decided_at = "accepted", user.id, _now()
            record_revision(subject, user, {"owners": {"old": None, "new": successor.public_name}}, kind="owner",
                            note="successor")
            _notify([successor], _("U beheert nu: %(name)s", name=subject_title(subject)),
                    _("%(who)s is gestopt als beheerder van %(name)s en heeft u gekozen om het over te nemen.",
                      who=user.public_name, name=subject_title(subject)), "stewardship.successor", link=_manage_path(subject))
        else:
            _notify(moderators_of(subject.gemeente_code),
                    _("Geen beheerders meer: %(name)s", name=subject_title(subject)),
                    _("De laatste beheerder van %(name)s is gestopt. De moderatoren beheren het nu.",
                      name=subject_title(subject)), "stewardship.to_moderators", link=_manage_path(subject))
    _remove_owner_row(subject, user)
    record_revision(subject, user, {"owners": {"old": user.public_name, "new": None}}, kind="owner", note="left")
    log.info("user %s left %s %s (successor=%s, to_moderators=%s)", user.id, subject_type(subject), subject.id,
             successor.id if successor else None, to_moderators)


def moderator_add_owner(moderator, subject, user: User) -> None:
    _require(can_moderate(moderator, subject))
    if user is None or user.deleted_at is not None:
        raise StewardshipError(_("Dit account bestaat niet."))
    if is_owner(user, subject):
        raise StewardshipError(_("Deze persoon is al mede-beheerder."))
    add_owner(subject, user, added_by=moderator)
    pending = open_join_request(user, subject)
    if pending is not None:
        pending.status, pending.decided_by_id, pending.decided_at = "accepted", moderator.id, _now()
    record_revision(subject, moderator, {"owners": {"old": None, "new": user.public_name}}, kind="owner",
                    note="added by moderator")
    _notify([user], _("U beheert nu mee: %(name)s", name=subject_title(subject)),
            _("Een moderator heeft u mede-beheerder gemaakt van %(name)s.", name=subject_title(subject)),
            "stewardship.owner_added", link=_manage_path(subject))
    log.info("moderator %s added user %s to %s %s", moderator.id, user.id, subject_type(subject), subject.id)


def moderator_remove_owner(moderator, subject, user: User) -> None:
    _require(can_moderate(moderator, subject))
    if not _remove_owner_row(subject, user):
        raise StewardshipError(_("Deze persoon is geen mede-beheerder."))
    record_revision(subject, moderator, {"owners": {"old": user.public_name, "new": None}}, kind="owner",
                    note="removed by moderator")
    _notify([user], _("U beheert niet meer mee: %(name)s", name=subject_title(subject)),
            _("Een moderator heeft u weggehaald als mede-beheerder van %(name)s.", name=subject_title(subject)),
            "stewardship.owner_removed")
    log.info("moderator %s removed user %s from %s %s", moderator.id, user.id, subject_type(subject), subject.id)


# --- edits, suggestions, reverts -------------------------------------------------------------

def edit_subject(user, subject, values: dict[str, Any], expected_version: int, note: str = "") -> Revision | None:
    """A co-owner or moderator saves the edit form. Raises EditConflict when someone saved meanwhile."""
    _require(can_edit(user, subject))
    values = dict(values)
    _check_values(subject, values)
    revision = apply_edit(subject, user, values, expected_version, kind="edit", note=note)
    if revision is not None:
        log.info("%s %s edited by user %s (revision %s)", subject_type(subject), subject.id, user.id, revision.id)
    return revision


def suggestions(subject, status: str = "open") -> list[Suggestion]:
    return list(db.session.scalars(select(Suggestion).where(
        Suggestion.subject_type == subject_type(subject), Suggestion.subject_id == subject.id,
        Suggestion.status == status).order_by(Suggestion.id)))


def suggest_edit(user, subject, values: dict[str, Any], note: str = "") -> Suggestion:
    """A resident who is not a co-owner proposes new values; co-owners (or moderators) decide."""
    _require_login(user)
    _require(is_public(subject))
    if can_edit(user, subject):
        raise StewardshipError(_("U kunt deze gegevens zelf wijzigen."))
    values = dict(values)
    _check_values(subject, values, extra_allowed=())
    changed = {k: _plain(v) for k, v in values.items() if _plain(getattr(subject, k)) != _plain(v)}
    if not changed:
        raise StewardshipError(_("U heeft niets veranderd."))
    suggestion = Suggestion(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                            values=changed, base={k: _plain(getattr(subject, k)) for k in changed},
                            note=(note or "").strip()[:1000])
    db.session.add(suggestion)
    db.session.flush()
    _notify(handlers_of(subject), _("Voorstel voor een wijziging: %(name)s", name=subject_title(subject)),
            _("%(who)s stelt een wijziging voor. Neem het over of wijs het af op de beheerpagina.",
              who=user.public_name), "stewardship.suggestion", link=_manage_path(subject))
    log.info("user %s suggested %s for %s %s", user.id, sorted(changed), subject_type(subject), subject.id)
    return suggestion


def decide_suggestion(actor, suggestion: Suggestion, accept: bool) -> Revision | None:
    subject = subject_of(suggestion)
    _require(subject is not None and can_manage(actor, subject))
    if suggestion.status != "open":
        raise StewardshipError(_("Over dit voorstel is al beslist."))
    revision = None
    if accept:
        values = dict(suggestion.values)
        _check_values(subject, values, extra_allowed=())
        revision = apply_edit(subject, actor, values, subject.version, kind="suggestion",
                              note=suggestion.note, credit_to=suggestion.user)
        suggestion.revision_id = revision.id if revision else None
    suggestion.status = "accepted" if accept else "declined"
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = _now()
    if suggestion.user is not None:
        if accept:
            _notify([suggestion.user], _("Uw voorstel is overgenomen: %(name)s", name=subject_title(subject)),
                    _("Dank u wel! Uw wijziging voor %(name)s staat nu online.", name=subject_title(subject)),
                    "stewardship.suggestion_accepted")
        else:
            _notify([suggestion.user], _("Uw voorstel: %(name)s", name=subject_title(subject)),
                    _("De beheerders van %(name)s hebben uw voorstel niet overgenomen.", name=subject_title(subject)),
                    "stewardship.suggestion_declined")
    log.info("suggestion %s %s by user %s", suggestion.id, suggestion.status, actor.id)
    return revision


def _restorable(value, field_name: str):
    if field_name == "location" and isinstance(value, str):
        return WKTElement(value.replace("POINT (", "POINT("), srid=4326)
    return value


def revert_to(moderator, subject, revision: Revision, expected_version: int) -> Revision | None:
    """Put the subject back as it was right after `revision`; itself a new revision."""
    _require(can_moderate(moderator, subject))
    if revision.subject_type != subject_type(subject) or revision.subject_id != subject.id:
        raise StewardshipError(_("Deze versie hoort niet bij deze plek."))
    later = db.session.scalars(select(Revision).where(
        Revision.subject_type == revision.subject_type, Revision.subject_id == revision.subject_id,
        Revision.id > revision.id).order_by(Revision.id)).all()
    values: dict[str, Any] = {}
    for rev in later:
        for field_name, change in (rev.changes or {}).items():
            if field_name in NOT_REVERTIBLE or not hasattr(type(subject), field_name) \
                    or not isinstance(change, dict):
                continue
            values.setdefault(field_name, _restorable(change.get("old"), field_name))
    if not values:
        raise StewardshipError(_("Sinds deze versie is er niets veranderd."))
    result = apply_edit(subject, moderator, values, expected_version, kind="revert",
                        note=f"revision {revision.id}")
    log.info("%s %s reverted to revision %s by user %s", subject_type(subject), subject.id, revision.id, moderator.id)
    return result


def confirm_attributes(user, subject) -> None:
    """A co-owner says: the accessibility and safety information is still correct (today)."""
    _require(isinstance(subject, Place) and can_edit(user, subject))
    apply_edit(subject, user, {"attributes_confirmed_on": local_today()}, subject.version, kind="confirm")
    log.info("place %s attributes confirmed by user %s", subject.id, user.id)


# --- reports ---------------------------------------------------------------------------------

def report(user, subject, category: str, text: str) -> Report:
    """Anyone logged in reports a problem. Three different residents reporting 'inappropriate'
    hide the subject at once, until a moderator decides."""
    _require_login(user)
    _require(can_view(user, subject))
    text = (text or "").strip()
    if category not in REPORT_CATEGORIES:
        raise StewardshipError(_("Kies wat voor probleem het is."))
    if not text:
        raise StewardshipError(_("Beschrijf het probleem in een paar woorden."))
    if len(text) > 2000:
        raise StewardshipError(_("Schrijf het korter (hoogstens 2000 tekens)."))
    if category == "inappropriate":
        # Count reporters under the subject's row lock: two simultaneous reports otherwise each see the
        # other's row missing, and the third reporter never hides the subject.
        db.session.refresh(subject, with_for_update=True)
    row = Report(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                 category=category, text=text)
    db.session.add(row)
    db.session.flush()
    log.info("report %s (%s) on %s %s by user %s", row.id, category, subject_type(subject), subject.id, user.id)
    if category == "people_safety":
        _notify(moderators_of(subject.gemeente_code), _("Melding over veiligheid: %(name)s", name=subject_title(subject)),
                _("Er is een melding over de veiligheid van mensen bij %(name)s. Bekijk die in de moderatie.",
                  name=subject_title(subject)), "stewardship.report_people", link="/moderatie")
    else:
        _notify(handlers_of(subject), _("Nieuwe melding: %(name)s", name=subject_title(subject)),
                _("Iemand meldt een probleem bij %(name)s. Bekijk de melding op de beheerpagina.",
                  name=subject_title(subject)), "stewardship.report", link=_manage_path(subject))
    if category == "inappropriate" and not subject.hidden:
        reporters = db.session.scalar(select(func.count(func.distinct(Report.user_id))).where(
            Report.subject_type == subject_type(subject), Report.subject_id == subject.id,
            Report.category == "inappropriate", Report.status == "open"))
        if reporters >= HIDE_AFTER_REPORTERS:
            _hide_after_reports(subject)
    return row


def _hide_after_reports(subject) -> None:
    db.session.refresh(subject, with_for_update=True)
    if subject.hidden:
        return
    subject.hidden = True
    subject.version += 1
    record_revision(subject, None, {"hidden": {"old": False, "new": True}}, kind="status",
                    note="hidden after reports")
    title = subject_title(subject)
    _notify(active_owners(subject), _("Tijdelijk verborgen: %(name)s", name=title),
            _("%(n)s bewoners meldden dat %(name)s ongepaste inhoud heeft. Daarom is het tijdelijk verborgen. "
              "Een moderator kijkt ernaar en beslist. U hoort het resultaat.", n=HIDE_AFTER_REPORTERS, name=title),
            "stewardship.hidden", link=_manage_path(subject))
    _notify(moderators_of(subject.gemeente_code), _("Verborgen na meldingen: %(name)s", name=title),
            _("%(name)s is verborgen na meldingen over ongepaste inhoud. Beslis in de moderatie.", name=title),
            "stewardship.hidden_moderators", link="/moderatie")
    log.warning("%s %s hidden after %s reports", subject_type(subject), subject.id, HIDE_AFTER_REPORTERS)


def visible_reports(user, subject, status: str = "open") -> list[Report]:
    """Reports this user may read: moderators all; co-owners all but those about people; others none."""
    if can_moderate(user, subject):
        where = []
    elif is_owner(user, subject):
        where = [Report.category != "people_safety"]
    else:
        return []
    return list(db.session.scalars(select(Report).where(
        Report.subject_type == subject_type(subject), Report.subject_id == subject.id, Report.status == status,
        *where).order_by(Report.id)))


def open_report_count(subject) -> int:
    """The public count on the page (reports about people are not counted in public)."""
    return db.session.scalar(select(func.count(Report.id)).where(
        Report.subject_type == subject_type(subject), Report.subject_id == subject.id, Report.status == "open",
        Report.category != "people_safety")) or 0


def close_report(actor, row: Report, answer: str) -> None:
    subject = subject_of(row)
    _require(subject is not None and row in visible_reports(actor, subject, status=row.status))
    answer = (answer or "").strip()
    if row.status != "open":
        raise StewardshipError(_("Deze melding is al gesloten."))
    if not answer:
        raise StewardshipError(_("Schrijf een kort antwoord. De melder krijgt dit te lezen."))
    _too_long(answer)
    row.status, row.answer, row.decided_by_id, row.decided_at = "closed", answer, actor.id, _now()
    if row.user is not None:
        _notify([row.user], _("Antwoord op uw melding: %(name)s", name=subject_title(subject)),
                _("U meldde een probleem bij %(name)s. Het antwoord:\n\n%(answer)s\n\nDank u wel voor uw melding.",
                  name=subject_title(subject), answer=answer), "stewardship.report_closed")
    log.info("report %s closed by user %s", row.id, actor.id)


def decide_hidden(moderator, subject, show: bool, reason: str) -> None:
    """A moderator decides on a subject hidden after reports: show it again, or keep it hidden."""
    _require(can_moderate(moderator, subject))
    reason = (reason or "").strip()
    if not reason:
        raise StewardshipError(_("Schrijf kort uw besluit op. De beheerders en melders krijgen dit te lezen."))
    _too_long(reason)
    open_reports = db.session.scalars(select(Report).where(
        Report.subject_type == subject_type(subject), Report.subject_id == subject.id,
        Report.category == "inappropriate", Report.status == "open")).all()
    for row in open_reports:
        close_report(moderator, row, reason)
    if show and subject.hidden:
        apply_edit(subject, moderator, {"hidden": False}, subject.version, kind="status", note="shown again")
    elif not show and not subject.hidden:
        apply_edit(subject, moderator, {"hidden": True}, subject.version, kind="status", note="hidden by moderator")
    title = subject_title(subject)
    if show:
        body = _("Een moderator heeft %(name)s bekeken. Het is weer zichtbaar.\n\n%(reason)s", name=title, reason=reason)
    else:
        body = _("Een moderator heeft %(name)s bekeken. Het blijft verborgen.\n\n%(reason)s", name=title, reason=reason)
    _notify(active_owners(subject), _("Besluit over %(name)s", name=title), body, "stewardship.hidden_decision")
    log.info("%s %s %s by moderator %s", subject_type(subject), subject.id, "shown" if show else "kept hidden",
             moderator.id)


# --- overviews -------------------------------------------------------------------------------

def moderation_queue(user, gemeente_code: str | None = None) -> dict[str, list]:
    """What waits for this moderator: proposals, hidden subjects, reports, and join requests and
    suggestions on subjects without co-owners. Only the gemeenten the moderator moderates."""
    _require(is_moderator_anywhere(user))
    codes = gemeenten_with_role(user, Role.MODERATOR)  # None: everywhere (admin)
    if gemeente_code:
        _require(codes is None or gemeente_code in codes)
        codes = {gemeente_code}

    def in_scope(column):
        return True if codes is None else column.in_(codes)

    proposals = list(db.session.scalars(select(Place).where(Place.status == "proposed", in_scope(Place.gemeente_code))
                                        .order_by(Place.created_at)))
    hidden = [*db.session.scalars(select(Place).where(Place.hidden.is_(True), in_scope(Place.gemeente_code))),
              *db.session.scalars(select(Initiative).where(Initiative.hidden.is_(True),
                                                           in_scope(Initiative.gemeente_code)))]
    reports: list[tuple[Report, Any]] = []
    ownerless_requests: list[tuple[JoinRequest, Any]] = []
    ownerless_suggestions: list[tuple[Suggestion, Any]] = []
    for type_name, model in SUBJECT_MODELS.items():
        owner_model, fk = _REGISTRY[model][1], _REGISTRY[model][2]
        scope = in_scope(model.gemeente_code)
        for row, subject in db.session.execute(
                select(Report, model).join(model, and_(Report.subject_type == type_name, Report.subject_id == model.id))
                .where(Report.status == "open", scope).order_by(Report.id)):
            reports.append((row, subject))
        no_owner = ~select(owner_model).where(getattr(owner_model, fk) == model.id).exists()
        for row, subject in db.session.execute(
                select(JoinRequest, model).join(model, and_(JoinRequest.subject_type == type_name,
                                                            JoinRequest.subject_id == model.id))
                .where(JoinRequest.status == "open", scope, no_owner).order_by(JoinRequest.id)):
            ownerless_requests.append((row, subject))
        for row, subject in db.session.execute(
                select(Suggestion, model).join(model, and_(Suggestion.subject_type == type_name,
                                                           Suggestion.subject_id == model.id))
                .where(Suggestion.status == "open", scope, no_owner).order_by(Suggestion.id)):
            ownerless_suggestions.append((row, subject))
    return {"proposals": proposals, "hidden": hidden, "reports": reports,
            "join_requests": ownerless_requests, "suggestions": ownerless_suggestions,
            "gemeenten": codes}


def my_places(user) -> dict[str, list]:
    """For "Mijn plekken": my proposals (with status and reason) and the places I co-own."""
    _require_login(user)
    proposals = list(db.session.scalars(select(Place).where(Place.created_by_id == user.id,
                                                            Place.status.in_(("proposed", "rejected")))
                                        .order_by(Place.created_at.desc())))
    owned = list(db.session.scalars(select(Place).join(PlaceOwner, PlaceOwner.place_id == Place.id)
                                    .where(PlaceOwner.user_id == user.id).order_by(Place.name)))
    owned_initiatives = list(db.session.scalars(
        select(Initiative).join(InitiativeOwner, InitiativeOwner.initiative_id == Initiative.id)
        .where(InitiativeOwner.user_id == user.id).order_by(Initiative.title)))
    requests = list(db.session.scalars(select(JoinRequest).where(JoinRequest.user_id == user.id)
                                       .order_by(JoinRequest.id.desc()).limit(20)))
    my_suggestions = list(db.session.scalars(select(Suggestion).where(Suggestion.user_id == user.id)
                                             .order_by(Suggestion.id.desc()).limit(20)))
    return {"proposals": proposals, "owned": owned, "owned_initiatives": owned_initiatives,
            "requests": requests, "suggestions": my_suggestions}


def panel(user, subject) -> dict[str, Any]:
    """What the subject panel shows this user: co-owners, allowed actions, open report count."""
    owner = is_owner(user, subject)
    moderator = can_moderate(user, subject)
    logged_in = _real(user) is not None
    public = is_public(subject)
    return {
        "owners": active_owners(subject),
        "is_owner": owner,
        "is_moderator": moderator,
        "can_edit": owner or moderator,
        "can_suggest": logged_in and public and not (owner or moderator),
        "can_join": logged_in and public and not owner and open_join_request(user, subject) is None,
        "join_pending": open_join_request(user, subject) is not None,
        "can_report": logged_in and (public or owner or moderator),
        "can_confirm": isinstance(subject, Place) and (owner or moderator),
        "open_reports": open_report_count(subject),
        "open_requests": len(join_requests(subject)) if (owner or moderator) else 0,
        "open_suggestions": len(suggestions(subject)) if (owner or moderator) else 0,
        "logged_in": logged_in,
    }

"""Co-owners: asking to join and deciding on it, leaving (with a successor), moderators adding and removing."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from webapp.accounts.models import User
from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.stewardship.models import JoinRequest
from webapp.stewardship.services.base import (
    _,
    active_owners,
    add_owner,
    is_owner,
    is_public,
    now,
    real_user,
    remove_owner_row,
    require,
    require_login,
    subject_of,
    subject_title,
    subject_type,
)
from webapp.stewardship.services.notify import handlers_of, manage_path, moderators_of_subject, notify
from webapp.stewardship.services.permissions import can_manage, can_moderate, require_not_closed
from webapp.stewardship.services.revisions import record_revision

log = logging.getLogger("webapp.stewardship.services")

MAX_MOTIVATION = 1000


def open_join_request(user: Any, subject: Any) -> JoinRequest | None:
    if real_user(user) is None:
        return None
    return db.session.scalars(select(JoinRequest).where(
        JoinRequest.subject_type == subject_type(subject), JoinRequest.subject_id == subject.id,
        JoinRequest.user_id == user.id, JoinRequest.status == "open")).first()


def join_requests(subject: Any, status: str = "open") -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(
        JoinRequest.subject_type == subject_type(subject), JoinRequest.subject_id == subject.id,
        JoinRequest.status == status).order_by(JoinRequest.id)))


def request_join(user: Any, subject: Any, motivation: str) -> JoinRequest:
    require_login(user)
    require(is_public(subject))
    require_not_closed(subject)
    motivation = (motivation or "").strip()
    if is_owner(user, subject):
        raise Invalid(_("U bent al mede-beheerder."))
    if open_join_request(user, subject) is not None:
        raise Invalid(_("U heeft al gevraagd om mee te beheren. De beheerders beslissen snel."))
    if not motivation:
        raise Invalid(_("Schrijf kort waarom u mee wilt beheren."))
    if len(motivation) > MAX_MOTIVATION:
        raise Invalid(_("Schrijf het korter (hoogstens 1000 tekens)."))
    request = JoinRequest(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                          motivation=motivation)
    db.session.add(request)
    db.session.flush()
    notify(handlers_of(subject), _("Iemand wil mee beheren: %(name)s", name=subject_title(subject)),
           _("%(who)s wil mee beheren. Motivatie:\n\n%(text)s\n\nAccepteer of wijs af op de beheerpagina.",
             who=user.public_name, text=motivation), "stewardship.join_request", link=manage_path(subject))
    log.info("user %s asks to co-own %s %s", user.id, subject_type(subject), subject.id)
    return request


def withdraw_join(user: Any, request: JoinRequest) -> None:
    require(real_user(user) is not None and request.user_id == user.id)
    if request.status != "open":
        raise Invalid(_("Over dit verzoek is al beslist."))
    request.status, request.decided_by_id, request.decided_at = "withdrawn", user.id, now()
    log.info("join request %s withdrawn by user %s", request.id, user.id)


def decide_join(actor: Any, request: JoinRequest, accept: bool) -> None:
    subject = subject_of(request)
    require(subject is not None and can_manage(actor, subject))
    if request.status != "open":
        raise Invalid(_("Over dit verzoek is al beslist."))
    request.status = "accepted" if accept else "declined"
    request.decided_by_id = actor.id
    request.decided_at = now()
    requester = request.user
    if accept and requester is not None:
        add_owner(subject, requester, added_by=actor)
        record_revision(subject, actor, {"owners": {"old": None, "new": requester.public_name}}, kind="owner",
                        note="joined")
        notify([requester], _("U beheert nu mee: %(name)s", name=subject_title(subject)),
               _("Welkom! U bent nu mede-beheerder van %(name)s.", name=subject_title(subject)),
               "stewardship.join_accepted", link=manage_path(subject))
    elif requester is not None:
        notify([requester], _("Uw verzoek om mee te beheren: %(name)s", name=subject_title(subject)),
               _("De beheerders van %(name)s hebben uw verzoek nu niet aangenomen.", name=subject_title(subject)),
               "stewardship.join_declined")
    log.info("join request %s %s by user %s", request.id, request.status, actor.id)


def _accept_pending(user: Any, subject: Any, decided_by: Any) -> None:
    pending = open_join_request(user, subject)
    if pending is not None:
        pending.status, pending.decided_by_id, pending.decided_at = "accepted", decided_by.id, now()


def leave(user: Any, subject: Any, successor: User | None = None, to_moderators: bool = False) -> None:
    """A co-owner stops. The last co-owner names a successor or hands the subject to the moderators."""
    require_login(user)
    require(is_owner(user, subject))
    others = [o for o in active_owners(subject) if o.id != user.id]
    if not others:
        if successor is None and not to_moderators:
            raise Invalid(_("U bent de laatste beheerder. Kies wie het overneemt, of geef het aan de moderatoren."))
        if successor is not None:
            if successor.id == user.id or successor.deleted_at is not None:
                raise Invalid(_("Kies iemand anders om het over te nemen."))
            add_owner(subject, successor, added_by=user)
            _accept_pending(successor, subject, user)
            record_revision(subject, user, {"owners": {"old": None, "new": successor.public_name}}, kind="owner",
                            note="successor")
            notify([successor], _("U beheert nu: %(name)s", name=subject_title(subject)),
                   _("%(who)s is gestopt als beheerder van %(name)s en heeft u gekozen om het over te nemen.",
                     who=user.public_name, name=subject_title(subject)), "stewardship.successor",
                   link=manage_path(subject))
        else:
            notify(moderators_of_subject(subject), _("Geen beheerders meer: %(name)s", name=subject_title(subject)),
                   _("De laatste beheerder van %(name)s is gestopt. De moderatoren beheren het nu.",
                     name=subject_title(subject)), "stewardship.to_moderators", link=manage_path(subject))
    remove_owner_row(subject, user)
    record_revision(subject, user, {"owners": {"old": user.public_name, "new": None}}, kind="owner", note="left")
    log.info("user %s left %s %s (successor=%s, to_moderators=%s)", user.id, subject_type(subject), subject.id,
             successor.id if successor else None, to_moderators)


def moderator_add_owner(moderator: Any, subject: Any, user: User | None) -> None:
    require(can_moderate(moderator, subject))
    if user is None or user.deleted_at is not None:
        raise Invalid(_("Dit account bestaat niet."))
    if is_owner(user, subject):
        raise Invalid(_("Deze persoon is al mede-beheerder."))
    add_owner(subject, user, added_by=moderator)
    _accept_pending(user, subject, moderator)
    record_revision(subject, moderator, {"owners": {"old": None, "new": user.public_name}}, kind="owner",
                    note="added by moderator")
    notify([user], _("U beheert nu mee: %(name)s", name=subject_title(subject)),
           _("Een moderator heeft u mede-beheerder gemaakt van %(name)s.", name=subject_title(subject)),
           "stewardship.owner_added", link=manage_path(subject))
    log.info("moderator %s added user %s to %s %s", moderator.id, user.id, subject_type(subject), subject.id)


def moderator_remove_owner(moderator: Any, subject: Any, user: User) -> None:
    require(can_moderate(moderator, subject))
    if not remove_owner_row(subject, user):
        raise Invalid(_("Deze persoon is geen mede-beheerder."))
    record_revision(subject, moderator, {"owners": {"old": user.public_name, "new": None}}, kind="owner",
                    note="removed by moderator")
    notify([user], _("U beheert niet meer mee: %(name)s", name=subject_title(subject)),
           _("Een moderator heeft u weggehaald als mede-beheerder van %(name)s.", name=subject_title(subject)),
           "stewardship.owner_removed")
    log.info("moderator %s removed user %s from %s %s", moderator.id, user.id, subject_type(subject), subject.id)

""""Doe mee" (join or volunteer) and the contact form: residents reaching an initiative's owners.

Nobody but the owners (and moderators who may edit it) sees who takes part; nobody sees an owner's address.
"""
from __future__ import annotations

import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.initiatives.models import PARTICIPATION_KINDS, Initiative, Participation
from webapp.initiatives.rules import is_logged_in, is_public
from webapp.mail.services import queue_template_mail
from webapp.stewardship import services as stewardship
from webapp.urls import absolute_url

log = logging.getLogger(__name__)


def participation_of(initiative: Initiative, user: Actor | None) -> Participation | None:
    if not is_logged_in(user):
        return None
    return db.session.scalar(select(Participation).where(Participation.initiative_id == initiative.id,
                                                         Participation.user_id == user.id))


def join(initiative: Initiative, user: User, kind: str = "join", role: str = "", message: str = "") -> Participation:
    """A resident says "doe mee" (join or volunteer). Saying it again updates the message."""
    if not is_logged_in(user):
        raise NotAllowed()
    if not is_public(initiative) or initiative.status == "ended":
        raise Invalid(_("U kunt hier niet meer aan meedoen."), "kind")
    if kind not in PARTICIPATION_KINDS:
        raise Invalid(_("Kies of u wilt meedoen of wilt helpen."), "kind")
    role = (role or "").strip()
    if kind == "volunteer" and role and role not in initiative.volunteer_roles:
        raise Invalid(_("Kies een taak uit de lijst."), "role")
    if kind == "join":
        role = ""
    message = (message or "").strip()
    if len(message) > 1000:
        raise Invalid(_("Uw bericht is te lang (hoogstens 1000 tekens)."), "message")
    participation = participation_of(initiative, user)
    is_new = participation is None
    if participation is None:
        participation = Participation(initiative_id=initiative.id, user_id=user.id)
        db.session.add(participation)
    participation.kind, participation.role, participation.message = kind, role, message
    db.session.flush()
    if is_new:
        link = absolute_url("initiatives.participants", initiative_id=initiative.id)
        for owner in stewardship.owners_of(initiative):
            if owner.user_id == user.id:
                continue
            queue_template_mail(owner.user, _l("Iemand wil meedoen met %(title)s", title=initiative.title),
                                "initiatives/mail/join.txt", kind="initiatives.join", initiative=initiative,
                                participant=user, participation=participation, link=link)
    log.info("user %s joined initiative %s as %s", user.id, initiative.id, kind)
    return participation


def withdraw(initiative: Initiative, user: User) -> bool:
    """The resident takes back their "doe mee" (the row is deleted: no data kept)."""
    participation = participation_of(initiative, user)
    if participation is None:
        return False
    db.session.delete(participation)
    log.info("user %s withdrew from initiative %s", user.id, initiative.id)
    return True


def participants(initiative: Initiative, viewer: Actor | None) -> list[Participation]:
    """Who said "doe mee": only for the owners (and moderators/admins who may edit it)."""
    if not stewardship.can_edit(viewer, initiative):
        raise NotAllowed(_("Alleen de organisatoren zien wie er meedoen."))
    return list(db.session.scalars(select(Participation).where(Participation.initiative_id == initiative.id)
                                   .order_by(Participation.created_at)))


def joined_by(user: User) -> list[Participation]:
    """What a resident said "doe mee" to, newest first."""
    return list(db.session.scalars(
        select(Participation).where(Participation.user_id == user.id).order_by(Participation.created_at.desc())))


def send_contact_message(initiative: Initiative, sender: User, message: str, share_email: bool) -> int:
    """Mail a message to every owner through the outbox; nobody sees an owner's address."""
    if not is_logged_in(sender):
        raise NotAllowed()
    message = (message or "").strip()
    if len(message) < 5:
        raise Invalid(_("Schrijf uw bericht (minstens 5 tekens)."), "message")
    if len(message) > 2000:
        raise Invalid(_("Uw bericht is te lang (hoogstens 2000 tekens)."), "message")
    reply_to = sender.email if share_email and sender.email else ""
    sent = 0
    for owner in stewardship.owners_of(initiative):
        mail = queue_template_mail(owner.user, _l("Bericht over %(title)s", title=initiative.title),
                                   "initiatives/mail/contact.txt", kind="initiatives.contact",
                                   initiative=initiative, sender=sender, message=message, reply_to=reply_to)
        sent += mail is not None
    log.info("user %s sent a contact message to initiative %s (%s owners)", sender.id, initiative.id, sent)
    return sent

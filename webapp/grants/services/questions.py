"""The thread of an application: staff ask a question, the applicant answers."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantMessage
from webapp.grants.services import audit
from webapp.grants.services.errors import GrantError
from webapp.grants.services.notify import application_url, mail_person, notify_applicant
from webapp.grants.services.permissions import is_applicant_side, is_staff

MAX_BODY = 4000


def _body(text: str, empty_message: str) -> str:
    body = (text or "").strip()
    if not body:
        raise GrantError(empty_message, field="body")
    if len(body) > MAX_BODY:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=MAX_BODY), field="body")
    return body


def ask_question(user: User, application: GrantApplication, body: str) -> GrantMessage:
    if not is_staff(user, application.round.gemeente_code):
        raise NotAllowed()
    body = _body(body, _("Schrijf uw vraag op."))
    if application.status == m.DRAFT:
        raise GrantError(_("Deze aanvraag is nog niet verstuurd."))
    message = GrantMessage(application_id=application.id, author_id=user.id, kind="question", body=body)
    db.session.add(message)
    application.awaiting_answer = True
    audit.record(user, "question_asked", application=application, old=application.status, new=application.status)
    notify_applicant(application, _("Een vraag over uw aanvraag"),
                     _("De gemeente heeft een vraag over uw aanvraag \"%(title)s\":\n\n%(body)s",
                       title=application.title, body=body), "grants.question")
    return message


def answer_question(user: User, application: GrantApplication, body: str) -> GrantMessage:
    if not is_applicant_side(user, application):
        raise NotAllowed()
    body = _body(body, _("Schrijf uw antwoord op."))
    last_question = db.session.scalars(select(GrantMessage).where(
        GrantMessage.application_id == application.id, GrantMessage.kind == "question")
        .order_by(GrantMessage.id.desc())).first()
    if last_question is None:
        raise GrantError(_("Er is nog geen vraag gesteld."), field="body")
    message = GrantMessage(application_id=application.id, author_id=user.id, kind="answer", body=body)
    db.session.add(message)
    application.awaiting_answer = False
    audit.record(user, "question_answered", application=application, old=application.status,
                 new=application.status)
    if last_question.author is not None:
        mail_person(last_question.author, _("Antwoord op uw vraag"),
                    _("Er is een antwoord op uw vraag over \"%(title)s\".\n\n%(link)s",
                      title=application.title, link=application_url(application)), "grants.answer")
    return message


def thread(application: GrantApplication) -> list[GrantMessage]:
    return list(db.session.scalars(select(GrantMessage).where(GrantMessage.application_id == application.id)
                                   .order_by(GrantMessage.id)))

"""Suggestions: a resident who is not a co-owner proposes new values; co-owners (or moderators) decide."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.stewardship import registry
from webapp.stewardship.models import Revision, Suggestion
from webapp.stewardship.services.base import (
    _,
    is_public,
    now,
    require,
    require_login,
    subject_of,
    subject_title,
    subject_type,
)
from webapp.stewardship.services.notify import handlers_of, manage_path, notify
from webapp.stewardship.services.permissions import can_edit, can_manage, require_not_closed
from webapp.stewardship.services.revisions import apply_edit, check_values
from webapp.stewardship.services.values import plain

log = logging.getLogger("webapp.stewardship.services")

MAX_NOTE = 1000


def suggestions(subject: Any, status: str = "open") -> list[Suggestion]:
    return list(db.session.scalars(select(Suggestion).where(
        Suggestion.subject_type == subject_type(subject), Suggestion.subject_id == subject.id,
        Suggestion.status == status).order_by(Suggestion.id)))


def suggest_edit(user: Any, subject: Any, values: dict[str, Any], note: str = "") -> Suggestion:
    """A resident who is not a co-owner proposes new values; co-owners (or moderators) decide."""
    require_login(user)
    require(is_public(subject))
    require_not_closed(subject)
    if can_edit(user, subject):
        raise Invalid(_("U kunt deze gegevens zelf wijzigen."))
    values = dict(values)
    check_values(registry.of(subject), values, extra_allowed=())
    changed = {k: plain(v) for k, v in values.items() if plain(getattr(subject, k)) != plain(v)}
    if not changed:
        raise Invalid(_("U heeft niets veranderd."))
    suggestion = Suggestion(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                            values=changed, base={k: plain(getattr(subject, k)) for k in changed},
                            note=(note or "").strip()[:MAX_NOTE])
    db.session.add(suggestion)
    db.session.flush()
    notify(handlers_of(subject), _("Voorstel voor een wijziging: %(name)s", name=subject_title(subject)),
           _("%(who)s stelt een wijziging voor. Neem het over of wijs het af op de beheerpagina.",
             who=user.public_name), "stewardship.suggestion", link=manage_path(subject))
    log.info("user %s suggested %s for %s %s", user.id, sorted(changed), subject_type(subject), subject.id)
    return suggestion


def decide_suggestion(actor: Any, suggestion: Suggestion, accept: bool) -> Revision | None:
    subject = subject_of(suggestion)
    require(subject is not None and can_manage(actor, subject))
    assert subject is not None
    if suggestion.status != "open":
        raise Invalid(_("Over dit voorstel is al beslist."))
    revision = None
    if accept:
        values = dict(suggestion.values)
        check_values(registry.of(subject), values, extra_allowed=())
        revision = apply_edit(subject, actor, values, subject.version, kind="suggestion",
                              note=suggestion.note, credit_to=suggestion.user)
        suggestion.revision_id = revision.id if revision else None
    suggestion.status = "accepted" if accept else "declined"
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = now()
    if suggestion.user is not None:
        title = subject_title(subject)
        if accept:
            notify([suggestion.user], _("Uw voorstel is overgenomen: %(name)s", name=title),
                   _("Dank u wel! Uw wijziging voor %(name)s staat nu online.", name=title),
                   "stewardship.suggestion_accepted")
        else:
            notify([suggestion.user], _("Uw voorstel: %(name)s", name=title),
                   _("De beheerders van %(name)s hebben uw voorstel niet overgenomen.", name=title),
                   "stewardship.suggestion_declined")
    log.info("suggestion %s %s by user %s", suggestion.id, suggestion.status, actor.id)
    return revision

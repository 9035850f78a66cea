"""Keeping initiatives current: "niet bijgewerkt sinds", one reminder, the automatic pause and its undo.

The clock is `owners_touched_at`: every change by an owner (or a moderator) resets it, here and in
stewardship (an accepted suggestion, a revert, a confirmation arrive as the `revision_recorded` signal).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.initiatives import clock
from webapp.initiatives.models import Initiative
from webapp.initiatives.rules import SEARCH_STATUSES
from webapp.mail.services import queue_template_mail
from webapp.stewardship import services as stewardship
from webapp.urls import absolute_url

log = logging.getLogger(__name__)

STALE_AFTER = relativedelta(months=6)
PAUSE_AFTER = relativedelta(months=12)
# Never pause without warning: the reminder must have gone out at least this long before.
PAUSE_NOTICE = timedelta(days=28)
# Revisions recorded in stewardship that count as the owners keeping it current (made by a user).
TOUCHING_KINDS = frozenset({"suggestion", "revert", "confirm"})


def stale_since(initiative: Initiative, now: datetime | None = None) -> datetime | None:
    """When the owners last touched it, if that is more than 6 months ago (and it is not ended)."""
    now = now or clock.utcnow()
    touched = initiative.owners_touched_at
    if initiative.status == "ended" or touched is None:
        return None
    return touched if touched <= now - STALE_AFTER else None


def reset_clock(initiative: Initiative, now: datetime) -> None:
    """It was kept current: restart the staleness clock (and allow a new reminder later)."""
    initiative.owners_touched_at = now
    initiative.stale_reminded_at = None


def touch(initiative: Initiative, user: Actor, now: datetime) -> None:
    """An owner (or a moderator) changed it: reset the clock. Others' changes do not count."""
    if stewardship.can_edit(user, initiative):
        reset_clock(initiative, now)


def on_revision_recorded(sender: str, subject: Any = None, revision: Any = None, actor: Any = None,
                         **extra: Any) -> None:
    """Receiver of stewardship's `revision_recorded` (sender "initiative"): an accepted suggestion, a
    moderator's revert or a confirmation by a user keeps the initiative current. Our own services reset
    the clock themselves (with their `now`)."""
    if (isinstance(subject, Initiative) and revision is not None and revision.user_id is not None
            and revision.kind in TOUCHING_KINDS):
        reset_clock(subject, clock.utcnow())


def confirm_current(initiative: Initiative, user: User, now: datetime | None = None) -> None:
    """"Alles klopt nog": an owner says it is still current, without changing anything."""
    if not stewardship.can_edit(user, initiative):
        raise NotAllowed()
    touch(initiative, user, now or clock.utcnow())
    log.info("initiative %s confirmed current by user %s", initiative.id, user.id)


@dataclass
class RemindResult:
    reminded: int = 0
    paused: int = 0


def remind_stale(now: datetime | None = None) -> RemindResult:
    """The daily job: remind owners once after 6 months, pause after 12 months without reaction.

    The reminder is sent once (stale_reminded_at); an owner's touch resets it. Pausing needs the
    reminder to have gone out at least PAUSE_NOTICE before, is recorded as a revision by nobody
    (the system), and any owner can undo it. The caller (the CLI) commits.
    """
    now = now or clock.utcnow()
    result = RemindResult()
    candidates = db.session.scalars(
        select(Initiative).where(Initiative.status.in_(SEARCH_STATUSES),
                                 Initiative.owners_touched_at <= now - STALE_AFTER)
        .order_by(Initiative.id).with_for_update(skip_locked=True))
    for initiative in candidates:
        link = absolute_url("initiatives.detail", initiative_id=initiative.id)
        if initiative.stale_reminded_at is None:
            _mail_owners(initiative, _l("Klopt %(title)s nog?", title=initiative.title),
                         "initiatives/mail/stale_reminder.txt", "initiatives.stale_reminder", link)
            initiative.stale_reminded_at = now
            result.reminded += 1
            log.info("stale reminder sent for initiative %s", initiative.id)
        elif (initiative.owners_touched_at <= now - PAUSE_AFTER
              and initiative.stale_reminded_at <= now - PAUSE_NOTICE):
            _pause(initiative, now)
            _mail_owners(initiative, _l("%(title)s staat nu op gepauzeerd", title=initiative.title),
                         "initiatives/mail/auto_paused.txt", "initiatives.auto_paused", link)
            result.paused += 1
            log.info("initiative %s paused automatically", initiative.id)
    return result


def _pause(initiative: Initiative, now: datetime) -> None:
    old = initiative.status
    initiative.status_before_pause = old
    initiative.status = "paused"
    initiative.auto_paused_at = now
    initiative.version += 1
    stewardship.record_revision(initiative, None, {"status": {"old": old, "new": "paused"}}, kind="status",
                                note="auto-paused: not updated for 12 months")


def _mail_owners(initiative: Initiative, subject: Any, template: str, kind: str, link: str) -> None:
    for owner in stewardship.owners_of(initiative):
        queue_template_mail(owner.user, subject, template, kind=kind, initiative=initiative, link=link)


def undo_auto_pause(initiative: Initiative, user: User, now: datetime | None = None) -> None:
    """Any owner takes back the automatic pause: the old status returns, the clock restarts."""
    if not stewardship.can_edit(user, initiative):
        raise NotAllowed()
    if initiative.auto_paused_at is None or initiative.status != "paused":
        raise Invalid(_("Dit initiatief is niet automatisch gepauzeerd."), "status")
    new = initiative.status_before_pause or "active"
    stewardship.apply_edit(initiative, user, {"status": new}, initiative.version, kind="status",
                           note="automatic pause undone")
    initiative.auto_paused_at = None
    initiative.status_before_pause = None
    touch(initiative, user, now or clock.utcnow())
    log.info("automatic pause of initiative %s undone by user %s", initiative.id, user.id)

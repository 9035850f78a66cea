"""Reports, and when a subject is hidden after reports.

Anyone logged in reports a problem with a subject they can see. When HIDE_AFTER_REPORTERS different
residents report "inappropriate" (open reports), the subject is hidden at once, until a moderator decides
(`decide_hidden`): show it again, or keep it hidden. Reports about people's safety go to the moderators only.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.stewardship.models import REPORT_CATEGORIES, Report
from webapp.stewardship.services import barriers
from webapp.stewardship.services.base import (
    _,
    active_owners,
    is_owner,
    now,
    require,
    require_login,
    subject_of,
    subject_title,
    subject_type,
)
from webapp.stewardship.services.notify import handlers_of, manage_path, moderation_path, moderators_of_subject, notify
from webapp.stewardship.services.permissions import can_moderate, can_view, require_not_closed
from webapp.stewardship.services.revisions import apply_edit, record_revision

log = logging.getLogger("webapp.stewardship.services")

HIDE_AFTER_REPORTERS = 3  # different residents reporting "inappropriate" hide a subject until a moderator decides
MAX_REPORT = 2000
# The longest reason or answer a moderator or co-owner may write to a resident.
MAX_REASON = 2000


def too_long(text: str) -> None:
    if len(text) > MAX_REASON:
        raise Invalid(_("Dit is te lang: hoogstens %(n)s tekens.", n=MAX_REASON))


def report(user: Any, subject: Any, category: str, text: str, attribute: str | None = None) -> Report:
    """Anyone logged in reports a problem. Three different residents reporting 'inappropriate'
    hide the subject at once, until a moderator decides. A barrier report may name the attribute it
    concerns (one of `barriers.reportable_fields`): it is flagged at once, until an owner confirms or
    corrects it (services/barriers.py)."""
    require_login(user)
    require(can_view(user, subject))
    require_not_closed(subject)
    text = (text or "").strip()
    if category not in REPORT_CATEGORIES:
        raise Invalid(_("Kies wat voor probleem het is."))
    if not text:
        raise Invalid(_("Beschrijf het probleem in een paar woorden."))
    if len(text) > MAX_REPORT:
        raise Invalid(_("Schrijf het korter (hoogstens 2000 tekens)."))
    attribute = (attribute or "").strip() or None
    if attribute is not None:
        if category != barriers.BARRIER:
            attribute = None   # only a barrier report concerns one attribute
        elif attribute not in barriers.reportable_fields(subject):
            raise Invalid(_("Kies wat er niet klopt."))
    if category == "inappropriate":
        # Count reporters under the subject's row lock: two simultaneous reports otherwise each see the
        # other's row missing, and the third reporter never hides the subject.
        db.session.refresh(subject, with_for_update=True)
    row = Report(subject_type=subject_type(subject), subject_id=subject.id, user_id=user.id,
                 category=category, text=text, attribute=attribute)
    db.session.add(row)
    db.session.flush()
    log.info("report %s (%s) on %s %s by user %s", row.id, category, subject_type(subject), subject.id, user.id)
    title = subject_title(subject)
    if category == "people_safety":
        notify(moderators_of_subject(subject), _("Melding over veiligheid: %(name)s", name=title),
               _("Er is een melding over de veiligheid van mensen bij %(name)s. Bekijk die in de moderatie.",
                 name=title), "stewardship.report_people", link=moderation_path())
    elif attribute is not None:
        label = barriers.reportable_fields(subject)[attribute]
        notify(handlers_of(subject), _("Melding over toegankelijkheid: %(name)s", name=title),
               _("Iemand meldt dat '%(label)s' bij %(name)s mogelijk niet meer klopt:\n\n%(text)s\n\n"
                 "Bewoners zien nu 'gemeld: mogelijk niet juist'. Klopt het toch? Bevestig de gegevens op de "
                 "beheerpagina. Klopt het niet? Pas het aan.", label=label, name=title, text=text),
               "stewardship.report_barrier", link=manage_path(subject))
    else:
        notify(handlers_of(subject), _("Nieuwe melding: %(name)s", name=title),
               _("Iemand meldt een probleem bij %(name)s. Bekijk de melding op de beheerpagina.",
                 name=title), "stewardship.report", link=manage_path(subject))
    if category == "inappropriate" and not subject.hidden and _inappropriate_reporters(subject) >= HIDE_AFTER_REPORTERS:
        _hide_after_reports(subject)
    return row


def _inappropriate_reporters(subject: Any) -> int:
    return db.session.scalar(select(func.count(func.distinct(Report.user_id))).where(
        Report.subject_type == subject_type(subject), Report.subject_id == subject.id,
        Report.category == "inappropriate", Report.status == "open")) or 0


def _hide_after_reports(subject: Any) -> None:
    db.session.refresh(subject, with_for_update=True)
    if subject.hidden:
        return
    subject.hidden = True
    subject.version += 1
    record_revision(subject, None, {"hidden": {"old": False, "new": True}}, kind="status",
                    note="hidden after reports")
    title = subject_title(subject)
    notify(active_owners(subject), _("Tijdelijk verborgen: %(name)s", name=title),
           _("%(n)s bewoners meldden dat %(name)s ongepaste inhoud heeft. Daarom is het tijdelijk verborgen. "
             "Een moderator kijkt ernaar en beslist. U hoort het resultaat.", n=HIDE_AFTER_REPORTERS, name=title),
           "stewardship.hidden", link=manage_path(subject))
    notify(moderators_of_subject(subject), _("Verborgen na meldingen: %(name)s", name=title),
           _("%(name)s is verborgen na meldingen over ongepaste inhoud. Beslis in de moderatie.", name=title),
           "stewardship.hidden_moderators", link=moderation_path())
    log.warning("%s %s hidden after %s reports", subject_type(subject), subject.id, HIDE_AFTER_REPORTERS)


def visible_reports(user: Any, subject: Any, status: str = "open") -> list[Report]:
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


def publicly_counted_open_reports(subject: Any) -> list[Any]:
    """SQL conditions of the public count of open reports on a subject's page: reports about people are
    not counted in public."""
    return [Report.subject_type == subject_type(subject), Report.subject_id == subject.id, Report.status == "open",
            Report.category != "people_safety"]


def open_report_count(subject: Any) -> int:
    """The public count on the page (`publicly_counted_open_reports`)."""
    return db.session.scalar(select(func.count(Report.id)).where(*publicly_counted_open_reports(subject))) or 0


def close_report(actor: Any, row: Report, answer: str) -> None:
    subject = subject_of(row)
    require(subject is not None and row in visible_reports(actor, subject, status=row.status))
    answer = (answer or "").strip()
    if row.status != "open":
        raise Invalid(_("Deze melding is al gesloten."))
    if not answer:
        raise Invalid(_("Schrijf een kort antwoord. De melder krijgt dit te lezen."))
    too_long(answer)
    row.status, row.answer, row.decided_by_id, row.decided_at = "closed", answer, actor.id, now()
    if row.user is not None:
        notify([row.user], _("Antwoord op uw melding: %(name)s", name=subject_title(subject)),
               _("U meldde een probleem bij %(name)s. Het antwoord:\n\n%(answer)s\n\nDank u wel voor uw melding.",
                 name=subject_title(subject), answer=answer), "stewardship.report_closed")
    log.info("report %s closed by user %s", row.id, actor.id)


def decide_hidden(moderator: Any, subject: Any, show: bool, reason: str) -> None:
    """A moderator decides on a subject hidden after reports: show it again, or keep it hidden."""
    require(can_moderate(moderator, subject))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Schrijf kort uw besluit op. De beheerders en melders krijgen dit te lezen."))
    too_long(reason)
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
        body = _("Een moderator heeft %(name)s bekeken. Het is weer zichtbaar.\n\n%(reason)s", name=title,
                 reason=reason)
    else:
        body = _("Een moderator heeft %(name)s bekeken. Het blijft verborgen.\n\n%(reason)s", name=title,
                 reason=reason)
    notify(active_owners(subject), _("Besluit over %(name)s", name=title), body, "stewardship.hidden_decision")
    log.info("%s %s %s by moderator %s", subject_type(subject), subject.id, "shown" if show else "kept hidden",
             moderator.id)

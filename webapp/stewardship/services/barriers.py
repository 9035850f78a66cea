"""Barrier reports: a resident says one attribute of a subject is wrong ("de oprit is weg").

A report of category `access_barrier` names the attribute it concerns (`Report.attribute`). While it is
open, that attribute is flagged "gemeld: mogelijk niet juist" wherever it is shown, and the place leaves
"must be yes" filters for it (the places domain reads the flag: webapp/places/barriers.py).

The flag is cleared when someone who may edit the subject (a co-owner or moderator) either confirms the
attributes (`confirm_attributes`: every flag of the subject) or changes that attribute (an edit, an
accepted suggestion, a revert): the open barrier reports about it are closed with an answer, and the
reporters hear so. Closing the report by hand (`close_report`) clears it too.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.stewardship import registry
from webapp.stewardship.models import Report
from webapp.stewardship.services.base import _, now, subject_title, subject_type
from webapp.stewardship.services.notify import notify

log = logging.getLogger("webapp.stewardship.services")

BARRIER = "access_barrier"


def reportable_fields(subject_kind: Any) -> dict[str, str]:
    """The fields a barrier report may name for a subject type: its editable fields that have their own
    label (for places: the accessibility and safety attributes). {field: label}."""
    kind = subject_kind if isinstance(subject_kind, registry.SubjectType) else registry.of(subject_kind)
    if kind.field_label is None:
        return {}
    labels = {name: kind.field_label(name) for name in kind.editable_fields}
    return {name: str(label) for name, label in labels.items() if label}


def open_barrier_reports(subject: Any, fields: Iterable[str] | None = None) -> list[Report]:
    stmt = select(Report).where(Report.subject_type == subject_type(subject), Report.subject_id == subject.id,
                                Report.status == "open", Report.category == BARRIER,
                                Report.attribute.is_not(None))
    if fields is not None:
        stmt = stmt.where(Report.attribute.in_(list(fields)))
    return list(db.session.scalars(stmt.order_by(Report.id)))


def flagged_fields(subject: Any) -> set[str]:
    """The attributes of this subject that carry "gemeld: mogelijk niet juist"."""
    return {row.attribute for row in open_barrier_reports(subject) if row.attribute}


def resolve(subject: Any, actor: Any, fields: Iterable[str] | None, confirmed: bool) -> None:
    """Close the open barrier reports about `fields` (None: all) after a co-owner or moderator confirmed
    (`confirmed`) or corrected them. The caller checked the actor may edit the subject."""
    rows = open_barrier_reports(subject, fields)
    if not rows:
        return
    title = subject_title(subject)
    labels = reportable_fields(subject)
    for row in rows:
        label = labels.get(row.attribute or "", row.attribute or "")
        if confirmed:
            answer = _("De beheerders hebben gecontroleerd dat '%(label)s' klopt.", label=label)
        else:
            answer = _("De beheerders hebben '%(label)s' aangepast.", label=label)
        row.status, row.answer, row.decided_at = "closed", answer, now()
        row.decided_by_id = actor.id if actor is not None else None
        if row.user is not None:
            notify([row.user], _("Antwoord op uw melding: %(name)s", name=title),
                   _("U meldde een probleem bij %(name)s. Het antwoord:\n\n%(answer)s\n\nDank u wel voor uw melding.",
                     name=title, answer=answer), "stewardship.report_closed")
        log.info("barrier report %s on %s %s resolved (%s)", row.id, subject_type(subject), subject.id,
                 "confirmed" if confirmed else "corrected")

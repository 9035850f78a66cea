"""What people see across applications: their own list, the initiative page's panel, the gemeente's
public overview of granted startbijdragen, and the account data download."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.areas.models import District
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantMessage
from webapp.grants.services import areas
from webapp.grants.services.budget import round_totals
from webapp.grants.services.permissions import authenticated, can_apply, can_view, is_initiative_owner
from webapp.grants.services.rounds import open_rounds, rounds_of
from webapp.i18n import local_today
from webapp.initiatives import queries as initiatives
from webapp.initiatives.models import Initiative
from webapp.stewardship.owned import owned, owned_ids


def owned_initiatives(user: Actor | None) -> list[Initiative]:
    """The initiatives the user co-owns, by title (stewardship's one definition)."""
    return owned(user, "initiative")


def my_applications(user: Actor | None) -> list[GrantApplication]:
    """What the user filled in, and the applications of initiatives they co-own; newest first."""
    if not authenticated(user):
        return []
    stmt = (select(GrantApplication)
            .where(or_(GrantApplication.created_by_id == user.id,
                       GrantApplication.initiative_id.in_(owned_ids(user.id, "initiative"))))
            .order_by(GrantApplication.id.desc()))
    return list(db.session.scalars(stmt).unique())


def initiative_panel(user: Actor | None, initiative: Initiative, today: date | None = None) -> dict[str, Any]:
    """What the initiative page shows about startbijdragen.

    Everyone: the startbijdragen granted to it (public, like the gemeente's transparency page).
    Owners (and staff/helpers of its gemeente): its applications with their status, and the open rounds
    that cover its location, where they can apply.
    """
    applications = list(db.session.scalars(
        select(GrantApplication).where(GrantApplication.initiative_id == initiative.id)
        .order_by(GrantApplication.id.desc())))
    granted = [a for a in applications if a.status in m.GRANTED_STATUSES]
    panel: dict[str, Any] = {"granted": granted, "mine": [], "rounds": []}
    if not authenticated(user):
        return panel
    point = initiatives.initiative_point(initiative.id)
    gemeente = initiative.gemeente_code
    rounds = open_rounds({gemeente}, today) if gemeente else []
    rounds = [r for r in rounds
              if point is not None and areas.round_covers(r, point) and can_apply(user, r, initiative)]
    if rounds or is_initiative_owner(user, initiative):
        panel["mine"] = [a for a in applications if can_view(user, a)]
        open_round_ids = {a.round_id for a in applications if a.is_open}
        panel["rounds"] = [r for r in rounds if r.id not in open_round_ids]
    return panel


PUBLIC_PAGE_SIZE = 100   # granted startbijdragen per round on one page of the public overview


def public_overview(gemeente_code: str, page: int | None = None) -> list[dict[str, Any]]:
    """Every round of a gemeente with its totals and its granted startbijdragen. No personal data.
    With `page` (1, 2, ...): of each round only that page of PUBLIC_PAGE_SIZE grants, and "count" says how
    many there are in all; without: all of them (the CSV and JSON downloads)."""
    result = []
    for grant_round in rounds_of(gemeente_code):
        if not grant_round.settings_confirmed:  # its budget is not agreed yet (settings_changes)
            continue
        # Only the columns shown, in one statement: no application objects (with their joined round,
        # initiative, creator and budget lines) for thousands of rows.
        a, i = GrantApplication, Initiative
        granted = (a.round_id == grant_round.id, a.status.in_(m.GRANTED_STATUSES))
        stmt = (select(a.id, a.initiative_id, i.title.label("initiative"), i.hidden, a.title, a.granted_cents,
                       a.refunded_cents, a.decided_at, a.status, District.name.label("district"))
                .join(i, i.id == a.initiative_id).outerjoin(District, District.id == a.district_id)
                .where(*granted).order_by(a.decided_at, a.id))
        count = None
        if page is not None:
            count = db.session.scalar(select(func.count()).select_from(a).where(*granted))
            stmt = stmt.limit(PUBLIC_PAGE_SIZE).offset((page - 1) * PUBLIC_PAGE_SIZE)
        grants = db.session.execute(stmt)
        hidden = _("(verborgen initiatief)")
        result.append({
            "round": grant_round,
            "totals": round_totals(grant_round),
            "count": count,
            "grants": [{
                "id": row.id,
                "initiative_id": row.initiative_id,
                "initiative": row.initiative if not row.hidden else hidden,
                "purpose": row.title,
                "amount_cents": (row.granted_cents or 0) - row.refunded_cents,   # as net_granted_cents
                "date": local_today(row.decided_at) if row.decided_at else None,
                "paid": row.status == m.PAID,
                "district": row.district or "",
            } for row in grants],
        })
    return result


def export_for(user: User) -> dict[str, Any]:
    """What the grants module holds about a user (for the account data download)."""
    apps = db.session.scalars(select(GrantApplication).where(GrantApplication.created_by_id == user.id)
                              .order_by(GrantApplication.id)).unique()
    messages = db.session.scalars(select(GrantMessage).where(GrantMessage.author_id == user.id)
                                  .order_by(GrantMessage.id))
    return {
        "applications": [{
            "id": a.id, "round": a.round.name, "initiative": a.initiative.title, "status": a.status,
            "title": a.title, "audience": a.audience, "timing": a.timing, "description": a.description,
            "amount_cents": a.amount_cents, "granted_cents": a.granted_cents, "refunded_cents": a.refunded_cents,
            "own_contribution_cents": a.own_contribution_cents, "cofunding": a.cofunding,
            "supporters": a.supporters, "on_behalf": a.on_behalf,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "decision_reason": a.decision_reason,
            "budget_lines": [{"description": line.description, "amount_cents": line.amount_cents}
                             for line in a.lines],
        } for a in apps],
        "messages": [{"application_id": msg.application_id, "kind": msg.kind, "body": msg.body,
                      "created_at": msg.created_at.isoformat()} for msg in messages],
    }

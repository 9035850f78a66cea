"""Overviews: the moderation queue, "Mijn plekken" (my proposals, what I co-own, my requests and
suggestions), and the panel on a subject's page. Generic over the registered subject types."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal, select, true
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Role, User
from webapp.accounts.permissions import gemeenten_with_role
from webapp.extensions import db
from webapp.stewardship import registry
from webapp.stewardship.models import JoinRequest, Report, Suggestion
from webapp.stewardship.owned import owned
from webapp.stewardship.services.base import (
    is_closed,
    is_public,
    real_user,
    require,
    require_login,
)
from webapp.stewardship.services.owners import join_requests, open_join_request
from webapp.stewardship.services.permissions import can_moderate, is_moderator_anywhere
from webapp.stewardship.services.reports import publicly_counted_open_reports
from webapp.stewardship.services.revisions import can_confirm
from webapp.stewardship.services.suggestions import suggestions

MY_RECENT = 20


def moderation_queue(user: Any, gemeente_code: str | None = None) -> dict[str, Any]:
    """What waits for this moderator: proposals, hidden subjects, reports, and join requests and
    suggestions on subjects without co-owners. Only the gemeenten the moderator moderates."""
    require(is_moderator_anywhere(user))
    codes = gemeenten_with_role(user, Role.MODERATOR)  # None: everywhere (admin)
    if gemeente_code:
        require(codes is None or gemeente_code in codes)
        codes = {gemeente_code}

    def in_scope(column: Any) -> Any:
        return true() if codes is None else column.in_(codes)

    proposals: list[Any] = []
    hidden: list[Any] = []
    reports: list[tuple[Report, Any]] = []
    ownerless_requests: list[tuple[JoinRequest, Any]] = []
    ownerless_suggestions: list[tuple[Suggestion, Any]] = []
    for kind in registry.all_types():
        model, owner_model = kind.model, kind.owner_model
        if kind.awaiting_moderation is not None:
            proposals += kind.awaiting_moderation(codes)
        scope = in_scope(model.gemeente_code)
        hidden += db.session.scalars(select(model).where(model.hidden.is_(True), scope))
        for row, subject in db.session.execute(
                select(Report, model).join(model, and_(Report.subject_type == kind.name, Report.subject_id == model.id))
                .where(Report.status == "open", scope).order_by(Report.id)):
            reports.append((row, subject))
        no_owner = ~select(owner_model).where(getattr(owner_model, kind.owner_fk) == model.id).exists()
        for row, subject in db.session.execute(
                select(JoinRequest, model).join(model, and_(JoinRequest.subject_type == kind.name,
                                                            JoinRequest.subject_id == model.id))
                .where(JoinRequest.status == "open", scope, no_owner).order_by(JoinRequest.id)):
            ownerless_requests.append((row, subject))
        for row, subject in db.session.execute(
                select(Suggestion, model).join(model, and_(Suggestion.subject_type == kind.name,
                                                           Suggestion.subject_id == model.id))
                .where(Suggestion.status == "open", scope, no_owner).order_by(Suggestion.id)):
            ownerless_suggestions.append((row, subject))
    return {"proposals": proposals, "hidden": hidden, "reports": reports,
            "join_requests": ownerless_requests, "suggestions": ownerless_suggestions,
            "gemeenten": codes}


def my_places(user: Any) -> dict[str, Any]:
    """For "Mijn plekken": my proposals (with status and reason), what I co-own per subject type
    (`owned` for places, `owned_<type>s` for the others), my join requests and suggestions."""
    require_login(user)
    result: dict[str, Any] = {"proposals": []}
    for kind in registry.all_types():
        if kind.proposed_by is not None:
            result["proposals"] += kind.proposed_by(user.id)
        result["owned" if kind.name == "place" else f"owned_{kind.name}s"] = owned(user, kind.name)
    result["requests"] = list(db.session.scalars(select(JoinRequest).where(JoinRequest.user_id == user.id)
                                                 .order_by(JoinRequest.id.desc()).limit(MY_RECENT)))
    result["suggestions"] = list(db.session.scalars(select(Suggestion).where(Suggestion.user_id == user.id)
                                                    .order_by(Suggestion.id.desc()).limit(MY_RECENT)))
    return result


def owners_and_open_reports(subject: Any) -> tuple[list[Any], int]:
    """The subject's co-owner rows (oldest first; row.user is the User, joined) and its public count of open
    reports (as `open_report_count`: reports about people are not counted in public), in one statement."""
    found = registry.of(subject)
    model = found.owner_model
    open_reports = (select(func.count(Report.id))
                    .where(*publicly_counted_open_reports(subject))
                    .scalar_subquery())
    one_row = select(literal(1).label("one")).subquery()
    stmt = (select(open_reports, model).select_from(one_row)
            .outerjoin(model, getattr(model, found.owner_fk) == subject.id).order_by(model.since)
            .options(joinedload(model.user).lazyload(User.roles)))   # the panel shows names, not roles
    rows = db.session.execute(stmt).all()
    return [row[1] for row in rows if row[1] is not None], int(rows[0][0] or 0) if rows else 0


def panel(user: Any, subject: Any) -> dict[str, Any]:
    """What the subject panel shows this user: co-owners, allowed actions, open report count. The
    co-owners are read once (with the report count): whether the user is one comes from them."""
    owner_rows, open_reports = owners_and_open_reports(subject)
    acting = real_user(user)
    owner = acting is not None and subject.id is not None and any(row.user_id == acting.id for row in owner_rows)
    moderator = can_moderate(user, subject)
    logged_in = acting is not None
    public = is_public(subject)
    closed = is_closed(subject)
    pending = open_join_request(user, subject)
    return {
        "owners": [row.user for row in owner_rows if row.user.deleted_at is None],
        "is_owner": owner,
        "is_moderator": moderator,
        "can_edit": owner or moderator,
        "can_suggest": logged_in and public and not closed and not (owner or moderator),
        "can_join": logged_in and public and not closed and not owner and pending is None,
        "join_pending": pending is not None,
        "can_report": logged_in and not closed and (public or owner or moderator),
        "can_confirm": can_confirm(subject) and (owner or moderator),
        "closed": closed,
        "open_reports": open_reports,
        "open_requests": len(join_requests(subject)) if (owner or moderator) else 0,
        "open_suggestions": len(suggestions(subject)) if (owner or moderator) else 0,
        "logged_in": logged_in,
    }

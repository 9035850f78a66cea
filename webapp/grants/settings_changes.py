"""Four-eyes on a round's money settings (budget, maximum per application, four-eyes threshold, quick lane).

One staff member proposes; the change takes effect only when a second staff member of the same gemeente
(never the proposer) confirms it. A new round is not open for applications until its money settings are
confirmed. Every step is in the audit log. The quick lane also has a ceiling no round can exceed
(`GRANTS_QUICK_LANE_CEILING_CENTS`), checked when a round is saved and again when an application is
approved through the quick lane.

Every function takes the acting user; the caller commits (or rolls back on any error).
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed, NotFound
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantRound, GrantRoundChange
from webapp.grants.services import audit
from webapp.grants.services.budget import lock_round
from webapp.grants.services.clock import utcnow
from webapp.grants.services.errors import BudgetExceeded, GrantError
from webapp.grants.services.permissions import is_staff
from webapp.i18n import money

DEFAULT_CEILING_CENTS = 25_000


def quick_lane_ceiling() -> int:
    """The most any round's quick lane may approve at once (cents)."""
    return int(current_app.config.get("GRANTS_QUICK_LANE_CEILING_CENTS", DEFAULT_CEILING_CENTS))


def quick_lane_limit(grant_round: GrantRound) -> int:
    """What the quick lane of this round approves at most, whatever the row says: 0 = no quick lane."""
    if not grant_round.settings_confirmed:
        return 0
    return max(0, min(grant_round.quick_lane_cents or 0, quick_lane_ceiling()))


def ceiling_error(data: dict[str, Any]) -> dict[str, str]:
    quick = data.get("quick_lane_cents")
    if quick is not None and quick > quick_lane_ceiling():
        return {"quick_lane_cents": _("De snelle route kan hoogstens %(max)s zijn.", max=money(quick_lane_ceiling()))}
    return {}


def money_values(source: GrantRound | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, dict):
        return {key: source.get(key) for key in m.MONEY_SETTINGS}
    return {key: getattr(source, key) for key in m.MONEY_SETTINGS}


def pending_change(grant_round: GrantRound) -> GrantRoundChange | None:
    return db.session.scalars(select(GrantRoundChange).where(
        GrantRoundChange.round_id == grant_round.id, GrantRoundChange.status == m.CHANGE_PENDING)).first()


def changes_of(grant_round: GrantRound) -> list[GrantRoundChange]:
    return list(db.session.scalars(select(GrantRoundChange).where(GrantRoundChange.round_id == grant_round.id)
                                   .order_by(GrantRoundChange.id.desc())))


def _waiting_error() -> GrantError:
    return GrantError(_("Er wacht al een wijziging van het geld van deze regeling op bevestiging. Laat een "
                        "andere medewerker die eerst bevestigen of afwijzen."))


def propose(user: User, grant_round: GrantRound, new_values: dict[str, Any], kind: str = "update") -> GrantRoundChange:
    """Record a proposal (the round must be locked by the caller). Nothing changes on the round yet."""
    if pending_change(grant_round) is not None:
        raise _waiting_error()
    old = {} if kind == "create" else {k: getattr(grant_round, k) for k in new_values}
    change = GrantRoundChange(round_id=grant_round.id, kind=kind, old_values=old, new_values=dict(new_values),
                              proposed_by_id=user.id, status=m.CHANGE_PENDING)
    db.session.add(change)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # the partial unique index: someone proposed at the same moment
        raise _waiting_error() from exc
    audit.record(user, "round_change_proposed", grant_round=grant_round, change_id=change.id, kind=kind,
           old_values=old, new_values=dict(new_values))
    return change


def _load(change_id: int, grant_round_id: int) -> tuple[GrantRound, GrantRoundChange]:
    """Lock the round (always first), then the change."""
    grant_round = lock_round(grant_round_id)
    change = db.session.execute(select(GrantRoundChange).where(GrantRoundChange.id == change_id)
                                .with_for_update(of=GrantRoundChange)
                                .execution_options(populate_existing=True)).unique().scalar_one()
    return grant_round, change


def can_confirm(user: User, change: GrantRoundChange, grant_round: GrantRound) -> bool:
    return (is_staff(user, grant_round.gemeente_code) and change.status == m.CHANGE_PENDING
            and change.proposed_by_id != user.id)


def confirm(user: User, change: GrantRoundChange) -> GrantRound:
    """A second staff member confirms: the new money settings take effect (under the round lock)."""
    from webapp.grants.services.rounds import ROUND_FIELDS, validate_round  # rounds imports this module

    grant_round = db.session.get(GrantRound, change.round_id)
    if grant_round is None:
        raise NotFound()
    if not is_staff(user, grant_round.gemeente_code) or change.proposed_by_id == user.id:
        raise NotAllowed()
    grant_round, change = _load(change.id, grant_round.id)
    if change.status != m.CHANGE_PENDING:
        raise GrantError(_("Over deze wijziging is al beslist."))
    if change.kind == "update" and any(getattr(grant_round, k) != v for k, v in change.old_values.items()):
        raise GrantError(_("De regeling is intussen veranderd. Wijs deze wijziging af en stel hem opnieuw voor."))
    data = {key: getattr(grant_round, key) for key in ROUND_FIELDS}
    data.update(change.new_values)
    errors = validate_round(data, grant_round.gemeente_code, grant_round.committed_cents)
    errors.update(ceiling_error(data))
    if errors:
        raise GrantError(" ".join(dict.fromkeys(errors.values())))
    applied = {}
    for key, value in change.new_values.items():
        if getattr(grant_round, key) != value:
            applied[key] = {"old": getattr(grant_round, key), "new": value}
        setattr(grant_round, key, value)
    grant_round.settings_confirmed = True
    change.status = m.CHANGE_CONFIRMED
    change.decided_by_id = user.id
    change.decided_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise BudgetExceeded(_("Het budget kan niet lager dan wat al is toegekend."), field="budget_cents") from exc
    audit.record(user, "round_change_confirmed", grant_round=grant_round, change_id=change.id, kind=change.kind,
           proposed_by_id=change.proposed_by_id, changes=applied, new_values=change.new_values)
    return grant_round


def reject(user: User, change: GrantRoundChange) -> GrantRoundChange:
    """Another staff member rejects a proposal, or the proposer takes it back. Nothing changes on the round."""

    grant_round = db.session.get(GrantRound, change.round_id)
    if grant_round is None:
        raise NotFound()
    if not is_staff(user, grant_round.gemeente_code):
        raise NotAllowed()
    grant_round, change = _load(change.id, grant_round.id)
    if change.status != m.CHANGE_PENDING:
        raise GrantError(_("Over deze wijziging is al beslist."))
    change.status = m.CHANGE_WITHDRAWN if change.proposed_by_id == user.id else m.CHANGE_REJECTED
    change.decided_by_id = user.id
    change.decided_at = utcnow()
    db.session.flush()
    audit.record(user, "round_change_withdrawn" if change.status == m.CHANGE_WITHDRAWN else "round_change_rejected",
           grant_round=grant_round, change_id=change.id, kind=change.kind, proposed_by_id=change.proposed_by_id,
           new_values=change.new_values)
    return change

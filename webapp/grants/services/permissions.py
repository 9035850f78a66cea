"""Who may do what with startbijdragen: the one place for "who may approve a grant".

- Staff of a gemeente (or an admin) run its rounds, ask questions, decide, revoke, pay out and record
  refunds; but never on an application they filled in, nor for an initiative they co-owned or applied for
  in the last 12 months (`can_decide`, see `webapp/grants/conflict.py`).
- Above a round's four-eyes amount a second, different staff member confirms (`decisions.decide`); a
  round's money settings need a second staff member too (`webapp/grants/settings_changes.py`).
- Co-owners of an initiative apply for it; staff and helpers of the gemeente may apply on its behalf.
- The applicant side (who filled it in, and the initiative's co-owners) and staff see an application.
"""
from __future__ import annotations

from typing import NamedTuple, TypeGuard

from sqlalchemy import select

from webapp.accounts.actor import Actor
from webapp.accounts.models import Role, User
from webapp.accounts.permissions import has_role, is_admin
from webapp.areas.services import list_gemeenten
from webapp.extensions import db
from webapp.grants.conflict import has_conflict
from webapp.grants.models import GrantApplication, GrantRound
from webapp.initiatives.models import Initiative
from webapp.stewardship import services as stewardship


class GemeenteRef(NamedTuple):
    code: str
    name: str


def authenticated(user: Actor | None) -> TypeGuard[User]:
    """A logged-in user (not anonymous, not None)."""
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_staff(user: Actor | None, gemeente_code: str) -> bool:
    return authenticated(user) and has_role(user, Role.STAFF, gemeente_code)


def is_helper(user: Actor | None, gemeente_code: str) -> bool:
    return authenticated(user) and has_role(user, Role.HELPER, gemeente_code)


def is_initiative_owner(user: Actor | None, initiative: Initiative) -> bool:
    """A co-owner of the initiative (stewardship's one definition)."""
    return authenticated(user) and stewardship.is_owner(user, initiative)


def staff_gemeenten(user: Actor | None) -> list[GemeenteRef]:
    """The gemeenten (rows with `code` and `name`, by name) where the user is staff (every gemeente with a
    round, for admins)."""
    if not authenticated(user):
        return []
    if is_admin(user):
        codes = set(db.session.scalars(select(GrantRound.gemeente_code)))
    else:
        codes = {g.gemeente_code for g in user.roles if g.role == Role.STAFF.value and g.gemeente_code}
    if not codes:
        return []
    return [GemeenteRef(code, name) for code, name in list_gemeenten() if code in codes]


def helper_gemeenten(user: Actor | None) -> set[str]:
    if not authenticated(user):
        return set()
    return {g.gemeente_code for g in user.roles
            if g.role in (Role.HELPER.value, Role.STAFF.value) and g.gemeente_code}


def is_applicant_side(user: Actor | None, application: GrantApplication) -> bool:
    """The person who filled it in, or an owner of the initiative."""
    if not authenticated(user):
        return False
    return application.created_by_id == user.id or is_initiative_owner(user, application.initiative)


def can_view(user: Actor | None, application: GrantApplication) -> bool:
    return is_applicant_side(user, application) or is_staff(user, application.round.gemeente_code)


def can_decide(user: Actor | None, application: GrantApplication) -> bool:
    """Staff of the gemeente, but never on an application they filled in, nor for an initiative they
    co-owned or applied for in the last 12 months (see conflict.py)."""
    return is_staff(user, application.round.gemeente_code) and not has_conflict(user, application)


def can_apply(user: Actor | None, grant_round: GrantRound, initiative: Initiative) -> bool:
    return authenticated(user) and (
        is_initiative_owner(user, initiative) or is_staff(user, grant_round.gemeente_code)
        or is_helper(user, grant_round.gemeente_code))

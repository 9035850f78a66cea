"""Roles: resident is everyone's and never stored; moderator, staff and helper hold for one gemeente;
admin holds everywhere. Admins grant and revoke moderator and staff roles on the web; the rest is done
from the command line. Callers commit."""
from __future__ import annotations

import logging
from typing import TypedDict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.accounts.actor import Actor
from webapp.accounts.errors import AccountError
from webapp.accounts.models import Role, RoleGrant, User
from webapp.accounts.permissions import is_admin
from webapp.accounts.users import find_by_email
from webapp.areas.services import gemeente_exists
from webapp.domain_errors import NotAllowed
from webapp.extensions import db

log = logging.getLogger(__name__)

PER_GEMEENTE_ROLES = (Role.MODERATOR, Role.STAFF, Role.HELPER)
ADMIN_GRANTABLE_ROLES = (Role.MODERATOR, Role.STAFF)

__all__ = ["ADMIN_GRANTABLE_ROLES", "PER_GEMEENTE_ROLES", "RevokedRole", "admin_grant", "admin_revoke",
           "gemeente_exists", "grant_role", "list_grants", "revoke_role"]


class RevokedRole(TypedDict):
    role: str
    gemeente: str | None
    name: str


def grant_role(user: User, role: Role | str, gemeente_code: str | None,
               granted_by: User | None = None) -> RoleGrant | None:
    """Give `user` a role (moderator/staff/helper for one gemeente, admin everywhere). Idempotent.
    Resident is everyone's role and is never stored (returns None). The caller commits."""
    role = Role(role)
    if role == Role.RESIDENT:
        return None
    if role in PER_GEMEENTE_ROLES:
        if not gemeente_code:
            raise AccountError(_l("Deze rol hoort bij een gemeente."))
        if not gemeente_exists(gemeente_code):
            raise AccountError(_l("Gemeente %(code)s bestaat niet.", code=gemeente_code))
    elif gemeente_code:
        raise AccountError(_l("Een beheerder geldt overal: geef geen gemeente op."))
    for grant in user.roles:
        if grant.role == role.value and grant.gemeente_code == gemeente_code:
            return grant
    grant = RoleGrant(user=user, role=role.value, gemeente_code=gemeente_code,
                      granted_by_id=granted_by.id if granted_by else None)
    db.session.add(grant)
    db.session.flush()
    log.info("role %s (%s) granted to user %s by %s", role.value, gemeente_code or "-", user.id,
             granted_by.id if granted_by else "command line")
    return grant


def revoke_role(user: User, role: Role | str, gemeente_code: str | None, revoked_by: User | None = None) -> bool:
    """Take a role away. True when there was one. The caller commits."""
    role = Role(role)
    for grant in list(user.roles):
        if grant.role == role.value and grant.gemeente_code == (gemeente_code or None):
            user.roles.remove(grant)
            db.session.flush()
            log.info("role %s (%s) revoked from user %s by %s", role.value, gemeente_code or "-", user.id,
                     revoked_by.id if revoked_by else "command line")
            return True
    return False


def _require_admin(actor: Actor) -> User:
    if not is_admin(actor) or not isinstance(actor, User):
        raise NotAllowed(_l("Alleen een beheerder mag rollen geven of afnemen."))
    return actor


def admin_grant(actor: Actor, email: str, role: Role | str, gemeente_code: str) -> RoleGrant:
    """An admin gives someone a moderator or staff role for one gemeente."""
    admin = _require_admin(actor)
    role = Role(role)
    if role not in ADMIN_GRANTABLE_ROLES:
        raise AccountError(_l("Kies moderator of medewerker."))
    target = find_by_email(email)
    if target is None:
        raise AccountError(_l("Er is geen account met dit e-mailadres."))
    grant = grant_role(target, role, gemeente_code, granted_by=admin)
    assert grant is not None
    return grant


def admin_revoke(actor: Actor, grant_id: int) -> RevokedRole:
    """An admin takes away a moderator or staff role (admin roles only from the command line).
    Returns what was taken away: {"role", "gemeente", "name"}."""
    admin = _require_admin(actor)
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise AccountError(_l("Deze rol bestaat niet (meer)."))
    if Role(grant.role) not in ADMIN_GRANTABLE_ROLES:
        raise AccountError(_l("Deze rol kan alleen via de opdrachtregel worden afgenomen."))
    summary: RevokedRole = {"role": grant.role, "gemeente": grant.gemeente_code, "name": grant.user.display_name}
    revoke_role(grant.user, Role(grant.role), grant.gemeente_code, revoked_by=admin)
    return summary


def list_grants(gemeente_code: str | None = None) -> list[RoleGrant]:
    stmt = (select(RoleGrant).join(User, RoleGrant.user_id == User.id)
            .order_by(RoleGrant.gemeente_code.nulls_first(), RoleGrant.role, func.lower(User.display_name)))
    if gemeente_code:
        stmt = stmt.where(RoleGrant.gemeente_code == gemeente_code)
    return list(db.session.scalars(stmt))

"""Helpers: professionals (an opbouwwerker, a buurtcoach) whom gemeente staff invite to apply for
startbijdragen on residents' behalf. The helper role is held per gemeente; staff of that gemeente (or an
admin) give and take it.

After each change `helper_role_changed` is sent (blinker), with sender = the acting staff member and the
keyword arguments `gemeente_code`, `helper_id` and `granted` (True: given, False: taken away), so a domain
above accounts (grants keeps an audit log) records it in the same transaction. The caller commits.
"""
from __future__ import annotations

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.accounts import services as accounts
from webapp.accounts.models import Role, RoleGrant, User
from webapp.accounts.permissions import has_role, is_admin
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db

_signals = Namespace()
helper_role_changed = _signals.signal("accounts.helper-role-changed")


def may_manage_helpers(user: User, gemeente_code: str) -> bool:
    """Staff of the gemeente (and admins) give and take the helper role there."""
    return user is not None and getattr(user, "is_authenticated", False) and has_role(user, Role.STAFF,
                                                                                      gemeente_code)


def grant_helper(user: User, gemeente_code: str, email: str) -> User:
    """Staff make an existing account a helper in their gemeente. Returns the helper."""
    if not may_manage_helpers(user, gemeente_code):
        raise NotAllowed()
    email = (email or "").strip()
    if not email:
        raise Invalid(_("Vul een e-mailadres in."), field="email")
    helper = accounts.find_by_email(email)
    if helper is None:
        raise Invalid(_("Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."),
                      field="email")
    if has_role(helper, Role.HELPER, gemeente_code) and not is_admin(helper):
        raise Invalid(_("Deze persoon is al helper in deze gemeente."), field="email")
    accounts.grant_role(helper, Role.HELPER, gemeente_code, granted_by=user)
    helper_role_changed.send(user, gemeente_code=gemeente_code, helper_id=helper.id, granted=True)
    return helper


def remove_helper(user: User, gemeente_code: str, helper_id: int) -> None:
    """Staff take the helper role away again."""
    if not may_manage_helpers(user, gemeente_code):
        raise NotAllowed()
    grant = db.session.scalars(select(RoleGrant).where(
        RoleGrant.user_id == helper_id, RoleGrant.role == Role.HELPER.value,
        RoleGrant.gemeente_code == gemeente_code)).first()
    if grant is None:
        raise Invalid(_("Deze persoon is geen helper in deze gemeente."))
    db.session.delete(grant)
    helper_role_changed.send(user, gemeente_code=gemeente_code, helper_id=helper_id, granted=False)


def helpers_of(gemeente_code: str) -> list[User]:
    """The helpers of a gemeente (accounts not deleted), by name."""
    return list(db.session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == Role.HELPER.value, RoleGrant.gemeente_code == gemeente_code,
        User.deleted_at.is_(None)).order_by(User.display_name)))

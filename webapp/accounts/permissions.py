"""Who may do what. Pure functions of a user (or None) and a gemeente: no request inside."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from webapp.accounts.models import Role, User


def _real(user: Any) -> User | None:
    """The logged-in user, or None for nobody or the anonymous user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def is_admin(user: Any) -> bool:
    real = _real(user)
    return real is not None and any(g.role == Role.ADMIN.value for g in real.roles)


def has_role(user: Any, role: Role, gemeente_code: str | None = None) -> bool:
    """True when the user holds `role` for that gemeente (or is admin). Residents: any logged-in user."""
    real = _real(user)
    if real is None:
        return False
    if role == Role.RESIDENT or is_admin(real):
        return True
    return any(g.role == role.value and (gemeente_code is None or g.gemeente_code == gemeente_code)
               for g in real.roles)


def gemeenten_with_role(user: Any, role: Role) -> set[str] | None:
    """The gemeente codes where the user has `role`; None means everywhere (admin)."""
    real = _real(user)
    if real is None:
        return set()
    if is_admin(real):
        return None
    return {g.gemeente_code for g in real.roles if g.role == role.value and g.gemeente_code}


def require(check: object) -> None:
    """abort(403) unless check is true. For routes: the service has already said who may."""
    if not check:
        abort(403)


def login_required_403(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Like login_required, but for APIs: 401 JSON instead of a redirect."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)
    return wrapper

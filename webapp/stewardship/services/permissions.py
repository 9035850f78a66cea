"""Who may do what with a subject: view, edit, manage (decide requests and suggestions), moderate."""
from __future__ import annotations

from typing import Any

from webapp.accounts.models import Role
from webapp.accounts.permissions import gemeenten_with_role, has_role, is_admin
from webapp.domain_errors import Conflict
from webapp.stewardship import registry
from webapp.stewardship.services.base import _, is_closed, is_owner, is_public, real_user


def can_moderate(user: Any, subject_or_code: Any) -> bool:
    """Moderator of the subject's gemeente (or of the gemeente code given), or admin. A subject without
    gemeente: admins only."""
    user = real_user(user)
    if user is None:
        return False
    if is_admin(user):
        return True
    if isinstance(subject_or_code, str) or subject_or_code is None:
        code = subject_or_code
    else:
        code = registry.of(subject_or_code).gemeente_code(subject_or_code)
    return bool(code) and has_role(user, Role.MODERATOR, code)


def is_moderator_anywhere(user: Any) -> bool:
    user = real_user(user)
    if user is None:
        return False
    codes = gemeenten_with_role(user, Role.MODERATOR)
    return codes is None or bool(codes)


def can_view(user: Any, subject: Any) -> bool:
    return is_public(subject) or is_owner(user, subject) or can_moderate(user, subject)


def can_edit(user: Any, subject: Any) -> bool:
    """Co-owners edit; so do moderators of the subject's gemeente and admins."""
    if real_user(user) is None:
        return False
    return is_owner(user, subject) or can_moderate(user, subject)


def can_manage(user: Any, subject: Any) -> bool:
    """Decide join requests and suggestions, answer reports: co-owners and moderators."""
    return is_owner(user, subject) or can_moderate(user, subject)


def closed_message(subject: Any) -> str:
    return _("%(name)s is gesloten. Meedoen, een wijziging voorstellen of iets melden kan niet meer.",
             name=registry.of(subject).title(subject))


def require_not_closed(subject: Any) -> None:
    """A closed subject takes no join requests, suggestions or reports: Conflict (409) with a clear message."""
    if is_closed(subject):
        raise Conflict(closed_message(subject))

"""Named rules of the initiatives domain that the other modules (and stewardship, through the registry) reuse.

- What "public" means for an initiative: not hidden after reports (`is_public` for an object, `public()` for
  SQL). An initiative is public from the moment it is started; a hidden one is seen by its editors only.
- Which fields its owners edit (and a resident may suggest): `EDITABLE_FIELDS`.
- Which statuses count as "going on" (the search and the staleness job look only at these).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from sqlalchemy.sql.elements import ColumnElement

from webapp.initiatives.models import Initiative

if TYPE_CHECKING:
    from webapp.accounts.models import User

EDITABLE_FIELDS = ("title", "summary", "description", "themes", "audience", "languages", "cost", "cost_note",
                   "status", "volunteer_roles", "location_name")
COSTS = ("free", "contribution", "paid")
SEARCH_STATUSES = ("idea", "active")
MAX_RADIUS = 50_000


def is_public(initiative: Initiative) -> bool:
    """Seen by everyone: every initiative, unless it is hidden after reports."""
    return not initiative.hidden


def public() -> ColumnElement[bool]:
    """The same rule in SQL."""
    return Initiative.hidden.is_(False)


def is_logged_in(user: Any) -> TypeGuard[User]:
    """A real, logged-in user (not None, not Flask-Login's anonymous user)."""
    return user is not None and bool(getattr(user, "is_authenticated", False))

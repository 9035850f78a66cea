"""The rules of initiatives, in one import: `from webapp.initiatives import services`.

Every function takes the acting user; none touches the Flask request. The caller commits (one transaction
per user action), except the CLI job `remind_stale`, which the CLI commits. The rules live in focused modules:

- `rules.py`: what "public" means, the editable fields, the statuses the search shows;
- `editing.py`: starting and editing (fields, places, own location);
- `activities.py`: activities and cancelled dates;
- `participation.py`: "doe mee" and the contact form;
- `staleness.py`: "niet bijgewerkt sinds", the reminder, the automatic pause;
- `finding.py`: "Wat is er te doen?", the API's nearby list, the place picker.

Errors are `webapp.domain_errors`' family: `NotAllowed` (403), `Invalid` (400, naming the field), and
stewardship's edit conflict (a `Conflict`, 409).
"""
from __future__ import annotations

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.initiatives.activities import (
    add_activity,
    cancel_date,
    delete_activity,
    describe_activity,
    is_activity_date,
    restore_date,
    update_activity,
)
from webapp.initiatives.clock import utcnow
from webapp.initiatives.editing import coordinates, create_initiative, update_initiative
from webapp.initiatives.finding import (
    Found,
    initiatives_at_place,
    public_place,
    search_initiatives,
    upcoming,
    whats_on,
)
from webapp.initiatives.models import Initiative, Participation
from webapp.initiatives.participation import (
    join,
    joined_by,
    participants,
    participation_of,
    send_contact_message,
    withdraw,
)
from webapp.initiatives.recurrence import next_instances
from webapp.initiatives.rules import COSTS, EDITABLE_FIELDS, MAX_RADIUS, SEARCH_STATUSES, is_public
from webapp.initiatives.staleness import (
    PAUSE_AFTER,
    PAUSE_NOTICE,
    STALE_AFTER,
    RemindResult,
    confirm_current,
    remind_stale,
    stale_since,
    undo_auto_pause,
)
from webapp.stewardship import services as stewardship
from webapp.stewardship.owned import owned

__all__ = [
    "COSTS", "EDITABLE_FIELDS", "MAX_RADIUS", "PAUSE_AFTER", "PAUSE_NOTICE", "SEARCH_STATUSES", "STALE_AFTER",
    "Found", "RemindResult", "add_activity", "cancel_date", "confirm_current", "coordinates", "create_initiative",
    "delete_activity", "describe_activity", "get_visible", "initiatives_at_place", "initiatives_of_user",
    "is_activity_date", "join", "joined_by", "next_instances", "participants", "participation_of",
    "public_place", "remind_stale", "restore_date", "search_initiatives",
    "send_contact_message", "stale_since", "undo_auto_pause", "upcoming", "update_activity",
    "update_initiative", "utcnow", "whats_on", "withdraw",
]


def get_visible(initiative_id: int, viewer: Actor | None = None) -> Initiative | None:
    """The initiative, or None when it does not exist or is not public (its editors still see it)."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        return None
    if not is_public(initiative) and not stewardship.can_edit(viewer, initiative):
        return None
    return initiative


def initiatives_of_user(user: User) -> tuple[list[Initiative], list[Participation]]:
    """What a resident co-owns and what they said "doe mee" to (for "Mijn initiatieven" and the download)."""
    return owned(user, "initiative"), joined_by(user)


"""What "public" means for a place: the one definition, used by the page, the API, the search, the map,
the open-data lists, the history, and by stewardship (join, suggest, report) through the registry.

- **public** (`is_public` / `public_filter`): published or closed, and not hidden after reports. Its page,
  its API detail and its history are readable by everyone. A closed place's page says kindly that it
  closed (since when, why) and points to places nearby.
- **listed** (`is_listed` / `listed_filter`): public and not closed, i.e. published and not hidden. Only
  these are found: search results, the map, the gemeente downloads, the OSM export and other domains'
  lists ("Nieuw in de buurt", linked places of an initiative).
- **closed** (`is_closed`): public but no longer open. Nobody joins, suggests a change or reports a
  problem any more (refused with a clear message); a moderator can still correct it.
- Everything else (proposed, rejected, hidden after reports) does not exist for the public: 404, except
  for its co-owners and the moderators of its gemeente.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from webapp.places.models import Place

PUBLIC_STATUSES = ("published", "closed")
LISTED_STATUS = "published"
CLOSED_STATUS = "closed"


def is_public(place: Any) -> bool:
    """Its page, API detail and history are shown to everyone."""
    return place.status in PUBLIC_STATUSES and not place.hidden


def is_listed(place: Any) -> bool:
    """It is found in the search, on the map and in the open-data lists."""
    return place.status == LISTED_STATUS and not place.hidden


def is_closed(place: Any) -> bool:
    """It was public and has closed: readable, but nobody joins, suggests or reports any more."""
    return place.status == CLOSED_STATUS


def public_filter() -> ColumnElement[bool]:
    """SQL of `is_public`."""
    return and_(Place.status.in_(PUBLIC_STATUSES), Place.hidden.is_(False))


def listed_filter() -> ColumnElement[bool]:
    """SQL of `is_listed`."""
    return and_(Place.status == LISTED_STATUS, Place.hidden.is_(False))

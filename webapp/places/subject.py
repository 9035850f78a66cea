"""Places as a stewardship subject: registered once, when the places package is imported.

Stewardship (co-owners, revisions, suggestions, reports, moderation) knows a place only through this.
"""
from __future__ import annotations

from typing import Any

from webapp.places import opening_windows, services, stewardship_demo, visibility
from webapp.places.attributes import ATTRIBUTE_KEYS, ATTRIBUTES_BY_KEY, CATEGORIES, COSTS, TRI_STATE_LABELS
from webapp.places.models import Place
from webapp.stewardship.models import PlaceOwner
from webapp.stewardship.registry import SubjectType, register

# What a co-owner edits and a resident may suggest.
EDITABLE_FIELDS = ("name", "category", "description", "address", "website", "phone", "opening_hours",
                   "house_rules", "cost", *ATTRIBUTE_KEYS)


def field_label(name: str) -> str | None:
    attribute = ATTRIBUTES_BY_KEY.get(name)
    return str(attribute.label) if attribute is not None else None


def value_label(name: str, raw: Any) -> str | None:
    if name in ATTRIBUTES_BY_KEY:
        return str(TRI_STATE_LABELS.get(raw, raw))
    if name == "category":
        return str(CATEGORIES.get(raw, raw))
    if name == "cost":
        return str(COSTS.get(raw, raw))
    return None


PLACE = SubjectType(
    name="place", model=Place, owner_model=PlaceOwner, owner_fk="place_id",
    editable_fields=EDITABLE_FIELDS,
    is_public=visibility.is_public,
    public_path=services.place_path,
    gemeente_code=lambda place: place.gemeente_code,
    title=lambda place: place.name or "",
    not_revertible=("status", "status_reason", "hidden", "attributes_confirmed_on"),
    is_closed=visibility.is_closed,
    check_values=services.check_place_values,
    edit_path=services.edit_path,
    awaiting_moderation=services.awaiting_moderation,
    proposed_by=services.proposed_by,
    field_label=field_label,
    value_label=value_label,
    demo=stewardship_demo.load,
)

register(PLACE)
# Every flush that adds a place or changes its hours refreshes its opening window (opening_windows.py).
opening_windows.listen()

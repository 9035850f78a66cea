"""Initiatives as a stewardship subject: registered once, when the package is imported.

Stewardship (co-owners, revisions, suggestions, reports, join requests) knows no initiative: it looks up
everything about one here: its model and owner table, the fields its owners edit, what "public" means
(`rules.is_public`), its page, whose moderators look after it and its name. Revisions recorded by
stewardship reach the staleness clock through the `revision_recorded` signal (`staleness.py`).
"""
from __future__ import annotations

from flask import current_app

from webapp.initiatives import rules, staleness
from webapp.initiatives.editing import check_values
from webapp.initiatives.models import Initiative
from webapp.stewardship.models import InitiativeOwner
from webapp.stewardship.registry import SubjectType, register
from webapp.stewardship.signals import revision_recorded

# Fields a revert never puts back: decisions (status, hidden) and what the history keeps only as text
# (the places' names, the location as "lat, lon").
NOT_REVERTIBLE = ("status", "hidden", "places", "location")


def _path(endpoint: str, initiative: Initiative) -> str:
    """A page of the initiative, site-relative; works without a request (mails, CLI)."""
    return current_app.url_map.bind("public.invalid").build(endpoint, {"initiative_id": initiative.id})


def public_path(initiative: Initiative) -> str:
    """Its page ("/initiatieven/12")."""
    return _path("initiatives.detail", initiative)


def edit_path(initiative: Initiative) -> str:
    """Its edit form, for its owners and moderators ("/initiatieven/12/bewerken")."""
    return _path("initiatives.edit", initiative)


def gemeente_code(initiative: Initiative) -> str | None:
    return initiative.gemeente_code


def title(initiative: Initiative) -> str:
    return initiative.title or ""


INITIATIVE = SubjectType(
    name="initiative", model=Initiative, owner_model=InitiativeOwner, owner_fk="initiative_id",
    editable_fields=rules.EDITABLE_FIELDS, is_public=rules.is_public, public_path=public_path,
    gemeente_code=gemeente_code, title=title, not_revertible=NOT_REVERTIBLE, check_values=check_values,
    edit_path=edit_path)

register(INITIATIVE)
revision_recorded.connect(staleness.on_revision_recorded, sender="initiative")

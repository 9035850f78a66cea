"""The subject types that stewardship serves (co-owners, revisions, suggestions, reports, join requests).

Stewardship knows no subject model: each subject domain registers itself once, when its package is
imported (`webapp/places/subject.py`, `webapp/initiatives/subject.py`), with its model, the owner table,
the fields a co-owner edits and a resident may suggest, what "public" means for it, where its pages
are, and which gemeente's moderators look after it.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any


def _never(subject: Any) -> bool:
    return False


@dataclass(frozen=True)
class SubjectType:
    """One kind of subject. Its model has the columns `id`, `version`, `hidden` and `gemeente_code`
    (stewardship locks, hides and scopes by them)."""

    name: str                                   # "place", "initiative": stored in revisions, reports, ...
    model: Any                                  # the subject's SQLAlchemy model (a class)
    owner_model: Any                            # the co-owner table (a stewardship model class)
    owner_fk: str                               # the owner table's column naming the subject, e.g. "place_id"
    editable_fields: tuple[str, ...]            # what a co-owner edits and a resident may suggest
    is_public: Callable[[Any], bool]            # seen by everyone (the one definition of the domain)
    public_path: Callable[[Any], str]           # its public page, site-relative ("/plekken/12")
    gemeente_code: Callable[[Any], str | None]  # whose moderators look after it (None: admins only)
    title: Callable[[Any], str]                 # its name, for mails and lists
    not_revertible: tuple[str, ...] = ()        # fields a revert never touches (decisions, not content)
    # Optional: what only some subject types have.
    is_closed: Callable[[Any], bool] = _never   # public but closed: nobody joins, suggests or reports any more
    check_values: Callable[[dict[str, Any]], None] | None = None  # the domain's value rules; raises Invalid
    edit_path: Callable[[Any], str] | None = None  # its edit form, site-relative
    # Subjects waiting for a moderator to publish them, in these gemeenten (None: everywhere), oldest first.
    awaiting_moderation: Callable[[Collection[str] | None], list[Any]] | None = None
    proposed_by: Callable[[int], list[Any]] | None = None  # a user's own proposals (waiting or not placed)
    field_label: Callable[[str], str | None] | None = None  # a label for one of its own fields (history)
    value_label: Callable[[str, Any], str | None] | None = None  # a stored value as text for people
    demo: Callable[[Any], str] | None = None    # loads its co-beheer demo data (given a random.Random); a summary


_TYPES: dict[str, SubjectType] = {}
_BY_MODEL: dict[Any, SubjectType] = {}


def register(subject_type: SubjectType) -> None:
    """Called once by each subject domain; registering the same name again replaces it."""
    _TYPES[subject_type.name] = subject_type
    _BY_MODEL[subject_type.model] = subject_type


def for_model(model: Any) -> SubjectType:
    """The registered type of a subject model; KeyError for a model no domain registered."""
    return _BY_MODEL[model]


def by_name(name: str) -> SubjectType | None:
    return _TYPES.get(name)


def of(subject: Any) -> SubjectType:
    """The registered type of a subject object; KeyError for an object no domain registered."""
    return _BY_MODEL[type(subject)]


def names() -> tuple[str, ...]:
    return tuple(_TYPES)


def all_types() -> tuple[SubjectType, ...]:
    return tuple(_TYPES.values())

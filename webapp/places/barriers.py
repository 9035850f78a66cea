"""Barrier reports on places: which attribute is "gemeld: mogelijk niet juist".

A resident reports a barrier ("de oprit is weg") and names the attribute it concerns (the report form of
stewardship; the rule that sets and clears the flag is `webapp/stewardship/services/barriers.py`). While
that report is open:

- the attribute shows "gemeld: mogelijk niet juist" on the result card, the place page, in the GeoJSON
  (`properties.reported_attributes`) and in A11yJSON (`properties.tags["buurtplek:reported:<osm key>"]`);
- the place leaves every "must be yes" filter for that attribute: a search that needs
  `step_free_entrance = 'yes'` adds `not_flagged("step_free_entrance")` to its WHERE clause.

An owner or moderator clears the flag by confirming the attributes or by correcting that attribute.

For search (SQLAlchemy, one correlated EXISTS on the partial index `ix_reports_open_barriers`):

    conditions.append(getattr(Place, key) == "yes")
    conditions.append(barriers.not_flagged(key))

`flagged(key)` is the opposite condition. Both correlate with `places.id` of the enclosing query.
`reported_attributes_sql()` is the GeoJSON field `reported_attributes` (a sorted JSON array of keys) for a
feature built in SQL (search.py `_geojson_columns`: add `"reported_attributes": barriers.reported_attributes_sql()`).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, distinct, exists, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from webapp.extensions import db
from webapp.places.models import Place
from webapp.stewardship.models import Report

FLAG_LABEL = _l("gemeld: mogelijk niet juist")
SUBJECT = "place"
BARRIER = "access_barrier"


def _open_barrier(key: str | None = None) -> Any:
    where = [Report.subject_type == SUBJECT, Report.status == "open", Report.category == BARRIER,
             Report.attribute.is_not(None)]
    if key is not None:
        where.append(Report.attribute == key)
    return where


def flagged(key: str) -> ColumnElement[bool]:
    """SQL: the place (`places.id` of the enclosing query) has an open barrier report about `key`."""
    return exists().where(*_open_barrier(key), Report.subject_id == Place.id)


def not_flagged(key: str) -> ColumnElement[bool]:
    """SQL: no open barrier report about `key`: use it next to every `key = 'yes'` filter."""
    return ~flagged(key)


def reported_attributes_sql() -> Any:
    """SQL: the flagged keys of the place in the enclosing query as a sorted JSON array ([] when none)."""
    # One correlated scalar subquery (a derived table in FROM would not be correlated: it would read the
    # reports of every place).
    keys = (select(func.coalesce(func.json_agg(aggregate_order_by(distinct(Report.attribute), Report.attribute)),
                                 func.json_build_array()))
            .where(*_open_barrier(), Report.subject_id == Place.id))
    return keys.scalar_subquery()


def all_flags() -> dict[int, set[str]]:
    """{place id: flagged keys} of every place with an open barrier report: one small query, kept for the
    rest of the request (lists of many places serialize without a query per place)."""
    cached = g.get("_barrier_flags") if has_request_context() else None
    if cached is not None:
        return cached
    result: dict[int, set[str]] = {}
    for place_id, key in db.session.execute(select(Report.subject_id, Report.attribute).where(*_open_barrier())):
        result.setdefault(place_id, set()).add(str(key))
    if has_request_context():
        g._barrier_flags = result
    return result


def flags_of(place_ids: Iterable[int]) -> dict[int, set[str]]:
    """{place id: flagged attribute keys} for many places in one query (places without flags left out)."""
    ids = list(place_ids)
    if not ids:
        return {}
    result: dict[int, set[str]] = {}
    rows = db.session.execute(select(Report.subject_id, Report.attribute)
                              .where(*_open_barrier(), Report.subject_id.in_(ids)))
    for place_id, key in rows:
        result.setdefault(place_id, set()).add(str(key))
    return result


def flags(place: Any) -> set[str]:
    """The flagged attribute keys of one place (a Place or a search row with `id`). Within a request all
    flags are read once (`all_flags`), so a list of cards calling this per card costs one query."""
    if has_request_context():
        return set(all_flags().get(place.id, set()))
    return flags_of([place.id]).get(place.id, set())

"""Named rules about places that other domains reuse (in SQL, so they run inside one statement).

`newcomers_conditions()` is the "Nieuw in de buurt?" rule of the search (webapp/places/search.py,
`_statement`, the `newcomers` filter): walk in without an appointment, free or a voluntary contribution,
a host present and house rules published. Keep the two in step (tests/insight/test_rules.py checks
that both find the same places)."""
from __future__ import annotations

from sqlalchemy import String, and_
from sqlalchemy.dialects.postgresql import array

from webapp.places.models import Place
from webapp.places.visibility import listed_filter


def newcomers_conditions() -> list:
    """The SQL conditions of "Nieuw in de buurt?" (welcomes newcomers)."""
    return [
        Place.activities.op("@>")(array(["walk_in"], type_=String)),
        Place.cost.in_(("free", "contribution")),
        Place.host_present == "yes",
        Place.house_rules_published == "yes",
    ]


def welcomes_newcomers():
    """One SQL expression: the place welcomes newcomers."""
    return and_(*newcomers_conditions())


def wheelchair_accessible():
    """One SQL expression: the place is wheelchair accessible (a clear yes, not 'limited')."""
    return Place.wheelchair == "yes"


def public():
    """Listed (published, not hidden, not closed): what the public finds. See webapp/places/visibility.py."""
    return listed_filter()

"""Where a search measures from: what the person typed (`q`), their location, or a gemeente.

`locate(params)` resolves `q` with the one lookup `webapp.areas.geocode.resolve`:
- one candidate: the search point becomes that candidate's point (q wins over lat/lon);
- several: they are returned, the page asks "Bedoelt u ...?" (the API takes the first, the best);
- none: an ApiError on `q`, so the page keeps the form and says what to type.
`origin_text(params)` is the sentence that says where distances are measured from.
"""
from __future__ import annotations

from flask_babel import gettext as _

from webapp.areas.geocode import Candidate, resolve
from webapp.errors import ApiError
from webapp.places.search import SearchParams


def locate(params: SearchParams, take_first: bool = False) -> list[Candidate]:
    """Resolve `params.q` into the search point. Returns the candidates (one when the point was set)."""
    if not params.q:
        return []
    found = resolve(params.q)
    if not found:
        raise ApiError(_("We kennen \u2018%(q)s\u2019 niet als postcode of plaats. Typ een postcode, zoals 3511, "
                         "of de naam van een plaats of gemeente.", q=params.q[:60]), code="not_found", param="q")
    if len(found) > 1 and not take_first:
        return found
    chosen = found[0]
    params.lon, params.lat = chosen.lon, chosen.lat
    params.gemeente = None
    params.origin_kind, params.origin_name = chosen.kind, chosen.name
    return [chosen]


def origin_text(params: SearchParams) -> str | None:
    """ "vanaf postcode 3511" / "vanaf het centrum van Utrecht" / "vanaf uw locatie"; None without a point."""
    if params.origin_kind == "pc4":
        return _("vanaf postcode %(pc4)s", pc4=params.origin_name)
    if params.origin_kind in ("woonplaats", "gemeente"):
        return _("vanaf het centrum van %(name)s", name=params.origin_name)
    if params.origin_kind == "address":
        return _("vanaf %(address)s", address=params.origin_name)
    if params.has_position:
        return _("vanaf uw locatie")
    return None

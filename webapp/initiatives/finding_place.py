""""Postcode of plaats" (q) for "Wat is er te doen?" and its API: the one lookup `areas.geocode.resolve`.

One candidate: the search point becomes its point (q wins over lat/lon and gemeente). Several: the page
asks "Bedoelt u ...?" (the API takes the first, the best). None: Invalid on the field `q`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from webapp.areas.geocode import MAX_TEXT, Candidate, resolve
from webapp.domain_errors import Invalid


@dataclass
class Located:
    args: MultiDict[str, str]                       # the query with lat/lon of the place set
    chosen: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)

    def origin_text(self) -> str | None:
        if self.chosen is None:
            return None
        if self.chosen.kind == "pc4":
            return _("vanaf postcode %(pc4)s", pc4=self.chosen.name)
        if self.chosen.kind == "address":
            return _("vanaf %(address)s", address=self.chosen.name)
        return _("vanaf het centrum van %(name)s", name=self.chosen.name)


def locate(args: MultiDict[str, str], take_first: bool = False) -> Located:
    q = " ".join((args.get("q") or "").split())
    if not q:
        return Located(args)
    if len(q) > MAX_TEXT:
        raise Invalid(_("Typ hoogstens %(max)s tekens bij postcode of plaats.", max=MAX_TEXT), "q")
    found = resolve(q)
    if not found:
        raise Invalid(_("We kennen \u2018%(q)s\u2019 niet als postcode of plaats. Typ een postcode, zoals 3511, "
                        "of de naam van een plaats of gemeente.", q=q[:60]), "q")
    if len(found) > 1 and not take_first:
        return Located(args, None, found)
    chosen = found[0]
    located = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in ("lat", "lon", "gemeente")])
    located["lat"], located["lon"] = f"{chosen.lat:.6f}", f"{chosen.lon:.6f}"
    return Located(located, chosen, [chosen])

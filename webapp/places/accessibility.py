"""The wheelchair summary of a place, in the Wheelmap manner: one rule, used by the result cards and the
place page (macro `places/_access.html`), documented as a table in docs/places.md.

Inputs: `wheelchair`, `step_free_entrance`, `toilets`, `toilets_wheelchair` ('yes' / 'limited' / 'no' /
'unknown'). The summary, first row that fits:

| wheelchair | step_free_entrance | summary                          |
|------------|--------------------|----------------------------------|
| no         | any                | red "niet toegankelijk"          |
| yes        | yes/limited/unknown| green "toegankelijk"             |
| yes        | no                 | orange "deels toegankelijk"      |
| limited    | any                | orange "deels toegankelijk"      |
| unknown    | no                 | red "niet toegankelijk"          |
| unknown    | yes/limited        | orange "deels toegankelijk"      |
| unknown    | unknown            | grey "onbekend"                  |

The accessible toilet is its own line: no toilet at all ('toilets' = no) is red "geen toilet";
otherwise `toilets_wheelchair` yes = green, limited = orange, no = red, unknown = grey "onbekend".
Unknown is always shown as unknown, never left out. An input with an open barrier report
(webapp/places/barriers.py) is named with "gemeld: mogelijk niet juist".

`summary(source, flags)` takes a Place, a search row (anything with these attribute names) or a mapping
{key: value} (e.g. the GeoJSON `attributes`); `flags` is the set of reported keys (barriers.flags_of).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from webapp.places.attributes import ATTRIBUTES_BY_KEY, TRI_STATES

INPUTS = ("wheelchair", "step_free_entrance", "toilets", "toilets_wheelchair")

# level -> (css modifier, icon, text)
LEVELS = {
    "yes": ("access-yes", "✓", _l("toegankelijk")),
    "limited": ("access-limited", "◐", _l("deels toegankelijk")),
    "no": ("access-no", "✕", _l("niet toegankelijk")),
    "unknown": ("access-unknown", "?", _l("onbekend")),
}
TOILET_TEXT = {
    "yes": _l("ja"), "limited": _l("deels"), "no": _l("nee"), "unknown": _l("onbekend"),
}
NO_TOILET = _l("geen toilet")


@dataclass(frozen=True)
class Line:
    level: str          # yes / limited / no / unknown
    css: str
    icon: str
    text: Any           # lazy string


@dataclass(frozen=True)
class Summary:
    wheelchair: Line
    toilet: Line
    flagged: tuple[Any, ...] = field(default=())   # labels of reported inputs


def _value(source: Any, key: str) -> str:
    raw = source.get(key) if isinstance(source, Mapping) else getattr(source, key, None)
    return raw if raw in TRI_STATES else "unknown"


def wheelchair_level(wheelchair: str, entrance: str) -> str:
    """The rule of the table above."""
    if wheelchair == "no":
        return "no"
    if wheelchair == "yes":
        return "limited" if entrance == "no" else "yes"
    if wheelchair == "limited":
        return "limited"
    if entrance == "no":
        return "no"
    if entrance in ("yes", "limited"):
        return "limited"
    return "unknown"


def toilet_level(toilets: str, toilets_wheelchair: str) -> tuple[str, Any]:
    if toilets == "no":
        return "no", NO_TOILET
    return toilets_wheelchair, TOILET_TEXT[toilets_wheelchair]


def summary(source: Any, flags: Iterable[str] | None = None) -> Summary:
    values = {key: _value(source, key) for key in INPUTS}
    level = wheelchair_level(values["wheelchair"], values["step_free_entrance"])
    css, icon, text = LEVELS[level]
    t_level, t_text = toilet_level(values["toilets"], values["toilets_wheelchair"])
    t_css, t_icon, _unused = LEVELS[t_level]
    reported = set(flags or ())
    return Summary(
        wheelchair=Line(level, css, icon, text),
        toilet=Line(t_level, t_css, t_icon, t_text),
        flagged=tuple(ATTRIBUTES_BY_KEY[key].label for key in INPUTS if key in reported),
    )

"""Priority buurten: a round may name buurten it gives priority to (for example those where insight's gap
analysis finds no accessible meeting place within walking distance), and the application form tells an
applicant when their initiative lies in such a buurt, or in one without an accessible place.

Buurten and their figures come from the insight domain, through its functions only."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from webapp.grants.models import GrantRound
from webapp.initiatives.models import Initiative
from webapp.insight import services as insight


@dataclass(frozen=True)
class BuurtNotice:
    """What the application form says about the buurt the initiative is in."""

    name: str
    without_access: bool     # no part of the buurt within reach of a wheelchair-accessible place
    priority: bool           # the round names this buurt as a priority


def choices(gemeente_code: str) -> list[tuple[str, str]]:
    """(code, label) for the round form: every buurt of the gemeente, those without an accessible place
    marked, so staff can pick them."""
    without = {b.code for b in insight.gap_report(gemeente_code).without_access}
    return [(code, _("%(name)s (geen toegankelijke plek)", name=name) if code in without else name)
            for code, name in insight.buurt_choices(gemeente_code)]


def validate(codes: Any, gemeente_code: str) -> str | None:
    """An error message when a code is not a buurt of the round's gemeente; None when all are."""
    known = {code for code, _name in insight.buurt_choices(gemeente_code)}
    if not isinstance(codes, (list, tuple)) or any(not isinstance(c, str) or c not in known for c in codes):
        return _("Kies buurten uit de lijst van deze gemeente.")
    return None


def notice(grant_round: GrantRound, initiative: Initiative) -> BuurtNotice | None:
    """The notice for an application of `initiative` in `grant_round`, or None when there is nothing to say
    (outside every loaded buurt, or a buurt with access that the round does not prioritise)."""
    gap = insight.buurt_gap_at(getattr(initiative, "location", None))
    if gap is None:
        return None
    without_access = gap.share_access == 0
    priority = gap.code in (grant_round.priority_buurten or [])
    if not (without_access or priority):
        return None
    return BuurtNotice(gap.name, without_access, priority)

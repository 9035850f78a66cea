"""The figures of "Hoe voelde het?": averages per place, per buurt and per gemeente, shown only from
MIN_RESIDENTS different residents on; per month for a place's co-owners, moderators and staff."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, distinct, func, literal, select
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from webapp.accounts.actor import Actor
from webapp.accounts.models import Role
from webapp.accounts.permissions import has_role
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.insight.buurten import buurt_at
from webapp.insight.checkins import logged_in
from webapp.insight.models import Buurt, WelcomeCheckIn
from webapp.places import rules
from webapp.places.models import Place
from webapp.stewardship.services import can_moderate, is_owner

MIN_RESIDENTS = 10          # aggregates are shown from this many different residents


@dataclass(frozen=True)
class Figures:
    """Averages (1-5) of the three statements, only when at least MIN_RESIDENTS residents answered."""

    answers: int
    residents: int            # a lower bound of the number of different residents (docs/insight.md)
    pleasant: float | None
    welcome: float | None
    open_to_me: float | None

    @property
    def shown(self) -> bool:
        return self.residents >= MIN_RESIDENTS

    @classmethod
    def from_row(cls, answers: Any, residents: Any, pleasant: Any, welcome: Any, open_to_me: Any) -> Figures:
        residents = int(residents or 0)
        if residents < MIN_RESIDENTS:
            return cls(int(answers or 0), residents, None, None, None)
        return cls(int(answers), residents, *(round(float(v), 1) for v in (pleasant, welcome, open_to_me)))


HIDDEN = Figures(0, 0, None, None, None)


def _figures(group: ColumnElement[Any] | QueryableAttribute[Any], *where: ColumnElement[bool],
             buurten_of: str | None = None) -> dict[Any, Figures]:
    """Per group (a place, a buurt, the gemeente): the answers at public places, and a lower bound of the
    number of different residents: at one place in one month every answer is another resident (the
    guard), and while answers are linked the accounts can be counted. The larger of the two.
    `buurten_of`: a gemeente whose buurten group the answers (by the buurt a place lies in)."""
    c = WelcomeCheckIn
    answers = (select(group.label("grp"), c.place_id, c.month, c.user_id, c.pleasant, c.welcome, c.open_to_me)
               .select_from(c).join(Place, and_(Place.id == c.place_id, rules.public())))
    if buurten_of is not None:
        answers = answers.join(Buurt, and_(Buurt.gemeente_code == buurten_of,
                                           func.ST_Intersects(Buurt.boundary, Place.location)))
    cte = answers.where(*where).cte("c")
    per_place_month = (select(cte.c.grp, func.count().label("n"))
                       .group_by(cte.c.grp, cte.c.place_id, cte.c.month).subquery())
    most = select(per_place_month.c.grp, func.max(per_place_month.c.n).label("n")) \
        .group_by(per_place_month.c.grp).subquery()
    stmt = (select(cte.c.grp, func.count().label("answers"),
                   func.greatest(func.count(distinct(cte.c.user_id)), func.max(most.c.n)).label("residents"),
                   func.avg(cte.c.pleasant).label("pleasant"), func.avg(cte.c.welcome).label("welcome"),
                   func.avg(cte.c.open_to_me).label("open_to_me"))
            .join(most, most.c.grp == cte.c.grp).group_by(cte.c.grp))
    return {row.grp: Figures.from_row(row.answers, row.residents, row.pleasant, row.welcome, row.open_to_me)
            for row in db.session.execute(stmt)}


def place_figures(place_id: int) -> Figures:
    return _figures(WelcomeCheckIn.place_id, WelcomeCheckIn.place_id == place_id).get(place_id, HIDDEN)


def gemeente_figures(gemeente_code: str) -> Figures:
    return _figures(Place.gemeente_code, Place.gemeente_code == gemeente_code).get(gemeente_code, HIDDEN)


def buurt_figures(gemeente_code: str) -> dict[str, Figures]:
    """Per buurt of the gemeente (the buurt a place lies in): code -> Figures."""
    return _figures(Buurt.code, literal(True), buurten_of=gemeente_code)


def buurt_of_place(place: Place) -> Buurt | None:
    return buurt_at(place.location)


def can_see_place_figures(user: Actor | None, place: Place) -> bool:
    """Co-owners of the place, its gemeente's moderators and staff, admins."""
    if not logged_in(user):
        return False
    return bool(is_owner(user, place) or can_moderate(user, place) or (
        bool(place.gemeente_code) and has_role(user, Role.STAFF, place.gemeente_code)))


@dataclass(frozen=True)
class MonthFigures:
    month: date
    figures: Figures


def place_figures_by_month(user: Actor | None, place: Place) -> list[MonthFigures]:
    """The place's figures per month, newest first; a month with fewer than MIN_RESIDENTS answers shows
    only its count (at one place in one month every answer is another resident)."""
    if not can_see_place_figures(user, place):
        raise NotAllowed()  # co-owners, moderators and staff only
    rows = db.session.execute(
        select(WelcomeCheckIn.month, func.count(), func.avg(WelcomeCheckIn.pleasant), func.avg(WelcomeCheckIn.welcome),
               func.avg(WelcomeCheckIn.open_to_me))
        .where(WelcomeCheckIn.place_id == place.id).group_by(WelcomeCheckIn.month)
        .order_by(WelcomeCheckIn.month.desc())).all()
    return [MonthFigures(m, Figures.from_row(n, n, a, b, c)) for m, n, a, b, c in rows]

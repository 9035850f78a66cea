"""Demo data for insight: Utrecht's buurten (when not loaded yet) and "Hoe voelde het?" answers by demo
residents at a few Utrecht places: one place with enough answers to show figures, one with too few,
and unlinked answers of earlier months (as the nightly clean-up leaves them)."""
from __future__ import annotations

import random
from datetime import UTC, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from webapp.accounts.models import User
from webapp.config import ROOT
from webapp.extensions import db
from webapp.insight import services
from webapp.insight.models import Buurt, WelcomeCheckIn
from webapp.places import rules
from webapp.places.models import Place

UTRECHT = "GM0344"


def _answers(rng: random.Random, mood: int) -> dict[str, int]:
    return {key: max(1, min(5, mood + rng.choice((-1, 0, 0, 1)))) for key in ("pleasant", "welcome", "open_to_me")}


def load(rng: random.Random) -> str:
    if not db.session.scalar(select(func.count()).select_from(Buurt).where(Buurt.gemeente_code == UTRECHT)):
        services.load_buurten(ROOT / "data" / "utrecht-buurten.geojson", UTRECHT, commit=False)
    residents = list(db.session.scalars(select(User).where(User.email.like("bewoner%@demo.buurtplek.example"))
                                        .order_by(User.email)))
    places = list(db.session.scalars(select(Place).where(rules.public(), Place.gemeente_code == UTRECHT)
                                     .order_by(Place.id).limit(3)))
    if len(places) < 2 or len(residents) < 12:
        return "no Utrecht places or demo residents: no check-ins"
    now = datetime.now(UTC)
    answers = 0
    for user in residents[:12]:                     # 12 residents this month: figures are shown
        services.check_in(user, places[0].id, _answers(rng, 4), now=now)
        answers += 1
    for user in residents[12:17]:                   # 5 residents: too few, only the count shows
        services.check_in(user, places[1].id, _answers(rng, 3), now=now)
        answers += 1
    for months_ago in (1, 2):                       # earlier months, already unlinked
        month = services.month_of(now - relativedelta(months=months_ago))
        for _n in range(11):
            db.session.add(WelcomeCheckIn(place_id=places[0].id, user_id=None, month=month, answered_at=None,
                                          **_answers(rng, 3 + months_ago % 2)))
            answers += 1
    db.session.flush()
    buurten = db.session.scalar(select(func.count()).select_from(Buurt))
    return f"{buurten} buurten, {answers} welcome check-ins at {len(places)} Utrecht places"

"""The demo places: fictional, spread over several gemeenten, each point inside its own gemeente."""
import random

from sqlalchemy import func, select

from webapp.areas.models import Gemeente
from webapp.extensions import db
from webapp.places import demo
from webapp.places.models import Place


def test_demo_places(app):
    summary = demo.load(random.Random(1))
    assert "fictional places" in summary
    total = db.session.scalar(select(func.count()).select_from(Place))
    assert 250 <= total <= 500
    per_gemeente = dict(db.session.execute(
        select(Gemeente.name, func.count()).join(Place, Place.gemeente_code == Gemeente.code)
        .group_by(Gemeente.name)).all())
    for town in ("Amsterdam", "Utrecht", "Zwolle", "Venlo", "Groningen"):
        assert per_gemeente.get(town, 0) >= 10, town
    outside = db.session.scalar(
        select(func.count()).select_from(Place).join(Gemeente, Place.gemeente_code == Gemeente.code)
        .where(~func.ST_Intersects(Gemeente.boundary, Place.location)))
    assert outside == 0
    statuses = dict(db.session.execute(select(Place.status, func.count()).group_by(Place.status)).all())
    assert statuses["published"] > 0.9 * total and statuses.get("proposed", 0) > 0
    # a realistic mix: every attribute has known and unknown values
    for key in ("wheelchair", "hearing_loop", "host_present"):
        values = set(db.session.scalars(select(getattr(Place, key)).distinct()))
        assert {"yes", "unknown"} <= values, key
    assert db.session.scalar(select(func.count()).select_from(Place).where(Place.toilets == "no",
                                                                          Place.toilets_wheelchair != "unknown")) == 0

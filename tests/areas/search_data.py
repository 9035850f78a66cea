"""The search data (PC4 postcodes and place names) for tests: loaded once, committed, reloaded when emptied."""
import pytest
from sqlalchemy import func, select

from webapp.areas import names
from webapp.areas.models import PlaceName
from webapp.config import ROOT
from webapp.extensions import db


def ensure_loaded(app) -> None:
    with app.app_context():
        if not db.session.scalar(select(func.count()).select_from(PlaceName)):
            names.load_postcodes(ROOT / "data" / "nl-pc4-geonames.csv")
            names.load_place_names(ROOT / "data" / "nl-woonplaatsen-geonames.csv")
        db.session.remove()


@pytest.fixture(scope="session")
def search_data(app):
    ensure_loaded(app)

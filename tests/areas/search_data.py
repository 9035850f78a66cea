"""The search data (PC4 postcodes and place names) for tests: loaded once and committed; loaded again
inside the test when a browser test emptied the tables (they are not yet reference tables of tests/conftest.py).

Use: `from tests.areas.search_data import search_data, search_data_committed  # noqa: F401`."""
import pytest
from sqlalchemy import func, select

from webapp.areas import names
from webapp.areas.models import PlaceName
from webapp.config import ROOT
from webapp.extensions import db


def load_if_empty() -> None:
    if not db.session.scalar(select(func.count()).select_from(PlaceName)):
        names.load_postcodes(ROOT / "data" / "nl-pc4-geonames.csv")
        names.load_place_names(ROOT / "data" / "nl-woonplaatsen-geonames.csv")


@pytest.fixture(scope="session")
def search_data_committed(app):
    with app.app_context():
        load_if_empty()
        db.session.remove()


@pytest.fixture
def search_data(search_data_committed):
    load_if_empty()

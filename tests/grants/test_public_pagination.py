"""The public overview lists granted startbijdragen a page at a time; the downloads keep every row."""
import csv
import io

import pytest

from webapp.extensions import db
from webapp.grants import routes_public
from webapp.grants import services as svc
from webapp.grants.services import overview


@pytest.fixture
def two_granted(owner, staff, grant_round, make_initiative, make_application, monkeypatch):
    monkeypatch.setattr(overview, "PUBLIC_PAGE_SIZE", 1)
    monkeypatch.setattr(routes_public, "PUBLIC_PAGE_SIZE", 1)
    first = make_application(owner, grant_round, make_initiative(owner, title="Buurtsoep"), 30_000,
                             title="Soep voor iedereen")
    svc.decide(staff, first, "approve", "Ja.")
    db.session.commit()
    second = make_application(owner, grant_round, make_initiative(owner, title="Moestuin"), 20_000,
                              title="Plantenbakken")
    svc.decide(staff, second, "approve", "Ja.")
    db.session.commit()


def test_public_page_shows_one_page_and_links_to_the_next(client, two_granted):
    html = client.get("/startbijdragen/gemeente/GM0363").get_data(as_text=True)
    assert "Soep voor iedereen" in html and "Plantenbakken" not in html
    assert "pagina=2" in html and "Pagina 1 van 2" in html and "1 tot en met 1 van 2" in html
    second = client.get("/startbijdragen/gemeente/GM0363?pagina=2").get_data(as_text=True)
    assert "Plantenbakken" in second and "Soep voor iedereen" not in second
    assert "pagina=1" in second and "pagina=3" not in second
    # The figures of the round stay those of the whole round on every page.
    assert "500,00" in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "99999999999999999999"])
def test_a_page_that_does_not_exist_shows_the_first(client, two_granted, page):
    response = client.get(f"/startbijdragen/gemeente/GM0363?pagina={page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Soep voor iedereen" in html and "Plantenbakken" not in html


def test_downloads_keep_every_grant(client, two_granted):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv").get_data(as_text=True))))
    assert sorted(row["purpose"] for row in rows) == ["Plantenbakken", "Soep voor iedereen"]
    data = client.get("/api/v1/gemeenten/GM0363/startbijdragen").get_json()
    assert len(data["rounds"][0]["grants"]) == 2

""""Wat is er te doen?" in pages of PAGE_SIZE dates: the heading counts every date, links go to the previous
and next page with the same search, a page that is not a number is the first, one past the end the last."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.initiatives.conftest import AMSTERDAM
from webapp.initiatives import clock
from webapp.initiatives.whats_on_query import PAGE_SIZE

NOW = datetime(2026, 10, 19, 5, 0, tzinfo=UTC)  # Monday, 07:00 in Amsterdam
SEARCH = f"/wat-is-er-te-doen?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=5000&theme=green"


@pytest.fixture
def busy_week(make_user, make_place, make_initiative, add_activity, monkeypatch):
    """PAGE_SIZE + 5 weekly activities, each on a different hour of the week, and one of another theme."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    owner = make_user("Eigenaar")
    place = make_place("Buurthuis Oost", AMSTERDAM)
    garden = make_initiative(owner, "Moestuin", place, themes=("green",))
    for n in range(PAGE_SIZE + 5):
        add_activity(garden, owner, starts_on=date(2026, 10, 19) + timedelta(days=n % 7),
                     start=time(9 + n // 7, 0), end=time(10 + n // 7, 0), title=f"Tuinieren {n:02d}")
    add_activity(make_initiative(owner, "Schaakclub", place, themes=("sport",)), owner,
                 starts_on=date(2026, 10, 20), title="Schaken")
    return garden


def _titles(html: str) -> list[str]:
    return re.findall(r"Tuinieren \d\d", html)


def test_first_page_counts_all_and_links_to_the_next(client, busy_week):
    html = client.get(SEARCH).get_data(as_text=True)
    assert f"{PAGE_SIZE + 5} activiteiten gevonden" in html
    assert len(_titles(html)) == PAGE_SIZE and "Schaken" not in html
    assert f"Activiteit 1 tot en met {PAGE_SIZE} van {PAGE_SIZE + 5}." in html
    assert "Pagina 1 van 2" in html and "Vorige pagina" not in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">Volgende pagina</a>', html).group(1)
    assert "pagina=2" in next_link and "theme=green" in next_link and "radius=5000" in next_link
    # The feed link carries the search, not the page.
    feed = re.search(r'href="([^"]*wat-is-er-te-doen\.ics[^"]*)"', html).group(1)
    assert "theme=green" in feed and "pagina" not in feed


def test_second_page_has_the_rest_in_order(client, busy_week):
    first = _titles(client.get(SEARCH).get_data(as_text=True))
    html = client.get(SEARCH + "&pagina=2").get_data(as_text=True)
    second = _titles(html)
    assert len(second) == 5 and not set(first) & set(second)
    assert "Pagina 2 van 2" in html and 'rel="prev"' in html and 'rel="next"' not in html
    # Together: every date once, sorted by time (Monday 9:00, 10:00, 11:00, ..., Tuesday 9:00, ...).
    assert sorted(first + second) == [f"Tuinieren {n:02d}" for n in range(PAGE_SIZE + 5)]
    assert first[:6] == ["Tuinieren 00", "Tuinieren 07", "Tuinieren 14", "Tuinieren 21", "Tuinieren 28",
                         "Tuinieren 01"]


@pytest.mark.parametrize("value, page", [("abc", 1), ("0", 1), ("-1", 1), ("1e3", 1), ("99999999999", 1),
                                         ("7", 2), ("2147483647", 2)])
def test_a_page_that_is_not_there(client, busy_week, value, page):
    response = client.get(SEARCH + f"&pagina={value}")
    assert response.status_code == 200
    assert f"Pagina {page} van 2" in response.get_data(as_text=True)


def test_one_page_has_no_page_links(client, busy_week):
    html = client.get(f"/wat-is-er-te-doen?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&theme=sport").get_data(as_text=True)
    assert "1 activiteit gevonden" in html and "Pagina 1 van" not in html and "Schaken" in html


@pytest.mark.browser
def test_pages_in_the_browser(new_page, assert_accessible, make_user, make_place, make_initiative, add_activity):
    """On a phone: the first page, the link to the next one, and both pages pass axe-core."""
    from tests.fixtures.browser import PHONE

    owner = make_user("Eigenaar")
    garden = make_initiative(owner, "Moestuin", make_place("Buurthuis Oost", AMSTERDAM), themes=("green",))
    today = date.today()
    for n in range(PAGE_SIZE + 5):
        add_activity(garden, owner, starts_on=today - timedelta(days=n % 7), start=time(9 + n // 7, 10),
                     end=time(10 + n // 7, 0), title=f"Tuinieren {n:02d}")
    page = new_page(viewport=PHONE)
    page.goto(SEARCH)
    assert_accessible(page)
    assert len(_titles(page.content())) == PAGE_SIZE
    with page.expect_navigation():
        page.get_by_role("link", name="Volgende pagina").click()
    assert "pagina=2" in page.url and "theme=green" in page.url
    assert len(_titles(page.content())) == 5
    assert_accessible(page)

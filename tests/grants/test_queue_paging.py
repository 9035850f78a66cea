"""The staff's work list a page at a time: every application reachable, the filters kept, the counts per
filter from one query, hostile page numbers a clear page."""
import importlib
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.grants.conftest import AMSTERDAM_NOORD
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc

queue_module = importlib.import_module("webapp.grants.services.queue")   # the package's `queue` is the function

LINK = re.compile(r'href="/startbijdragen/aanvraag/(\d+)"')


@pytest.fixture
def five_open(owner, staff, staff2, make_round, make_initiative, make_application, monkeypatch):
    """Five sent applications (one provisional by `staff`, so it waits for `staff2`), two on a page."""
    monkeypatch.setattr(queue_module, "QUEUE_PAGE_SIZE", 2)
    grant_round = make_round(four_eyes_cents=20_000)
    apps = [make_application(owner, grant_round, make_initiative(owner, title=f"Initiatief {n}"), 10_000 + n,
                             title=f"Plan {n}") for n in range(4)]
    noord = make_application(owner, grant_round, make_initiative(owner, point=AMSTERDAM_NOORD, title="In Noord"),
                             30_000, title="Plan Noord")
    svc.decide(staff, noord, "approve", "Mooi plan.")
    db.session.commit()
    assert noord.status == m.PROVISIONAL
    return grant_round, apps + [noord]


def _walk(client, url):
    """Follow rel="next" from `url`; the application ids in the order shown, and every page's HTML."""
    ids, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        pages.append(html)
        ids += [int(i) for i in LINK.findall(html)]
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = unescape(found.group(1)) if found else None
    return ids, pages


def test_every_open_application_is_reachable_page_by_page(client, login, staff2, five_open):
    grant_round, apps = five_open
    login(client, staff2)
    ids, pages = _walk(client, f"/startbijdragen/regeling/{grant_round.id}/wachtrij")
    assert len(pages) == 3 and sorted(ids) == sorted(a.id for a in apps)
    # The order of the whole list: the one waiting for this staff member first, then oldest first.
    assert ids == [row.id for row in svc.queue(grant_round, "open", viewer_id=staff2.id)]
    assert ids[0] == apps[-1].id and "Wacht op uw bevestiging" in pages[0]
    assert "Pagina 1 van 3" in pages[0] and "Pagina 3 van 3" in pages[2]
    assert 'rel="prev"' not in pages[0] and 'rel="next"' not in pages[2]
    assert '<ol class="plain-list" start="3">' in pages[1]
    assert "Aanvraag 3 tot en met 4 van 5." in pages[1] and "5 aanvragen" in pages[1]
    # Back from the last page to the first.
    previous = re.search(r'<a href="([^"]+)" rel="prev">', pages[2]).group(1)
    assert parse_qs(urlsplit(unescape(previous)).query)["pagina"] == ["2"]


def test_the_filters_stay_in_the_page_links(client, login, staff2, five_open):
    grant_round, apps = five_open
    login(client, staff2)
    centrum = next(d for d in svc.districts_of("GM0363") if d.name == "Centrum")
    url = f"/startbijdragen/regeling/{grant_round.id}/wachtrij?status=all&stadsdeel={centrum.id}"
    ids, pages = _walk(client, url)
    assert sorted(ids) == sorted(a.id for a in apps[:4]) and len(pages) == 2
    link = re.search(r'<a href="([^"]+)" rel="next">', pages[0]).group(1)
    query = parse_qs(urlsplit(unescape(link)).query)
    assert query == {"status": ["all"], "stadsdeel": [str(centrum.id)], "pagina": ["2"]}
    assert f'<option value="{centrum.id}" selected>' in pages[1] and '<option value="all" selected>' in pages[1]


def test_counts_per_filter_come_from_one_query_and_match_the_lists(client, login, staff2, five_open,
                                                                   monkeypatch):
    grant_round, _apps = five_open
    counts = svc.queue_page(grant_round, "open").counts
    assert counts == {name: len(svc.queue(grant_round, name)) for name in svc.QUEUE_FILTERS}
    assert counts["open"] == 5 and counts["provisional"] == 1 and counts["decided"] == 0
    login(client, staff2)
    html = client.get(f"/startbijdragen/regeling/{grant_round.id}/wachtrij").get_data(as_text=True)
    assert "Wachten op tweede medewerker (1)</option>" in html and "Te doen (ook snelle route) (5)" in html


@pytest.mark.parametrize(("value", "shown"), [("0", 1), ("-1", 1), ("abc", 1), ("", 1), ("\u00b2", 1),
                                              ("99999999999999999999", 1), ("2147483647", 3), ("99", 3),
                                              ("2", 2)])
def test_a_hostile_page_number_gives_a_clear_page(client, login, staff2, five_open, value, shown):
    grant_round, _apps = five_open
    login(client, staff2)
    response = client.get(f"/startbijdragen/regeling/{grant_round.id}/wachtrij", query_string={"pagina": value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Pagina {shown} van 3" in html and len(LINK.findall(html)) == (1 if shown == 3 else 2)


def test_one_page_has_no_pager(client, login, staff, grant_round, initiative, owner, make_application):
    make_application(owner, grant_round, initiative, 10_000)
    login(client, staff)
    html = client.get(f"/startbijdragen/regeling/{grant_round.id}/wachtrij?pagina=7").get_data(as_text=True)
    assert "Pagina 1 van 1" not in html and "rel=\"next\"" not in html and "1 aanvraag" in html


def test_amounts_are_in_the_readers_language_page_after_page(client, login, staff2, five_open):
    """Formatted amounts are kept per language: Dutch and English answers never mix."""
    grant_round, _apps = five_open
    login(client, staff2)
    url = f"/startbijdragen/regeling/{grant_round.id}/wachtrij?pagina=2"
    for _ in range(2):
        dutch = client.get(url, headers={"Accept-Language": "nl"}).get_data(as_text=True)
        english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "100,01" in dutch and "100.01" not in dutch
        assert "100.01" in english and "100,01" not in english

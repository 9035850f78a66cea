"""The place page costs a fixed, small number of SQL statements: the place and its barrier flags in one,
then one or two per panel (initiatives held there, co-beheer, "Hoe voelde het?"), however many
initiatives, activities, owners and reports the place has."""
from __future__ import annotations

from datetime import date, time

import pytest

from tests.places.conftest import DAM, offset
from webapp.extensions import db
from webapp.initiatives import services as initiatives

# The place with its flags (1); the initiatives held there with their activities' dates there (1);
# co-beheer: owners and open reports (1); "Hoe voelde het?" (1). Logged in also: the session, saved or not,
# an open join request, answered this month, may see the monthly figures (a co-owner? when not one).
ANONYMOUS_MAX = 4
LOGGED_IN_MAX = 9


def _busy_place(make_place, make_user, initiatives_count: int):
    """A place with `initiatives_count` initiatives held there, two weekly activities each, and an
    open barrier report."""
    from webapp.stewardship.models import Report

    place = make_place(*offset(*DAM, 30), name="Buurthuis Druk", opening_hours="Mo-Fr 09:00-17:00",
                       wheelchair="yes", step_free_entrance="yes")
    owner = make_user()
    for i in range(initiatives_count):
        initiative = initiatives.create_initiative(owner, {
            "title": f"Initiatief {i}", "summary": "Samen iets doen.", "themes": ["ontmoeting"], "cost": "free",
            "status": "active"}, [place.id])
        for day in (date(2026, 3, 16), date(2026, 3, 18)):
            initiatives.add_activity(initiative, owner, {
                "title": "Bijeenkomst", "starts_on": day, "start_time": time(10, 0), "end_time": time(12, 0),
                "frequency": "weekly", "place_id": place.id})
    db.session.add(Report(subject_type="place", subject_id=place.id, category="access_barrier",
                          attribute="step_free_entrance", status="open", text="De oprit is weg."))
    db.session.flush()
    return place


def _statements(client, count_queries, place) -> list[str]:
    client.get(f"/plekken/{place.id}")       # once before: what a process does once (e.g. the holidays) aside
    with count_queries() as counter:
        response = client.get(f"/plekken/{place.id}")
    assert response.status_code == 200
    return counter.statements


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_place_page_sends_few_statements_whatever_the_place_holds(client, make_place, make_user, login,
                                                                       count_queries, logged_in):
    if logged_in:
        login(client, make_user())
    one = _busy_place(make_place, make_user, 1)
    three = _busy_place(make_place, make_user, 3)
    with_one = _statements(client, count_queries, one)
    with_three = _statements(client, count_queries, three)
    page = client.get(f"/plekken/{three.id}").get_data(as_text=True)
    assert all(f"Initiatief {i}" in page for i in range(3))
    assert "gemeld: mogelijk niet juist" in page                   # the flag came with the place
    assert len(with_three) == len(with_one), "a statement per initiative, activity or report"
    assert len(with_three) <= (LOGGED_IN_MAX if logged_in else ANONYMOUS_MAX), "\n".join(with_three)


def test_the_place_and_its_flags_are_one_statement(client, make_place, make_user, count_queries):
    place = _busy_place(make_place, make_user, 1)
    statements = _statements(client, count_queries, place)
    reading_places = [s for s in statements if "FROM places" in s]
    assert len(reading_places) == 1 and "reports" in reading_places[0]
    assert not [s for s in statements if s.lstrip().startswith("SELECT reports.subject_id")]

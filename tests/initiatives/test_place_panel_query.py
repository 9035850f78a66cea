"""The initiatives panel on the place page: one statement, only the columns it shows, and the same
initiatives and dates as `recurrence.next_instances` over the initiatives' own activities there."""
from __future__ import annotations

from datetime import UTC, date, datetime

from webapp.extensions import db
from webapp.initiatives import services
from webapp.initiatives.recurrence import next_instances

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _expected(place, now):
    """The rule written out on the ORM objects: visible, not ended, held here; dates of the activities at
    the place or at the initiative's own location."""
    from webapp.initiatives.models import Initiative

    found = []
    for initiative in db.session.scalars(db.select(Initiative).order_by(Initiative.title, Initiative.id)):
        here = [a for a in initiative.activities if a.place_id in (place.id, None)]
        linked = place.id in [p.id for p in initiative.places] or any(a.place_id == place.id for a in here)
        if initiative.hidden or initiative.status == "ended" or not linked:
            continue
        found.append((initiative.id, initiative.title,
                      [(i.activity.id, i.start, i.end, i.local_date, i.cancelled)
                       for i in next_instances(here, now, limit=3)]))
    return found


def test_the_panel_shows_what_the_rule_gives(make_place, make_user, make_initiative, add_activity, count_queries):
    owner = make_user()
    here, elsewhere = make_place(), make_place(name="Buurthuis West")
    linked = make_initiative(owner, title="Breiclub", place=here)
    weekly = add_activity(linked, owner, starts_on=date(2026, 3, 17))
    add_activity(linked, owner, starts_on=date(2026, 3, 21), frequency="once", title="Markt").place_id = elsewhere.id
    add_activity(linked, owner, starts_on=date(2026, 3, 19), frequency="biweekly", title="Eigen plek")
    services.cancel_date(weekly, owner, date(2026, 3, 24), "Ziek")
    visiting = make_initiative(owner, title="Aardappelclub", place=elsewhere)
    add_activity(visiting, owner, starts_on=date(2026, 4, 1), frequency="monthly").place_id = here.id
    make_initiative(owner, title="Zonder data", place=here)
    ended = make_initiative(owner, title="Gestopt", place=here)
    ended.status = "ended"
    hidden = make_initiative(owner, title="Verborgen", place=here)
    hidden.hidden = True
    make_initiative(owner, title="Ergens anders", place=elsewhere)
    db.session.commit()
    assert here.id                                                       # loaded again after the commit

    with count_queries() as counter:
        items = services.initiatives_at_place(here, now=NOW)
    got = [(initiative.id, initiative.title, [(i.activity.id, i.start, i.end, i.local_date, i.cancelled)
                                              for i in dates]) for initiative, dates in items]
    assert got == _expected(here, NOW)
    assert [title for _, title, _ in got] == ["Aardappelclub", "Breiclub", "Zonder data"]
    assert any(cancelled for *_, cancelled in got[1][2])                 # the cancelled date is there
    assert counter.count == 1, counter.statements
    assert "geometry" not in counter.statements[0].lower() and "places.location" not in counter.statements[0]


def test_a_place_without_initiatives_is_one_statement(make_place, count_queries):
    place = make_place()
    assert place.id
    with count_queries() as counter:
        assert services.initiatives_at_place(place, now=NOW) == []
    assert counter.count == 1

"""The co-beheer panel reads the co-owners and the public count of open reports in one statement, and
whether the user is a co-owner comes from those rows (no second read of the owners)."""
from __future__ import annotations

from datetime import UTC, datetime

from webapp.extensions import db
from webapp.stewardship import services
from webapp.stewardship.models import Report
from webapp.stewardship.services.queue import owners_and_open_reports


def _report(place, category="wrong_info", status="open"):
    db.session.add(Report(subject_type="place", subject_id=place.id, category=category, status=status,
                          text="Klopt niet."))


def test_owners_and_open_reports_in_one_statement(make_place, resident, other, make_user, count_queries):
    gone = make_user("Vertrokken Bewoner")
    place = make_place(owner=resident)
    services.add_owner(place, other)
    services.add_owner(place, gone)
    gone.deleted_at = datetime.now(UTC)
    _report(place)
    _report(place, category="access_barrier")
    _report(place, category="people_safety")             # not counted in public
    _report(place, status="closed")
    _report(make_place())                                # another place
    db.session.commit()
    assert place.id and resident.id and other.id

    with count_queries() as counter:
        rows, open_reports = owners_and_open_reports(place)
    assert counter.count == 1, counter.statements
    assert open_reports == services.open_report_count(place) == 2
    assert [row.user_id for row in rows] == [row.user_id for row in services.owners_of(place)]
    panel = services.panel(resident, place)
    shown = [user.id for user in panel["owners"]]
    assert shown == [user.id for user in services.active_owners(place)] == [resident.id, other.id]
    assert panel["is_owner"] and panel["can_edit"] and panel["open_reports"] == 2


def test_a_place_without_owners_or_reports(make_place, resident, count_queries):
    place = make_place()
    assert place.id
    with count_queries() as counter:
        assert owners_and_open_reports(place) == ([], 0)
    assert counter.count == 1
    panel = services.panel(resident, place)
    assert not panel["is_owner"] and not panel["owners"] and panel["can_join"]
    assert not services.panel(None, place)["is_owner"]


def test_the_logged_in_place_page_reads_the_owners_of_the_panel_once(client, login, make_place, resident,
                                                                     count_queries):
    place = make_place(owner=resident)
    login(client, resident)
    client.get(f"/plekken/{place.id}")
    with count_queries() as counter:
        page = client.get(f"/plekken/{place.id}")
    assert page.status_code == 200 and "Beheren" in page.text
    owner_reads = [s for s in counter.statements if "FROM place_owners" in s]
    assert len(owner_reads) == 1, owner_reads

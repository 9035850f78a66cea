"""Initiatives as a stewardship subject: the registration, the revision signal, suggestions and reverts,
"Mijn initiatieven", and distances on the sphere."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.initiatives.conftest import AMSTERDAM
from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.initiatives import rules, services
from webapp.initiatives.models import Initiative
from webapp.stewardship import registry
from webapp.stewardship import services as stewardship
from webapp.stewardship.models import InitiativeOwner
from webapp.stewardship.owned import owned
from webapp.stewardship.signals import revision_recorded

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
SPHERE_RADIUS_M = 6_371_008.7714  # PostGIS's sphere: the mean radius of WGS84


def test_initiative_is_registered_with_stewardship(app, make_user, make_initiative):
    kind = registry.by_name("initiative")
    assert kind is not None and kind.model is Initiative and kind.owner_model is InitiativeOwner
    assert kind.owner_fk == "initiative_id"
    assert kind.editable_fields == rules.EDITABLE_FIELDS
    assert {"status", "hidden", "places", "location"} <= set(kind.not_revertible)
    initiative = make_initiative(make_user(), title="Breiclub De Steek")
    assert registry.of(initiative) is kind
    with app.test_request_context():
        assert kind.public_path(initiative) == f"/initiatieven/{initiative.id}"
    assert kind.title(initiative) == "Breiclub De Steek"
    assert kind.gemeente_code(initiative) == "GM0363"
    assert kind.is_public(initiative)
    initiative.hidden = True
    assert not kind.is_public(initiative) and not stewardship.is_public(initiative)


def test_the_signal_alone_keeps_it_current(make_user, make_initiative):
    owner, resident = make_user(), make_user()
    initiative = make_initiative(owner, now=START)
    services.remind_stale(START + timedelta(days=200))
    db.session.commit()
    assert initiative.stale_reminded_at is not None
    revision = stewardship.history(initiative)[0]   # "create": not a touch from stewardship
    revision_recorded.send("initiative", subject=initiative, revision=revision, actor=owner)
    assert initiative.stale_reminded_at is not None and initiative.owners_touched_at == START
    # A revision of a kind that counts, sent by stewardship, restarts the clock (no flush needed).
    revision = stewardship.record_revision(initiative, resident, {"summary": {"old": "a", "new": "b"}},
                                           kind="revert")
    assert initiative.stale_reminded_at is None
    assert initiative.owners_touched_at > START + timedelta(days=200)
    assert revision.kind == "revert"


def test_a_system_revision_does_not_count_as_an_update(make_user, make_initiative):
    initiative = make_initiative(make_user(), now=START)
    stewardship.record_revision(initiative, None, {"summary": {"old": "a", "new": "b"}}, kind="suggestion")
    db.session.commit()
    assert initiative.owners_touched_at == START


def test_a_suggestion_follows_the_initiatives_rules(make_user, make_initiative):
    initiative = make_initiative(make_user())
    resident = make_user("Buurvrouw")
    with pytest.raises(Invalid) as info:
        stewardship.suggest_edit(resident, initiative, {"title": "   "})
    assert info.value.errors == {"title": "Geef het initiatief een naam."}
    with pytest.raises(Invalid):
        stewardship.suggest_edit(resident, initiative, {"summary": "x" * 301})
    suggestion = stewardship.suggest_edit(resident, initiative, {"summary": "Breien, haken en koffie."})
    assert suggestion.values == {"summary": "Breien, haken en koffie."}


def test_a_revert_leaves_places_and_location_alone(make_user, make_place, make_initiative):
    owner = make_user()
    moderator = make_user("Moderator", role="moderator", gemeente="GM0363")
    first, second = make_place("Bibliotheek Oost"), make_place("Buurthuis Dapper", (4.9300, 52.3640))
    initiative = make_initiative(owner, place=first, summary="Eerst.")
    created = stewardship.history(initiative)[0]
    values = {"title": initiative.title, "summary": "Daarna.", "status": "active", "themes": ["ontmoeting"]}
    services.update_initiative(initiative, owner, values, initiative.version, place_ids=[second.id])
    db.session.commit()
    assert "places" in stewardship.history(initiative)[0].changes
    stewardship.revert_to(moderator, initiative, created, initiative.version)
    db.session.commit()
    db.session.expire_all()
    assert initiative.summary == "Eerst."
    assert [p.name for p in initiative.places] == ["Buurthuis Dapper"]


def test_mine_lists_what_the_user_co_owns(client, login, make_user, make_initiative):
    owner, co_owner, other = make_user("Eigenaar"), make_user("Mede"), make_user("Ander")
    knit = make_initiative(owner, title="Breiclub")
    make_initiative(other, title="Repaircafé")
    stewardship.add_owner(knit, co_owner, added_by=owner)
    db.session.commit()
    assert [i.title for i in services.initiatives_of_user(co_owner)[0]] == ["Breiclub"]
    assert services.initiatives_of_user(co_owner)[0] == owned(co_owner, "initiative")
    login(client, co_owner)
    html = client.get("/initiatieven/mijn").get_data(as_text=True)
    assert "Breiclub" in html and "Repaircafé" not in html


def _sphere_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * SPHERE_RADIUS_M * math.asin(math.sqrt(h))


def test_distances_are_metres_on_the_sphere(make_user, make_place, make_initiative, add_activity):
    """The same measure as the places search (webapp/geo.py); on the spheroid these ~3.3 km would be
    several metres longer."""
    owner = make_user()
    north = (4.9200, 52.3900)
    initiative = make_initiative(owner, place=make_place("Noord", north))
    add_activity(initiative, owner, starts_on=date(2026, 3, 17), start=time(19, 30), end=time(21, 0))
    expected = _sphere_m(AMSTERDAM, north)
    found = services.whats_on(START + timedelta(days=60), START + timedelta(days=70), *AMSTERDAM, 5000)
    assert found and abs(found[0].distance - expected) < 0.05
    [(listed, distance)] = services.search_initiatives(*AMSTERDAM, 5000)
    assert listed.id == initiative.id and abs(distance - expected) < 0.05
    # Just outside the radius on the sphere: not found.
    assert services.search_initiatives(*AMSTERDAM, math.floor(expected) - 1) == []

"""webapp/initiatives/queries.py: what the domains above initiatives may read about initiatives."""
import pytest
from geoalchemy2 import WKTElement

from webapp.extensions import db
from webapp.initiatives import queries
from webapp.initiatives.models import Initiative
from webapp.places.models import Place


def _initiative(title="Buurtsoep", gemeente="GM0363", point=None, hidden=False) -> Initiative:
    initiative = Initiative(title=title, gemeente_code=gemeente, hidden=hidden,
                            location=WKTElement(f"POINT({point[0]} {point[1]})", srid=4326) if point else None)
    db.session.add(initiative)
    db.session.flush()
    return initiative


def _place(name: str, point) -> Place:
    place = Place(name=name, category="community_centre", status="published", gemeente_code="GM0363",
                  location=f"SRID=4326;POINT({point[0]} {point[1]})")
    db.session.add(place)
    db.session.flush()
    return place


def test_point_is_the_initiatives_own_location():
    initiative = _initiative(point=(4.8952, 52.3702))
    db.session.commit()
    assert queries.initiative_point(initiative.id) == pytest.approx((4.8952, 52.3702))


def test_point_falls_back_to_the_first_place_by_id_and_is_none_without_either():
    initiative = _initiative()
    first, second = _place("Buurthuis", (4.90, 52.37)), _place("Bibliotheek", (5.12, 52.09))
    initiative.places = [second, first]
    db.session.flush()  # as text in this transaction (e.g. the demo data), then as read from the database
    assert queries.initiative_point(initiative.id) == pytest.approx((4.90, 52.37))
    db.session.commit()
    assert queries.initiative_point(initiative.id) == pytest.approx((4.90, 52.37))
    bare = _initiative(title="Nog nergens")
    db.session.commit()
    assert queries.initiative_point(bare.id) is None
    assert queries.initiative_point(2_000_000_000) is None


def test_initiatives_in_a_gemeente_by_title_without_hidden_ones_or_wildcards():
    _initiative("Zaterdagsoep")
    _initiative("Koffie 100% gratis")
    _initiative("Verborgen soep", hidden=True)
    _initiative("Soep in Utrecht", gemeente="GM0344")
    db.session.commit()
    assert [i.title for i in queries.initiatives_in("GM0363")] == ["Koffie 100% gratis", "Zaterdagsoep"]
    assert [i.title for i in queries.initiatives_in("GM0363", "SOEP")] == ["Zaterdagsoep"]
    assert [i.title for i in queries.initiatives_in("GM0363", "%")] == ["Koffie 100% gratis", "Zaterdagsoep"]
    assert len(queries.initiatives_in("GM0363", limit=1)) == 1
    assert [i.title for i in queries.visible_initiatives("GM0363")] == ["Zaterdagsoep", "Koffie 100% gratis"]

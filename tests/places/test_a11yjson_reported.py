"""A reported attribute ("gemeld: mogelijk niet juist") is in the A11yJSON record, which stays valid."""
from __future__ import annotations

from tests.places.test_a11yjson import assert_all_valid
from webapp.extensions import db
from webapp.stewardship import services


def test_a_reported_attribute_keeps_the_record_valid(client, make_place, make_user):
    place = make_place(step_free_entrance="yes", wheelchair="yes", toilets="yes", toilets_wheelchair="yes",
                       commit=True)
    resident = make_user("Melder")
    services.report(resident, place, "access_barrier", "De oprit is weg", "step_free_entrance")
    services.report(resident, place, "access_barrier", "Het toilet is te klein", "toilets_wheelchair")
    db.session.commit()
    record = client.get(f"/api/v1/places/{place.id}?format=a11yjson").get_json()
    tags = record["properties"]["tags"]
    assert tags["buurtplek:reported:entrance:step_free"] == "possibly_wrong"
    assert tags["buurtplek:reported:toilets:wheelchair"] == "possibly_wrong"
    assert_all_valid([record])
